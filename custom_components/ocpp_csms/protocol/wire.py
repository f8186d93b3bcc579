"""Wire conventions shared by the OCPP versions: timestamps, enum spelling, setting values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
import re
import secrets
from typing import Any

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def new_id() -> int:
    """A fresh positive 31-bit id for requests, reservations and remote starts."""
    return secrets.randbelow(2**31 - 1) + 1


def utc_now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def format_timestamp(value: datetime) -> str:
    """UTC with milliseconds and ``Z``, the form every charger accepts."""
    return (
        value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    )


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


def parse_timestamp(value: str | None) -> datetime:
    """Parse a charger's timestamp; naive means UTC, unreadable means now."""
    if not value:
        return utc_now()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return utc_now()
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def to_snake(value: str) -> str:
    """OCPP enum spelling to snake case: ``SuspendedEVSE`` → ``suspended_evse``."""
    return _CAMEL_BOUNDARY.sub("_", value).lower()


def datetime_or_none(value: str | None) -> datetime | None:
    """A charger's optional timestamp."""
    return None if value is None else parse_timestamp(value)


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
