"""Load benchmark: the integration inside a real Home Assistant, against the bare ocpp library.

For each number of chargers, two servers are measured with the same load:

* ``ha``: Home Assistant started from a fresh config directory (recorder on, SQLite), with the
  integration and one accepted charger per simulated charger, as users run it;
* ``bare``: the ``ocpp`` library's minimal central system: a ChargePoint answering the same
  messages, with no Home Assistant.

Each server runs in its own process; the chargers run in another one (the ``ocpp`` library's
client ChargePoint, OCPP 1.6). For each server and charger count it prints:

* connect: seconds until every charger has connected, booted, reported its status and sent
  its first meter values (which creates its sensors);
* saturation: MeterValues answered per second while every charger sends them back to back;
* latency: CALL→CALLRESULT p50/p99 while every charger sends one MeterValues per
  ``--interval`` seconds (the moderate load of a real site). It is measured in the steady
  state: at least 15 s after the last charger connected, and once the recorder has written
  what connecting produced (``catch-up``: how long that took);
* CPU: server CPU seconds (all its threads) per 1000 MeterValues at saturation;
* memory: the server's resident memory growth per connected charger (``--servers ha-noent``
  measures Home Assistant with the integration's entities created disabled: what the
  integration itself keeps per charger);
* writes: Home Assistant state writes per MeterValues at the moderate load;
* stall: the longest time the server's event loop did not run during the moderate load, and
  full GC: the longest full garbage collection in that time (it holds the interpreter lock
  while it walks every tracked object of the process, so it stalls the loop from any thread).
  With ``--verbose``, what the loop was doing during each stall over ``STALL_REPORT_MS``
  (``load_servers.py``) is logged;
* objects: objects the garbage collector tracks per connected charger.

Every MeterValues carries a realistic payload: the energy register (rising), power, current
offered, 3-phase current and voltage, and SoC. Only the register and, now and then, the SoC
change from one message to the next, so a central system that writes only what changed
writes about one state per message.

Run: ``.venv/bin/python benchmarks/load.py [--chargers 10 100 500 1000] [--seconds 20]``.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
import functools
import json
import logging
import os
from pathlib import Path
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load_chargers import drive  # noqa: E402
from benchmarks.load_servers import serve  # noqa: E402

# ha-noent: Home Assistant with the integration whose entities are created disabled, so its
# memory per charger is what the integration itself keeps (model, connection, journal).
SERVERS = ("ha", "bare", "ha-noent")
RECORDER_CATCH_UP_LIMIT = 600

_LOGGER = logging.getLogger("load")


def free_port() -> int:
    """A TCP port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Child:
    """A subprocess of this script that talks in JSON lines."""

    def __init__(self, *args: str, verbose: bool) -> None:
        """Start it; its log goes to stderr only when ``verbose``."""
        self.process = subprocess.Popen(  # noqa: S603 - this very script
            [sys.executable, __file__, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if verbose else subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )
        if self.process.stdin is None or self.process.stdout is None:
            raise RuntimeError("no pipes to the child process")
        self.stdin, self.stdout = self.process.stdin, self.process.stdout

    def read(self) -> dict[str, Any]:
        """The next JSON line it prints."""
        while line := self.stdout.readline():
            if line.startswith("{"):
                return dict(json.loads(line))
        raise RuntimeError(f"{self.process.args} stopped")

    def write(self, line: str) -> None:
        """Send a line."""
        self.stdin.write(line + "\n")
        self.stdin.flush()

    def close(self) -> None:
        """Close its stdin and wait for it."""
        self.stdin.close()
        self.process.wait(timeout=120)


def catch_up(counters: Callable[[], dict[str, Any]]) -> float:
    """Wait until the recorder has written what connecting produced; return how long it took."""
    started = time.perf_counter()
    while counters()["backlog"] and time.perf_counter() - started < RECORDER_CATCH_UP_LIMIT:
        time.sleep(1)
    return time.perf_counter() - started


def measure(
    kind: str, count: int, seconds: float, interval: float, *, verbose: bool
) -> dict[str, float]:
    """One server with ``count`` chargers: the figures of each phase."""
    port = free_port()
    server = Child("serve", kind, str(port), str(count), verbose=verbose)
    server.read()  # ready
    driver = Child("drive", str(port), str(count), str(seconds), str(interval), verbose=verbose)

    def ask(request: str) -> dict[str, Any]:
        server.write(request)
        return server.read()

    stats = functools.partial(ask, "stats")

    figures: dict[str, float] = {}
    edges: dict[str, dict[str, Any]] = {}
    try:
        for _ in range(6):
            report = driver.read()
            if report["phase"] == "moderate":
                figures["recorder_catch_up_s"] = catch_up(functools.partial(ask, "backlog"))
            edges[report["phase"]] = stats() | report
            if verbose:
                _LOGGER.warning("%s: %s", report["phase"], edges[report["phase"]])
            driver.write("go")
        driver.close()
    finally:
        server.close()
    figures["connect_s"] = edges["connected"]["seconds"]
    figures["rss_kb_per_charger"] = (
        (edges["connected"]["rss"] - edges["connect"]["rss"]) / count / 1024
    )
    figures["objects_per_charger"] = (
        edges["moderate"]["tracked_objects"] - edges["connect"]["tracked_objects"]
    ) / count
    moderate = edges["moderated"]
    figures["p50_ms"], figures["p99_ms"] = moderate["p50_ms"], moderate["p99_ms"]
    figures["stall_ms"], figures["full_gc_ms"] = moderate["stall_ms"], moderate["full_gc_ms"]
    writes = moderate["state_writes"] - edges["moderate"]["state_writes"]
    figures["writes_per_msg"] = writes / max(1, moderate["messages"])
    saturated = edges["saturated"]
    figures["msgs_per_s"] = saturated["messages"] / saturated["seconds"]
    cpu = saturated["cpu_s"] - edges["saturation"]["cpu_s"]
    figures["cpu_ms_per_1000"] = cpu / max(1, saturated["messages"]) * 1000 * 1000
    return figures


def main() -> None:
    """Command line entry point."""
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        config_dir = tempfile.mkdtemp(prefix="ocpp-load-")
        try:
            asyncio.run(serve(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), config_dir))
        finally:
            # Home Assistant refuses blocking calls in its loop's thread, even once it stopped.
            cleanup = threading.Thread(target=shutil.rmtree, args=(config_dir,))
            cleanup.start()
            cleanup.join()
        return
    if len(sys.argv) > 1 and sys.argv[1] == "drive":
        port, count, seconds, interval = sys.argv[2:6]
        asyncio.run(drive(int(port), int(count), float(seconds), float(interval)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chargers", type=int, nargs="+", default=[10, 100, 500, 1000])
    parser.add_argument("--seconds", type=float, default=20, help="length of each load phase")
    parser.add_argument("--interval", type=float, default=10, help="seconds between MeterValues")
    parser.add_argument("--verbose", action="store_true", help="show the servers' logs")
    parser.add_argument(
        "--servers", nargs="+", choices=SERVERS, default=["ha", "bare"], help="what to measure"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(
        f"{os.cpu_count()} CPUs; {args.seconds:.0f} s per phase; moderate load: one "
        f"MeterValues per charger every {args.interval:.0f} s"
    )
    header = (
        f"{'chargers':>8} {'server':>8} {'connect s':>9} {'msg/s':>8} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'stall ms':>8} {'full GC ms':>10} {'CPU ms/1k':>9} {'KB/charger':>10} "
        f"{'objects':>7} {'writes/msg':>10} {'catch-up s':>10}"
    )
    print(header)
    for count in args.chargers:
        results = {
            kind: measure(kind, count, args.seconds, args.interval, verbose=args.verbose)
            for kind in args.servers
        }
        for kind, r in results.items():
            with_hass = kind != "bare"
            print(
                f"{count:>8} {kind:>8} {r['connect_s']:>9.1f} {r['msgs_per_s']:>8.0f} "
                f"{r['p50_ms']:>7.1f} {r['p99_ms']:>7.1f} {r['stall_ms']:>8.0f} "
                f"{r['full_gc_ms']:>10.0f} {r['cpu_ms_per_1000']:>9.0f} "
                f"{r['rss_kb_per_charger']:>10.0f} {r['objects_per_charger']:>7.0f} "
                f"{r['writes_per_msg'] if with_hass else float('nan'):>10.2f} "
                f"{r['recorder_catch_up_s'] if with_hass else float('nan'):>10.1f}",
                flush=True,
            )
        if "ha" not in results or "bare" not in results:
            continue
        ours, bare = results["ha"], results["bare"]
        print(
            f"{count:>8} {'ratio':>8} {ours['connect_s'] / bare['connect_s']:>9.1f} "
            f"{ours['msgs_per_s'] / bare['msgs_per_s']:>8.2f} "
            f"{ours['p50_ms'] / bare['p50_ms']:>7.1f} {ours['p99_ms'] / bare['p99_ms']:>7.1f} "
            f"{'':>8} {'':>10} {ours['cpu_ms_per_1000'] / bare['cpu_ms_per_1000']:>9.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
