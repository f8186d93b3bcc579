"""OCPP 1.6J adapter: 1.6 messages in and out of the version-neutral model."""

from __future__ import annotations

from typing import Any

from ocpp.routing import on
from ocpp.v16 import call, call_result
from ocpp.v16.enums import (
    Action,
    AvailabilityType,
    ChargingProfileKindType,
    ChargingProfilePurposeType,
    ChargingRateUnitType,
    MessageTrigger,
    ResetType,
)

from ..measurands import normalize_sample
from ..model import BootInfo, MeterSample
from .interface import StatusReport, TransactionStart, TransactionStop
from .session import OcppSession
from .wire import format_timestamp, parse_timestamp, to_snake, utc_now

# Profile the max_current control owns on each connector: TxDefaultProfile at the lowest stack
# level, a fixed id per connector, so it is replaced in place and never stacks up.
MAX_CURRENT_PROFILE_ID = 1000
MAX_CURRENT_STACK_LEVEL = 0


def parse_meter_values(meter_values: list[dict[str, Any]]) -> list[MeterSample]:
    """Flatten 1.6 MeterValue objects (already snake_cased) into samples."""
    samples: list[MeterSample] = []
    for meter_value in meter_values:
        timestamp = parse_timestamp(meter_value.get("timestamp"))
        for sampled in meter_value.get("sampled_value", []):
            if sampled.get("format") == "SignedData":
                continue
            sample = normalize_sample(
                value=sampled.get("value", ""),
                timestamp=timestamp,
                measurand=sampled.get("measurand"),
                unit=sampled.get("unit"),
                phase=sampled.get("phase"),
                location=sampled.get("location"),
                context=sampled.get("context"),
            )
            if sample is not None:
                samples.append(sample)
    return samples


class ChargePoint16(OcppSession):
    """A charger speaking OCPP 1.6J."""

    _call = call
    _call_result = call_result
    _ocpp_version = "1.6"

    # Messages from the charger

    @on(Action.boot_notification)
    def on_boot_notification(
        self, charge_point_vendor: str, charge_point_model: str, **kwargs: Any
    ) -> call_result.BootNotification:
        """Register the charger (Accepted, Pending or Rejected)."""
        info = BootInfo(
            vendor=charge_point_vendor,
            model=charge_point_model,
            serial_number=kwargs.get("charge_point_serial_number")
            or kwargs.get("charge_box_serial_number"),
            firmware_version=kwargs.get("firmware_version"),
            iccid=kwargs.get("iccid"),
            imsi=kwargs.get("imsi"),
            meter_type=kwargs.get("meter_type"),
            meter_serial_number=kwargs.get("meter_serial_number"),
        )
        status, interval = self.handler.boot(info)
        return call_result.BootNotification(
            current_time=format_timestamp(utc_now()), interval=interval, status=status
        )

    @on(Action.heartbeat)
    def on_heartbeat(self) -> call_result.Heartbeat:
        """Answer with the central system's time."""
        self.handler.heartbeat()
        return call_result.Heartbeat(current_time=format_timestamp(utc_now()))

    @on(Action.status_notification)
    def on_status_notification(
        self, connector_id: int, error_code: str, status: str, **kwargs: Any
    ) -> call_result.StatusNotification:
        """Record a connector's status."""
        timestamp = kwargs.get("timestamp")
        self.handler.status(
            StatusReport(
                connector_id=connector_id,
                status=to_snake(status),
                error_code=to_snake(error_code),
                info=kwargs.get("info"),
                vendor_error_code=kwargs.get("vendor_error_code"),
                timestamp=parse_timestamp(timestamp) if timestamp else None,
            )
        )
        return call_result.StatusNotification()

    @on(Action.authorize)
    def on_authorize(self, id_tag: str) -> call_result.Authorize:
        """Authorize an id tag."""
        return call_result.Authorize(id_tag_info={"status": self.handler.authorize(id_tag)})

    @on(Action.start_transaction)
    def on_start_transaction(
        self, connector_id: int, id_tag: str, meter_start: int, timestamp: str, **kwargs: Any
    ) -> call_result.StartTransaction:
        """Open a transaction and hand out its id."""
        transaction_id, status = self.handler.start_transaction(
            TransactionStart(
                connector_id=connector_id,
                id_tag=id_tag,
                meter_start_wh=float(meter_start),
                timestamp=parse_timestamp(timestamp),
                reservation_id=kwargs.get("reservation_id"),
            )
        )
        return call_result.StartTransaction(
            transaction_id=transaction_id, id_tag_info={"status": status}
        )

    @on(Action.stop_transaction)
    def on_stop_transaction(
        self, meter_stop: int, timestamp: str, transaction_id: int, **kwargs: Any
    ) -> call_result.StopTransaction:
        """Close a transaction, with the meter values it carries."""
        status = self.handler.stop_transaction(
            TransactionStop(
                transaction_id=transaction_id,
                meter_stop_wh=float(meter_stop),
                timestamp=parse_timestamp(timestamp),
                reason=kwargs.get("reason"),
                id_tag=kwargs.get("id_tag"),
                samples=tuple(parse_meter_values(kwargs.get("transaction_data") or [])),
            )
        )
        if status is None:
            return call_result.StopTransaction()
        return call_result.StopTransaction(id_tag_info={"status": status})

    @on(Action.meter_values)
    def on_meter_values(
        self, connector_id: int, meter_value: list[dict[str, Any]], **kwargs: Any
    ) -> call_result.MeterValues:
        """Record meter samples."""
        self.handler.meter_values(
            connector_id, kwargs.get("transaction_id"), parse_meter_values(meter_value)
        )
        return call_result.MeterValues()

    @on(Action.data_transfer)
    def on_data_transfer(self, vendor_id: str, **kwargs: Any) -> call_result.DataTransfer:
        """Pass vendor data on; unknown vendors are told so."""
        status = self.handler.data_transfer(vendor_id, kwargs.get("message_id"), kwargs.get("data"))
        return call_result.DataTransfer(status=status)

    @on(Action.firmware_status_notification)
    def on_firmware_status(self, status: str) -> call_result.FirmwareStatusNotification:
        """Record firmware update progress."""
        self.handler.firmware_status(to_snake(status))
        return call_result.FirmwareStatusNotification()

    @on(Action.diagnostics_status_notification)
    def on_diagnostics_status(self, status: str) -> call_result.DiagnosticsStatusNotification:
        """Record diagnostics upload progress."""
        self.handler.diagnostics_status(to_snake(status))
        return call_result.DiagnosticsStatusNotification()

    # Commands to the charger

    async def remote_start(self, connector_id: int, id_tag: str) -> str:
        """RemoteStartTransaction."""
        result = await self.send_call(
            call.RemoteStartTransaction(id_tag=id_tag, connector_id=connector_id)
        )
        return self.expect(result.status)

    async def remote_stop(self, transaction_id: int | str) -> str:
        """RemoteStopTransaction."""
        result = await self.send_call(
            call.RemoteStopTransaction(transaction_id=int(transaction_id))
        )
        return self.expect(result.status)

    async def reset(self, *, hard: bool) -> str:
        """Reset (Hard or Soft)."""
        result = await self.send_call(call.Reset(type=ResetType.hard if hard else ResetType.soft))
        return self.expect(result.status)

    async def unlock(self, connector_id: int) -> str:
        """UnlockConnector."""
        result = await self.send_call(call.UnlockConnector(connector_id=connector_id))
        return self.expect(result.status, "Unlocked")

    async def change_availability(self, connector_id: int, *, operative: bool) -> str:
        """ChangeAvailability; Scheduled counts as success (it applies after the session)."""
        kind = AvailabilityType.operative if operative else AvailabilityType.inoperative
        result = await self.send_call(call.ChangeAvailability(connector_id=connector_id, type=kind))
        return self.expect(result.status, "Accepted", "Scheduled")

    async def set_current_limit(self, connector_id: int, amps: float) -> str:
        """SetChargingProfile with the max_current control's TxDefaultProfile."""
        profile = {
            "charging_profile_id": MAX_CURRENT_PROFILE_ID + connector_id,
            "stack_level": MAX_CURRENT_STACK_LEVEL,
            "charging_profile_purpose": ChargingProfilePurposeType.tx_default_profile,
            "charging_profile_kind": ChargingProfileKindType.relative,
            "charging_schedule": {
                "charging_rate_unit": ChargingRateUnitType.amps,
                "charging_schedule_period": [{"start_period": 0, "limit": round(amps, 1)}],
            },
        }
        result = await self.send_call(
            call.SetChargingProfile(connector_id=connector_id, cs_charging_profiles=profile)
        )
        return self.expect(result.status)

    async def trigger_boot(self) -> str:
        """TriggerMessage(BootNotification)."""
        result = await self.send_call(
            call.TriggerMessage(requested_message=MessageTrigger.boot_notification)
        )
        return self.expect(result.status)

    async def get_configuration(self, keys: list[str] | None = None) -> dict[str, Any]:
        """GetConfiguration; returns ``{key: value}`` plus ``unknown_keys``."""
        result = await self.send_call(call.GetConfiguration(key=keys or None))
        values: dict[str, Any] = {
            item["key"]: item.get("value") for item in result.configuration_key or []
        }
        return {"configuration": values, "unknown_keys": list(result.unknown_key or [])}
