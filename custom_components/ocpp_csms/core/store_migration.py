"""Migrations of the stored document to the current minor version (pure: no Home Assistant).

Each step takes the document as it was stored and returns it in the next shape. A step never
raises for one damaged charger: it leaves that record as it is, and loading then reports and
drops only that record.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime
import math
from typing import Any

from .journal import is_secret_setting
from .model import ENERGY_REGISTER_KEY
from .protocol.wire import sane_time


def migrate(data: Any, old_minor_version: int, now: datetime) -> Any:
    """The stored document brought up from ``old_minor_version``."""
    if old_minor_version < 2:  # noqa: PLR2004 - the version this step writes
        data = _to_1_2(data, now)
    return data


def _to_1_2(data: Any, now: datetime) -> Any:
    """Registers and sessions keep their readings' times; no secret settings are kept."""
    chargers = data.get("chargers") if isinstance(data, dict) else None
    if not isinstance(chargers, dict):
        return data
    for charger in chargers.values():
        with suppress(AttributeError, TypeError, ValueError, KeyError):
            _charger_to_1_2(charger, now)
    return data


def _charger_to_1_2(charger: dict[str, Any], now: datetime) -> None:
    configuration = charger.get("capabilities", {}).get("configuration", {})
    for key in [key for key in configuration if is_secret_setting(key)]:
        del configuration[key]
    for connector in charger.get("connectors", []):
        meter = connector.get("meter", {})
        for sample in meter.values():
            # A reading stamped 9999 by a broken clock must not outrank every later one.
            sample["timestamp"] = _sane(sample["timestamp"], now)
        times = {key: sample["timestamp"] for key, sample in meter.items()}
        connector["registers"] = {
            key: _register_to_1_2(register, times.get(key, now.isoformat()))
            for key, register in connector.get("registers", {}).items()
        }
        for name in ("transaction", "last_transaction"):
            if (transaction := connector.get(name)) is not None:
                energy_at = times.get(ENERGY_REGISTER_KEY, transaction["started_at"])
                _transaction_to_1_2(transaction, energy_at, now)


def _register_to_1_2(register: dict[str, Any], at: str) -> dict[str, Any]:
    """``last`` was the charger's reading alone; a held reading is forgotten."""
    last, offset = _number(register.get("last")), _number(register.get("offset"))
    return {
        # An overflow stored as null (or worse): the register starts over.
        "offset": offset or 0.0,
        "last": [last, at, at] if last is not None and last >= 0 else None,
        "held": None,
    }


def _transaction_to_1_2(transaction: dict[str, Any], energy_at: str, now: datetime) -> None:
    """The session's own register starts with its start and last readings."""
    transaction["started_at"] = _sane(transaction["started_at"], now)
    start = _number(transaction.get("meter_start_wh"))
    last = _number(transaction.get("meter_last_wh"))
    meter: dict[str, Any] = {"offset": 0.0, "last": None, "held": None}
    energy_start = None
    if start is not None and last is not None and 0 <= start <= last:
        meter["last"] = [last / 1000, energy_at, energy_at]
        energy_start = start / 1000
    transaction["meter"] = meter
    transaction["energy_start_kwh"] = energy_start


def _sane(timestamp: str, now: datetime) -> str:
    """Stored times are old, which is fine; only those ahead of the clock are wrong."""
    stored = datetime.fromisoformat(timestamp)
    return (stored if stored <= now else sane_time(stored, now)).isoformat()


def _number(value: Any) -> float | None:
    """A finite number, else None."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None
