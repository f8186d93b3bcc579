"""OCPP 2.0.1 TransactionEvent: a station's transactions applied to the version-neutral model."""

from __future__ import annotations

from datetime import datetime
import logging
from typing import Any

from ocpp.exceptions import OccurrenceConstraintViolationError
from ocpp.v201 import call_result
from ocpp.v201.enums import Action

from ..evse import EventSequence
from ..incoming import TransactionStart, TransactionStop
from ..ocpp_library import on
from ..wire import parse_timestamp
from .convert import register_wh, remember, samples_of, transaction_event_result
from .messages import StationMessages

_LOGGER = logging.getLogger(__name__)


class TransactionEvents(StationMessages):
    """Transactions told event by event, numbered (seqNo), possibly resent or replayed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Start with no transaction known."""
        super().__init__(*args, **kwargs)
        self._sequences: dict[str, EventSequence] = {}
        self._remote_starts: dict[int, str] = {}  # remoteStartId → the id token we sent

    def check_call(self, action: str, payload: dict[str, Any]) -> None:
        """Also refuse a transaction's first event that does not say its EVSE."""
        super().check_call(action, payload)
        if action == "TransactionEvent":
            self._check_transaction_evse(payload)

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
            sequence = remember(self._sequences, transaction_id, EventSequence())
        if not sequence.add(seq_no):
            _LOGGER.debug("%s: TransactionEvent %s/%s again", self.id, transaction_id, seq_no)
            status = None if id_tag is None else self.handler.authorize(id_tag)
            return transaction_event_result(status)
        remote_start_id = transaction_info.get("remote_start_id")
        if id_tag is None and remote_start_id is not None:
            id_tag = self._remote_starts.pop(remote_start_id, None)
        evse = kwargs.get("evse") or {}
        known = self.handler.known_transaction(transaction_id)
        connector_id = evse.get("id") or (known and known.connector_id)
        when = parse_timestamp(timestamp)
        samples = samples_of(kwargs.get("meter_value") or [])
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
                    meter_stop_wh=register_wh(samples, "Transaction.End"),
                    timestamp=when,
                    reason=transaction_info.get("stopped_reason"),
                    id_tag=id_tag,
                    samples=tuple(samples),
                )
            )
            if known is not None and known.running and not offline:
                self._ended(transaction_id, known.connector_id, when)
            self._report_gaps(transaction_id)
            return transaction_event_result(status)
        assert connector_id  # checked before (check_call)  # noqa: S101
        _, status = self.handler.start_transaction(
            TransactionStart(
                connector_id=connector_id,
                id_tag=id_tag,
                meter_start_wh=(
                    register_wh(samples, "Transaction.Begin") if event_type == "Started" else None
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
        return transaction_event_result(status)

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
