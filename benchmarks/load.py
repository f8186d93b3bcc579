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
  With ``--verbose``, what the loop was doing during each stall over ``STALL_REPORT_MS`` is
  logged;
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
from collections.abc import AsyncIterator, Callable
import contextlib
from dataclasses import dataclass
import functools
import gc
import json
import logging
import os
from pathlib import Path
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from types import MappingProxyType
from typing import Any

from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
import psutil
import websockets

ROOT = Path(__file__).resolve().parent.parent
# ha-noent: Home Assistant with the integration whose entities are created disabled, so its
# memory per charger is what the integration itself keeps (model, connection, journal).
SERVERS = ("ha", "bare", "ha-noent")
NOW = "2025-01-01T12:00:00.000Z"
CONNECTING_AT_ONCE = 50
SETTLE_SECONDS = 15
RECORDER_CATCH_UP_LIMIT = 600
LOOP_TICK = 0.01
STALL_REPORT_MS = 200
STALL_SAMPLES = 20
OLDEST_GENERATION = 2

_LOGGER = logging.getLogger("load")

# A server's counters: state writes so far, events the recorder has yet to write.
type Counters = Callable[[], dict[str, int]]


def free_port() -> int:
    """A TCP port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The chargers


class SimulatedCharger(ChargePoint):
    """A 1.6 charger that answers what a central system asks after boot."""

    @on(Action.get_configuration)
    def on_get_configuration(self, **_: Any) -> call_result.GetConfiguration:
        """A typical AC wallbox's configuration."""
        keys = {
            "SupportedFeatureProfiles": "Core,SmartCharging,RemoteTrigger",
            "NumberOfConnectors": "1",
            "MeterValueSampleInterval": "10",
        }
        return call_result.GetConfiguration(
            configuration_key=[{"key": k, "readonly": True, "value": v} for k, v in keys.items()]
        )


@dataclass
class Meter:
    """A charger's meter: the register rises, the rest mostly stays."""

    register_wh: float = 10_000.0
    soc: float = 40.0

    def payload(self) -> list[dict[str, Any]]:
        """One MeterValue with ten sampled values."""
        self.register_wh += 30.7  # 11 kW for 10 s
        self.soc = min(100.0, self.soc + 0.05)
        sampled = [
            ("Energy.Active.Import.Register", f"{self.register_wh:.0f}", "Wh", None),
            ("Power.Active.Import", "11040", "W", None),
            ("Current.Offered", "16", "A", None),
            *(("Current.Import", "16.0", "A", phase) for phase in ("L1", "L2", "L3")),
            *(("Voltage", "230.0", "V", f"{phase}-N") for phase in ("L1", "L2", "L3")),
            ("SoC", f"{self.soc:.0f}", "Percent", None),
        ]
        values = []
        for measurand, value, unit, phase in sampled:
            item = {"measurand": measurand, "value": value, "unit": unit}
            if phase:
                item["phase"] = phase
            values.append(item)
        return [{"timestamp": NOW, "sampledValue": values}]


async def drive(port: int, count: int, seconds: float, interval: float) -> None:
    """Connect ``count`` chargers and run the phases, reporting each on stdout.

    Before each measured phase a ``start`` line is printed and a line on stdin awaited, so the
    orchestrator can read the server's counters at the phase's edges.
    """
    loop = asyncio.get_running_loop()

    async def phase_edge(name: str, **figures: Any) -> None:
        print(json.dumps({"phase": name, **figures}), flush=True)
        await loop.run_in_executor(None, sys.stdin.readline)

    chargers: list[tuple[SimulatedCharger, Meter]] = []
    tasks: list[asyncio.Task[None]] = []
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)

    async def connect(index: int) -> None:
        async with gate:
            ws = await websockets.connect(
                f"ws://127.0.0.1:{port}/BENCH-{index}",
                subprotocols=[websockets.Subprotocol("ocpp1.6")],
                open_timeout=120,
                ping_interval=None,
            )
            charger = SimulatedCharger(f"BENCH-{index}", ws, response_timeout=120)
            tasks.append(asyncio.create_task(charger.start()))
            await charger.call(
                call.BootNotification(charge_point_vendor="Bench", charge_point_model="Load")
            )
            for connector_id in (0, 1):
                await charger.call(
                    call.StatusNotification(
                        connector_id=connector_id,
                        error_code="NoError",
                        status="Available",
                        timestamp=NOW,
                    )
                )
            meter = Meter()
            # A first reading, as chargers send after booting: sensors exist before measuring.
            await charger.call(call.MeterValues(connector_id=1, meter_value=meter.payload()))
            chargers.append((charger, meter))

    await phase_edge("connect")
    started = time.perf_counter()
    await asyncio.gather(*(connect(i) for i in range(count)))
    await phase_edge("connected", seconds=time.perf_counter() - started)
    # Let the server finish what connecting started: Home Assistant saves its entity and
    # device registries 10 s after they change, a one-off cost outside the steady state.
    await asyncio.sleep(SETTLE_SECONDS)

    latencies: list[float] = []

    async def send(charger: SimulatedCharger, meter: Meter) -> None:
        sent = time.perf_counter()
        await charger.call(call.MeterValues(connector_id=1, meter_value=meter.payload()))
        latencies.append(time.perf_counter() - sent)

    async def steady(charger: SimulatedCharger, meter: Meter, until: float) -> None:
        await asyncio.sleep(random.uniform(0, interval))
        while loop.time() < until:
            next_at = loop.time() + interval
            await send(charger, meter)
            await asyncio.sleep(max(0.0, next_at - loop.time()))

    await phase_edge("moderate")
    until = loop.time() + seconds
    await asyncio.gather(*(steady(c, m, until) for c, m in chargers))
    ordered = sorted(latencies)
    await phase_edge(
        "moderated",
        messages=len(ordered),
        p50_ms=statistics.median(ordered) * 1000,
        p99_ms=ordered[int(0.99 * (len(ordered) - 1))] * 1000,
    )

    latencies.clear()

    async def flat_out(charger: SimulatedCharger, meter: Meter, until: float) -> None:
        while loop.time() < until:
            await send(charger, meter)

    await phase_edge("saturation")
    started = time.perf_counter()
    until = loop.time() + seconds
    await asyncio.gather(*(flat_out(c, m, until) for c, m in chargers))
    elapsed = time.perf_counter() - started
    await phase_edge("saturated", messages=len(latencies), seconds=elapsed)
    for task in tasks:
        task.cancel()


# The servers


class BareCentralSystem(ChargePoint):
    """The ocpp library's minimal central system: answers, nothing else."""

    @on(Action.boot_notification)
    def on_boot(self, **_: Any) -> call_result.BootNotification:
        """Accept."""
        return call_result.BootNotification(current_time=NOW, interval=300, status="Accepted")

    @on(Action.status_notification)
    def on_status(self, **_: Any) -> call_result.StatusNotification:
        """Acknowledge."""
        return call_result.StatusNotification()

    @on(Action.meter_values)
    def on_meter_values(self, **_: Any) -> call_result.MeterValues:
        """Acknowledge."""
        return call_result.MeterValues()

    @on(Action.heartbeat)
    def on_heartbeat(self) -> call_result.Heartbeat:
        """Answer with the time."""
        return call_result.Heartbeat(current_time=NOW)


@contextlib.asynccontextmanager
async def bare_server(port: int, _count: int, _config_dir: str) -> AsyncIterator[Counters]:
    """The bare central system on ``port``."""

    async def handle(ws: websockets.ServerConnection) -> None:
        cp_id = (ws.request.path if ws.request else "/?").rsplit("/", 1)[-1]
        with contextlib.suppress(websockets.ConnectionClosed):
            await BareCentralSystem(cp_id, ws).start()

    async with websockets.serve(
        handle, "127.0.0.1", port, subprotocols=[websockets.Subprotocol("ocpp1.6")]
    ):
        yield lambda: {"state_writes": 0, "backlog": 0}


@contextlib.asynccontextmanager
async def ha_server(
    port: int, count: int, config_dir: str, *, entities: bool = True
) -> AsyncIterator[Counters]:
    """Home Assistant with the integration on ``port`` and ``count`` accepted chargers."""
    from homeassistant import bootstrap, runner
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.const import EVENT_STATE_CHANGED
    from homeassistant.helpers.recorder import get_instance

    config = Path(config_dir)
    (config / "custom_components").mkdir()
    (config / "custom_components" / "ocpp_csms").symlink_to(
        ROOT / "custom_components" / "ocpp_csms"
    )
    (config / "configuration.yaml").write_text("recorder:\nlogger:\n  default: warning\n")
    hass = await bootstrap.async_setup_hass(
        runner.RuntimeConfig(config_dir=config_dir, skip_pip=True)
    )
    if hass is None:
        raise RuntimeError("Home Assistant did not start; see its log")
    await hass.async_start()
    counters = {"state_writes": 0}

    def count_write(_event: Any) -> None:
        counters["state_writes"] += 1

    hass.bus.async_listen(EVENT_STATE_CHANGED, count_write)
    entry = ConfigEntry(
        data={"host": "127.0.0.1", "port": port},
        discovery_keys=MappingProxyType({}),
        domain="ocpp_csms",
        minor_version=1,
        options={},
        pref_disable_new_entities=not entities,
        source="user",
        subentries_data=[
            {
                "data": {"cp_id": f"BENCH-{i}"},
                "subentry_type": "charger",
                "title": f"BENCH-{i}",
                "unique_id": f"BENCH-{i}",
            }
            for i in range(count)
        ],
        title="Load",
        unique_id=None,
        version=1,
    )
    await hass.config_entries.async_add(entry)
    await hass.async_block_till_done()
    try:
        recorder = get_instance(hass)
    except KeyError:  # the recorder did not start: no backlog to wait for
        _LOGGER.warning("The recorder is not running; state writes are counted, not stored")
        recorder = None

    def backlog() -> int:
        return 0 if recorder is None else recorder.backlog

    try:
        yield lambda: {**counters, "backlog": backlog()}
    finally:
        await hass.async_stop()


class StallWatch:
    """How long the event loop went without running, and how long full collections took.

    A task on the loop stamps the time every ``LOOP_TICK``; a thread looks at the stamp and,
    once the loop is late by ``STALL_REPORT_MS``, samples what the loop's thread is running.
    A garbage collector callback times collections of the oldest generation: they hold the
    interpreter lock for as long as they walk every tracked object, whichever thread runs them.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start watching ``loop`` (called from its thread)."""
        self.loop_thread = threading.get_ident()
        self.last_tick = time.monotonic()
        self.longest = {"stall_ms": 0.0, "full_gc_ms": 0.0}
        self.samples: list[str] = []
        self.collecting_since = 0.0
        self.ticker = loop.create_task(self._tick())
        gc.callbacks.append(self._collection)
        threading.Thread(target=self._watch, daemon=True, name="stall-watch").start()

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(LOOP_TICK)
            now = time.monotonic()
            late_ms = (now - self.last_tick - LOOP_TICK) * 1000
            self._longest("stall_ms", late_ms)
            if late_ms > STALL_REPORT_MS and self.samples:
                _LOGGER.warning(
                    "event loop stalled for %.0f ms; its stack during the stall:\n%s",
                    late_ms,
                    "\n".join(dict.fromkeys(self.samples)),
                )
            self.samples.clear()
            self.last_tick = now

    def _watch(self) -> None:
        while True:
            time.sleep(STALL_REPORT_MS / 4000)
            if (time.monotonic() - self.last_tick) * 1000 < STALL_REPORT_MS:
                continue
            frame = sys._current_frames().get(self.loop_thread)  # noqa: SLF001
            if frame is not None and len(self.samples) < STALL_SAMPLES:
                self.samples.append("".join(traceback.format_stack(frame)[-12:]))

    def _collection(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != OLDEST_GENERATION:
            return
        if phase == "start":
            self.collecting_since = time.monotonic()
            return
        took_ms = (time.monotonic() - self.collecting_since) * 1000
        self._longest("full_gc_ms", took_ms)
        if took_ms > STALL_REPORT_MS:
            _LOGGER.warning(
                "full garbage collection took %.0f ms in thread %s",
                took_ms,
                threading.current_thread().name,
            )

    def _longest(self, figure: str, ms: float) -> None:
        self.longest[figure] = max(self.longest[figure], ms)

    def take(self) -> dict[str, float]:
        """The longest stall and full collection since the last call, in ms.

        The next figures start from now, so the caller's own work (counting objects) is not
        taken for a stall of the phase that follows.
        """
        taken, self.longest = self.longest, dict.fromkeys(self.longest, 0.0)
        self.last_tick = time.monotonic()
        self.samples.clear()
        return taken


async def serve(kind: str, port: int, count: int, config_dir: str) -> None:
    """Run a server; answer ``stats`` lines on stdin with its counters until stdin closes."""
    process = psutil.Process()
    watch = StallWatch(asyncio.get_running_loop())
    factories = {
        "ha": ha_server,
        "bare": bare_server,
        "ha-noent": functools.partial(ha_server, entities=False),
    }
    factory = factories[kind]
    loop = asyncio.get_running_loop()
    async with factory(port, count, config_dir) as read_counters:
        print(json.dumps({"ready": True}), flush=True)
        while request := await loop.run_in_executor(None, sys.stdin.readline):
            if request.strip() == "backlog":  # polled while the recorder catches up: cheap
                print(json.dumps(read_counters()), flush=True)
                continue
            times = process.cpu_times()
            stats = {
                "cpu_s": times.user + times.system,
                "rss": process.memory_info().rss,
                "tracked_objects": len(gc.get_objects()),
                **watch.take(),
                **read_counters(),
            }
            print(json.dumps(stats), flush=True)


# The orchestrator


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
