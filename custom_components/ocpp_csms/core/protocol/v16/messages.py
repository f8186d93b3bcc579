"""What an OCPP 1.6 charger sends, applied to the version-neutral model."""

from __future__ import annotations

from typing import Any

from ocpp.exceptions import PropertyConstraintViolationError
from ocpp.v16 import call_result
from ocpp.v16.enums import (
    Action,
)

from ...capabilities import BootInfo
from ..incoming import MAX_CONNECTOR_ID, StatusReport, TransactionStart, TransactionStop
from ..ocpp_library import on
from ..session import OcppSession
from ..wire import (
    parse_timestamp,
    to_snake,
)
from .convert import (
    CONNECTOR_FLOOR,
    samples_of,
)


class ChargerMessages(OcppSession):
    """The charger's messages: checked, then applied through the handler."""

    def check_call(self, action: str, payload: dict[str, Any]) -> None:
        """Refuse connector ids out of range (types are the schema's business)."""
        lowest = CONNECTOR_FLOOR.get(action)
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
        return call_result.BootNotification(**self.boot_answer(info))

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
                samples=tuple(samples_of(kwargs.get("transaction_data") or [])),
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
            samples_of(meter_value),
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
