"""Electricity prices from the sources Home Assistant users have, as UTC slots.

One reader handles every format: each source is a list of items with a start, perhaps an end,
and a price, under attribute names that differ per integration.

* Nord Pool (HACS): ``raw_today``/``raw_tomorrow``, items ``start``/``end``/``value``;
* ENTSO-e: ``prices`` or ``prices_today``/``prices_tomorrow``, items ``time``/``price``;
* Energi Data Service: ``raw_today``/``raw_tomorrow`` and ``forecast``, items ``hour``/``price``;
* a generic list of ``{start, end?, price}``, which is what the Tibber, Amber and Nord Pool
  service responses give after a one-line template (their own shapes are read as well).

Items without an end last one step of the source's resolution (the distance from the previous
item, at most an hour), so a missing hour stays a gap without price and a day that switches
from hourly to quarter-hourly prices reads right.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
import math
from typing import Any

# Attribute lists by priority: later lists override earlier ones at the same start time, so
# published prices win over forecasts.
PRICE_ATTRIBUTES: tuple[str, ...] = (
    "forecast",
    "prices",
    "prices_today",
    "prices_tomorrow",
    "raw_today",
    "raw_tomorrow",
)
START_KEYS: tuple[str, ...] = ("start", "start_time", "startsAt", "starts_at", "time", "hour")
END_KEYS: tuple[str, ...] = ("end", "end_time", "endsAt", "ends_at")
PRICE_KEYS: tuple[str, ...] = ("price", "value", "total", "per_kwh", "perKwh")
LONGEST_SLOT = timedelta(hours=1)
RESOLUTIONS = frozenset(timedelta(minutes=m) for m in (5, 15, 30, 60))


@dataclass(frozen=True, slots=True)
class PriceSlot:
    """A price that holds from ``start`` to ``end`` (UTC)."""

    start: datetime
    end: datetime
    price: float

    @property
    def hours(self) -> float:
        """The slot's length in hours."""
        return (self.end - self.start).total_seconds() / 3600


class PriceError(ValueError):
    """Prices cannot be read; ``key`` names the reason for a translated message."""

    def __init__(self, key: str, detail: str = "") -> None:
        """Keep the reason and what was wrong."""
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key
        self.detail = detail


def prices_from_attributes(attributes: Mapping[str, Any], local: tzinfo) -> list[PriceSlot]:
    """Slots from a price sensor's attributes (Nord Pool, ENTSO-e, Energi Data Service)."""
    series = [attributes[name] for name in PRICE_ATTRIBUTES if attributes.get(name)]
    if not series:
        raise PriceError("no_price_attributes", ", ".join(sorted(attributes)) or "none")
    return _slots(series, local)


def prices_from_list(data: Any, local: tzinfo) -> list[PriceSlot]:
    """Slots from a list of ``{start, end?, price}`` or a price service's response."""
    if isinstance(data, Mapping):
        series = list(_nested_series(data))
        if len(series) != 1:
            raise PriceError(
                "ambiguous_prices" if series else "no_prices",
                f"{len(series)} price lists found",
            )
        return _slots(series, local)
    if isinstance(data, Sequence) and not isinstance(data, str):
        return _slots([data], local)
    raise PriceError("no_prices", type(data).__name__)


def _nested_series(data: Mapping[str, Any], depth: int = 0) -> Iterator[Sequence[Any]]:
    """Lists of price items inside a service response ({area: [...]}, {home: [...]})."""
    for value in data.values():
        if _is_item_list(value):
            yield value
        elif isinstance(value, Mapping) and depth < 2:  # noqa: PLR2004 - two levels deep
            yield from _nested_series(value, depth + 1)


def _is_item_list(value: Any) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and bool(value)
        and all(isinstance(item, Mapping) for item in value)
    )


def _slots(series: Sequence[Any], local: tzinfo) -> list[PriceSlot]:
    by_start: dict[datetime, tuple[datetime | None, float | None]] = {}
    for items in series:
        if not isinstance(items, Sequence) or isinstance(items, str):
            raise PriceError("bad_price_item", f"expected a list, got {type(items).__name__}")
        clock = _LocalClock(local)
        for item in items:
            start, end, price = _item(item, clock)
            by_start[start] = (end, price)
    starts = sorted(by_start)
    slots: list[PriceSlot] = []
    for index, start in enumerate(starts):
        end, price = by_start[start]
        if end is None:
            step = _step(starts, index)
            following = starts[index + 1] if index + 1 < len(starts) else None
            end = following if following is not None and following - start <= step else start + step
        if price is not None and end > start:
            slots.append(PriceSlot(start, end, price))
    if not slots:
        raise PriceError("no_prices", "no item has a price")
    return slots


def _step(starts: list[datetime], index: int) -> timedelta:
    """The resolution at an item: the step to the next start when it looks like a resolution.

    A step to the next item that matches a neighbouring step is the resolution; one that does
    not (a 45-minute jump in quarter-hour prices) is a gap, and the previous step counts.
    """

    def step(at: int) -> timedelta | None:
        if 0 <= at < len(starts) - 1:
            value = starts[at + 1] - starts[at]
            return value if value in RESOLUTIONS else None
        return None

    before, after, next_after = step(index - 1), step(index), step(index + 1)
    if after is not None and (after in (before, next_after) or before is None):
        return after
    return before or after or LONGEST_SLOT


class _LocalClock:
    """Reads the times of one chronological list, naive ones in the local time zone.

    On the day the clocks go back, a naive hour comes twice (02:00, 02:15, …, 02:00 again):
    a naive time that is not after the one before is in the second pass (``fold=1``).
    """

    def __init__(self, local: tzinfo) -> None:
        self._local = local
        self._last: datetime | None = None
        self._second_pass = False

    def read(self, value: Any, *, is_start: bool) -> datetime:
        when = _parsed(value)
        if when.tzinfo is not None:
            return when.astimezone(UTC)
        if is_start:
            self._second_pass |= self._last is not None and when <= self._last
            self._last = when
        local = when.replace(tzinfo=self._local, fold=int(self._second_pass))
        return local.astimezone(UTC)


def _item(item: Any, clock: _LocalClock) -> tuple[datetime, datetime | None, float | None]:
    if not isinstance(item, Mapping):
        raise PriceError("bad_price_item", repr(item)[:80])
    start = _first(item, START_KEYS)
    if start is None:
        raise PriceError("bad_price_item", f"no start in {dict(item)!r:.80}")
    end = _first(item, END_KEYS)
    return (
        clock.read(start, is_start=True),
        None if end is None else clock.read(end, is_start=False),
        _price(_first(item, PRICE_KEYS)),
    )


def _first(item: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    return next((item[key] for key in keys if item.get(key) is not None), None)


def _parsed(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as err:
            raise PriceError("bad_price_item", f"not a time: {value!r:.40}") from err
    if not isinstance(value, datetime):
        raise PriceError("bad_price_item", f"not a time: {value!r:.40}")
    return value


def _price(value: Any) -> float | None:
    if value is None:
        return None
    try:
        price = float(value)
    except (TypeError, ValueError) as err:
        raise PriceError("bad_price_item", f"not a price: {value!r:.40}") from err
    return price if math.isfinite(price) else None
