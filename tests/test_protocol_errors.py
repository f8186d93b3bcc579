"""Bad frames get the right CALLERROR and the connection keeps working."""

from __future__ import annotations

import json
import threading
from typing import Any
from unittest.mock import patch

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import websockets

from custom_components.ocpp_csms.core.protocol import schemas

from .charge_point import connect, connect_raw


async def exchange(ws: websockets.ClientConnection, frame: str | bytes) -> list[Any]:
    await ws.send(frame)
    return list(json.loads(await ws.recv()))


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        ("this is not json", ["-1", "FormatViolation"]),
        ('{"an": "object"}', ["-1", "ProtocolError"]),
        ("[]", ["-1", "ProtocolError"]),
        ('[2, "m1", "Heartbeat"]', ["m1", "ProtocolError"]),
        ('[7, "m2", "Heartbeat", {}]', ["m2", "FormatViolation"]),
        ('[2, 42, "Heartbeat", {}]', ["-1", "FormatViolation"]),
        ('[2, "", "Heartbeat", {}]', ["-1", "FormatViolation"]),
        ('[2, "m3", "Heartbeat", "payload"]', ["m3", "FormatViolation"]),
        ('[2, "m4", "MakeCoffee", {}]', ["m4", "NotSupported"]),
        ('[2, "m5", "GetDiagnostics", {}]', ["m5", "NotImplemented"]),
        ('[2, "m6", "Authorize", {}]', ["m6", "ProtocolError"]),
        ('[2, "m7", "Authorize", {"idTag": 5}]', ["m7", "TypeConstraintViolation"]),
        ('[2, "m8", "Authorize", {"idTag": "x", "extra": 1}]', ["m8", "FormatViolation"]),
        (
            '[2, "m9", "Authorize", {"idTag": "' + "x" * 21 + '"}]',
            ["m9", "TypeConstraintViolation"],
        ),
        (
            '[2, "m10", "StatusNotification", '
            '{"connectorId": 1, "errorCode": "NoError", "status": "Dancing"}]',
            ["m10", "FormatViolation"],
        ),
        (
            '[2, "m11", "StatusNotification", '
            '{"connectorId": 65, "errorCode": "NoError", "status": "Available"}]',
            ["m11", "PropertyConstraintViolation"],
        ),
        (
            '[2, "m12", "StartTransaction", {"connectorId": 0, "idTag": "T", "meterStart": 0, '
            '"timestamp": "2025-01-01T00:00:00Z"}]',
            ["m12", "PropertyConstraintViolation"],
        ),
        ("[" * 100_000 + "]" * 100_000, ["-1", "FormatViolation"]),
        (b"\xff\xfe not utf-8", ["-1", "FormatViolation"]),
    ],
)
async def test_bad_frames_get_callerror(
    hass: HomeAssistant,
    central: MockConfigEntry,
    port: int,
    frame: str | bytes,
    expected: list[str],
) -> None:
    """Each malformed frame is answered and the charger can go on."""
    async with connect_raw(port, "CP1") as ws:
        answer = await exchange(ws, frame)
        assert answer[0] == 4
        assert answer[1:3] == expected
        assert isinstance(answer[3], str)
        assert isinstance(answer[4], dict)
        heartbeat = await exchange(ws, '[2, "hb", "Heartbeat", {}]')
        assert heartbeat[:2] == [3, "hb"]
        assert heartbeat[2]["currentTime"].endswith("Z")


async def test_stray_answers_are_ignored(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """CALLRESULT/CALLERROR for unknown ids and broken answers get no reply."""
    async with connect_raw(port, "CP1") as ws:
        await ws.send('[3, "nobody-asked", {}]')
        await ws.send('[4, "nobody-asked", "InternalError", "x", {}]')
        await ws.send('[3, "broken"]')
        heartbeat = await exchange(ws, '[2, "hb", "Heartbeat", {}]')
        assert heartbeat[:2] == [3, "hb"]


async def test_bad_charger_does_not_disturb_another(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Garbage from one connection leaves another charger's session alone."""
    async with (
        connect(port, "CP1") as good,
        # It reads none of its answers: an unbounded queue lets it close without a timeout.
        connect_raw(port, "CP2", max_queue=None) as bad,
    ):
        assert await good.boot() == "Accepted"
        for _ in range(20):
            await bad.send("\x00garbage{")
        await bad.send(json.dumps([2, "big", "Heartbeat", {"x": "y" * 100_000}]))
        await good.status(1, "Available")
        await hass.async_block_till_done(wait_background_tasks=True)
        assert hass.states.get("sensor.cp1_status").state == "available"


async def test_validated_in_the_event_loop(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Incoming CALLs are checked against the schema where they arrive, not in a thread.

    Handing each message to a worker thread and back cost more than the check itself
    (benchmarks/load.py); the schemas are compiled in a worker thread once, before the first.
    """
    loop_thread = threading.get_ident()
    validated_in: list[int] = []
    check = schemas.check_call

    def recording(*args: Any) -> None:
        validated_in.append(threading.get_ident())
        check(*args)

    with patch.object(schemas, "check_call", recording):
        async with connect(port, "CP1") as cp:
            await cp.boot()
            await cp.meter(1, [{"value": "10", "measurand": "Energy.Active.Import.Register"}])
            async with connect_raw(port, "CP1") as ws:
                answer = await exchange(ws, '[2, "m1", "Authorize", {"idTag": 5}]')
    assert answer[2] == "TypeConstraintViolation"
    assert validated_in.count(loop_thread) >= 3  # BootNotification, MeterValues, Authorize
