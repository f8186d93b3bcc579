"""The model of a cumulative meter register (energy): it never goes backwards, jumps or sticks.

What a charger reports is a reading; what the sensor shows is the *continued* value, the
reading plus an offset. Each reading is judged against the last accepted one:

* **plausible** — not lower (beyond rounding, ``JITTER_KWH``) and not higher than the
  charger could deliver since then (``max_kw`` times the elapsed hours, plus ``SLACK_KWH``):
  accepted;
* **a replay** — lower, and stamped before the last accepted reading (an offline queue sent
  after newer readings): ignored;
* **implausible** — anything else: held back, as it may be a glitch (a stray 0, a 32-bit
  overflow, a wrong unit). The next reading decides. Plausible after the last accepted one:
  the held one was a glitch and is dropped. Plausible after the held one: the register really
  was reset (a reboot, a meter that counts per session, a swapped meter), and the shown value
  carries on from where it was, without a drop or a jump.

Elapsed time is the longer of the two clocks: the charger's timestamps (made sane before they
get here, see ``protocol.wire.parse_timestamp``) and when the readings arrived, so neither a
frozen charger clock nor a burst of queued readings makes real charging look impossible.
Readings that are not finite, negative or beyond ``MAX_REGISTER_KWH`` are never readings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
import math
from typing import Any

# Lower readings within this are rounding (a whole-Wh meterStop after a fractional reading).
JITTER_KWH = 0.01
# What a reading may rise beyond the charger's power in the elapsed time (rounding, timing).
SLACK_KWH = 0.1
# No meter counts this far (100 GWh): a 32-bit overflow in Wh reads as 4.3e9 kWh.
MAX_REGISTER_KWH = 1e8


def is_reading(value: float) -> bool:
    """Whether a register value can be a real reading at all."""
    return math.isfinite(value) and 0 <= value <= MAX_REGISTER_KWH


@dataclass(slots=True)
class _Mark:
    """A reading with the charger's time and the central system's time of arrival."""

    reading: float
    at: datetime
    received: datetime

    def hours_until(self, at: datetime, received: datetime) -> float:
        elapsed = max((at - self.at).total_seconds(), (received - self.received).total_seconds())
        return max(0.0, elapsed) / 3600

    def allows(self, reading: float, at: datetime, received: datetime, max_kw: float) -> bool:
        """Whether ``reading`` can follow this one: not lower, and not faster than ``max_kw``."""
        rise = reading - self.reading
        return -JITTER_KWH <= rise <= max_kw * self.hours_until(at, received) + SLACK_KWH

    def as_list(self) -> list[Any]:
        return [self.reading, self.at.isoformat(), self.received.isoformat()]

    @classmethod
    def from_list(cls, data: list[Any]) -> _Mark:
        reading, at, received = data
        mark = cls(float(reading), datetime.fromisoformat(at), datetime.fromisoformat(received))
        if not is_reading(mark.reading) or mark.at.tzinfo is None or mark.received.tzinfo is None:
            raise ValueError(f"not a register mark: {data!r}")
        return mark


@dataclass(slots=True)
class Register:
    """A cumulative register as the sensor shows it (see the module's description)."""

    offset: float = 0.0
    last: _Mark | None = None  # the last accepted reading
    held: _Mark | None = None  # an implausible reading waiting for the next one

    @property
    def value(self) -> float | None:
        """The continued value: what the sensor shows."""
        return None if self.last is None else round(self.last.reading + self.offset, 9)

    @property
    def reading(self) -> float | None:
        """The charger's last accepted reading."""
        return None if self.last is None else self.last.reading

    def update(
        self, reading: float, at: datetime, received: datetime, max_kw: float
    ) -> float | None:
        """Judge a reading; return the continued value, or None when it is not accepted."""
        if not is_reading(reading):
            return None
        last = self.last
        if last is None or last.allows(reading, at, received, max_kw):
            if last is None or reading > last.reading:
                self.last = _Mark(reading, at, received)
            else:  # rounding below the last reading: keep the higher one, note the time
                last.at, last.received = max(last.at, at), max(last.received, received)
            self.held = None
            return self.value
        if reading < last.reading and at < last.at:
            return None  # an older reading sent late
        held = self.held
        if held is not None and held.allows(reading, at, received, max_kw):
            # Confirmed: the register restarted from ``held``. Carry on from the shown value.
            shown = last.reading + self.offset
            self.offset = shown - min(held.reading, reading)
            self.last, self.held = _Mark(reading, at, received), None
            while round(reading + self.offset, 9) < round(shown, 9):  # float rounding
                self.offset = math.nextafter(self.offset, math.inf)
            return self.value
        self.held = _Mark(reading, at, received)
        return None

    def as_dict(self) -> dict[str, Any]:
        """Serialise for storage."""
        return {
            "offset": self.offset,
            "last": None if self.last is None else self.last.as_list(),
            "held": None if self.held is None else self.held.as_list(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Register:
        """Restore from storage (ValueError/TypeError/KeyError when it is damaged)."""
        offset = float(data["offset"])
        if not math.isfinite(offset) or abs(offset) > MAX_REGISTER_KWH:
            raise ValueError(f"register offset {offset!r}")
        last, held = data.get("last"), data.get("held")
        return cls(
            offset=offset,
            last=None if last is None else _Mark.from_list(last),
            held=None if held is None else _Mark.from_list(held),
        )
