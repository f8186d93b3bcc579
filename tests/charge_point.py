"""A real OCPP 1.6 charge point for tests, on the ocpp library's client-side ChargePoint."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
import websockets
from websockets.asyncio.client import ClientConnection

NOW = "2025-01-01T12:00:00.000Z"


class ClientChargePoint(ChargePoint):
    """Records every CALL the central system sends and answers with ``replies``."""

    def __init__(self, cp_id: str, connection: ClientConnection) -> None:
        super().__init__(cp_id, connection, response_timeout=5)
        self.connection = connection
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.replies: dict[str, str] = {}
        self.configuration: dict[str, str] = {}
        self.got_call = asyncio.Event()

    def _record(self, action: str, payload: dict[str, Any]) -> None:
        self.received.append((action, payload))
        self.got_call.set()

    def calls(self, action: str) -> list[dict[str, Any]]:
        return [payload for name, payload in self.received if name == action]

    async def wait_for_call(self, action: str) -> dict[str, Any]:
        async with asyncio.timeout(5):
            while not self.calls(action):
                self.got_call.clear()
                await self.got_call.wait()
        return self.calls(action)[-1]

    @on(Action.get_configuration)
    def on_get_configuration(self, **kwargs: Any) -> call_result.GetConfiguration:
        self._record("GetConfiguration", kwargs)
        keys = kwargs.get("key") or list(self.configuration)
        known = [k for k in keys if k in self.configuration]
        return call_result.GetConfiguration(
            configuration_key=[
                {"key": k, "readonly": True, "value": self.configuration[k]} for k in known
            ],
            unknown_key=[k for k in keys if k not in self.configuration] or None,
        )

    @on(Action.trigger_message)
    def on_trigger_message(self, **kwargs: Any) -> call_result.TriggerMessage:
        self._record("TriggerMessage", kwargs)
        return call_result.TriggerMessage(status=self.replies.get("TriggerMessage", "Accepted"))

    @on(Action.remote_start_transaction)
    def on_remote_start(self, **kwargs: Any) -> call_result.RemoteStartTransaction:
        self._record("RemoteStartTransaction", kwargs)
        return call_result.RemoteStartTransaction(
            status=self.replies.get("RemoteStartTransaction", "Accepted")
        )

    @on(Action.remote_stop_transaction)
    def on_remote_stop(self, **kwargs: Any) -> call_result.RemoteStopTransaction:
        self._record("RemoteStopTransaction", kwargs)
        return call_result.RemoteStopTransaction(
            status=self.replies.get("RemoteStopTransaction", "Accepted")
        )

    @on(Action.reset)
    def on_reset(self, **kwargs: Any) -> call_result.Reset:
        self._record("Reset", kwargs)
        return call_result.Reset(status=self.replies.get("Reset", "Accepted"))

    @on(Action.unlock_connector)
    def on_unlock(self, **kwargs: Any) -> call_result.UnlockConnector:
        self._record("UnlockConnector", kwargs)
        return call_result.UnlockConnector(status=self.replies.get("UnlockConnector", "Unlocked"))

    @on(Action.change_availability)
    def on_change_availability(self, **kwargs: Any) -> call_result.ChangeAvailability:
        self._record("ChangeAvailability", kwargs)
        return call_result.ChangeAvailability(
            status=self.replies.get("ChangeAvailability", "Accepted")
        )

    @on(Action.set_charging_profile)
    def on_set_charging_profile(self, **kwargs: Any) -> call_result.SetChargingProfile:
        self._record("SetChargingProfile", kwargs)
        return call_result.SetChargingProfile(
            status=self.replies.get("SetChargingProfile", "Accepted")
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
        self, connector_id: int, id_tag: str, meter_start: int
    ) -> tuple[int, str]:
        result = await self.call(
            call.StartTransaction(
                connector_id=connector_id, id_tag=id_tag, meter_start=meter_start, timestamp=NOW
            )
        )
        return result.transaction_id, result.id_tag_info["status"]

    async def meter(
        self,
        connector_id: int,
        sampled_value: list[dict[str, Any]],
        transaction_id: int | None = None,
        timestamp: str = NOW,
    ) -> None:
        await self.call(
            call.MeterValues(
                connector_id=connector_id,
                transaction_id=transaction_id,
                meter_value=[{"timestamp": timestamp, "sampledValue": sampled_value}],
            )
        )


@asynccontextmanager
async def connect(
    port: int, cp_id: str, subprotocols: tuple[str, ...] = ("ocpp1.6",), path: str = ""
) -> AsyncIterator[ClientChargePoint]:
    """Connect a client charge point and serve the central system's calls until closed."""
    connection = await websockets.connect(
        f"ws://127.0.0.1:{port}{path}/{cp_id}",
        subprotocols=[websockets.Subprotocol(s) for s in subprotocols] or None,
    )
    charge_point = ClientChargePoint(cp_id, connection)
    task = asyncio.create_task(charge_point.start())
    try:
        yield charge_point
    finally:
        await connection.close()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
