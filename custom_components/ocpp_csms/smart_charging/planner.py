"""The cheapest schedule that adds a given energy before a deadline.

Each price slot gets a charging power of 0 or between the minimum and the maximum power. The
energy must be met exactly (or as far as the window allows) at the lowest cost:

1. With one period per price slot, the powers come from ``fill``: cheapest slots first, and
   a repair where the minimum power makes the partly filled slot impossible. Without a
   minimum power that is exactly optimal.
2. A charger stores a limited number of periods. When the schedule has more, candidate
   partitions of the window into few enough periods come from two sources: merging adjacent
   periods where it costs least, and an exact dynamic programme over full/no-power periods at
   a price λ bisected to bracket the energy asked for. ``fill`` solves the powers of many
   partitions at once; the best candidates have their boundaries moved slot by slot while
   that saves money, the winner also by wider moves, and a period the charger still has to
   spare is put where it saves most.

Powers are in W and energies in kWh; the caller converts to the charger's unit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
import heapq
import itertools
import math

import numpy as np
from numpy.typing import NDArray

from .fill import EPSILON_KWH, Array, fill
from .prices import PriceSlot

# A plan this close (kWh) to the energy asked for meets it (it neither falls short nor overshoots).
MET_TOLERANCE_KWH = EPSILON_KWH * 1000
# Powers closer than this (W) count as equal.
EPSILON_W = 1e-6
# Improving moves of period boundaries tried after merging (each one slot).
MAX_BOUNDARY_MOVES = 40
# How many of the merged schedules get their boundaries moved.
SHIFTED_CANDIDATES = 2
# Moves to partitions that cost the same, allowed once nothing cheaper is in reach.
SIDEWAYS_MOVES = 4
# Boundaries at most this many slots apart let the ones between jump to any slot.
JUMP_ANYWHERE_WITHIN = 16
# Bisection steps of the price λ between two neighbouring slot prices.
LAMBDA_REFINEMENTS = 3


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
    """Set each block's power to the cheapest that meets the energy."""
    slots = _Slots(blocks)
    powers = fill(slots.hours[None, :], slots.charging_costs[None, :], *_fill_range(request))[0]
    for block, power_kw in zip(blocks, powers.tolist(), strict=True):
        block.power_w = power_kw * 1000


def _fill_range(request: PlanRequest) -> tuple[float, float, float]:
    """The energy (kWh) and the power range (kW) that ``fill`` takes."""
    return request.energy_kwh, request.min_power_w / 1000, request.max_power_w / 1000


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
    """Cut the window into few enough periods for the charger, as cheaply as can be found.

    Candidate partitions come from merging adjacent periods of the unlimited schedule (two
    ways, see ``_merge_runs``) and from the exact on/off programme at a bisected price (see
    ``_priced_partitions``). The best candidates have their boundaries moved while that saves
    money, and a period the charger still has to spare is put where it saves most.
    """
    runs = _merge_equal(blocks)
    if len(runs) <= max_periods:
        return blocks
    slots = _Slots(blocks)
    partition = _Partition(blocks, slots, request)
    candidates = [
        partition.cuts_of(_merge_runs(list(runs), request, max_periods, marginal_first=first))
        for first in (True, False)
    ]
    candidates.extend(_priced_partitions(slots, request, max_periods))
    # Boundary moves are the expensive part: only the best starting points get them.
    candidates.sort(key=partition.score)
    shifted = [partition.shift(cuts, jumps=False) for cuts in candidates[:SHIFTED_CANDIDATES]]
    best = partition.shift(min(shifted, key=partition.score), jumps=True)
    best = partition.use_spare_period(best)
    return partition.blocks(best)


def _priced_partitions(slots: _Slots, request: PlanRequest, max_periods: int) -> list[_Cuts]:
    """The best on/off partitions at a price λ on either side of the energy asked for.

    Charging a slot at full power is worth ``price - λ`` per kWh; the best schedule with at most
    ``max_periods`` periods at a given λ is found exactly by a dynamic programme, and the
    energy it charges grows with λ. Bisecting λ over the slot prices gives the partitions that
    charge just less and just more than asked; re-solving their powers meets the energy.
    """
    p_max = request.max_power_w / 1000
    prices = np.unique(slots.prices[slots.priced]).tolist()
    found: dict[bool, _Cuts] = {}

    def probe(marginal: float) -> bool:
        cuts, hours = _best_on_off(slots, marginal, max_periods)
        enough = hours * p_max >= request.energy_kwh - EPSILON_KWH
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


class _Slots:
    """The window's slots as arrays: hours, cost of 1 kW (0 in gaps), price (``inf`` in gaps)."""

    def __init__(self, base: list[_Block]) -> None:
        self.hours = np.array([b.hours for b in base])
        self.priced = np.array([b.priced for b in base])
        self.costs = np.array([b.cost_per_kw if b.priced else 0.0 for b in base])
        self.prices = np.full(len(base), np.inf)
        np.divide(self.costs, self.hours, out=self.prices, where=self.priced & (self.hours > 0))

    @property
    def charging_costs(self) -> Array:
        """The cost of 1 kW over each slot as ``fill`` takes it: ``inf`` in gaps."""
        return np.where(self.priced, self.costs, np.inf)


def _best_on_off(slots: _Slots, marginal: float, max_periods: int) -> tuple[_Cuts, float]:
    """Cuts and charging hours of the best schedule at price λ, with slots fully on or off.

    A cut only pays off where the sign of ``price - λ`` changes, so slots are first grouped
    into runs of one sign; each run is then on or off as a whole.
    """
    kind = np.where(slots.priced, np.where(slots.prices < marginal, 1, 2), 0)
    starts_array = np.flatnonzero(np.concatenate(([True], kind[1:] != kind[:-1])))
    run_values = np.add.reduceat(slots.costs - marginal * slots.hours, starts_array)
    run_values[kind[starts_array] == 0] = np.inf  # time without a price never charges
    starts = [int(start) for start in starts_array]
    values = [float(value) for value in run_values]
    hours = [float(hour) for hour in np.add.reduceat(slots.hours, starts_array)]
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
    charged = sum(h for h, c in zip(hours, charging, strict=True) if c)
    return (*cuts, len(slots.hours)), charged


type _Score = tuple[bool, bool, float]


def _judge(energy: float, cost: float, request: PlanRequest) -> _Score:
    """Meeting the energy first, then not forcing more than asked, then the cost."""
    short = energy < request.energy_kwh - MET_TOLERANCE_KWH
    over = energy > request.energy_kwh + MET_TOLERANCE_KWH
    return (short, over, cost)


def _better(score: _Score, than: _Score) -> bool:
    """Whether ``score`` is better than ``than`` by more than rounding."""
    return score[:2] < than[:2] or (score[:2] == than[:2] and score[2] < than[2] - 1e-9)


type _Cuts = tuple[int, ...]


class _Partition:
    """The window's slots cut into consecutive periods, judged by re-solving the powers.

    A partition is the tuple of its cuts: the index of each period's first slot, then the
    number of slots. Partitions are judged in batches (see ``fill``), and each score is
    remembered, as the search comes back to the same cuts.
    """

    def __init__(self, base: list[_Block], slots: _Slots, request: PlanRequest) -> None:
        self._base = base
        self._request = request
        self._hours = np.concatenate(([0.0], np.cumsum(slots.hours)))
        self._cost = np.concatenate(([0.0], np.cumsum(slots.costs)))
        self._gaps = np.concatenate(([0], np.cumsum(~slots.priced)))
        self._position = {block.start: index for index, block in enumerate(base)}
        self._scores: dict[_Cuts, _Score] = {}

    def cuts_of(self, periods: list[_Block]) -> _Cuts:
        """The cuts of periods made of whole slots."""
        return (*(self._position[period.start] for period in periods), len(self._base))

    def score(self, cuts: _Cuts) -> _Score:
        """How good the cheapest powers over these periods are."""
        if (known := self._scores.get(cuts)) is None:
            known = self.best([cuts])[1]
        return known

    def best(self, batch: list[_Cuts]) -> tuple[_Cuts, _Score]:
        """The best partition of a non-empty batch, all with the same number of periods."""
        unknown = [cuts for cuts in dict.fromkeys(batch) if cuts not in self._scores]
        if unknown:
            hours, costs = self._periods(np.array(unknown))
            powers = fill(hours, costs, *_fill_range(self._request))
            energies = (powers * hours).sum(axis=1).tolist()
            spent = powers * np.where(powers > 0, costs, 0.0)
            for cuts, energy, cost in zip(
                unknown, energies, spent.sum(axis=1).tolist(), strict=True
            ):
                self._scores[cuts] = _judge(energy, cost, self._request)
        best = min(batch, key=self._scores.__getitem__)
        return best, self._scores[best]

    def blocks(self, cuts: _Cuts) -> list[_Block]:
        """The periods between consecutive cuts, with their powers solved."""
        hours, costs = self._periods(np.array([cuts]))
        blocks = [
            _Block(self._base[i].start, self._base[j - 1].end, hour, cost, priced=cost < math.inf)
            for i, j, hour, cost in zip(
                cuts[:-1], cuts[1:], map(float, hours[0]), map(float, costs[0]), strict=True
            )
        ]
        _solve(blocks, self._request)
        return blocks

    def _periods(self, cuts: NDArray[np.int_]) -> tuple[Array, Array]:
        """Hours and cost of 1 kW of each period (``inf`` if part of it has no price)."""
        first, after = cuts[:, :-1], cuts[:, 1:]
        hours = self._hours[after] - self._hours[first]
        priced = self._gaps[after] == self._gaps[first]
        costs = np.where(priced, self._cost[after] - self._cost[first], np.inf)
        return hours, costs

    def shift(self, cuts: _Cuts, *, jumps: bool) -> _Cuts:
        """Move period boundaries while that makes the plan cheaper, the best move first.

        Boundaries move one slot at a time. With ``jumps``, where that finds nothing better
        they also move further (a minimum power can make every small step worse while a longer
        one saves), and a few moves to new partitions that cost the same are allowed, to get
        across plateaus of equal prices.
        """
        best = self.score(cuts)
        seen = {cuts}
        sideways = SIDEWAYS_MOVES if jumps else 0
        for _ in range(MAX_BOUNDARY_MOVES):
            for moves in (self._steps, self._jumps) if jumps else (self._steps,):
                if (batch := list(moves(cuts))) and _better((found := self.best(batch))[1], best):
                    cuts, best = found
                    break
            else:
                fresh = [
                    trial for trial in (*self._steps(cuts), *self._jumps(cuts)) if trial not in seen
                ]
                if not sideways or not fresh or _better(best, (found := self.best(fresh))[1]):
                    break
                sideways -= 1
                cuts, best = found
            seen.add(cuts)
        return cuts

    def use_spare_period(self, cuts: _Cuts) -> _Cuts:
        """Add the best extra boundary when the charger has a period to spare."""
        max_periods = self._request.max_periods
        if max_periods is None or len(cuts) - 1 >= max_periods or len(cuts) > len(self._base):
            return cuts
        inside = set(cuts)
        trials = [
            tuple(sorted((*cuts, cut))) for cut in range(1, len(self._base)) if cut not in inside
        ]
        trial, score = self.best(trials)
        return self.shift(trial, jumps=True) if _better(score, self.score(cuts)) else cuts

    @staticmethod
    def _steps(cuts: _Cuts) -> Iterator[_Cuts]:
        """Each boundary moved one slot either way."""
        for index in range(1, len(cuts) - 1):
            for moved in (cuts[index] - 1, cuts[index] + 1):
                if cuts[index - 1] < moved < cuts[index + 1]:
                    yield (*cuts[:index], moved, *cuts[index + 1 :])

    @staticmethod
    def _jumps(cuts: _Cuts) -> Iterator[_Cuts]:
        """Wider moves than single steps.

        Each boundary anywhere between its neighbours (2, 4, 8… slots if they are far apart),
        and both boundaries of a period at once.
        """
        for index in range(1, len(cuts) - 1):
            low, here, high = cuts[index - 1], cuts[index], cuts[index + 1]
            if high - low <= JUMP_ANYWHERE_WITHIN:
                targets = set(range(low + 1, high))
            else:
                targets = {low + 1, high - 1}
                step = 2
                while here - step > low or here + step < high:
                    targets.update((here - step, here + step))
                    step *= 2
            for moved in sorted(targets):
                if low < moved < high and abs(moved - here) > 1:
                    yield (*cuts[:index], moved, *cuts[index + 1 :])
        # Both ends of a period one slot, together: it moves, grows or shrinks.
        for index in range(1, len(cuts) - 2):
            for start, end in itertools.product((-1, 1), repeat=2):
                first, last = cuts[index] + start, cuts[index + 1] + end
                if cuts[index - 1] < first < last < cuts[index + 2]:
                    yield (*cuts[:index], first, last, *cuts[index + 2 :])


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
    """Merge the cheapest adjacent pair of periods until few enough remain.

    A merge is judged two ways. At the marginal price of the plan (the dearest price it
    charges at), the merged period charges fully if it is cheaper than that, else not at all,
    and the energy that moves is bought or sold at the marginal price. Averaged, the merged
    period keeps the energy of both at one power. Many prices are often equal to the marginal
    one, which makes the first judgement blind, so ``marginal_first`` says which judgement
    comes first; the caller tries both. The powers are solved again by the caller.
    """
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
    return [run for index, run in enumerate(runs) if alive[index]]


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
