"""The cheapest schedule that adds a given energy before a deadline.

Each price slot gets a charging power of 0 or between the minimum and the maximum power. The
energy must be met exactly (or as far as the window allows) at the lowest cost:

1. Without a minimum power this is a fractional knapsack: fill the cheapest slots at full
   power, the last one partly. That is exactly optimal.
2. The minimum power can make the partly filled slot impossible. The planner then compares
   the feasible repairs: run that slot at the minimum and take the difference from the dearest
   full slots, or put the remainder into another slot short enough to take it.
3. A charger stores a limited number of periods. When the schedule has more, adjacent periods
   are merged where it costs least, judged at the plan's marginal price, and the powers are
   optimised again over the merged periods.

Powers are in W and energies in kWh; the caller converts to the charger's unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
import heapq
import math

from .prices import PriceSlot

# Energies closer than this (kWh) count as equal.
EPSILON_KWH = 1e-6
# Powers closer than this (W) count as equal.
EPSILON_W = 1e-6


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """What to plan: energy to add in a window, within a power range and a period budget."""

    energy_kwh: float
    start: datetime
    ready_by: datetime
    max_power_w: float
    min_power_w: float = 0.0
    max_periods: int | None = None


@dataclass(frozen=True, slots=True)
class PlannedPeriod:
    """Charge at ``power_w`` from ``start`` to ``end``; ``price`` is its average price."""

    start: datetime
    end: datetime
    power_w: float
    price: float | None

    @property
    def hours(self) -> float:
        """The period's length in hours."""
        return (self.end - self.start).total_seconds() / 3600

    @property
    def energy_kwh(self) -> float:
        """Energy delivered in the period."""
        return self.power_w / 1000 * self.hours


@dataclass(frozen=True, slots=True)
class Plan:
    """A schedule from the request's start to its deadline, with what it achieves."""

    periods: tuple[PlannedPeriod, ...]
    energy_kwh: float
    estimated_cost: float
    fully_met: bool


@dataclass(slots=True)
class _Block:
    """Consecutive time with one power: a price slot, a gap, or merged periods."""

    start: datetime
    end: datetime
    hours: float
    cost_per_kw: float  # sum of price * hours: the cost of 1 kW over the block
    priced: bool
    power_w: float = 0.0

    @property
    def price(self) -> float:
        return self.cost_per_kw / self.hours if self.hours else 0.0


def plan(request: PlanRequest, slots: Sequence[PriceSlot]) -> Plan:
    """The cheapest schedule for ``request`` over the priced ``slots``."""
    if request.max_power_w <= 0 or request.min_power_w > request.max_power_w:
        raise ValueError("the power range is empty")
    blocks = _window(request, slots)
    _solve(blocks, request)
    if request.max_periods is not None:
        blocks = _fit_periods(blocks, request, request.max_periods)
    periods = tuple(
        PlannedPeriod(b.start, b.end, b.power_w, b.price if b.priced else None)
        for b in _merge_equal(blocks)
    )
    return Plan(
        periods=periods,
        energy_kwh=round(_energy(blocks), 6),
        estimated_cost=round(_cost(blocks), 6),
        fully_met=_meets(blocks, request),
    )


def _window(request: PlanRequest, slots: Sequence[PriceSlot]) -> list[_Block]:
    """The window cut into priced slots and unpriced gaps, in order."""
    blocks: list[_Block] = []
    cursor = request.start
    for slot in sorted(slots, key=lambda s: s.start):
        start, end = max(slot.start, cursor), min(slot.end, request.ready_by)
        if end <= start:
            continue
        if start > cursor:
            blocks.append(_gap(cursor, start))
        hours = (end - start).total_seconds() / 3600
        blocks.append(_Block(start, end, hours, slot.price * hours, priced=True))
        cursor = end
    if not any(block.priced for block in blocks):
        raise ValueError("no prices between now and the deadline")
    if cursor < request.ready_by:
        blocks.append(_gap(cursor, request.ready_by))
    return blocks


def _gap(start: datetime, end: datetime) -> _Block:
    return _Block(start, end, (end - start).total_seconds() / 3600, math.inf, priced=False)


def _solve(blocks: list[_Block], request: PlanRequest) -> None:
    """Set each block's power: cheapest first, then repair the minimum-power floor."""
    p_max, p_min = request.max_power_w / 1000, request.min_power_w / 1000
    for block in blocks:
        block.power_w = 0.0
    order = sorted(
        (b for b in blocks if b.priced and b.hours > 0), key=lambda b: (b.price, b.start)
    )
    remaining = request.energy_kwh
    chosen: list[_Block] = []
    partial: _Block | None = None
    for block in order:
        if remaining <= EPSILON_KWH:
            break
        energy = min(remaining, p_max * block.hours)
        block.power_w = energy / block.hours * 1000
        remaining -= energy
        if block.power_w >= request.max_power_w - 1e-9:
            chosen.append(block)
        else:
            partial = block
    if partial is None or partial.power_w >= request.min_power_w - 1e-9:
        return
    _repair_floor(partial, chosen, order, p_min, p_max)


def _repair_floor(
    partial: _Block, full: list[_Block], order: list[_Block], p_min: float, p_max: float
) -> None:
    """Make the partly filled block respect the minimum power, at the least extra cost."""
    remainder = partial.power_w / 1000 * partial.hours
    partial.power_w = 0.0
    taken = {id(b) for b in full}
    options = [
        option
        for option in (
            _raise_to_minimum(partial, full, remainder, p_min, p_max),
            _move_remainder(partial, order, taken, remainder, p_min, p_max),
        )
        if option is not None
    ]
    if not options:
        # Nothing fits exactly: deliver a little more at the minimum in the cheapest spot.
        spare = [b for b in order if id(b) not in taken]
        if spare:
            min(spare, key=lambda b: b.price * b.hours).power_w = p_min * 1000
        return
    _, best = min(options, key=lambda option: option[0])
    for block, power_kw in best:
        block.power_w = power_kw * 1000


type _Option = tuple[float, list[tuple[_Block, float]]]


def _raise_to_minimum(
    partial: _Block, full: list[_Block], remainder: float, p_min: float, p_max: float
) -> _Option | None:
    """Run the block at the minimum; take the difference from the dearest full blocks."""
    needed = p_min * partial.hours - remainder
    moves: list[tuple[_Block, float]] = [(partial, p_min)]
    extra = partial.price * p_min * partial.hours
    for block in sorted(full, key=lambda b: (-b.price, b.start)):
        if needed <= EPSILON_KWH:
            break
        give = min(needed, (p_max - p_min) * block.hours)
        if give > 0:
            moves.append((block, p_max - give / block.hours))
            extra -= block.price * give
            needed -= give
    return (extra, moves) if needed <= EPSILON_KWH else None


def _move_remainder(
    partial: _Block,
    order: list[_Block],
    taken: set[int],
    remainder: float,
    p_min: float,
    p_max: float,
) -> _Option | None:
    """Put the remainder into an unused block short enough to take it at the minimum."""
    for block in order:  # by price: the first that fits is the cheapest
        if id(block) in taken or block is partial:
            continue
        if p_min * block.hours <= remainder + EPSILON_KWH <= p_max * block.hours + EPSILON_KWH:
            return block.price * remainder, [(block, remainder / block.hours)]
    return None


def _merge_equal(blocks: list[_Block]) -> list[_Block]:
    merged: list[_Block] = []
    for block in blocks:
        last = merged[-1] if merged else None
        if last is not None and abs(last.power_w - block.power_w) < EPSILON_W:
            merged[-1] = _joined(last, block, last.power_w)
        else:
            merged.append(block)
    return merged


def _joined(first: _Block, second: _Block, power_w: float) -> _Block:
    return _Block(
        first.start,
        second.end,
        first.hours + second.hours,
        first.cost_per_kw + second.cost_per_kw if first.priced and second.priced else math.inf,
        priced=first.priced and second.priced,
        power_w=power_w,
    )


def _fit_periods(blocks: list[_Block], request: PlanRequest, max_periods: int) -> list[_Block]:
    """Merge adjacent periods until the charger can store the schedule.

    A merge is judged two ways. At the marginal price of the plan (the dearest price it
    charges at), the merged period charges fully if it is cheaper than that, else not at all,
    and the energy that moves is bought or sold at the marginal price. Averaged, the merged
    period keeps the energy of both at one power. Many prices are often equal to the marginal
    one, which makes the first judgement blind, so the merging runs with each judgement first
    and the cheaper outcome wins. After merging, the powers are optimised again over the
    merged periods, which also restores the exact energy.
    """
    runs = _merge_equal(blocks)
    if len(runs) <= max_periods:
        return blocks
    outcomes = [
        _merge_runs(list(runs), request, max_periods, marginal_first=first)
        for first in (True, False)
    ]
    return min(outcomes, key=lambda merged: (not _meets(merged, request), _cost(merged)))


def _energy(blocks: list[_Block]) -> float:
    return sum(b.power_w / 1000 * b.hours for b in blocks)


def _meets(blocks: list[_Block], request: PlanRequest) -> bool:
    return _energy(blocks) >= request.energy_kwh - EPSILON_KWH * 1000


def _cost(blocks: list[_Block]) -> float:
    # Blocks that do not charge cost nothing, even time without a price (cost_per_kw = inf).
    return sum(b.power_w / 1000 * b.cost_per_kw for b in blocks if b.power_w)


def _merge_runs(
    runs: list[_Block], request: PlanRequest, max_periods: int, *, marginal_first: bool
) -> list[_Block]:
    """Merge the cheapest adjacent pair until few enough periods remain; then re-optimise."""
    marginal = max((b.price for b in runs if b.priced and b.power_w > 0), default=0.0)
    max_w = request.max_power_w
    # A doubly linked list of runs and a heap of merge costs (stale entries are skipped).
    alive = [True] * len(runs)
    prev = list(range(-1, len(runs) - 1))
    nxt = [*range(1, len(runs)), -1]
    version = [0] * len(runs)
    heap: list[tuple[float, float, int, int, int, int]] = []

    def push(left: int) -> None:
        right = nxt[left]
        if right != -1:
            a, b = runs[left], runs[right]
            at_marginal, _ = _merge(a, b, marginal, max_w)
            averaged = _averaged_cost(a, b, request.min_power_w)
            first, second = (at_marginal, averaged) if marginal_first else (averaged, at_marginal)
            heapq.heappush(heap, (first, second, left, right, version[left], version[right]))

    for index in range(len(runs) - 1):
        push(index)
    count = len(runs)
    while count > max_periods and heap:
        _, _, left, right, v_left, v_right = heapq.heappop(heap)
        if not (alive[left] and alive[right]) or (v_left, v_right) != (
            version[left],
            version[right],
        ):
            continue
        runs[left] = _merge(runs[left], runs[right], marginal, max_w)[1]
        alive[right] = False
        nxt[left] = nxt[right]
        if nxt[right] != -1:
            prev[nxt[right]] = left
        version[left] += 1
        count -= 1
        if prev[left] != -1:
            push(prev[left])
        push(left)
    merged = [run for index, run in enumerate(runs) if alive[index]]
    _solve(merged, request)
    return merged


def _merge(a: _Block, b: _Block, marginal: float, max_w: float) -> tuple[float, _Block]:
    """Two adjacent periods as one, and what that costs at the marginal price."""
    joined = _joined(a, b, 0.0)
    if joined.priced and joined.price < marginal:
        joined.power_w = max_w
    return _value(joined, marginal) - _value(a, marginal) - _value(b, marginal), joined


def _value(block: _Block, marginal: float) -> float:
    """A period's cost with its energy priced against the marginal price."""
    if block.power_w == 0:
        return 0.0
    return block.power_w / 1000 * (block.cost_per_kw - marginal * block.hours)


def _averaged_cost(a: _Block, b: _Block, min_power_w: float) -> float:
    """Extra cost of running two periods at their average power (breaks ties between merges)."""
    if not (a.priced and b.priced):
        return 0.0 if a.power_w == b.power_w == 0 else math.inf
    power_w = (a.power_w * a.hours + b.power_w * b.hours) / (a.hours + b.hours)
    if 0 < power_w < min_power_w:
        return math.inf
    before = a.power_w * a.cost_per_kw + b.power_w * b.cost_per_kw
    return (power_w * (a.cost_per_kw + b.cost_per_kw) - before) / 1000
