"""The cheapest schedule that adds a given energy before a deadline.

Each price slot gets a charging power of 0 or between the minimum and the maximum power. The
energy must be met exactly (or as far as the window allows) at the lowest cost:

1. Without a minimum power this is a fractional knapsack: fill the cheapest slots at full
   power, the last one partly. That is exactly optimal.
2. The minimum power can make the partly filled slot impossible. The planner then compares
   the feasible repairs: run that slot at the minimum and take the difference from the dearest
   full slots, or put the remainder into another slot short enough to take it.
3. A charger stores a limited number of periods. When the schedule has more, candidate
   partitions of the window into few enough periods come from two sources: merging adjacent
   periods where it costs least, and an exact dynamic programme over full/no-power periods at
   a price λ bisected to bracket the energy asked for. The powers are optimised again over
   each partition, the best ones have their boundaries moved slot by slot while that saves
   money, and a period the charger still has to spare is put where it saves most.

Powers are in W and energies in kWh; the caller converts to the charger's unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
import heapq
import itertools
import math

from .prices import PriceSlot

# Energies closer than this (kWh) count as equal.
EPSILON_KWH = 1e-6
# A plan this close (kWh) to the energy asked for meets it (it neither falls short nor overshoots).
MET_TOLERANCE_KWH = EPSILON_KWH * 1000
# Powers closer than this (W) count as equal.
EPSILON_W = 1e-6
# Improving moves of period boundaries tried after merging (each one slot).
MAX_BOUNDARY_MOVES = 40
# How many of the merged schedules get their boundaries moved.
SHIFTED_CANDIDATES = 4
# Bisection steps of the price λ between two neighbouring slot prices.
LAMBDA_REFINEMENTS = 6


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
    partition = _Partition(blocks, request)
    priced = _priced_partitions(blocks, request, max_periods)
    outcomes.extend(partition.blocks(cuts) for cuts in priced)
    # Boundary moves are the expensive part: only the best starting points get them.
    outcomes.sort(key=lambda merged: _score(merged, request))
    shifted = [partition.shift(merged) for merged in outcomes[:SHIFTED_CANDIDATES]]
    cuts, best = min(shifted, key=lambda outcome: _score(outcome[1], request))
    return partition.use_spare_period(cuts, best)


def _priced_partitions(
    base: list[_Block], request: PlanRequest, max_periods: int
) -> list[list[int]]:
    """The best on/off partitions at a price λ on either side of the energy asked for.

    Charging a slot at full power is worth ``price - λ`` per kWh; the best schedule with at most
    ``max_periods`` periods at a given λ is found exactly by a dynamic programme, and the
    energy it charges grows with λ. Bisecting λ over the slot prices gives the partitions that
    charge just less and just more than asked; re-solving their powers meets the energy.
    """
    p_max = request.max_power_w / 1000
    prices = sorted({b.price for b in base if b.priced})
    found: dict[bool, list[int]] = {}

    def probe(marginal: float) -> bool:
        cuts, energy = _best_on_off(base, marginal, max_periods, p_max)
        enough = energy >= request.energy_kwh - EPSILON_KWH
        found[enough] = cuts
        return enough

    # First over the prices (where the runs change), then between the two it ends on.
    low, high = 0, len(prices) - 1
    while low <= high:
        middle = (low + high) // 2
        if probe(prices[middle] + EPSILON_W):
            high = middle - 1
        else:
            low = middle + 1
    if 0 <= high < low < len(prices):
        lower, upper = prices[high] + EPSILON_W, prices[low] + EPSILON_W
        for _ in range(LAMBDA_REFINEMENTS):
            middle_price = (lower + upper) / 2
            if probe(middle_price):
                upper = middle_price
            else:
                lower = middle_price
    return list(found.values())


def _best_on_off(
    base: list[_Block], marginal: float, max_periods: int, p_max: float
) -> tuple[list[int], float]:
    """Cuts and energy of the best schedule at price λ, with slots fully on or off.

    A cut only pays off where the sign of ``price - λ`` changes, so slots are first grouped
    into runs of one sign; each run is then on or off as a whole.
    """
    starts: list[int] = []
    values: list[float] = []
    hours: list[float] = []
    last_kind = None
    for index, block in enumerate(base):
        kind = 0 if not block.priced else (1 if block.price < marginal else 2)
        value = math.inf if not block.priced else (block.cost_per_kw - marginal * block.hours)
        if kind != last_kind:
            starts.append(index)
            values.append(value)
            hours.append(block.hours)
            last_kind = kind
        else:
            values[-1] += value
            hours[-1] += block.hours
    inf = math.inf
    periods = max_periods
    # off[k] / on[k]: best value with k + 1 periods so far, the last one off / on.
    off = [0.0] + [inf] * (periods - 1)
    on = [values[0]] + [inf] * (periods - 1)
    choices: list[tuple[list[bool], list[bool]]] = []
    for value in values[1:]:
        # For each state: whether the previous run was in the other state (a new period).
        off_from_on = [k > 0 and on[k - 1] < off[k] for k in range(periods)]
        on_from_off = [k > 0 and off[k - 1] < on[k] for k in range(periods)]
        new_off = [on[k - 1] if off_from_on[k] else off[k] for k in range(periods)]
        new_on = [(off[k - 1] if on_from_off[k] else on[k]) + value for k in range(periods)]
        choices.append((off_from_on, on_from_off))
        off, on = new_off, new_on
    best_off = min(range(periods), key=off.__getitem__)
    best_on = min(range(periods), key=on.__getitem__)
    state_on = on[best_on] < off[best_off]
    k = best_on if state_on else best_off
    charging = [False] * len(values)
    for run in range(len(values) - 1, -1, -1):
        charging[run] = state_on
        if run == 0:
            break
        off_from_on, on_from_off = choices[run - 1]
        switched = on_from_off[k] if state_on else off_from_on[k]
        if switched:
            state_on = not state_on
            k -= 1
    cuts = [starts[0]]
    cuts.extend(starts[r] for r in range(1, len(values)) if charging[r] != charging[r - 1])
    energy = sum(h for h, c in zip(hours, charging, strict=True) if c) * p_max
    return [*cuts, len(base)], energy


def _score(blocks: list[_Block], request: PlanRequest) -> tuple[bool, bool, float]:
    """Meeting the energy first, then not forcing more than asked, then the cost."""
    energy = _energy(blocks)
    short = energy < request.energy_kwh - MET_TOLERANCE_KWH
    over = energy > request.energy_kwh + MET_TOLERANCE_KWH
    return (short, over, _cost(blocks))


class _Partition:
    """The window's slots cut into consecutive periods, judged by re-solving the powers."""

    def __init__(self, base: list[_Block], request: PlanRequest) -> None:
        self._base = base
        self._request = request
        self._hours = [0.0]
        self._cost = [0.0]
        self._gaps = [0]
        for block in base:
            self._hours.append(self._hours[-1] + block.hours)
            self._cost.append(self._cost[-1] + (block.cost_per_kw if block.priced else 0.0))
            self._gaps.append(self._gaps[-1] + (not block.priced))

    def blocks(self, cuts: list[int]) -> list[_Block]:
        """The periods between consecutive cuts, with their powers solved."""
        blocks = [self._segment(i, j) for i, j in itertools.pairwise(cuts)]
        _solve(blocks, self._request)
        return blocks

    def _segment(self, i: int, j: int) -> _Block:
        priced = self._gaps[j] == self._gaps[i]
        return _Block(
            self._base[i].start,
            self._base[j - 1].end,
            self._hours[j] - self._hours[i],
            self._cost[j] - self._cost[i] if priced else math.inf,
            priced=priced,
        )

    def shift(self, merged: list[_Block]) -> tuple[list[int], list[_Block]]:
        """Move the boundaries of merged periods while that makes the plan cheaper."""
        position = {block.start: index for index, block in enumerate(self._base)}
        return self._shift([position[block.start] for block in merged] + [len(self._base)])

    def use_spare_period(self, cuts: list[int], blocks: list[_Block]) -> list[_Block]:
        """Add the best extra boundary when the charger has a period to spare."""
        max_periods = self._request.max_periods
        if max_periods is None or len(cuts) - 1 >= max_periods:
            return blocks
        best, best_cuts = _score(blocks, self._request), cuts
        for cut in range(1, len(self._base)):
            if cut not in cuts:
                trial = sorted([*cuts, cut])
                if (score := _score(self.blocks(trial), self._request)) < best:
                    best, best_cuts = score, trial
        return blocks if best_cuts is cuts else self._shift(best_cuts)[1]

    def _shift(self, cuts: list[int]) -> tuple[list[int], list[_Block]]:
        """Move the period boundary whose one-slot move saves most, while one saves money."""
        best_blocks = self.blocks(cuts)
        best = _score(best_blocks, self._request)
        for _ in range(MAX_BOUNDARY_MOVES):
            current = best
            for index, step in ((i, d) for i in range(1, len(cuts) - 1) for d in (-1, 1)):
                moved = cuts[index] + step
                if not cuts[index - 1] < moved < cuts[index + 1]:
                    continue
                trial = [*cuts[:index], moved, *cuts[index + 1 :]]
                blocks = self.blocks(trial)
                score = _score(blocks, self._request)
                if score[:2] <= best[:2] and score[2] < best[2] - 1e-9:
                    best_cuts, best, best_blocks = trial, score, blocks
            if best == current:
                break
            cuts = best_cuts
        return cuts, best_blocks


def _energy(blocks: list[_Block]) -> float:
    return sum(b.power_w / 1000 * b.hours for b in blocks)


def _meets(blocks: list[_Block], request: PlanRequest) -> bool:
    return _energy(blocks) >= request.energy_kwh - MET_TOLERANCE_KWH


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
