"""What 3,000 hostile clients cost a central system in Home Assistant: memory and sockets.

A Home Assistant with the integration (``benchmarks/load.py serve ha``, one added charger) is
flooded from many loopback addresses (127.1.0.0/16) by ids nobody added, in three kinds of
1,000: clients that boot (each is offered for acceptance) and leave, clients that send 40
frames of 2 KB garbage and leave, and then clients that connect and say nothing and stay; while
they stay, a new charger connects and boots. The added charger sends a heartbeat before and
after. Prints the server's resident memory and open
file descriptors before the flood, after the clients that left, while the silent ones hold
what they got, and once they are gone, with how each kind of client was answered.

Run: ``.venv/bin/python benchmarks/hostile.py [--clients 3000]``.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from contextlib import AsyncExitStack
import json
from pathlib import Path
import subprocess
import sys
import time
from typing import Any

import psutil
import websockets
from websockets.exceptions import InvalidStatus, WebSocketException

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import free_port  # noqa: E402
from custom_components.ocpp_csms.core.admission import SILENT_GRACE  # noqa: E402

GARBAGE = json.dumps([2, "x", "Heartbeat", {"pad": "y" * 2000}])
BOOT = json.dumps(
    [2, "b", "BootNotification", {"chargePointVendor": "Evil", "chargePointModel": "X"}]
)


def address(index: int) -> str:
    """A loopback address of its own for every 10 clients."""
    spot = index // 10
    return f"127.1.{spot // 250}.{spot % 250 + 1}"


async def open_client(port: int, index: int, kind: str) -> Any:
    """A connection of a client nobody added."""
    return await websockets.connect(
        f"ws://127.0.0.1:{port}/{kind}-{index}",
        subprotocols=[websockets.Subprotocol("ocpp1.6")],
        local_addr=(address(index), 0),
        open_timeout=30,
    )


async def flood(port: int, clients: int, server: psutil.Process) -> dict[str, Any]:
    """Run the three kinds of client; return the answers and the server's figures."""
    answers: Counter[str] = Counter()
    figures: dict[str, Any] = {}
    third = clients // 3

    async def attempt(index: int, kind: str, stack: AsyncExitStack | None) -> None:
        try:
            ws = await open_client(port, index, kind)
        except InvalidStatus as err:
            answers[f"{kind}: HTTP {err.response.status_code}"] += 1
            return
        except (OSError, WebSocketException, TimeoutError) as err:
            answers[f"{kind}: {type(err).__name__}"] += 1
            return
        answers[f"{kind}: connected"] += 1
        try:
            if kind == "silent" and stack is not None:
                stack.push_async_callback(ws.close)
                return
            frames = [BOOT] if kind == "booting" else [GARBAGE] * 40
            for frame in frames:
                await ws.send(frame)
                await ws.recv()
        except WebSocketException:
            answers[f"{kind}: closed by the server"] += 1
        finally:
            if kind != "silent":
                await ws.close()

    for start in range(third, 3 * third, 50):  # booting and garbage clients, 50 at a time
        await asyncio.gather(
            *(
                attempt(i, "booting" if i < 2 * third else "garbage", None)
                for i in range(start, min(start + 50, 3 * third))
            )
        )
    figures["churned"] = snapshot(server)
    async with AsyncExitStack() as silent:
        await asyncio.gather(*(attempt(i, "silent", silent) for i in range(third)))
        figures["holding"] = snapshot(server)
        await asyncio.sleep(SILENT_GRACE + 1)
        figures["newcomer"] = await newcomer(port)
    await asyncio.sleep(2)
    figures["after"] = snapshot(server)
    figures["answers"] = dict(sorted(answers.items()))
    return figures


async def newcomer(port: int) -> str:
    """How a new charger nobody added fares while silent clients hold every place."""
    started = time.monotonic()
    try:
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/NEWCOMER",
            subprotocols=[websockets.Subprotocol("ocpp1.6")],
            local_addr=("127.2.0.1", 0),
        ) as ws:
            await ws.send(BOOT)
            status = json.loads(await ws.recv())[2]["status"]
    except InvalidStatus as err:
        return f"refused (HTTP {err.response.status_code})"
    return f"{status} after {time.monotonic() - started:.2f} s"


def snapshot(server: psutil.Process) -> dict[str, float]:
    """The server's resident memory and open file descriptors."""
    return {"rss_mb": server.memory_info().rss / 2**20, "fds": server.num_fds()}


async def heartbeat(port: int) -> str:
    """The added charger's heartbeat: the type of the answer (3: a CALLRESULT)."""
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/BENCH-0", subprotocols=[websockets.Subprotocol("ocpp1.6")]
    ) as ws:
        await ws.send(json.dumps([2, "h", "Heartbeat", {}]))
        return str(json.loads(await ws.recv())[0])


async def main() -> None:
    """Start the server, measure, flood, measure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=3000)
    args = parser.parse_args()
    port = free_port()
    child = subprocess.Popen(  # noqa: S603, ASYNC220 - the load benchmark's server, once
        [sys.executable, str(ROOT / "benchmarks" / "load.py"), "serve", "ha", str(port), "1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    assert child.stdout is not None  # noqa: S101
    assert child.stdin is not None  # noqa: S101
    try:
        while not (line := child.stdout.readline()).startswith("{"):
            if not line:
                sys.exit("the server did not start")
        server = psutil.Process(child.pid)
        assert await heartbeat(port) == "3", "the added charger is not served"  # noqa: S101
        before = snapshot(server)
        figures = await flood(port, args.clients, server)
        served = await heartbeat(port) == "3"
    finally:
        child.stdin.close()
        child.wait(timeout=120)
    print(f"{args.clients} hostile clients from {args.clients // 10} addresses")
    for phase, numbers in (
        ("before", before),
        ("churned", figures["churned"]),
        ("holding", figures["holding"]),
        ("after", figures["after"]),
    ):
        print(f"  {phase:<8} resident memory {numbers['rss_mb']:7.1f} MB, {numbers['fds']:5d} fds")
    for answer, count in figures["answers"].items():
        print(f"  {answer}: {count}")
    print(f"  a new charger while the silent clients hold every place: {figures['newcomer']}")
    print(f"  the added charger is served afterwards: {served}")


if __name__ == "__main__":
    asyncio.run(main())
