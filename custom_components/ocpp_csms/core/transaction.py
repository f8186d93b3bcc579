"""A charging session and the meter readings it is made of, as the charger reported them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
import math
from typing import Any

from .register import Register

# Transaction ids handed out never go below the seconds since this time (see TransactionIds).
_TRANSACTION_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def clock_transaction_id(now: datetime) -> int:
    """The lowest transaction id to hand out at ``now``: whole seconds since 2020."""
    return int((now - _TRANSACTION_EPOCH).total_seconds())


class TransactionIds:
    """The transaction ids a central system hands out: never one it handed out before.

    Never below the seconds since 2020 either, so that ids stay new even when the stored
    counter is lost (ids are handed out far less than once a second).
    """

    def __init__(self, next_id: int = 1) -> None:
        """Count on from ``next_id`` (stored)."""
        self.next_id = next_id

    def take(self, now: datetime) -> int:
        """A new transaction id."""
        transaction_id = max(self.next_id, clock_transaction_id(now))
        self.next_id = transaction_id + 1
        return transaction_id


@dataclass(slots=True)
class MeterSample:
    """One normalised meter reading, in the unit the entity exposes."""

    key: str
    measurand: str
    value: float
    unit: str | None
    timestamp: datetime
    phase: str | None = None
    location: str | None = None
    context: str | None = None
    received: datetime | None = None  # when the central system got it (None: not yet)

    def as_dict(self) -> dict[str, Any]:
        """Serialise for storage."""
        return {
            "received": None if self.received is None else self.received.isoformat(),
            "key": self.key,
            "measurand": self.measurand,
            "value": self.value,
            "unit": self.unit,
            "timestamp": self.timestamp.isoformat(),
            "phase": self.phase,
            "location": self.location,
            "context": self.context,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MeterSample:
        """Restore from storage."""
        received = data.get("received")
        value = float(data["value"])
        if not math.isfinite(value):
            raise ValueError(f"meter value {value!r}")
        return cls(
            key=str(data["key"]),
            measurand=str(data["measurand"]),
            value=value,
            unit=data.get("unit"),
            timestamp=aware(datetime.fromisoformat(data["timestamp"])),
            phase=data.get("phase"),
            location=data.get("location"),
            context=data.get("context"),
            received=None if received is None else aware(datetime.fromisoformat(received)),
        )


@dataclass(slots=True)
class Transaction:
    """A charging session as the charger reported it.

    ``meter_*_wh`` are the charger's own readings, as it sent them (for the events). The
    session's energy is counted on a register of its own (``register.py``), fed with the
    energy readings stamped within the session: a glitch or reset of the meter never shows in
    it, and a session replayed from an offline queue counts its own readings.
    """

    id: int | str
    connector_id: int
    id_tag: str | None
    started_at: datetime
    meter_start_wh: float | None  # None when the charger sent none
    meter_last_wh: float | None = None  # the last accepted reading of the session
    stopped_at: datetime | None = None
    meter_stop_wh: float | None = None
    reason: str | None = None
    energy_start_kwh: float | None = None  # the session register's first accepted value
    meter: Register = field(default_factory=Register)
    # When the charger said the connector is free although the session was never stopped (it
    # crashed): the session shows as not running; a late stop or the next start closes it.
    idle_since: datetime | None = None

    @property
    def energy_kwh(self) -> float:
        """Energy delivered so far (never negative, never going down)."""
        last = self.meter.value
        if self.energy_start_kwh is None or last is None:
            return 0.0
        return round(max(0.0, last - self.energy_start_kwh), 6)

    def track(self, reading_kwh: float, at: datetime, received: datetime, max_kw: float) -> None:
        """Count an energy register reading of the charger, if it falls within the session."""
        if at < self.started_at or (self.stopped_at is not None and at > self.stopped_at):
            return
        if (value := self.meter.update(reading_kwh, at, received, max_kw)) is None:
            return
        if self.energy_start_kwh is None:
            self.energy_start_kwh = value
        if (reading := self.meter.reading) is not None:
            self.meter_last_wh = round(reading * 1000, 6)

    def is_start(
        self, id_tag: str | None, meter_start_wh: float | None, timestamp: datetime
    ) -> bool:
        """Whether a start with these values is this session's start sent again."""
        return (self.id_tag, self.meter_start_wh, self.started_at) == (
            id_tag,
            meter_start_wh,
            timestamp,
        )

    def follow_idle(self, idle: bool, at: datetime) -> bool:
        """Follow the connector saying it is free (or not); True when it just went free."""
        if not idle:
            self.idle_since = None
            return False
        if self.idle_since is not None:
            return False
        self.idle_since = at
        return True

    def close(self, at: datetime, meter_stop_wh: float | None, reason: str | None) -> None:
        """End the session (without a stop reading, at its last reading; reason: Local)."""
        self.stopped_at = at
        self.meter_stop_wh = meter_stop_wh if meter_stop_wh is not None else self.meter_last_wh
        self.reason = reason or "Local"

    def duration_s(self, now: datetime) -> float:
        """Seconds from start to stop (or to now while it runs)."""
        end = self.stopped_at or self.idle_since or now
        return max(0.0, (end - self.started_at).total_seconds())

    def as_dict(self) -> dict[str, Any]:
        """Serialise for storage."""
        return {
            "id": self.id,
            "connector_id": self.connector_id,
            "id_tag": self.id_tag,
            "started_at": self.started_at.isoformat(),
            "meter_start_wh": self.meter_start_wh,
            "meter_last_wh": self.meter_last_wh,
            "stopped_at": self.stopped_at.isoformat() if self.stopped_at else None,
            "meter_stop_wh": self.meter_stop_wh,
            "reason": self.reason,
            "energy_start_kwh": self.energy_start_kwh,
            "meter": self.meter.as_dict(),
            "idle_since": self.idle_since.isoformat() if self.idle_since else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transaction:
        """Restore from storage."""
        transaction_id = data["id"]
        if not isinstance(transaction_id, int | str) or isinstance(transaction_id, bool):
            raise TypeError(f"transaction id {transaction_id!r}")
        id_tag = data.get("id_tag")
        return cls(
            id=transaction_id,
            connector_id=int(data["connector_id"]),
            id_tag=None if id_tag is None else str(id_tag),
            started_at=aware(datetime.fromisoformat(data["started_at"])),
            meter_start_wh=finite_or_none(data.get("meter_start_wh")),
            meter_last_wh=finite_or_none(data.get("meter_last_wh")),
            stopped_at=time_or_none(data.get("stopped_at")),
            meter_stop_wh=finite_or_none(data.get("meter_stop_wh")),
            reason=data.get("reason"),
            energy_start_kwh=finite_or_none(data.get("energy_start_kwh")),
            meter=Register.from_dict(data["meter"]),
            idle_since=aware(datetime.fromisoformat(idle))
            if (idle := data.get("idle_since"))
            else None,
        )


def aware(value: datetime) -> datetime:
    """A stored time, which must carry its zone."""
    if value.tzinfo is None:
        raise ValueError(f"naive time {value.isoformat()}")
    return value


def time_or_none(value: Any) -> datetime | None:
    """A stored optional time."""
    return None if value is None else aware(datetime.fromisoformat(value))


def finite_or_none(value: Any) -> float | None:
    """A stored optional number, which must be finite."""
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return number
