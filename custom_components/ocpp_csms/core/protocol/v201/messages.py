"""What an OCPP 2.0.1 station sends, applied to the version-neutral model."""

from __future__ import annotations

from datetime import datetime
import json
import logging
from typing import Any

from ocpp.exceptions import (
    OCPPError,
    PropertyConstraintViolationError,
)
from ocpp.v201 import call_result
from ocpp.v201.enums import (
    Action,
    IdTokenEnumType,
)

from ...capabilities import BootInfo
from ..device_model import Report, VariableRef
from ..evse import EvseState, station_status
from ..incoming import MAX_CONNECTOR_ID, StatusReport
from ..ocpp_library import on
from ..session import OcppSession
from ..wire import (
    parse_timestamp,
    to_snake,
)
from .convert import (
    MessageTypeNotSupportedError,
    error_code,
    remember,
    samples_of,
)

_LOGGER = logging.getLogger(__name__)


class StationMessages(OcppSession):
    """The station's messages: checked, then applied through the handler."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Start with no EVSE, id token or report known."""
        super().__init__(*args, **kwargs)
        self._evses: dict[int, EvseState] = {}
        self._reports: dict[int, Report] = {}
        self._token_types: dict[str, str] = {}  # id token → the type the station uses

    def check_call(self, action: str, payload: dict[str, Any]) -> None:
        """Refuse EVSE ids out of range (types are the schema's business)."""
        if action == "TransactionEvent":
            evse = payload.get("evse")
            self._check_evse(evse.get("id") if isinstance(evse, dict) else None, 1)
        elif action in ("StatusNotification", "MeterValues"):
            self._check_evse(payload.get("evseId"), 1 if action == "StatusNotification" else 0)

    @staticmethod
    def _check_evse(evse_id: Any, lowest: int) -> None:
        if isinstance(evse_id, int) and not lowest <= evse_id <= MAX_CONNECTOR_ID:
            raise PropertyConstraintViolationError(
                description=f"evseId {evse_id} is outside {lowest}..{MAX_CONNECTOR_ID}"
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
        return call_result.BootNotification(**self.boot_answer(info))

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

    @on(Action.meter_values)
    def on_meter_values(
        self, evse_id: int, meter_value: list[dict[str, Any]], **_: Any
    ) -> call_result.MeterValues:
        """Record meter samples outside transactions (EVSE 0: the station's main meter)."""
        self.handler.meter_values(evse_id, None, samples_of(meter_value))
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
        self.handler.status(StatusReport(evse_id, status, error_code(status), timestamp=when))
        if (station := station_status(self._evses)) is not None:
            self.handler.status(StatusReport(0, station, error_code(station), timestamp=when))

    def _token(self, id_token: dict[str, Any]) -> str:
        """The id token's value; its type is remembered for commands naming it."""
        token = str(id_token["id_token"])
        remember(self._token_types, token, str(id_token["type"]))
        return token

    def _id_token(self, token: str) -> dict[str, str]:
        """An IdTokenType for a token: the type the station used for it, else Central."""
        return {"id_token": token, "type": self._token_types.get(token, IdTokenEnumType.central)}

    # Commands to the station
