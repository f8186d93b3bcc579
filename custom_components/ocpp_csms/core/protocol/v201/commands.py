"""What the central system sends an OCPP 2.0.1 station: the version-neutral commands in 2.0.1."""

from __future__ import annotations

from collections.abc import Sequence
import logging
from typing import Any

from ocpp.v201 import call, call_result
from ocpp.v201.enums import (
    ChargingRateUnitEnumType,
    LogEnumType,
    OperationalStatusEnumType,
    ResetEnumType,
    UpdateEnumType,
)

from ...smart_charging.profile import (
    ChargingProfile,
    RateUnit,
)
from ..outgoing import (
    CompositeSchedule,
    DiagnosticsAnswer,
    DiagnosticsUpload,
    FirmwareUpdate,
    LocalListEntry,
    ProfileFilter,
    Reservation,
    TriggerableMessage,
)
from ..wire import (
    format_timestamp,
    new_id,
    parse_timestamp,
    timestamp_or_none,
)
from .convert import (
    PURPOSES,
    TRIGGERS,
    profile_to_wire,
    remember,
    schedule_from_wire,
)
from .variables import DeviceModelCommands

_LOGGER = logging.getLogger(__name__)


class ChargePoint201(DeviceModelCommands):
    """A charging station speaking OCPP 2.0.1."""

    requests = call
    results = call_result
    ocpp_version = "2.0.1"

    async def remote_start(
        self, connector_id: int, id_tag: str, profile: ChargingProfile | None = None
    ) -> str:
        """RequestStartTransaction; its remoteStartId ties the transaction to ``id_tag``."""
        remote_start_id = new_id()
        remember(self._remote_starts, remote_start_id, id_tag)
        return await self.call_for_status(
            call.RequestStartTransaction(
                id_token=self._id_token(id_tag),
                remote_start_id=remote_start_id,
                evse_id=connector_id,
                charging_profile=None if profile is None else profile_to_wire(profile),
            )
        )

    async def remote_stop(self, transaction_id: int | str) -> str:
        """RequestStopTransaction."""
        return await self.call_for_status(
            call.RequestStopTransaction(transaction_id=str(transaction_id))
        )

    async def reset(self, *, hard: bool) -> str:
        """Reset: hard is Immediate, soft waits until no transaction runs (OnIdle)."""
        kind = ResetEnumType.immediate if hard else ResetEnumType.on_idle
        return await self.call_for_status(call.Reset(type=kind), "Accepted", "Scheduled")

    async def unlock(self, connector_id: int) -> str:
        """UnlockConnector (connector 1 of the EVSE)."""
        return await self.call_for_status(
            call.UnlockConnector(evse_id=connector_id, connector_id=1), "Unlocked"
        )

    async def change_availability(self, connector_id: int, *, operative: bool) -> str:
        """ChangeAvailability of an EVSE (0: the whole station)."""
        status = (
            OperationalStatusEnumType.operative
            if operative
            else OperationalStatusEnumType.inoperative
        )
        return await self.call_for_status(
            call.ChangeAvailability(
                operational_status=status,
                evse=None if connector_id == 0 else {"id": connector_id},
            ),
            "Accepted",
            "Scheduled",
        )

    async def trigger_message(
        self, message: TriggerableMessage, connector_id: int | None = None
    ) -> str:
        """TriggerMessage (DiagnosticsStatusNotification is LogStatusNotification in 2.0.1)."""
        evse: dict[str, int] | None = None
        if connector_id:
            evse = {"id": connector_id}
            if message == TriggerableMessage.STATUS_NOTIFICATION:
                evse["connector_id"] = 1
        return await self.call_for_status(
            call.TriggerMessage(requested_message=TRIGGERS[message], evse=evse)
        )

    async def set_charging_profile(self, connector_id: int, profile: ChargingProfile) -> str:
        """SetChargingProfile on an EVSE (0: the station)."""
        return await self.call_for_status(
            call.SetChargingProfile(evse_id=connector_id, charging_profile=profile_to_wire(profile))
        )

    async def clear_charging_profile(self, which: ProfileFilter) -> str:
        """ClearChargingProfile; Unknown (nothing matched) is not an error."""
        purpose = which.purpose
        criteria = {
            key: value
            for key, value in (
                ("evse_id", which.connector_id),
                ("charging_profile_purpose", None if purpose is None else PURPOSES[purpose]),
                ("stack_level", which.stack_level),
            )
            if value is not None
        }
        return await self.call_for_status(
            call.ClearChargingProfile(
                charging_profile_id=which.profile_id, charging_profile_criteria=criteria or None
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
                duration=duration,
                evse_id=connector_id,
                charging_rate_unit=None if unit is None else ChargingRateUnitEnumType(unit.value),
            )
        )
        status = self.expect(result.status)
        if (schedule := result.schedule) is None:
            return CompositeSchedule(status, connector_id)
        return CompositeSchedule(
            status=status,
            connector_id=schedule["evse_id"],
            schedule_start=parse_timestamp(schedule["schedule_start"]),
            schedule=schedule_from_wire(schedule),
        )

    async def update_firmware(self, update: FirmwareUpdate) -> str:
        """UpdateFirmware; AcceptedCanceled (an earlier update was cancelled) is success."""
        return await self.call_for_status(
            call.UpdateFirmware(
                request_id=new_id(),
                firmware={
                    "location": update.location,
                    "retrieve_date_time": format_timestamp(update.retrieve_date),
                },
                retries=update.retries,
                retry_interval=update.retry_interval,
            ),
            "Accepted",
            "AcceptedCanceled",
        )

    async def get_diagnostics(self, upload: DiagnosticsUpload) -> DiagnosticsAnswer:
        """GetLog of the diagnostics log."""
        log = {
            "remote_location": upload.location,
            "oldest_timestamp": timestamp_or_none(upload.start_time),
            "latest_timestamp": timestamp_or_none(upload.stop_time),
        }
        result = await self.send_call(
            call.GetLog(
                log={key: value for key, value in log.items() if value is not None},
                log_type=LogEnumType.diagnostics_log,
                request_id=new_id(),
                retries=upload.retries,
                retry_interval=upload.retry_interval,
            )
        )
        status = self.expect(result.status, "Accepted", "AcceptedCanceled")
        return DiagnosticsAnswer(status, result.filename)

    async def reserve_now(self, reservation: Reservation) -> str:
        """ReserveNow (EVSE 0: any EVSE)."""
        parent = reservation.parent_id_tag
        return await self.call_for_status(
            call.ReserveNow(
                id=reservation.reservation_id,
                expiry_date_time=format_timestamp(reservation.expiry_date),
                id_token=self._id_token(reservation.id_tag),
                evse_id=reservation.connector_id or None,
                group_id_token=None if parent is None else self._id_token(parent),
            )
        )

    async def send_local_list(
        self, version: int, entries: Sequence[LocalListEntry], *, full: bool
    ) -> str:
        """SendLocalList."""
        return await self.call_for_status(
            call.SendLocalList(
                version_number=version,
                update_type=UpdateEnumType.full if full else UpdateEnumType.differential,
                local_authorization_list=[self._local_list_entry(entry) for entry in entries]
                or None,
            )
        )

    def _local_list_entry(self, entry: LocalListEntry) -> dict[str, Any]:
        data: dict[str, Any] = {"id_token": self._id_token(entry.id_tag)}
        if entry.status is None:
            return data  # no info: removed from the list
        info: dict[str, Any] = {"status": entry.status.value}
        if entry.expiry_date is not None:
            info["cache_expiry_date_time"] = format_timestamp(entry.expiry_date)
        if entry.parent_id_tag is not None:
            info["group_id_token"] = self._id_token(entry.parent_id_tag)
        return {**data, "id_token_info": info}

    async def get_local_list_version(self) -> int:
        """GetLocalListVersion."""
        result = await self.send_call(call.GetLocalListVersion())
        return int(result.version_number)
