"""Arbitrary frames get the answer OCPP-J requires, and disturb nobody.

Hypothesis runs in a worker thread and hands each frame to the event loop, where a real
central system serves a raw WebSocket (the fuzzer) and a well-behaved charger side by side.
``FUZZ_EXAMPLES`` sets how many frames to try (``scripts/fuzz`` runs a long campaign).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
import json
import os
import statistics
import time
from typing import Any

from homeassistant.core import HomeAssistant
from hypothesis import HealthCheck, given, settings
from ocpp.v16 import call
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import websockets

from custom_components.ocpp_csms.core.protocol.incoming import MAX_CONNECTOR_ID

from .charge_point import ClientChargePoint, connect, connect_raw
from .fuzz_frames import BOOTS, ERROR_CODES, FRAMES, expected_answer_id

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
# Per frame: long enough for a loaded CI machine; it proves an answer, not a speed.
ANSWERED_WITHIN = 20
GOOD_HEARTBEAT_EVERY = 10


@dataclass
class Tally:
    """What the campaign tried and saw."""

    frames: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    heartbeat_ms: list[float] = field(default_factory=list)

    def report(self) -> str:
        """One line per figure."""
        latencies = sorted(self.heartbeat_ms)
        p99 = latencies[int(0.99 * (len(latencies) - 1))] if latencies else 0.0
        median = statistics.median(latencies) if latencies else 0.0
        return (
            f"fuzz: {self.frames} frames tried; "
            + ", ".join(f"{name} {count}" for name, count in sorted(self.outcomes.items()))
            + f"\nfuzz: another charger's heartbeats during the run: {len(latencies)}, "
            f"p50 {median:.1f} ms, p99 {p99:.1f} ms"
        )


class Fuzzer:
    """Sends one frame, then a probe heartbeat, and checks what came back in between."""

    def __init__(
        self, ws: websockets.ClientConnection, good: ClientChargePoint, tally: Tally
    ) -> None:
        self.ws = ws
        self.good = good
        self.tally = tally
        self.probes = 0

    async def check(self, frame: str | bytes) -> None:
        self.probes += 1
        probe_id = f"probe-{self.probes}-c0ffee"
        await self.ws.send(frame)
        await self.ws.send(json.dumps([2, probe_id, "Heartbeat", {}]))
        answers: list[Any] = []
        async with asyncio.timeout(ANSWERED_WITHIN):
            while True:
                received = json.loads(await self.ws.recv())
                if received[0] == 2:  # the central system's own CALL
                    continue
                if received[1] == probe_id:
                    assert received[0] == 3, received
                    break
                answers.append(received)
        self._judge(frame, answers)
        if self.probes % GOOD_HEARTBEAT_EVERY == 0:
            started = time.perf_counter()
            async with asyncio.timeout(ANSWERED_WITHIN):
                await self.good.call(call.Heartbeat())
            self.tally.heartbeat_ms.append((time.perf_counter() - started) * 1000)

    def _judge(self, frame: str | bytes, answers: list[Any]) -> None:
        self.tally.frames += 1
        expected_id = expected_answer_id(frame)
        if expected_id is None:
            assert answers == [], (frame, answers)
            self.tally.outcomes["ignored"] += 1
            return
        assert len(answers) == 1, (frame, answers)
        (answer,) = answers
        assert answer[1] == expected_id, (frame, answer)
        if answer[0] == 3:
            assert isinstance(answer[2], dict)
            self.tally.outcomes["CALLRESULT"] += 1
            return
        assert answer[0] == 4, answer
        code, description, details = answer[2:]
        assert code in ERROR_CODES, answer
        assert code != "InternalError", (frame, answer)  # a handler failed on this input
        assert isinstance(description, str)
        assert isinstance(details, dict)
        self.tally.outcomes[code] += 1


@pytest.mark.timeout(0 if "FUZZ_EXAMPLES" in os.environ else 300)
@pytest.mark.parametrize("chargers", [["CP1", "GOOD"]])
@pytest.mark.parametrize("version", list(FRAMES))
async def test_arbitrary_frames(
    hass: HomeAssistant, central: MockConfigEntry, port: int, version: str
) -> None:
    """Every frame is answered or ignored as OCPP-J says; the server and others carry on."""
    loop = asyncio.get_running_loop()
    tally = Tally()
    async with (
        connect(port, "GOOD") as good,
        connect_raw(port, "CP1", subprotocol=version, max_size=None) as ws,
    ):
        assert await good.boot() == "Accepted"
        fuzzer = Fuzzer(ws, good, tally)
        await fuzzer.check(json.dumps([2, "boot", "BootNotification", BOOTS[version]]))

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize="FUZZ_EXAMPLES" not in os.environ,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(frame=FRAMES[version])
        def property_holds(frame: str | bytes) -> None:
            asyncio.run_coroutine_threadsafe(fuzzer.check(frame), loop).result()

        await hass.async_add_executor_job(property_holds)
        # The good charger never knew: its own session still works end to end.
        assert (await good.call(call.Heartbeat())).current_time.endswith("Z")
    charger = central.runtime_data.known_station("CP1").charger
    assert charger is not None
    assert max(charger.connectors, default=0) <= MAX_CONNECTOR_ID
    print(f"\n{version} " + tally.report())  # noqa: T201 - scripts/fuzz shows the figures
    assert tally.frames >= EXAMPLES
