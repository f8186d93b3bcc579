"""OCPP 2.0.1 adapter: 2.0.1 messages in and out of the version-neutral model.

EVSEs are the connectors of the model: EVSE 1 is connector 1, and so on (the charging
station itself is 0). An EVSE with several connectors (say a Type 2 socket and a tethered
cable) is one connector device showing its most significant connector (:mod:`.evse`);
commands that need a connector of an EVSE use connector 1.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
import json
import logging
from typing import Any

from ocpp.exceptions import (
    OccurrenceConstraintViolationError,
    OCPPError,
    PropertyConstraintViolationError,
)
from ocpp.v201 import call, call_result
from ocpp.v201.enums import (
    Action,
    ChargingProfilePurposeEnumType,
    ChargingRateUnitEnumType,
    IdTokenEnumType,
    LogEnumType,
    MessageTriggerEnumType,
    OperationalStatusEnumType,
    ReportBaseEnumType,
    ResetEnumType,
    UpdateEnumType,
)

from ..model import SMART_CHARGING, BootInfo, Capabilities, MeterSample
from ..smart_charging.profile import (
    ChargingProfile,
    ChargingSchedule,
    ProfilePurpose,
    RateUnit,
    profile_as_dict,
    schedule_from_dict,
)
from .device_model import DeviceModelKeyError, Report, VariableRef
from .evse import EventSequence, EvseState, station_status
from .interface import (
    MAX_CONNECTOR_ID,
    AuthStatus,
    ChargerTimeoutError,
    CommandError,
    CommandRejectedError,
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
    format_timestamp,
    int_or_none,
    new_id,
    parse_timestamp,
    split_list,
    to_snake,
    to_wire,
    utc_now,
)

_LOGGER = logging.getLogger(__name__)

ENERGY_REGISTER = "Energy.Active.Import.Register"

# Device model variables that say what the station supports (read when it has no full report).
SMART_CHARGING_ENABLED = "SmartChargingCtrlr.Enabled"
STACK_LEVELS = "SmartChargingCtrlr.ProfileStackLevel"
RATE_UNITS = "SmartChargingCtrlr.RateUnit"
PERIODS = "SmartChargingCtrlr.PeriodsPerSchedule"
HEARTBEAT_INTERVAL = "OCPPCommCtrlr.HeartbeatInterval"
METER_INTERVAL = "SampledDataCtrlr.TxUpdatedInterval"
MEASURANDS = "SampledDataCtrlr.TxUpdatedMeasurands"
RESERVATION_ENABLED = "ReservationCtrlr.Enabled"
LOCAL_LIST_ENABLED = "LocalAuthListCtrlr.Enabled"
CAPABILITY_VARIABLES = (
    SMART_CHARGING_ENABLED,
    STACK_LEVELS,
    RATE_UNITS,
    PERIODS,
    HEARTBEAT_INTERVAL,
    METER_INTERVAL,
    MEASURANDS,
    RESERVATION_ENABLED,
    LOCAL_LIST_ENABLED,
)
# Functions every 2.0.1 station has, in the names 1.6 gives its feature profiles.
_CORE_FEATURES = frozenset({"Core", "FirmwareManagement", "RemoteTrigger"})
_OPTIONAL_FEATURES = {
    SMART_CHARGING_ENABLED: SMART_CHARGING,
    RESERVATION_ENABLED: "Reservation",
    LOCAL_LIST_ENABLED: "LocalAuthListManagement",
}

_PURPOSES = {
    ProfilePurpose.CHARGER_MAX: ChargingProfilePurposeEnumType.charging_station_max_profile,
    ProfilePurpose.TX_DEFAULT: ChargingProfilePurposeEnumType.tx_default_profile,
    ProfilePurpose.TX: ChargingProfilePurposeEnumType.tx_profile,
}
_TRIGGERS = {
    TriggerableMessage.BOOT_NOTIFICATION: MessageTriggerEnumType.boot_notification,
    TriggerableMessage.DIAGNOSTICS_STATUS_NOTIFICATION: (
        MessageTriggerEnumType.log_status_notification
    ),
    TriggerableMessage.FIRMWARE_STATUS_NOTIFICATION: (
        MessageTriggerEnumType.firmware_status_notification
    ),
    TriggerableMessage.HEARTBEAT: MessageTriggerEnumType.heartbeat,
    TriggerableMessage.METER_VALUES: MessageTriggerEnumType.meter_values,
    TriggerableMessage.STATUS_NOTIFICATION: MessageTriggerEnumType.status_notification,
}
_RATE_UNITS = {unit.value: unit for unit in RateUnit}
_SET_VARIABLE_SUCCESS = ("Accepted", "RebootRequired")
_UNKNOWN_VARIABLE = frozenset({"UnknownComponent", "UnknownVariable", "NotSupportedAttributeType"})


class MessageTypeNotSupportedError(OCPPError):
    """OCPP-J 2.0.1: a MessageTypeId this implementation does not know."""

    code = "MessageTypeNotSupported"
    default_description = "A message with a MessageTypeId that is not supported was received"


def _read_value(sampled: dict[str, Any]) -> tuple[float, str | None] | None:
    unit = sampled.get("unit_of_measure") or {}
    value = sampled.get("value")
    if not isinstance(value, int | float):
        return None
    try:
        return value * 10.0 ** int(unit.get("multiplier", 0)), unit.get("unit")
    except OverflowError:  # a multiplier no meter has; the reading is unusable
        return None


def _samples(meter_values: list[dict[str, Any]]) -> list[MeterSample]:
    """2.0.1 MeterValue objects (already snake_cased) as samples."""
    return parse_meter_values(meter_values, _read_value)


def _register_wh(samples: Sequence[MeterSample], context: str) -> float | None:
    """The energy register in Wh, preferably from a reading in ``context``."""
    registers = [s for s in samples if s.measurand == ENERGY_REGISTER and s.location != "Inlet"]
    preferred = [s for s in registers if s.context == context] or registers
    return None if not preferred else round(preferred[-1].value * 1000, 6)


class ChargePoint201(OcppSession):
    """A charging station speaking OCPP 2.0.1."""

    requests = call
    results = call_result
    ocpp_version = "2.0.1"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Start with no EVSE, transaction or report known."""
        super().__init__(*args, **kwargs)
        self._evses: dict[int, EvseState] = {}
        self._sequences: dict[str, EventSequence] = {}
        self._reports: dict[int, Report] = {}
        self._remote_starts: dict[int, str] = {}  # remoteStartId → the id token we sent
        self._token_types: dict[str, str] = {}  # id token → the type the station uses

    def check_call(self, action: str, payload: dict[str, Any]) -> None:
        """Refuse EVSE ids out of range (types are the schema's business)."""
        if action == "TransactionEvent":
            evse = payload.get("evse")
            self._check_evse(evse.get("id") if isinstance(evse, dict) else None, 1)
            self._check_transaction_evse(payload)
        elif action in ("StatusNotification", "MeterValues"):
            self._check_evse(payload.get("evseId"), 1 if action == "StatusNotification" else 0)

    @staticmethod
    def _check_evse(evse_id: Any, lowest: int) -> None:
        if isinstance(evse_id, int) and not lowest <= evse_id <= MAX_CONNECTOR_ID:
            raise PropertyConstraintViolationError(
                description=f"evseId {evse_id} is outside {lowest}..{MAX_CONNECTOR_ID}"
            )

    def _check_transaction_evse(self, payload: dict[str, Any]) -> None:
        """The first event of a transaction must say where it runs (OCPP: evse in Started)."""
        info = payload.get("transactionInfo")
        if not isinstance(info, dict) or payload.get("evse") or payload.get("eventType") == "Ended":
            return
        transaction_id = info.get("transactionId")
        if isinstance(transaction_id, str) and self.handler.known_transaction(transaction_id):
            return
        raise OccurrenceConstraintViolationError(
            description=f"evse is required: transaction {transaction_id} is not known yet"
        )

    def message_type_error(self, message_type: Any) -> OCPPError:
        """OCPP-J 2.0.1 names this error MessageTypeNotSupported."""
        return MessageTypeNotSupportedError(
            description=f"MessageTypeId {message_type!r} is not supported"
        )

    # Messages from the station

    @on(Action.boot_notification)
    def on_boot_notification(
        self, charging_station: dict[str, Any], reason: str, **kwargs: Any
    ) -> call_result.BootNotification:
        """Register the station (Accepted, Pending or Rejected)."""
        modem = charging_station.get("modem") or {}
        info = BootInfo(
            vendor=charging_station["vendor_name"],
            model=charging_station["model"],
            serial_number=charging_station.get("serial_number"),
            firmware_version=charging_station.get("firmware_version"),
            iccid=modem.get("iccid"),
            imsi=modem.get("imsi"),
        )
        _LOGGER.debug("%s: booted (%s)", self.id, reason)
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
        self, timestamp: str, connector_status: str, evse_id: int, connector_id: int, **_: Any
    ) -> call_result.StatusNotification:
        """Record a connector's status; the EVSE shows the combined one."""
        self._evse(evse_id).connector_reported(connector_id, connector_status)
        self._report_status(evse_id, parse_timestamp(timestamp))
        return call_result.StatusNotification()

    @on(Action.authorize)
    def on_authorize(self, id_token: dict[str, Any], **_: Any) -> call_result.Authorize:
        """Authorize an id token."""
        status = self.handler.authorize(self._token(id_token))
        return call_result.Authorize(id_token_info={"status": status})

    @on(Action.transaction_event)
    def on_transaction_event(
        self,
        event_type: str,
        timestamp: str,
        trigger_reason: str,
        seq_no: int,
        transaction_info: dict[str, Any],
        **kwargs: Any,
    ) -> call_result.TransactionEvent:
        """Open, update or close a transaction; resent events change nothing."""
        transaction_id = str(transaction_info["transaction_id"])
        id_token = kwargs.get("id_token")
        id_tag = self._token(id_token) if id_token else None
        if (sequence := self._sequences.get(transaction_id)) is None:
            sequence = _remember(self._sequences, transaction_id, EventSequence())
        if not sequence.add(seq_no):
            _LOGGER.debug("%s: TransactionEvent %s/%s again", self.id, transaction_id, seq_no)
            status = None if id_tag is None else self.handler.authorize(id_tag)
            return _transaction_event_result(status)
        remote_start_id = transaction_info.get("remote_start_id")
        if id_tag is None and remote_start_id is not None:
            id_tag = self._remote_starts.pop(remote_start_id, None)
        evse = kwargs.get("evse") or {}
        known = self.handler.known_transaction(transaction_id)
        connector_id = evse.get("id") or (known and known.connector_id)
        when = parse_timestamp(timestamp)
        samples = _samples(kwargs.get("meter_value") or [])
        offline = bool(kwargs.get("offline"))
        _LOGGER.debug(
            "%s: transaction %s %s (%s, seqNo %s%s)",
            self.id,
            transaction_id,
            event_type,
            trigger_reason,
            seq_no,
            ", offline" if offline else "",
        )
        if event_type == "Ended":
            status = self.handler.stop_transaction(
                TransactionStop(
                    transaction_id=transaction_id,
                    meter_stop_wh=_register_wh(samples, "Transaction.End"),
                    timestamp=when,
                    reason=transaction_info.get("stopped_reason"),
                    id_tag=id_tag,
                    samples=tuple(samples),
                )
            )
            if known is not None and known.running and not offline:
                self._ended(transaction_id, known.connector_id, when)
            self._report_gaps(transaction_id)
            return _transaction_event_result(status)
        assert connector_id  # checked before (check_call)  # noqa: S101
        _, status = self.handler.start_transaction(
            TransactionStart(
                connector_id=connector_id,
                id_tag=id_tag,
                meter_start_wh=(
                    _register_wh(samples, "Transaction.Begin") if event_type == "Started" else None
                ),
                timestamp=when,
                reservation_id=kwargs.get("reservation_id"),
                transaction_id=transaction_id,
            )
        )
        if samples:
            self.handler.meter_values(connector_id, transaction_id, samples)
        finished = known is not None and not known.running
        if not (offline or finished):  # replayed or late events do not tell the current state
            evse_state = self._evse(connector_id)
            evse_state.started(transaction_id)
            if (charging_state := transaction_info.get("charging_state")) is not None:
                evse_state.charging(charging_state)
            self._report_status(connector_id, when)
        return _transaction_event_result(status)

    def _ended(self, transaction_id: str, connector_id: int, when: datetime) -> None:
        """The running transaction of an EVSE ended: it is finishing until unplugged."""
        evse_state = self._evse(connector_id)
        if evse_state.transaction_id in (transaction_id, None):
            evse_state.stopped()
            self._report_status(connector_id, when)

    def _report_gaps(self, transaction_id: str) -> None:
        sequence = self._sequences.pop(transaction_id, EventSequence())
        if missing := sequence.missing():
            _LOGGER.warning(
                "%s: transaction %s ended, but its events %s never arrived",
                self.id,
                transaction_id,
                ", ".join(map(str, missing)),
            )

    @on(Action.meter_values)
    def on_meter_values(
        self, evse_id: int, meter_value: list[dict[str, Any]], **_: Any
    ) -> call_result.MeterValues:
        """Record meter samples outside transactions (EVSE 0: the station's main meter)."""
        self.handler.meter_values(evse_id, None, _samples(meter_value))
        return call_result.MeterValues()

    @on(Action.notify_report)
    def on_notify_report(
        self, request_id: int, generated_at: str, seq_no: int, **kwargs: Any
    ) -> call_result.NotifyReport:
        """Collect a device model report we asked for."""
        if (report := self._reports.get(request_id)) is not None:
            report.add(kwargs.get("report_data") or [], last=not kwargs.get("tbc", False))
        else:
            _LOGGER.debug("%s: NotifyReport %s/%s was not asked for", self.id, request_id, seq_no)
        return call_result.NotifyReport()

    @on(Action.notify_event)
    def on_notify_event(
        self, generated_at: str, seq_no: int, event_data: list[dict[str, Any]], **_: Any
    ) -> call_result.NotifyEvent:
        """Log device model events (problems, limits crossed)."""
        for event in event_data:
            ref = VariableRef.from_wire(event["component"], event["variable"])
            _LOGGER.info(
                "%s: %s = %s (%s%s)%s",
                self.id,
                ref.key,
                event.get("actual_value"),
                event.get("trigger"),
                ", cleared" if event.get("cleared") else "",
                f": {event['tech_info']}" if event.get("tech_info") else "",
            )
        return call_result.NotifyEvent()

    @on(Action.firmware_status_notification)
    def on_firmware_status(self, status: str, **_: Any) -> call_result.FirmwareStatusNotification:
        """Record firmware update progress."""
        self.handler.firmware_status(to_snake(status))
        return call_result.FirmwareStatusNotification()

    @on(Action.log_status_notification)
    def on_log_status(self, status: str, **_: Any) -> call_result.LogStatusNotification:
        """Record log upload progress (what 1.6 calls diagnostics)."""
        self.handler.diagnostics_status(to_snake(status))
        return call_result.LogStatusNotification()

    @on(Action.security_event_notification)
    def on_security_event(
        self, timestamp: str, **kwargs: Any
    ) -> call_result.SecurityEventNotification:
        """Pass a security event on (its ``type`` is a name the station chooses)."""
        when = parse_timestamp(timestamp)
        self.handler.security_event(str(kwargs["type"]), when, kwargs.get("tech_info"))
        return call_result.SecurityEventNotification()

    @on(Action.reservation_status_update)
    def on_reservation_status_update(
        self, reservation_id: int, reservation_update_status: str, **_: Any
    ) -> call_result.ReservationStatusUpdate:
        """A reservation expired or was removed."""
        _LOGGER.info("%s: reservation %s %s", self.id, reservation_id, reservation_update_status)
        return call_result.ReservationStatusUpdate()

    @on(Action.data_transfer)
    def on_data_transfer(self, vendor_id: str, **kwargs: Any) -> call_result.DataTransfer:
        """Pass vendor data on; unknown vendors are told so."""
        data = kwargs.get("data")
        text = data if data is None or isinstance(data, str) else json.dumps(data)
        status = self.handler.data_transfer(vendor_id, kwargs.get("message_id"), text)
        return call_result.DataTransfer(status=status)

    # Helpers for messages

    def _evse(self, evse_id: int) -> EvseState:
        if (evse := self._evses.get(evse_id)) is None:
            evse = self._evses[evse_id] = EvseState()
        return evse

    def _report_status(self, evse_id: int, when: datetime) -> None:
        if (status := self._evse(evse_id).status()) is None:
            return
        self.handler.status(StatusReport(evse_id, status, _error_code(status), timestamp=when))
        if (station := station_status(self._evses)) is not None:
            self.handler.status(StatusReport(0, station, _error_code(station), timestamp=when))

    def _token(self, id_token: dict[str, Any]) -> str:
        """The id token's value; its type is remembered for commands naming it."""
        token = str(id_token["id_token"])
        _remember(self._token_types, token, str(id_token["type"]))
        return token

    def _id_token(self, token: str) -> dict[str, str]:
        """An IdTokenType for a token: the type the station used for it, else Central."""
        return {"id_token": token, "type": self._token_types.get(token, IdTokenEnumType.central)}

    # Commands to the station

    async def remote_start(
        self, connector_id: int, id_tag: str, profile: ChargingProfile | None = None
    ) -> str:
        """RequestStartTransaction; its remoteStartId ties the transaction to ``id_tag``."""
        remote_start_id = new_id()
        _remember(self._remote_starts, remote_start_id, id_tag)
        result = await self.send_call(
            call.RequestStartTransaction(
                id_token=self._id_token(id_tag),
                remote_start_id=remote_start_id,
                evse_id=connector_id,
                charging_profile=None if profile is None else _profile(profile),
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

    async def change_configuration(self, key: str, value: str) -> str:
        """SetVariables of one variable (``Component.Variable``, see :mod:`.device_model`)."""
        statuses = await self._set_variables({key: value})
        return statuses[0]

    async def _set_variables(self, values: dict[str, str]) -> list[str]:
        refs = [(_variable(key), value) for key, value in values.items()]
        result = await self.send_call(
            call.SetVariables(
                set_variable_data=[
                    {
                        "attribute_value": value,
                        "component": ref.component_type(),
                        "variable": ref.variable_type(),
                    }
                    for ref, value in refs
                ]
            )
        )
        statuses = [str(item["attribute_status"]) for item in result.set_variable_result]
        if len(statuses) != len(refs):
            raise CommandRejectedError("Incomplete")
        for status in statuses:
            self.expect(status, *_SET_VARIABLE_SUCCESS)
        return statuses

    async def get_configuration(self, keys: Sequence[str] | None = None) -> dict[str, Any]:
        """GetVariables of the given keys; with none, the station's configuration report."""
        if not keys:
            report = await self._base_report(ReportBaseEnumType.configuration_inventory)
            return {
                "configuration": {key: item.value for key, item in report.values.items()},
                "readonly": [key for key, item in report.values.items() if item.readonly],
                "unknown_keys": [],
            }
        values, unknown = await self._get_variables(keys)
        return {"configuration": values, "readonly": [], "unknown_keys": unknown}

    async def _get_variables(self, keys: Sequence[str]) -> tuple[dict[str, str | None], list[str]]:
        refs = [_variable(key) for key in keys]
        result = await self.send_call(
            call.GetVariables(
                get_variable_data=[
                    {"component": ref.component_type(), "variable": ref.variable_type()}
                    for ref in refs
                ]
            )
        )
        values: dict[str, str | None] = {}
        unknown: list[str] = []
        asked = {ref.key for ref in refs}
        for ref, item in zip(refs, result.get_variable_result, strict=False):
            # Results name their variable; a station may answer in another order.
            named = VariableRef.from_wire(item["component"], item["variable"]).key
            key = named if named in asked else ref.key
            if item["attribute_status"] == "Accepted":
                values[key] = item.get("attribute_value")
            elif item["attribute_status"] in _UNKNOWN_VARIABLE:
                unknown.append(key)
        return values, unknown

    async def _base_report(self, base: ReportBaseEnumType) -> Report:
        """Ask for a report and wait for all its NotifyReport messages."""
        request_id = new_id()
        report = self._reports[request_id] = Report()
        try:
            result = await self.send_call(
                call.GetBaseReport(request_id=request_id, report_base=base)
            )
            if result.status == "EmptyResultSet":
                return report
            self.expect(result.status)
            try:
                async with asyncio.timeout(self._response_timeout):
                    await report.complete.wait()
            except TimeoutError as err:
                raise ChargerTimeoutError(f"{self.id}: report {request_id} incomplete") from err
            return report
        finally:
            del self._reports[request_id]

    async def read_capabilities(self) -> Capabilities:
        """The station's device model (full report, else the few variables that matter)."""
        try:
            report = await self._base_report(ReportBaseEnumType.full_inventory)
        except CommandError as err:
            _LOGGER.debug("%s: no full report (%s); reading variables", self.id, err)
            values, _ = await self._get_variables(CAPABILITY_VARIABLES)
            return _capabilities(values, evse_count=None)
        values = {key: item.value for key, item in report.values.items()}
        return _capabilities(values, evse_count=max(report.evse_ids, default=0) or None)

    async def apply_settings(
        self,
        *,
        heartbeat_interval: int | None = None,
        meter_interval: int | None = None,
        measurands: Sequence[str] | None = None,
    ) -> None:
        """SetVariables of the heartbeat interval, transaction meter interval and measurands."""
        values: dict[str, str] = {}
        if heartbeat_interval is not None:
            values[HEARTBEAT_INTERVAL] = str(heartbeat_interval)
        if meter_interval is not None:
            values[METER_INTERVAL] = str(meter_interval)
        if measurands is not None:
            values[MEASURANDS] = ",".join(measurands)
        if values:
            await self._set_variables(values)

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
            call.TriggerMessage(requested_message=_TRIGGERS[message], evse=evse)
        )
        return self.expect(result.status)

    async def set_charging_profile(self, connector_id: int, profile: ChargingProfile) -> str:
        """SetChargingProfile on an EVSE (0: the station)."""
        result = await self.send_call(
            call.SetChargingProfile(evse_id=connector_id, charging_profile=_profile(profile))
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
                ("charging_profile_purpose", None if purpose is None else _PURPOSES[purpose]),
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


# What a connection remembers per transaction, id token or remote start; the oldest go first.
MAX_REMEMBERED = 1000


def _remember[K, V](memory: dict[K, V], key: K, value: V) -> V:
    """Keep ``value`` under ``key`` in a memory of at most MAX_REMEMBERED entries."""
    memory.pop(key, None)
    if len(memory) >= MAX_REMEMBERED:
        del memory[next(iter(memory))]
    memory[key] = value
    return value


def _error_code(status: str) -> str:
    """2.0.1 reports faults as device model events: a faulted EVSE has "other" errors."""
    return "other_error" if status == "faulted" else "no_error"


def _transaction_event_result(status: AuthStatus | None) -> call_result.TransactionEvent:
    """The answer to a TransactionEvent: the token's status when it carried one."""
    return call_result.TransactionEvent(
        id_token_info=None if status is None else {"status": status}
    )


def _variable(key: str) -> VariableRef:
    try:
        return VariableRef.parse(key)
    except DeviceModelKeyError as err:
        raise InvalidRequestError(str(err)) from err


def _profile(profile: ChargingProfile) -> dict[str, Any]:
    """A 2.0.1 ChargingProfileType: one schedule, ids and purpose in 2.0.1 terms."""
    data = profile_as_dict(profile)
    schedule = data.pop("charging_schedule")
    data.pop("charging_profile_id")
    data["id"] = profile.id
    data["charging_profile_purpose"] = _PURPOSES[profile.purpose].value
    if profile.transaction_id is not None:
        data["transaction_id"] = str(profile.transaction_id)
    data["charging_schedule"] = [{"id": profile.id, **schedule}]
    return to_wire(data)


def _schedule(data: dict[str, Any]) -> ChargingSchedule:
    """A CompositeScheduleType (already snake_cased and checked); its start is separate."""
    return schedule_from_dict({**data, "start_schedule": None})


def _capabilities(values: dict[str, str | None], evse_count: int | None) -> Capabilities:
    """What the device model variables say about the station."""
    features = set(_CORE_FEATURES)
    for key, feature in _OPTIONAL_FEATURES.items():
        if (values.get(key) or "").lower() == "true":
            features.add(feature)
    units = split_list(values.get(RATE_UNITS))
    return Capabilities(
        feature_profiles=frozenset(features),
        number_of_connectors=evse_count,
        max_stack_level=int_or_none(values.get(STACK_LEVELS)),
        rate_units=None
        if units is None
        else frozenset(_RATE_UNITS[u] for u in units if u in _RATE_UNITS),
        max_periods=int_or_none(values.get(PERIODS)),
        heartbeat_interval=int_or_none(values.get(HEARTBEAT_INTERVAL)),
        meter_interval=int_or_none(values.get(METER_INTERVAL)),
        sampled_measurands=split_list(values.get(MEASURANDS)),
        configuration=values,
    )
