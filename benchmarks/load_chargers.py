"""The load benchmark's chargers: many simulated 1.6 chargers sending MeterValues."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import json
import random
import statistics
import sys
import time
from typing import Any

from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
import websockets

NOW = "2025-01-01T12:00:00.000Z"
CONNECTING_AT_ONCE = 50
SETTLE_SECONDS = 15


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
