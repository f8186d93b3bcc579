"""Real charge points for tests, on the ocpp library's client-side ChargePoint (1.6 here)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
import json
import logging
from typing import Any, ClassVar

from homeassistant.core import HomeAssistant
from ocpp.charge_point import ChargePoint as BaseChargePoint
from ocpp.messages import MessageType
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.headers import build_authorization_basic

CLIENT_LOG = logging.getLogger("tests.charger")

# The test chargers' clocks are right: their messages are stamped yesterday (the central
# system takes timestamps far from its own clock as a broken clock, see wire.sane_time).
DAY = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
NOW = f"{DAY}T12:00:00.000Z"


def minutes_after_now(minutes: int) -> str:
    """A test charger's timestamp ``minutes`` after NOW."""
    at = datetime.fromisoformat(NOW) + timedelta(minutes=minutes)
    return at.strftime("%Y-%m-%dT%H:%M:%S.000Z")


# What a well-behaved charger answers to central system CALLs, in 1.6 and 2.0.1 alike.
COMMON_ANSWERS: dict[str, dict[str, Any]] = {
    "CancelReservation": {"status": "Accepted"},
    "ChangeAvailability": {"status": "Accepted"},
    "ClearCache": {"status": "Accepted"},
    "ClearChargingProfile": {"status": "Accepted"},
    "DataTransfer": {"status": "Accepted", "data": "pong"},
    "ReserveNow": {"status": "Accepted"},
    "Reset": {"status": "Accepted"},
    "SendLocalList": {"status": "Accepted"},
    "SetChargingProfile": {"status": "Accepted"},
    "TriggerMessage": {"status": "Accepted"},
    "UnlockConnector": {"status": "Unlocked"},
}
# What a well-behaved 1.6 charger answers to each central system CALL.
DEFAULT_ANSWERS: dict[str, dict[str, Any]] = {
    **COMMON_ANSWERS,
    "ChangeConfiguration": {"status": "Accepted"},
    "GetCompositeSchedule": {
        "status": "Accepted",
        "connector_id": 1,
        "schedule_start": NOW,
        "charging_schedule": {
            "charging_rate_unit": "A",
            "duration": 3600,
            "charging_schedule_period": [{"start_period": 0, "limit": 16.0}],
        },
    },
    "GetDiagnostics": {"file_name": "diagnostics.zip"},
    "GetLocalListVersion": {"list_version": 7},
    "RemoteStartTransaction": {"status": "Accepted"},
    "RemoteStopTransaction": {"status": "Accepted"},
    "UpdateFirmware": {},
}

# The configuration of a typical single-connector AC wallbox.
DEFAULT_CONFIGURATION: dict[str, str] = {
    "SupportedFeatureProfiles": (
        "Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger"
    ),
    "ChargeProfileMaxStackLevel": "8",
    "ChargingScheduleAllowedChargingRateUnit": "Current",
    "ChargingScheduleMaxPeriods": "24",
    "MeterValueSampleInterval": "60",
    "MeterValuesSampledData": "Energy.Active.Import.Register",
}


class RecordingChargePoint(BaseChargePoint):
    """Records every CALL the central system sends and answers it (any OCPP version).

    ``replies[action]`` overrides the answer: a status string, or the whole answer payload.
    """

    answers: ClassVar[dict[str, dict[str, Any]]] = {}

    def __init__(self, cp_id: str, connection: ClientConnection) -> None:
        # The client's own lines go to a logger of their own, apart from the central system's.
        super().__init__(cp_id, connection, response_timeout=5, logger=CLIENT_LOG)
        self.connection = connection
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.replies: dict[str, str | dict[str, Any]] = {}
        self.ignored: set[str] = set()  # CALLs of these actions are never answered
        self.unanswered: list[str] = []  # the ignored CALLs that arrived
        self.unanswered_ids: dict[str, str] = {}  # their message ids, to answer late
        self.got_call = asyncio.Event()
        self.minutes = 0  # the charger's clock: minutes after NOW, moved on by its meter values
        for action in self.answers:
            self.route_map[action] = {
                "_on_action": self._answerer(action),
                "_skip_schema_validation": False,
            }

    async def route_message(self, raw_msg: str) -> None:
        frame = json.loads(raw_msg)
        if frame[0] == MessageType.Call and frame[2] in self.ignored:
            self.unanswered.append(frame[2])
            self.unanswered_ids[frame[2]] = frame[1]
            self.got_call.set()
            return
        await super().route_message(raw_msg)

    def _record(self, action: str, payload: dict[str, Any]) -> None:
        self.received.append((action, payload))
        self.got_call.set()

    def _answerer(self, action: str) -> Callable[..., Any]:
        def answer(**kwargs: Any) -> Any:
            self._record(action, kwargs)
            reply = self.replies.get(action, self.answers[action])
            if isinstance(reply, str):
                reply = {**self.answers[action], "status": reply}
            self.answered(action, kwargs, reply)
            return getattr(self._call_result, action)(**reply)

        return answer

    def answered(self, action: str, request: dict[str, Any], reply: dict[str, Any]) -> None:
        """Apply what an answered CALL changes in the charger."""

    def calls(self, action: str) -> list[dict[str, Any]]:
        return [payload for name, payload in self.received if name == action]

    async def wait_for_call(self, action: str, count: int = 1) -> dict[str, Any]:
        async with asyncio.timeout(5):
            while len(self.calls(action)) < count:
                self.got_call.clear()
                await self.got_call.wait()
        return self.calls(action)[-1]

    async def wait_for_unanswered(self, action: str) -> None:
        async with asyncio.timeout(5):
            while action not in self.unanswered:
                self.got_call.clear()
                await self.got_call.wait()


class ClientChargePoint(RecordingChargePoint, ChargePoint):
    """A 1.6 wallbox with a configuration."""

    answers = DEFAULT_ANSWERS

    def __init__(self, cp_id: str, connection: ClientConnection) -> None:
        super().__init__(cp_id, connection)
        self.configuration: dict[str, str] = dict(DEFAULT_CONFIGURATION)

    def answered(self, action: str, request: dict[str, Any], reply: dict[str, Any]) -> None:
        if action == "ChangeConfiguration" and reply.get("status") == "Accepted":
            self.configuration[request["key"]] = request["value"]

    @on(Action.get_configuration)
    def on_get_configuration(self, **kwargs: Any) -> call_result.GetConfiguration:
        self._record("GetConfiguration", kwargs)
        keys = kwargs.get("key") or list(self.configuration)
        known = [k for k in keys if k in self.configuration]
        return call_result.GetConfiguration(
            configuration_key=[
                {
                    "key": k,
                    "readonly": k != "MeterValueSampleInterval",
                    "value": self.configuration[k],
                }
                for k in known
            ],
            unknown_key=[k for k in keys if k not in self.configuration] or None,
        )

    # Messages the charger sends

    async def boot(self, vendor: str = "Acme", model: str = "Wallbox 11") -> str:
        result = await self.call(
            call.BootNotification(
                charge_point_vendor=vendor,
                charge_point_model=model,
                charge_point_serial_number="SN-1",
                firmware_version="1.2.3",
            )
        )
        return str(result.status)

    async def status(self, connector_id: int, status: str, error_code: str = "NoError") -> None:
        await self.call(
            call.StatusNotification(
                connector_id=connector_id, error_code=error_code, status=status, timestamp=NOW
            )
        )

    async def start_transaction(
        self, connector_id: int, id_tag: str, meter_start: int, timestamp: str = NOW
    ) -> tuple[int, str]:
        result = await self.call(
            call.StartTransaction(
                connector_id=connector_id,
                id_tag=id_tag,
                meter_start=meter_start,
                timestamp=timestamp,
            )
        )
        return result.transaction_id, result.id_tag_info["status"]

    async def stop_transaction(self, transaction_id: int, meter_stop: int) -> None:
        await self.call(
            call.StopTransaction(
                transaction_id=transaction_id, meter_stop=meter_stop, timestamp=self.tick()
            )
        )

    def tick(self) -> str:
        """The charger's time a minute after its last timed message: meters count over time."""
        self.minutes += 1
        return minutes_after_now(self.minutes)

    async def meter(
        self,
        connector_id: int,
        sampled_value: list[dict[str, Any]],
        transaction_id: int | None = None,
        timestamp: str | None = None,
    ) -> None:
        await self.call(
            call.MeterValues(
                connector_id=connector_id,
                transaction_id=transaction_id,
                meter_value=[
                    {"timestamp": timestamp or self.tick(), "sampledValue": sampled_value}
                ],
            )
        )


@asynccontextmanager
async def connect(
    port: int,
    cp_id: str,
    subprotocols: tuple[str, ...] = ("ocpp1.6",),
    path: str = "",
    password: str | None = None,
    client: type[RecordingChargePoint] | None = None,
) -> AsyncIterator[Any]:
    """Connect a client charge point and serve the central system's calls until closed.

    With a ``password`` it authenticates as OCPP security profile 1 says: HTTP Basic with its
    charge point id as the user name.
    """
    headers = {}
    if password is not None:
        headers["Authorization"] = build_authorization_basic(cp_id, password)
    connection = await websockets.connect(
        f"ws://127.0.0.1:{port}{path}/{cp_id}",
        subprotocols=[websockets.Subprotocol(s) for s in subprotocols] or None,
        additional_headers=headers,
    )
    charge_point = (client or ClientChargePoint)(cp_id, connection)
    task = asyncio.create_task(charge_point.start())
    try:
        yield charge_point
    finally:
        await connection.close()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def connect_raw(
    port: int, cp_id: str, subprotocol: str = "ocpp1.6", **options: Any
) -> websockets.connect:
    """A bare OCPP WebSocket, to send anything at all (``options`` go to websockets)."""
    return websockets.connect(
        f"ws://127.0.0.1:{port}/{cp_id}",
        subprotocols=[websockets.Subprotocol(subprotocol)],
        **options,
    )


async def booted(hass: HomeAssistant, cp: ClientChargePoint, connectors: int = 1) -> None:
    """Boot an accepted charger, report its connectors and let the central system settle."""
    assert await cp.boot() == "Accepted"
    await cp.wait_for_call("GetConfiguration")
    for connector_id in range(connectors + 1):
        await cp.status(connector_id, "Available")
    await hass.async_block_till_done(wait_background_tasks=True)
