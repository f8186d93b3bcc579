"""The load benchmark's servers: Home Assistant with the integration, or a bare ocpp server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
import contextlib
import functools
import gc
import json
import logging
from pathlib import Path
import sys
import threading
import time
import traceback
from types import MappingProxyType
from typing import Any

from ocpp.routing import on
from ocpp.v16 import ChargePoint, call_result
from ocpp.v16.enums import Action
import psutil
import websockets

from benchmarks.load_chargers import NOW

ROOT = Path(__file__).resolve().parent.parent
LOOP_TICK = 0.01
STALL_REPORT_MS = 200
STALL_SAMPLES = 20
OLDEST_GENERATION = 2

_LOGGER = logging.getLogger("load")

# A server's counters: state writes so far, events the recorder has yet to write.
type Counters = Callable[[], dict[str, int]]


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
