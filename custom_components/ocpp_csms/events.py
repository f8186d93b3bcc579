"""The events a central system fires for automations, and what each one carries."""

from __future__ import annotations

from datetime import datetime

from .const import (
    EVENT_AUTHORIZE,
    EVENT_SECURITY,
    EVENT_TRANSACTION_STARTED,
    EVENT_TRANSACTION_STOPPED,
)
from .core.protocol.incoming import AuthStatus
from .core.protocol.wire import format_timestamp
from .core.transaction import Transaction

type Event = tuple[str, dict[str, object]]


def authorized(cp_id: str, id_tag: str, status: AuthStatus) -> Event:
    """A charger asked whether an id tag may charge."""
    return EVENT_AUTHORIZE, {"cp_id": cp_id, "id_tag": id_tag, "status": status.value}


def transaction_started(cp_id: str, transaction: Transaction) -> Event:
    """A session started."""
    return EVENT_TRANSACTION_STARTED, _transaction_data(cp_id, transaction)


def transaction_stopped(cp_id: str, transaction: Transaction) -> Event:
    """A session ended."""
    stopped_at = transaction.stopped_at
    return EVENT_TRANSACTION_STOPPED, _transaction_data(cp_id, transaction) | {
        "stopped_at": None if stopped_at is None else format_timestamp(stopped_at),
        "meter_stop_wh": transaction.meter_stop_wh,
        "energy_kwh": transaction.energy_kwh,
        "reason": transaction.reason,
    }


def security_event(cp_id: str, kind: str, timestamp: datetime, info: str | None) -> Event:
    """A charger reported a security event (tampering, a failed update...)."""
    return EVENT_SECURITY, {
        "cp_id": cp_id,
        "type": kind,
        "timestamp": format_timestamp(timestamp),
        "tech_info": info,
    }


def _transaction_data(cp_id: str, transaction: Transaction) -> dict[str, object]:
    return {
        "cp_id": cp_id,
        "connector_id": transaction.connector_id,
        "transaction_id": transaction.id,
        "id_tag": transaction.id_tag,
        "started_at": format_timestamp(transaction.started_at),
        "meter_start_wh": transaction.meter_start_wh,
    }
