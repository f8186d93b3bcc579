"""Wire conventions shared by the OCPP versions: timestamps, enum spelling, setting values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
import re
import secrets
from typing import Any

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def new_id() -> int:
    """A fresh positive 31-bit id for requests, reservations and remote starts."""
    return secrets.randbelow(2**31 - 1) + 1


# A charger's timestamp this far ahead of the central system's clock, or this far behind, is
# a broken clock (a reset RTC reads 1970, a bad one 9999): the time of arrival is used instead.
MAX_CLOCK_AHEAD = timedelta(minutes=5)
MAX_CLOCK_BEHIND = timedelta(days=31)


def utc_now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def sane_time(value: datetime, now: datetime) -> datetime:
    """A charger's time, or ``now`` when its clock is clearly wrong."""
    if now - MAX_CLOCK_BEHIND <= value <= now + MAX_CLOCK_AHEAD:
        return value
    return now


def format_timestamp(value: datetime) -> str:
    """UTC with milliseconds and ``Z``, the form every charger accepts."""
    return (
        value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    )


def timestamp_or_none(value: datetime | None) -> str | None:
    """:func:`format_timestamp`, or None for no time."""
    return None if value is None else format_timestamp(value)


def map_datetimes(value: Any, convert: Callable[[datetime], Any]) -> Any:
    """Plain data with every datetime inside (dicts, lists, tuples) converted."""
    if isinstance(value, datetime):
        return convert(value)
    if isinstance(value, dict):
        return {key: map_datetimes(item, convert) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [map_datetimes(item, convert) for item in value]
    return value


def to_wire(data: dict[str, Any]) -> dict[str, Any]:
    """Plain data with datetimes in the form chargers accept."""
    wired: dict[str, Any] = map_datetimes(data, format_timestamp)
    return wired


def _parse(value: str) -> datetime | None:
    """A timestamp in UTC (naive means UTC), None when it cannot be read."""
    try:
        parsed = datetime.fromisoformat(value)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: 9999-12-31T23:59:59-01:00 in UTC
        return None


def parse_timestamp(value: str | None) -> datetime:
    """When a charger says something happened: unreadable or clearly wrong means now."""
    now = utc_now()
    parsed = _parse(value) if value else None
    return now if parsed is None else sane_time(parsed, now)


def to_snake(value: str) -> str:
    """OCPP enum spelling to snake case: ``SuspendedEVSE`` → ``suspended_evse``."""
    return _CAMEL_BOUNDARY.sub("_", value).lower()


def datetime_or_none(value: str | None) -> datetime | None:
    """A time in a charger's answer (a schedule's start), as given; None when absent."""
    return None if value is None else (_parse(value) or utc_now())


def split_list(value: str | None) -> tuple[str, ...] | None:
    """A comma-separated setting as its items (None: the setting is not known)."""
    if value is None:
        return None
    return tuple(item.strip() for item in value.split(",") if item.strip())


def int_or_none(value: str | None) -> int | None:
    """A numeric setting, None when absent or not a number."""
    try:
        return None if value is None else int(value)
    except ValueError:
        return None
