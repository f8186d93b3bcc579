"""How the ocpp library behaves where the sessions use its private parts (ocpp_library.py).

A release of the library that changes one of them fails here, by name. Each test runs the
library's ChargePoint on a real WebSocket connection on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import json
from typing import Any

from ocpp.exceptions import OCPPError
from ocpp.messages import Call, CallResult, unpack
from ocpp.v16 import call, call_result
from ocpp.v16.enums import Action
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, serve

from custom_components.ocpp_csms.core.protocol.ocpp_library import (
    LibraryChargePoint,
    call_payload,
    on,
    snake_case_keys,
)

pytestmark = pytest.mark.usefixtures("socket_enabled")


class Pinned(LibraryChargePoint):
    """A 1.6 charge point with one handler, recording what it is told."""

    ocpp_version = "1.6"
    requests = call
    results = call_result

    def __init__(self, cp_id: str, connection: Any) -> None:
        super().__init__(cp_id, connection, response_timeout=2)
        self.sent: list[str] = []
        self.heartbeats: list[dict[str, Any]] = []

    def sending(self, message: str) -> None:
        self.sent.append(message)

    @on(Action.heartbeat)
    def on_heartbeat(self, **payload: Any) -> call_result.Heartbeat:
        self.heartbeats.append(payload)
        return call_result.Heartbeat(current_time="2030-01-01T00:00:00Z")


@asynccontextmanager
async def pair() -> AsyncIterator[tuple[Pinned, ClientConnection]]:
    """Our side on a server connection; the raw client side to send and read frames."""
    sides: list[Pinned] = []
    ready = asyncio.Event()

    async def handler(connection: ServerConnection) -> None:
        sides.append(Pinned("PIN", connection))
        ready.set()
        await connection.wait_closed()

    async with serve(handler, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        async with connect(f"ws://127.0.0.1:{port}") as client:
            await ready.wait()
            yield sides[0], client


async def test_on_skips_the_library_validation() -> None:
    """A CALL the schema refuses reaches the handler: the sessions validate, not the library."""
    async with pair() as (ours, client):
        assert ours.handles("Heartbeat")
        assert not ours.handles("Authorize")
        await ours.dispatch_call(Call("1", "Heartbeat", {"notInTheSchema": 1}))
        assert ours.heartbeats == [{"not_in_the_schema": 1}]
        answer = unpack(await client.recv())
        assert isinstance(answer, CallResult)
        assert answer.unique_id == "1"
        assert answer.payload == {"currentTime": "2030-01-01T00:00:00Z"}
        assert [json.loads(frame)[0] for frame in ours.sent] == [3]  # seen by ``sending``


async def test_dispatch_raises_for_an_unknown_action() -> None:
    """No handler: the library raises the OCPPError the sessions answer with."""
    async with pair() as (ours, _client):
        with pytest.raises(Exception) as raised:
            await ours.dispatch_call(Call("2", "Authorize", {"idTag": "X"}))
        assert type(raised.value).__name__ in {"NotImplementedError", "NotSupportedError"}


async def test_deliver_answer_completes_the_waiting_call() -> None:
    """An answer handed over ends the call() that waits for its message id."""
    async with pair() as (ours, client):
        waiting = asyncio.ensure_future(ours.call(call.Heartbeat(), suppress=False, unique_id="77"))
        request = json.loads(await client.recv())
        assert request[:3] == [2, "77", "Heartbeat"]
        assert json.loads(ours.sent[-1])[1] == "77"  # the library's own send passed ``sending``
        ours.deliver_answer(CallResult("77", {"currentTime": "2030-01-01T00:00:00Z"}, "Heartbeat"))
        result = await asyncio.wait_for(waiting, 2)
        assert result.current_time == "2030-01-01T00:00:00Z"


async def test_the_version_reaches_the_library() -> None:
    """``ocpp_version`` is what the library validates outbound CALLs with."""
    assert Pinned._ocpp_version == "1.6"
    assert Pinned._call_result is call_result
    async with pair() as (ours, _client):
        with pytest.raises(OCPPError):
            await ours.call(call.Authorize(id_tag="X" * 100), suppress=False)


async def test_send_frame_goes_out_as_is() -> None:
    async with pair() as (ours, client):
        await ours.send_frame('[4,"-1","FormatViolation","bad",{}]')
        assert await client.recv() == '[4,"-1","FormatViolation","bad",{}]'
        assert ours.sent == ['[4,"-1","FormatViolation","bad",{}]']


def test_call_payload() -> None:
    """Requests go out in camelCase, without empty fields."""
    request = call.StartTransaction(
        connector_id=1, id_tag="T", meter_start=0, timestamp="2030-01-01T00:00:00Z"
    )
    assert call_payload(request) == {
        "connectorId": 1,
        "idTag": "T",
        "meterStart": 0,
        "timestamp": "2030-01-01T00:00:00Z",
    }


def test_snake_case_keys() -> None:
    assert snake_case_keys(
        {"chargingProfileId": 1, "chargingSchedule": {"chargingRateUnit": "A"}}
    ) == {"charging_profile_id": 1, "charging_schedule": {"charging_rate_unit": "A"}}
