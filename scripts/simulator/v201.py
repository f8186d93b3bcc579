"""The simulated charger speaking OCPP 2.0.1."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
import uuid

from ocpp.routing import on
from ocpp.v201 import ChargePoint as ChargePoint201, call as call201, call_result as result201
from ocpp.v201.enums import Action as Action201

from .state import Profile, SimState, now, reading, registered

_LOGGER = logging.getLogger("simulator")


# A 2.0.1 station's device model: (component, variable) → value
DEVICE_MODEL_201 = {
    ("SmartChargingCtrlr", "Enabled"): "true",
    ("SmartChargingCtrlr", "ProfileStackLevel"): "8",
    ("SmartChargingCtrlr", "RateUnit"): "A,W",
    ("SmartChargingCtrlr", "PeriodsPerSchedule"): "24",
    ("SampledDataCtrlr", "TxUpdatedInterval"): "10",
    ("SampledDataCtrlr", "TxUpdatedMeasurands"): "Energy.Active.Import.Register",
    ("ReservationCtrlr", "Enabled"): "true",
}


class Simulated201(ChargePoint201):
    """The simulated charger speaking OCPP 2.0.1 (one EVSE with one connector)."""

    subprotocol = "ocpp2.0.1"

    def __init__(self, cp_id: str, connection: Any, state: SimState) -> None:
        """Wrap a connection."""
        super().__init__(cp_id, connection, response_timeout=30)
        self.state = state
        self.variables = dict(DEVICE_MODEL_201)
        self.seq_no = 0
        self.remote_start_id: int | None = None

    # Commands from the central system

    @on(Action201.trigger_message)
    def on_trigger_message(self, requested_message: str, **_: Any) -> result201.TriggerMessage:
        """Boot again when asked."""
        if requested_message == "BootNotification":
            asyncio.get_running_loop().create_task(self.boot())
        return result201.TriggerMessage(status="Accepted")

    @on(Action201.get_base_report)
    def on_get_base_report(self, request_id: int, report_base: str) -> result201.GetBaseReport:
        """Report the device model (sent right after the answer)."""
        asyncio.get_running_loop().create_task(self._report(request_id))
        return result201.GetBaseReport(status="Accepted")

    async def _report(self, request_id: int) -> None:
        await asyncio.sleep(0)  # let the answer go first
        data = [
            {
                "component": {"name": component},
                "variable": {"name": variable},
                "variable_attribute": [{"value": value, "mutability": "ReadWrite"}],
            }
            for (component, variable), value in self.variables.items()
        ]
        data.append(
            {
                "component": {"name": "EVSE", "evse": {"id": 1}},
                "variable": {"name": "Power"},
                "variable_attribute": [{"value": "11040", "mutability": "ReadOnly"}],
            }
        )
        await self.call(
            call201.NotifyReport(
                request_id=request_id, generated_at=now(), seq_no=0, report_data=data
            )
        )

    @on(Action201.get_variables)
    def on_get_variables(self, get_variable_data: list[dict[str, Any]]) -> result201.GetVariables:
        """Read device model variables."""
        results = []
        for item in get_variable_data:
            key = (item["component"]["name"], item["variable"]["name"])
            found = key in self.variables
            results.append(
                {
                    "attribute_status": "Accepted" if found else "UnknownVariable",
                    "component": item["component"],
                    "variable": item["variable"],
                    **({"attribute_value": self.variables[key]} if found else {}),
                }
            )
        return result201.GetVariables(get_variable_result=results)

    @on(Action201.set_variables)
    def on_set_variables(self, set_variable_data: list[dict[str, Any]]) -> result201.SetVariables:
        """Write device model variables."""
        results = []
        for item in set_variable_data:
            self.variables[(item["component"]["name"], item["variable"]["name"])] = item[
                "attribute_value"
            ]
            results.append(
                {
                    "attribute_status": "Accepted",
                    "component": item["component"],
                    "variable": item["variable"],
                }
            )
        return result201.SetVariables(set_variable_result=results)

    @on(Action201.request_start_transaction)
    def on_request_start(
        self, id_token: dict[str, Any], remote_start_id: int, **_: Any
    ) -> result201.RequestStartTransaction:
        """Start charging when asked."""
        self.remote_start_id = remote_start_id
        self.state.start_requested.set()
        return result201.RequestStartTransaction(status="Accepted")

    @on(Action201.request_stop_transaction)
    def on_request_stop(self, transaction_id: str) -> result201.RequestStopTransaction:
        """Stop charging when asked."""
        if transaction_id != self.state.transaction_id:
            return result201.RequestStopTransaction(status="Rejected")
        self.state.stop_requested.set()
        return result201.RequestStopTransaction(status="Accepted")

    @on(Action201.set_charging_profile)
    def on_set_charging_profile(
        self, evse_id: int, charging_profile: dict[str, Any]
    ) -> result201.SetChargingProfile:
        """Follow the profile's (first) schedule."""
        schedule = charging_profile["charging_schedule"][0]
        self.state.set_profile(
            charging_profile["id"], Profile.from_ocpp(charging_profile, schedule)
        )
        return result201.SetChargingProfile(status="Accepted")

    @on(Action201.clear_charging_profile)
    def on_clear_charging_profile(self, **kwargs: Any) -> result201.ClearChargingProfile:
        """Forget a profile (all of them without an id)."""
        self.state.clear_profiles(kwargs.get("charging_profile_id"))
        return result201.ClearChargingProfile(status="Accepted")

    @on(Action201.reset)
    def on_reset(self, type: str, **_: Any) -> result201.Reset:  # noqa: A002 - the field's name
        """Pretend to reboot."""
        _LOGGER.info("%s reset requested", type)
        return result201.Reset(status="Accepted")

    @on(Action201.unlock_connector)
    def on_unlock(self, evse_id: int, connector_id: int) -> result201.UnlockConnector:
        """Unlock."""
        return result201.UnlockConnector(status="Unlocked")

    @on(Action201.change_availability)
    def on_change_availability(self, **_: Any) -> result201.ChangeAvailability:
        """Accept availability changes."""
        return result201.ChangeAvailability(status="Accepted")

    # What the station sends

    async def boot(self) -> str:
        """BootNotification; returns the registration status."""
        result = await self.call(
            call201.BootNotification(
                charging_station={
                    "vendor_name": "OCPP CSMS",
                    "model": "Simulator 2.0.1",
                    "serial_number": f"SIM-{self.id}",
                    "firmware_version": "2.0.1",
                },
                reason="PowerUp",
            )
        )
        return registered(self.state, str(result.status))

    async def status(self, connector_status: str) -> None:
        """StatusNotification of EVSE 1 (2.0.1 statuses)."""
        await self.call(
            call201.StatusNotification(
                timestamp=now(), connector_status=connector_status, evse_id=1, connector_id=1
            )
        )

    async def _event(self, event_type: str, trigger: str, **fields: Any) -> Any:
        info = {"transaction_id": self.state.transaction_id, **fields.pop("info", {})}
        self.seq_no += 1
        return await self.call(
            call201.TransactionEvent(
                event_type=event_type,
                timestamp=now(),
                trigger_reason=trigger,
                seq_no=self.seq_no - 1,
                transaction_info=info,
                **fields,
            )
        )

    def _meter(self, readings: list[dict[str, Any]], context: str) -> list[dict[str, Any]]:
        sampled = [
            {
                **{k: v for k, v in reading.items() if k != "unit"},
                "unit_of_measure": {"unit": reading["unit"]},
                "context": context,
            }
            for reading in readings
        ]
        return [{"timestamp": now(), "sampled_value": sampled}]

    async def start_session(self, id_tag: str) -> None:
        """Plug in, TransactionEvent Started with the token, then Charging."""
        await self.status("Occupied")
        self.state.transaction_id = uuid.uuid4().hex[:16]
        self.seq_no = 0
        register = [reading(round(self.state.register_wh), "Energy.Active.Import.Register", "Wh")]
        remote_start = {"remote_start_id": self.remote_start_id} if self.remote_start_id else {}
        self.remote_start_id = None
        await self._event(
            "Started",
            "RemoteStart" if remote_start else "Authorized",
            info={"charging_state": "EVConnected", **remote_start},
            evse={"id": 1, "connector_id": 1},
            id_token={"id_token": id_tag, "type": "ISO14443"},
            meter_value=self._meter(register, "Transaction.Begin"),
        )
        await self._event("Updated", "ChargingStateChanged", info={"charging_state": "Charging"})

    async def report_paused(self, paused: bool) -> None:
        """The station holds the car back (its limit is 0), or lets it charge again."""
        charging_state = "SuspendedEVSE" if paused else "Charging"
        await self._event(
            "Updated", "ChargingStateChanged", info={"charging_state": charging_state}
        )

    async def send_meter_values(self, readings: list[dict[str, Any]]) -> None:
        """TransactionEvent Updated with the readings."""
        await self._event(
            "Updated", "MeterValuePeriodic", meter_value=self._meter(readings, "Sample.Periodic")
        )

    async def stop_session(self, id_tag: str, reason: str) -> None:
        """TransactionEvent Ended, then the car is unplugged."""
        register = [reading(round(self.state.register_wh), "Energy.Active.Import.Register", "Wh")]
        await self._event(
            "Ended",
            "RemoteStop" if reason == "Remote" else "EVCommunicationLost",
            info={"charging_state": "EVConnected", "stopped_reason": reason},
            meter_value=self._meter(register, "Transaction.End"),
        )
        self.state.transaction_id = None
        await self.status("Available")

    async def report_available(self) -> None:
        """The EVSE is available."""
        await self.status("Available")
