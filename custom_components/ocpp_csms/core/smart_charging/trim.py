"""Plans that offer what was asked, not a whole slot more.

With a minimum power, a small need would charge a whole price slot at that minimum (0.5 kWh
at 6 A on hourly prices books 4.14 kWh). OCPP periods start at any second, so the plan charges
for part of a slot instead: one charging period is shortened at one edge by the energy too
much, at the edge that saves most. Where the neighbouring period on that side is off, its
boundary just moves; otherwise an off period is added, if the charger has one to spare.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
import math

from .prices import PriceSlot
from .schedule import MET_TOLERANCE_KWH, Plan, PlannedPeriod, PlanRequest

type _Trim = tuple[float, int, bool, timedelta]  # saving, period, at its end, how much


def trimmed(plan: Plan, request: PlanRequest, slots: Sequence[PriceSlot]) -> Plan:
    """``plan`` with the energy it forces beyond the request taken off one period's edge."""
    excess = plan.energy_kwh - request.energy_kwh
    if excess <= MET_TOLERANCE_KWH:
        return plan
    periods = list(plan.periods)
    spare = math.inf if request.max_periods is None else request.max_periods - len(periods)
    best: _Trim | None = None
    for index, period in enumerate(periods):
        if period.power_w <= 0:
            continue
        # Whole seconds, rounded down: the plan keeps at least the energy asked for.
        cut = timedelta(seconds=math.floor(excess / (period.power_w / 1000) * 3600))
        if not timedelta(0) < cut < period.end - period.start:
            continue
        for at_end in (True, False):
            beside = index + 1 if at_end else index - 1
            moves_boundary = 0 <= beside < len(periods) and periods[beside].power_w == 0
            if not moves_boundary and spare < 1:
                continue
            span = (period.end - cut, period.end) if at_end else (period.start, period.start + cut)
            saving = period.power_w / 1000 * _cost_of_1kw(slots, *span)
            if best is None or saving > best[0]:
                best = (saving, index, at_end, cut)
    if best is None:
        return plan
    _, index, at_end, cut = best
    period = periods[index]
    if at_end:
        split = period.end - cut
        pieces = [
            _priced(slots, period, period.start, split),
            _priced(slots, period, split, period.end, off=True),
        ]
    else:
        split = period.start + cut
        pieces = [
            _priced(slots, period, period.start, split, off=True),
            _priced(slots, period, split, period.end),
        ]
    periods[index : index + 1] = pieces
    return _summed(_merged_off(periods), request)


def _priced(
    slots: Sequence[PriceSlot],
    period: PlannedPeriod,
    start: datetime,
    end: datetime,
    *,
    off: bool = False,
) -> PlannedPeriod:
    """Part of ``period`` (off, or at its power), with the average price of that part."""
    hours = (end - start).total_seconds() / 3600
    power = 0.0 if off else period.power_w
    return PlannedPeriod(start, end, power, _cost_of_1kw(slots, start, end) / hours)


def _merged_off(periods: list[PlannedPeriod]) -> list[PlannedPeriod]:
    """Adjacent off periods as one."""
    merged: list[PlannedPeriod] = []
    for period in periods:
        if merged and merged[-1].power_w == 0 == period.power_w:
            previous = merged[-1]
            hours = previous.hours + period.hours
            price = None
            if previous.price is not None and period.price is not None:
                price = (previous.price * previous.hours + period.price * period.hours) / hours
            merged[-1] = PlannedPeriod(previous.start, period.end, 0.0, price)
        else:
            merged.append(period)
    return merged


def _summed(periods: list[PlannedPeriod], request: PlanRequest) -> Plan:
    energy = sum(period.energy_kwh for period in periods)
    cost = sum(
        period.energy_kwh * period.price
        for period in periods
        if period.power_w > 0 and period.price is not None
    )
    return Plan(
        periods=tuple(periods),
        energy_kwh=round(energy, 6),
        estimated_cost=round(cost, 6),
        fully_met=energy >= request.energy_kwh - MET_TOLERANCE_KWH,
    )


def _cost_of_1kw(slots: Sequence[PriceSlot], start: datetime, end: datetime) -> float:
    """The cost of charging 1 kW from ``start`` to ``end``."""
    total = 0.0
    for slot in slots:
        overlap = (min(end, slot.end) - max(start, slot.start)).total_seconds()
        if overlap > 0:
            total += overlap / 3600 * slot.price
    return total
