"""OCPP 1.6J adapter: 1.6 messages in and out of the version-neutral model."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ocpp.exceptions import PropertyConstraintViolationError
from ocpp.v16 import call, call_result
from ocpp.v16.enums import (
    Action,
    AvailabilityType,
    ChargingProfilePurposeType,
    ChargingRateUnitType,
    MessageTrigger,
    ResetType,
    UpdateType,
)

from ..model import BootInfo, Capabilities, MeterSample
from ..smart_charging.profile import (
    ChargingProfile,
    ChargingSchedule,
    ProfilePurpose,
    RateUnit,
    profile_as_dict,
    schedule_from_dict,
)
from .interface import (
    MAX_CONNECTOR_ID,
    InvalidRequestError,
    LocalListEntry,
    StatusReport,
    TransactionStart,
    TransactionStop,
    TriggerableMessage,
)
from .meter import parse_meter_values
from .ocpp_library import on
from .session import OcppSession
from .wire import (
    datetime_or_none,
    format_timestamp,
    int_or_none,
    parse_timestamp,
    split_list,
    to_snake,
    to_wire,
    utc_now,
)


def _read_value(sampled: dict[str, Any]) -> tuple[str, str | None] | None:
    if sampled.get("format") == "SignedData":
        return None
    return sampled.get("value", ""), sampled.get("unit")


def _samples(meter_values: list[dict[str, Any]]) -> list[MeterSample]:
    """1.6 MeterValue objects (already snake_cased) as samples."""
    return parse_meter_values(meter_values, _read_value)


# Messages naming a connector, and the lowest id each may name (0 is the charger itself).
_CONNECTOR_FLOOR = {"StatusNotification": 0, "MeterValues": 0, "StartTransaction": 1}


class ChargePoint16(OcppSession):
    """A charger speaking OCPP 1.6J."""

    requests = call
    results = call_result
    ocpp_version = "1.6"

    def check_call(self, action: str, payload: dict[str, Any]) -> None:
        """Refuse connector ids out of range (types are the schema's business)."""
        lowest = _CONNECTOR_FLOOR.get(action)
        connector_id = payload.get("connectorId")
        if lowest is None or not isinstance(connector_id, int):
            return
        if not lowest <= connector_id <= MAX_CONNECTOR_ID:
            raise PropertyConstraintViolationError(
                description=f"connectorId {connector_id} is outside {lowest}..{MAX_CONNECTOR_ID}"
            )

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
                idle=status == "Available",
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
                samples=tuple(_samples(kwargs.get("transaction_data") or [])),
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
            connector_id,
            kwargs.get("transaction_id"),
            _samples(meter_value),
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

    async def remote_start(
        self, connector_id: int, id_tag: str, profile: ChargingProfile | None = None
    ) -> str:
        """RemoteStartTransaction."""
        result = await self.send_call(
            call.RemoteStartTransaction(
                id_tag=id_tag,
                connector_id=connector_id,
                charging_profile=None if profile is None else _profile(profile),
            )
        )
        return self.expect(result.status)

    async def remote_stop(self, transaction_id: int | str) -> str:
        """RemoteStopTransaction (1.6 transaction ids are integers)."""
        try:
            number = int(transaction_id)
        except ValueError as err:
            raise InvalidRequestError(f"transaction id {transaction_id!r} is not a number") from err
        result = await self.send_call(call.RemoteStopTransaction(transaction_id=number))
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

    async def change_configuration(self, key: str, value: str) -> str:
        """ChangeConfiguration; RebootRequired counts as success."""
        result = await self.send_call(call.ChangeConfiguration(key=key, value=value))
        return self.expect(result.status, "Accepted", "RebootRequired")

    async def get_configuration(self, keys: Sequence[str] | None = None) -> dict[str, Any]:
        """GetConfiguration (every key when none are given)."""
        result = await self.send_call(call.GetConfiguration(key=list(keys) if keys else None))
        items = result.configuration_key or []
        return {
            "configuration": {item["key"]: item.get("value") for item in items},
            "readonly": [item["key"] for item in items if item.get("readonly")],
            "unknown_keys": list(result.unknown_key or []),
        }

    async def read_capabilities(self) -> Capabilities:
        """Every configuration key, and what the standard ones say about the charger."""
        config: dict[str, str | None] = (await self.get_configuration())["configuration"]
        return Capabilities(
            feature_profiles=_csl_set(config.get("SupportedFeatureProfiles")),
            number_of_connectors=int_or_none(config.get("NumberOfConnectors")),
            max_stack_level=int_or_none(config.get("ChargeProfileMaxStackLevel")),
            rate_units=_rate_units(config.get("ChargingScheduleAllowedChargingRateUnit")),
            max_periods=int_or_none(config.get("ChargingScheduleMaxPeriods")),
            heartbeat_interval=int_or_none(config.get("HeartbeatInterval")),
            meter_interval=int_or_none(config.get("MeterValueSampleInterval")),
            sampled_measurands=split_list(config.get("MeterValuesSampledData")),
            configuration=config,
        )

    async def apply_settings(
        self,
        *,
        heartbeat_interval: int | None = None,
        meter_interval: int | None = None,
        measurands: Sequence[str] | None = None,
    ) -> None:
        """ChangeConfiguration of the heartbeat and meter value keys."""
        if heartbeat_interval is not None:
            await self.change_configuration("HeartbeatInterval", str(heartbeat_interval))
        if meter_interval is not None:
            await self.change_configuration("MeterValueSampleInterval", str(meter_interval))
        if measurands is not None:
            await self.change_configuration("MeterValuesSampledData", ",".join(measurands))

    async def trigger_message(
        self, message: TriggerableMessage, connector_id: int | None = None
    ) -> str:
        """TriggerMessage."""
        result = await self.send_call(
            call.TriggerMessage(
                requested_message=MessageTrigger(message.value), connector_id=connector_id
            )
        )
        return self.expect(result.status)

    async def set_charging_profile(self, connector_id: int, profile: ChargingProfile) -> str:
        """SetChargingProfile."""
        result = await self.send_call(
            call.SetChargingProfile(
                connector_id=connector_id, cs_charging_profiles=_profile(profile)
            )
        )
        return self.expect(result.status)

    async def clear_charging_profile(
        self,
        *,
        profile_id: int | None = None,
        connector_id: int | None = None,
        purpose: ProfilePurpose | None = None,
        stack_level: int | None = None,
    ) -> str:
        """ClearChargingProfile; Unknown (nothing matched) is not an error."""
        result = await self.send_call(
            call.ClearChargingProfile(
                id=profile_id,
                connector_id=connector_id,
                charging_profile_purpose=(
                    None if purpose is None else ChargingProfilePurposeType(purpose.value)
                ),
                stack_level=stack_level,
            )
        )
        return self.expect(result.status, "Accepted", "Unknown")

    async def get_composite_schedule(
        self, connector_id: int, duration: int, unit: RateUnit | None = None
    ) -> dict[str, Any]:
        """GetCompositeSchedule."""
        result = await self.send_call(
            call.GetCompositeSchedule(
                connector_id=connector_id,
                duration=duration,
                charging_rate_unit=None if unit is None else ChargingRateUnitType(unit.value),
            )
        )
        schedule = result.charging_schedule
        return {
            "status": self.expect(result.status),
            "connector_id": result.connector_id,
            "schedule_start": datetime_or_none(result.schedule_start),
            "schedule": None if schedule is None else _schedule(schedule),
        }

    async def update_firmware(
        self,
        location: str,
        retrieve_date: datetime,
        *,
        retries: int | None = None,
        retry_interval: int | None = None,
    ) -> str:
        """UpdateFirmware; its answer carries no status, so an answer means Accepted."""
        await self.send_call(
            call.UpdateFirmware(
                location=location,
                retrieve_date=format_timestamp(retrieve_date),
                retries=retries,
                retry_interval=retry_interval,
            )
        )
        return "Accepted"

    async def get_diagnostics(
        self,
        location: str,
        *,
        retries: int | None = None,
        retry_interval: int | None = None,
        start_time: datetime | None = None,
        stop_time: datetime | None = None,
    ) -> dict[str, Any]:
        """GetDiagnostics; the answer names the file the charger will upload, if any."""
        result = await self.send_call(
            call.GetDiagnostics(
                location=location,
                retries=retries,
                retry_interval=retry_interval,
                start_time=None if start_time is None else format_timestamp(start_time),
                stop_time=None if stop_time is None else format_timestamp(stop_time),
            )
        )
        return {"status": "Accepted", "file_name": result.file_name}

    async def reserve_now(
        self,
        connector_id: int,
        expiry_date: datetime,
        id_tag: str,
        reservation_id: int,
        parent_id_tag: str | None = None,
    ) -> str:
        """ReserveNow."""
        result = await self.send_call(
            call.ReserveNow(
                connector_id=connector_id,
                expiry_date=format_timestamp(expiry_date),
                id_tag=id_tag,
                reservation_id=reservation_id,
                parent_id_tag=parent_id_tag,
            )
        )
        return self.expect(result.status)

    async def send_local_list(
        self, version: int, entries: Sequence[LocalListEntry], *, full: bool
    ) -> str:
        """SendLocalList."""
        result = await self.send_call(
            call.SendLocalList(
                list_version=version,
                update_type=UpdateType.full if full else UpdateType.differential,
                local_authorization_list=[_local_list_entry(entry) for entry in entries],
            )
        )
        return self.expect(result.status)

    async def get_local_list_version(self) -> int:
        """GetLocalListVersion."""
        result = await self.send_call(call.GetLocalListVersion())
        return int(result.list_version)


def _profile(profile: ChargingProfile) -> dict[str, Any]:
    """A 1.6 ChargingProfile; its transaction id must be a number."""
    data = profile_as_dict(profile)
    if "transaction_id" in data:
        try:
            data["transaction_id"] = int(data["transaction_id"])
        except ValueError as err:
            raise InvalidRequestError(
                f"transaction id {profile.transaction_id!r} is not a number"
            ) from err
    return to_wire(data)


def _schedule(data: dict[str, Any]) -> ChargingSchedule:
    """A ChargingSchedule from a charger's answer (already snake_cased and schema-checked)."""
    start = data.get("start_schedule")
    return schedule_from_dict({**data, "start_schedule": datetime_or_none(start)})


def _local_list_entry(entry: LocalListEntry) -> dict[str, Any]:
    if entry.status is None:
        return {"id_tag": entry.id_tag}
    info: dict[str, Any] = {"status": entry.status.value}
    if entry.expiry_date is not None:
        info["expiry_date"] = format_timestamp(entry.expiry_date)
    if entry.parent_id_tag is not None:
        info["parent_id_tag"] = entry.parent_id_tag
    return {"id_tag": entry.id_tag, "id_tag_info": info}


def _csl_set(value: str | None) -> frozenset[str] | None:
    items = split_list(value)
    return None if items is None else frozenset(items)


def _rate_units(value: str | None) -> frozenset[RateUnit] | None:
    items = split_list(value)
    if items is None:
        return None
    names = {"Current": RateUnit.AMPS, "Power": RateUnit.WATTS}
    return frozenset(names[item] for item in items if item in names)
