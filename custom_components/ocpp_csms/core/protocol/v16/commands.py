"""What the central system sends an OCPP 1.6 charger: the version-neutral commands in 1.6."""

from __future__ import annotations

from collections.abc import Sequence

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
    RateUnit,
)
from ..errors import InvalidRequestError
from ..outgoing import (
    CompositeSchedule,
    ConfigurationRead,
    DiagnosticsAnswer,
    DiagnosticsUpload,
    FirmwareUpdate,
    LocalListEntry,
    MeterSettings,
    ProfileFilter,
    Reservation,
    TriggerableMessage,
)
from ..wire import (
    datetime_or_none,
    format_timestamp,
    int_or_none,
    split_list,
    timestamp_or_none,
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
        return await self.call_for_status(
            call.RemoteStartTransaction(
                id_tag=id_tag,
                connector_id=connector_id,
                charging_profile=None if profile is None else profile_to_wire(profile),
            )
        )

    async def remote_stop(self, transaction_id: int | str) -> str:
        """RemoteStopTransaction (1.6 transaction ids are integers)."""
        try:
            number = int(transaction_id)
        except ValueError as err:
            raise InvalidRequestError(f"transaction id {transaction_id!r} is not a number") from err
        return await self.call_for_status(call.RemoteStopTransaction(transaction_id=number))

    async def reset(self, *, hard: bool) -> str:
        """Reset (Hard or Soft)."""
        return await self.call_for_status(
            call.Reset(type=ResetType.hard if hard else ResetType.soft)
        )

    async def unlock(self, connector_id: int) -> str:
        """UnlockConnector."""
        return await self.call_for_status(
            call.UnlockConnector(connector_id=connector_id), "Unlocked"
        )

    async def change_availability(self, connector_id: int, *, operative: bool) -> str:
        """ChangeAvailability; Scheduled counts as success (it applies after the session)."""
        kind = AvailabilityType.operative if operative else AvailabilityType.inoperative
        return await self.call_for_status(
            call.ChangeAvailability(connector_id=connector_id, type=kind), "Accepted", "Scheduled"
        )

    async def change_configuration(self, key: str, value: str) -> str:
        """ChangeConfiguration; RebootRequired counts as success."""
        return await self.call_for_status(
            call.ChangeConfiguration(key=key, value=value), "Accepted", "RebootRequired"
        )

    async def get_configuration(self, keys: Sequence[str] | None = None) -> ConfigurationRead:
        """GetConfiguration (every key when none are given)."""
        result = await self.send_call(call.GetConfiguration(key=list(keys) if keys else None))
        items = result.configuration_key or []
        return ConfigurationRead(
            configuration={item["key"]: item.get("value") for item in items},
            readonly=[item["key"] for item in items if item.get("readonly")],
            unknown_keys=list(result.unknown_key or []),
        )

    async def read_capabilities(self) -> Capabilities:
        """Every configuration key, and what the standard ones say about the charger."""
        config = (await self.get_configuration()).configuration
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

    async def apply_settings(self, settings: MeterSettings) -> None:
        """ChangeConfiguration of the heartbeat and meter value keys."""
        keys = ("HeartbeatInterval", "MeterValueSampleInterval", "MeterValuesSampledData")
        for key, value in settings.by_key(*keys).items():
            await self.change_configuration(key, value)

    async def trigger_message(
        self, message: TriggerableMessage, connector_id: int | None = None
    ) -> str:
        """TriggerMessage."""
        return await self.call_for_status(
            call.TriggerMessage(
                requested_message=MessageTrigger(message.value), connector_id=connector_id
            )
        )

    async def set_charging_profile(self, connector_id: int, profile: ChargingProfile) -> str:
        """SetChargingProfile."""
        return await self.call_for_status(
            call.SetChargingProfile(
                connector_id=connector_id, cs_charging_profiles=profile_to_wire(profile)
            )
        )

    async def clear_charging_profile(self, which: ProfileFilter) -> str:
        """ClearChargingProfile; Unknown (nothing matched) is not an error."""
        purpose = which.purpose
        return await self.call_for_status(
            call.ClearChargingProfile(
                id=which.profile_id,
                connector_id=which.connector_id,
                charging_profile_purpose=(
                    None if purpose is None else ChargingProfilePurposeType(purpose.value)
                ),
                stack_level=which.stack_level,
            ),
            "Accepted",
            "Unknown",
        )

    async def get_composite_schedule(
        self, connector_id: int, duration: int, unit: RateUnit | None = None
    ) -> CompositeSchedule:
        """GetCompositeSchedule."""
        result = await self.send_call(
            call.GetCompositeSchedule(
                connector_id=connector_id,
                duration=duration,
                charging_rate_unit=None if unit is None else ChargingRateUnitType(unit.value),
            )
        )
        schedule = result.charging_schedule
        return CompositeSchedule(
            status=self.expect(result.status),
            connector_id=connector_id if result.connector_id is None else result.connector_id,
            schedule_start=datetime_or_none(result.schedule_start),
            schedule=None if schedule is None else schedule_from_wire(schedule),
        )

    async def update_firmware(self, update: FirmwareUpdate) -> str:
        """UpdateFirmware; its answer carries no status, so an answer means Accepted."""
        await self.send_call(
            call.UpdateFirmware(
                location=update.location,
                retrieve_date=format_timestamp(update.retrieve_date),
                retries=update.retries,
                retry_interval=update.retry_interval,
            )
        )
        return "Accepted"

    async def get_diagnostics(self, upload: DiagnosticsUpload) -> DiagnosticsAnswer:
        """GetDiagnostics; the answer names the file the charger will upload, if any."""
        result = await self.send_call(
            call.GetDiagnostics(
                location=upload.location,
                retries=upload.retries,
                retry_interval=upload.retry_interval,
                start_time=timestamp_or_none(upload.start_time),
                stop_time=timestamp_or_none(upload.stop_time),
            )
        )
        return DiagnosticsAnswer("Accepted", result.file_name)

    async def reserve_now(self, reservation: Reservation) -> str:
        """ReserveNow."""
        return await self.call_for_status(
            call.ReserveNow(
                connector_id=reservation.connector_id,
                expiry_date=format_timestamp(reservation.expiry_date),
                id_tag=reservation.id_tag,
                reservation_id=reservation.reservation_id,
                parent_id_tag=reservation.parent_id_tag,
            )
        )

    async def send_local_list(
        self, version: int, entries: Sequence[LocalListEntry], *, full: bool
    ) -> str:
        """SendLocalList."""
        return await self.call_for_status(
            call.SendLocalList(
                list_version=version,
                update_type=UpdateType.full if full else UpdateType.differential,
                local_authorization_list=[local_list_entry_to_wire(entry) for entry in entries],
            )
        )

    async def get_local_list_version(self) -> int:
        """GetLocalListVersion."""
        result = await self.send_call(call.GetLocalListVersion())
        return int(result.list_version)
