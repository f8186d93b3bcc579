"""What the central system sends an OCPP 1.6 charger: the version-neutral commands in 1.6."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ocpp.v16 import call, call_result
from ocpp.v16.enums import (
    AvailabilityType,
    ChargingProfilePurposeType,
    ChargingRateUnitType,
    MessageTrigger,
    ResetType,
    UpdateType,
)

from ...capabilities import Capabilities
from ...smart_charging.profile import (
    ChargingProfile,
    ProfilePurpose,
    RateUnit,
)
from ..interface import (
    InvalidRequestError,
    LocalListEntry,
    TriggerableMessage,
)
from ..wire import (
    datetime_or_none,
    format_timestamp,
    int_or_none,
    split_list,
)
from .convert import (
    csl_set,
    local_list_entry_to_wire,
    profile_to_wire,
    rate_units_from,
    schedule_from_wire,
)
from .messages import ChargerMessages


class ChargePoint16(ChargerMessages):
    """A charger speaking OCPP 1.6J."""

    requests = call
    results = call_result
    ocpp_version = "1.6"

    async def remote_start(
        self, connector_id: int, id_tag: str, profile: ChargingProfile | None = None
    ) -> str:
        """RemoteStartTransaction."""
        result = await self.send_call(
            call.RemoteStartTransaction(
                id_tag=id_tag,
                connector_id=connector_id,
                charging_profile=None if profile is None else profile_to_wire(profile),
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
            feature_profiles=csl_set(config.get("SupportedFeatureProfiles")),
            number_of_connectors=int_or_none(config.get("NumberOfConnectors")),
            max_stack_level=int_or_none(config.get("ChargeProfileMaxStackLevel")),
            rate_units=rate_units_from(config.get("ChargingScheduleAllowedChargingRateUnit")),
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
                connector_id=connector_id, cs_charging_profiles=profile_to_wire(profile)
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
            "schedule": None if schedule is None else schedule_from_wire(schedule),
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
                local_authorization_list=[local_list_entry_to_wire(entry) for entry in entries],
            )
        )
        return self.expect(result.status)

    async def get_local_list_version(self) -> int:
        """GetLocalListVersion."""
        result = await self.send_call(call.GetLocalListVersion())
        return int(result.list_version)
