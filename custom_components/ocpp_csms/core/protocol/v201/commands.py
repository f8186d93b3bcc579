"""What the central system sends an OCPP 2.0.1 station: the version-neutral commands in 2.0.1."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
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
    ProfilePurpose,
    RateUnit,
)
from ..interface import (
    LocalListEntry,
    TriggerableMessage,
)
from ..wire import (
    format_timestamp,
    new_id,
    parse_timestamp,
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
        result = await self.send_call(
            call.RequestStartTransaction(
                id_token=self._id_token(id_tag),
                remote_start_id=remote_start_id,
                evse_id=connector_id,
                charging_profile=None if profile is None else profile_to_wire(profile),
            )
        )
        return self.expect(result.status)

    async def remote_stop(self, transaction_id: int | str) -> str:
        """RequestStopTransaction."""
        result = await self.send_call(
            call.RequestStopTransaction(transaction_id=str(transaction_id))
        )
        return self.expect(result.status)

    async def reset(self, *, hard: bool) -> str:
        """Reset: hard is Immediate, soft waits until no transaction runs (OnIdle)."""
        kind = ResetEnumType.immediate if hard else ResetEnumType.on_idle
        result = await self.send_call(call.Reset(type=kind))
        return self.expect(result.status, "Accepted", "Scheduled")

    async def unlock(self, connector_id: int) -> str:
        """UnlockConnector (connector 1 of the EVSE)."""
        result = await self.send_call(call.UnlockConnector(evse_id=connector_id, connector_id=1))
        return self.expect(result.status, "Unlocked")

    async def change_availability(self, connector_id: int, *, operative: bool) -> str:
        """ChangeAvailability of an EVSE (0: the whole station)."""
        status = (
            OperationalStatusEnumType.operative
            if operative
            else OperationalStatusEnumType.inoperative
        )
        result = await self.send_call(
            call.ChangeAvailability(
                operational_status=status,
                evse=None if connector_id == 0 else {"id": connector_id},
            )
        )
        return self.expect(result.status, "Accepted", "Scheduled")

    async def trigger_message(
        self, message: TriggerableMessage, connector_id: int | None = None
    ) -> str:
        """TriggerMessage (DiagnosticsStatusNotification is LogStatusNotification in 2.0.1)."""
        evse: dict[str, int] | None = None
        if connector_id:
            evse = {"id": connector_id}
            if message == TriggerableMessage.STATUS_NOTIFICATION:
                evse["connector_id"] = 1
        result = await self.send_call(
            call.TriggerMessage(requested_message=TRIGGERS[message], evse=evse)
        )
        return self.expect(result.status)

    async def set_charging_profile(self, connector_id: int, profile: ChargingProfile) -> str:
        """SetChargingProfile on an EVSE (0: the station)."""
        result = await self.send_call(
            call.SetChargingProfile(evse_id=connector_id, charging_profile=profile_to_wire(profile))
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
        criteria = {
            key: value
            for key, value in (
                ("evse_id", connector_id),
                ("charging_profile_purpose", None if purpose is None else PURPOSES[purpose]),
                ("stack_level", stack_level),
            )
            if value is not None
        }
        result = await self.send_call(
            call.ClearChargingProfile(
                charging_profile_id=profile_id, charging_profile_criteria=criteria or None
            )
        )
        return self.expect(result.status, "Accepted", "Unknown")

    async def get_composite_schedule(
        self, connector_id: int, duration: int, unit: RateUnit | None = None
    ) -> dict[str, Any]:
        """GetCompositeSchedule."""
        result = await self.send_call(
            call.GetCompositeSchedule(
                duration=duration,
                evse_id=connector_id,
                charging_rate_unit=None if unit is None else ChargingRateUnitEnumType(unit.value),
            )
        )
        schedule = result.schedule
        return {
            "status": self.expect(result.status),
            "connector_id": connector_id if schedule is None else schedule["evse_id"],
            "schedule_start": None
            if schedule is None
            else parse_timestamp(schedule["schedule_start"]),
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
        """UpdateFirmware; AcceptedCanceled (an earlier update was cancelled) is success."""
        result = await self.send_call(
            call.UpdateFirmware(
                request_id=new_id(),
                firmware={
                    "location": location,
                    "retrieve_date_time": format_timestamp(retrieve_date),
                },
                retries=retries,
                retry_interval=retry_interval,
            )
        )
        return self.expect(result.status, "Accepted", "AcceptedCanceled")

    async def get_diagnostics(
        self,
        location: str,
        *,
        retries: int | None = None,
        retry_interval: int | None = None,
        start_time: datetime | None = None,
        stop_time: datetime | None = None,
    ) -> dict[str, Any]:
        """GetLog of the diagnostics log."""
        log: dict[str, str] = {"remote_location": location}
        if start_time is not None:
            log["oldest_timestamp"] = format_timestamp(start_time)
        if stop_time is not None:
            log["latest_timestamp"] = format_timestamp(stop_time)
        result = await self.send_call(
            call.GetLog(
                log=log,
                log_type=LogEnumType.diagnostics_log,
                request_id=new_id(),
                retries=retries,
                retry_interval=retry_interval,
            )
        )
        status = self.expect(result.status, "Accepted", "AcceptedCanceled")
        return {"status": status, "file_name": result.filename}

    async def reserve_now(
        self,
        connector_id: int,
        expiry_date: datetime,
        id_tag: str,
        reservation_id: int,
        parent_id_tag: str | None = None,
    ) -> str:
        """ReserveNow (EVSE 0: any EVSE)."""
        result = await self.send_call(
            call.ReserveNow(
                id=reservation_id,
                expiry_date_time=format_timestamp(expiry_date),
                id_token=self._id_token(id_tag),
                evse_id=connector_id or None,
                group_id_token=None if parent_id_tag is None else self._id_token(parent_id_tag),
            )
        )
        return self.expect(result.status)

    async def send_local_list(
        self, version: int, entries: Sequence[LocalListEntry], *, full: bool
    ) -> str:
        """SendLocalList."""
        result = await self.send_call(
            call.SendLocalList(
                version_number=version,
                update_type=UpdateEnumType.full if full else UpdateEnumType.differential,
                local_authorization_list=[self._local_list_entry(entry) for entry in entries]
                or None,
            )
        )
        return self.expect(result.status)

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
