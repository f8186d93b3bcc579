"""A real OCPP 2.0.1 charging station for tests, with a device model it reports."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from homeassistant.core import HomeAssistant
from ocpp.routing import after, on
from ocpp.v201 import ChargePoint, call, call_result
from ocpp.v201.enums import Action
from websockets.asyncio.client import ClientConnection

from .charge_point import (
    COMMON_ANSWERS,
    NOW,
    RecordingChargePoint,
    connect,
    minutes_after_now,
)

# What a well-behaved 2.0.1 station answers to each central system CALL.
DEFAULT_ANSWERS_201: dict[str, dict[str, Any]] = {
    **COMMON_ANSWERS,
    "GetCompositeSchedule": {
        "status": "Accepted",
        "schedule": {
            "evse_id": 1,
            "duration": 3600,
            "schedule_start": NOW,
            "charging_rate_unit": "A",
            "charging_schedule_period": [{"start_period": 0, "limit": 16.0}],
        },
    },
    "GetLocalListVersion": {"version_number": 7},
    "GetLog": {"status": "Accepted", "filename": "log.zip"},
    "RequestStartTransaction": {"status": "Accepted"},
    "RequestStopTransaction": {"status": "Accepted"},
    "UpdateFirmware": {"status": "Accepted"},
}


def variable(
    component: str,
    name: str,
    value: str,
    *,
    writable: bool = False,
    evse: dict[str, int] | None = None,
    instance: str | None = None,
) -> dict[str, Any]:
    """One ReportDataType of the device model (snake case, as the library takes it)."""
    component_type: dict[str, Any] = {"name": component}
    if evse is not None:
        component_type["evse"] = evse
    if instance is not None:
        component_type["instance"] = instance
    return {
        "component": component_type,
        "variable": {"name": name},
        "variable_attribute": [
            {"value": value, "mutability": "ReadWrite" if writable else "ReadOnly"}
        ],
        "variable_characteristics": {"data_type": "string", "supports_monitoring": False},
    }


def device_model(evses: int = 1) -> list[dict[str, Any]]:
    """The device model of a typical 22 kW AC station."""
    model = [
        variable("SmartChargingCtrlr", "Enabled", "true"),
        variable("SmartChargingCtrlr", "ProfileStackLevel", "8"),
        variable("SmartChargingCtrlr", "RateUnit", "A,W"),
        variable("SmartChargingCtrlr", "PeriodsPerSchedule", "24"),
        variable("SampledDataCtrlr", "TxUpdatedInterval", "60", writable=True),
        variable(
            "SampledDataCtrlr",
            "TxUpdatedMeasurands",
            "Energy.Active.Import.Register",
            writable=True,
        ),
        variable("ReservationCtrlr", "Enabled", "true"),
        variable("LocalAuthListCtrlr", "Enabled", "false"),
        variable("OCPPCommCtrlr", "MessageTimeout", "30", writable=True, instance="Default"),
    ]
    for evse_id in range(1, evses + 1):
        model.append(variable("EVSE", "Power", "22000", evse={"id": evse_id}))
        model.append(
            variable(
                "Connector", "ConnectorType", "cType2", evse={"id": evse_id, "connector_id": 1}
            )
        )
    return model


def _key(item: dict[str, Any]) -> tuple[str, str | None, str, Any]:
    component = item["component"]
    return (
        component["name"],
        component.get("instance"),
        item["variable"]["name"],
        component.get("evse"),
    )


class ClientChargePoint201(RecordingChargePoint, ChargePoint):
    """A 2.0.1 station: answers every CALL, reports its device model in parts."""

    answers = DEFAULT_ANSWERS_201

    def __init__(self, cp_id: str, connection: ClientConnection) -> None:
        super().__init__(cp_id, connection)
        self.device_model = device_model()
        self.report_chunk = 4  # variables per NotifyReport
        self.seq_no = 0
        self.reports_sent = asyncio.Event()
        self.answer_in_reverse = False  # GetVariables results in the other order

    def _find(self, component: dict[str, Any], variable: dict[str, Any]) -> dict[str, Any] | None:
        wanted = (
            component["name"],
            component.get("instance"),
            variable["name"],
            component.get("evse"),
        )
        return next((item for item in self.device_model if _key(item) == wanted), None)

    @on(Action.get_base_report)
    def on_get_base_report(self, request_id: int, report_base: str) -> call_result.GetBaseReport:
        self._record("GetBaseReport", {"request_id": request_id, "report_base": report_base})
        return call_result.GetBaseReport(status=self.replies.get("GetBaseReport", "Accepted"))

    @after(Action.get_base_report)
    async def send_report(self, request_id: int, report_base: str) -> None:
        if self.replies.get("GetBaseReport", "Accepted") != "Accepted":
            return
        items = self.device_model
        chunks = [items[i : i + self.report_chunk] for i in range(0, len(items), self.report_chunk)]
        for seq_no, chunk in enumerate(chunks):
            await self.call(
                call.NotifyReport(
                    request_id=request_id,
                    generated_at=NOW,
                    seq_no=seq_no,
                    report_data=chunk,
                    tbc=seq_no < len(chunks) - 1,
                )
            )
        self.reports_sent.set()

    @on(Action.get_variables)
    def on_get_variables(self, get_variable_data: list[dict[str, Any]]) -> call_result.GetVariables:
        self._record("GetVariables", {"get_variable_data": get_variable_data})
        results = []
        for wanted in get_variable_data:
            item = self._find(wanted["component"], wanted["variable"])
            result = {"component": wanted["component"], "variable": wanted["variable"]}
            if item is None:
                result["attribute_status"] = "UnknownVariable"
            else:
                result["attribute_status"] = "Accepted"
                result["attribute_value"] = item["variable_attribute"][0]["value"]
            results.append(result)
        if self.answer_in_reverse:
            results.reverse()
        return call_result.GetVariables(get_variable_result=results)

    @on(Action.set_variables)
    def on_set_variables(self, set_variable_data: list[dict[str, Any]]) -> call_result.SetVariables:
        self._record("SetVariables", {"set_variable_data": set_variable_data})
        forced = self.replies.get("SetVariables")
        results = []
        for wanted in set_variable_data:
            item = self._find(wanted["component"], wanted["variable"])
            if forced is not None:
                status = str(forced)
            elif item is None:
                status = "UnknownVariable"
            elif item["variable_attribute"][0]["mutability"] == "ReadOnly":
                status = "Rejected"
            else:
                item["variable_attribute"][0]["value"] = wanted["attribute_value"]
                status = "Accepted"
            results.append(
                {
                    "attribute_status": status,
                    "component": wanted["component"],
                    "variable": wanted["variable"],
                }
            )
        return call_result.SetVariables(set_variable_result=results)

    # Messages the station sends

    async def boot(self, vendor: str = "Acme", model: str = "Wallbox 22") -> str:
        result = await self.call(
            call.BootNotification(
                charging_station={
                    "vendor_name": vendor,
                    "model": model,
                    "serial_number": "SN-201",
                    "firmware_version": "2.0.1-fw",
                },
                reason="PowerUp",
            )
        )
        return str(result.status)

    async def status(self, evse_id: int, status: str, connector_id: int = 1) -> None:
        await self.call(
            call.StatusNotification(
                timestamp=NOW, connector_status=status, evse_id=evse_id, connector_id=connector_id
            )
        )

    async def transaction_event(
        self,
        event_type: str,
        transaction_id: str,
        *,
        seq_no: int | None = None,
        trigger_reason: str = "Authorized",
        timestamp: str | None = None,
        evse: int | None = None,
        id_token: str | None = None,
        token_type: str = "ISO14443",  # noqa: S107 - an id token type
        charging_state: str | None = None,
        energy_wh: float | None = None,
        context: str | None = None,
        stopped_reason: str | None = None,
        remote_start_id: int | None = None,
        offline: bool | None = None,
    ) -> Any:
        """Send a TransactionEvent; seqNo counts up by itself unless given."""
        if seq_no is None:
            seq_no = self.seq_no
        self.seq_no = seq_no + 1
        timestamp = timestamp or minutes_after_now(10 * seq_no)  # its clock moves on
        info: dict[str, Any] = {"transaction_id": transaction_id}
        if charging_state is not None:
            info["charging_state"] = charging_state
        if stopped_reason is not None:
            info["stopped_reason"] = stopped_reason
        if remote_start_id is not None:
            info["remote_start_id"] = remote_start_id
        meter = None
        if energy_wh is not None:
            sampled: dict[str, Any] = {
                "value": energy_wh,
                "measurand": "Energy.Active.Import.Register",
                "unit_of_measure": {"unit": "Wh"},
            }
            if context is not None:
                sampled["context"] = context
            meter = [{"timestamp": timestamp, "sampled_value": [sampled]}]
        return await self.call(
            call.TransactionEvent(
                event_type=event_type,
                timestamp=timestamp,
                trigger_reason=trigger_reason,
                seq_no=seq_no,
                transaction_info=info,
                meter_value=meter,
                offline=offline,
                evse=None if evse is None else {"id": evse, "connector_id": 1},
                id_token=None if id_token is None else {"id_token": id_token, "type": token_type},
            ),
            suppress=False,
        )

    async def meter(self, evse_id: int, sampled_value: list[dict[str, Any]]) -> None:
        await self.call(
            call.MeterValues(
                evse_id=evse_id, meter_value=[{"timestamp": NOW, "sampled_value": sampled_value}]
            )
        )


@asynccontextmanager
async def connect201(
    port: int, cp_id: str, subprotocols: tuple[str, ...] = ("ocpp2.0.1",), **options: Any
) -> AsyncIterator[ClientChargePoint201]:
    """Connect a 2.0.1 station and serve the central system's calls until closed."""
    async with connect(
        port, cp_id, subprotocols=subprotocols, client=ClientChargePoint201, **options
    ) as station:
        yield station


async def booted201(hass: HomeAssistant, station: ClientChargePoint201, evses: int = 1) -> None:
    """Boot an accepted station, report its EVSEs and let the central system settle."""
    assert await station.boot() == "Accepted"
    await station.wait_for_call("GetBaseReport")
    async with asyncio.timeout(5):
        await station.reports_sent.wait()
    for evse_id in range(1, evses + 1):
        await station.status(evse_id, "Available")
    await hass.async_block_till_done(wait_background_tasks=True)
