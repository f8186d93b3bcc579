"""The cheapest schedule that adds a given energy before a deadline.

Each price slot gets a charging power of 0 or between the minimum and the maximum power. The
energy must be met exactly (or as far as the window allows) at the lowest cost:

1. With one period per price slot, the powers come from ``fill``: cheapest slots first, and
   a repair where the minimum power makes the partly filled slot impossible. Without a
   minimum power that is exactly optimal.
2. A charger stores a limited number of periods. When the schedule has more and the window
   is short enough, every partition into few enough periods is judged. Otherwise candidate
   partitions come from two sources: merging adjacent periods where it costs least, and an
   exact dynamic programme over full/no-power periods at a price λ searched to bracket the
   energy asked for. ``fill`` solves the powers of many partitions at once; the best
   candidate has its boundaries moved while that saves money, and a period the charger still
   has to spare is put where it saves most.

The window is kept as arrays of slots and a partition as the indices where its periods start,
so that judging a partition costs a few array operations. Powers are in kW inside, in W in the
request and the plan.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
import heapq
from itertools import combinations, product
import math
from operator import attrgetter
from typing import cast

import numpy as np
from numpy.typing import NDArray

from .fill import EPSILON_KWH, Array, fill
from .prices import PriceSlot

# A plan this close (kWh) to the energy asked for meets it (it neither falls short nor overshoots).
MET_TOLERANCE_KWH = EPSILON_KWH * 1000
# Powers closer than this (kW) count as equal.
SAME_POWER_KW = 1e-9
# How far above a slot's price λ is set for that slot to charge.
ABOVE_PRICE = 1e-6
# Improving moves of period boundaries tried after merging.
MAX_BOUNDARY_MOVES = 40
# Moves to partitions that cost the same, allowed once nothing cheaper is in reach.
SIDEWAYS_MOVES = 4
# Boundaries at most this many slots apart let the ones between jump to any slot.
JUMP_ANYWHERE_WITHIN = 16
# Windows with at most this many partitions into few enough periods have every one judged.
EVERY_PARTITION_UP_TO = 2000
# Bisection steps of the price λ between two neighbouring slot prices.
LAMBDA_REFINEMENTS = 3
# How a slot without a price is marked when slots are grouped by their price against λ.
_GAP_KIND = 2


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


# A partition of the window: the index of each period's first slot, then the number of slots.
type _Cuts = tuple[int, ...]


def plan(request: PlanRequest, slots: Sequence[PriceSlot]) -> Plan:
    """The cheapest schedule for ``request`` over the priced ``slots``."""
    if request.max_power_w <= 0 or request.min_power_w > request.max_power_w:
        raise ValueError("the power range is empty")
    window = _Window(request, slots)
    search = _Search(window, request)
    powers = search.fill(np.array([range(window.size + 1)]))[0]
    changes = np.flatnonzero(np.abs(np.diff(powers)) > SAME_POWER_KW) + 1
    cuts: _Cuts = (0, *_ints(changes), window.size)
    if request.max_periods is not None and len(cuts) - 1 > request.max_periods:
        cuts = _fit_periods(search, cuts, powers[list(cuts[:-1])], request.max_periods)
        powers = search.fill(np.array([cuts]))[0]
    else:
        powers = powers[list(cuts[:-1])]
    return window.plan(cuts, _floats(powers), request)


class _Window:
    """The time from the request's start to its deadline as consecutive slots.

    Priced slots are clipped to the window, and time without a price is a gap slot that never
    charges. Running totals of hours, cost of 1 kW and gaps give any period's figures at once.
    """

    def __init__(self, request: PlanRequest, slots: Sequence[PriceSlot]) -> None:
        cursor, deadline = request.start, request.ready_by
        self.bounds: list[datetime] = [cursor]
        slot_prices: list[float] = []  # nan in gaps
        for slot in sorted(slots, key=attrgetter("start")):
            start = max(cursor, slot.start)
            end = min(deadline, slot.end)
            if end <= start:
                continue
            if start > cursor:
                self.bounds.append(start)
                slot_prices.append(math.nan)
            self.bounds.append(end)
            slot_prices.append(slot.price)
            cursor = end
        if cursor < deadline:
            self.bounds.append(deadline)
            slot_prices.append(math.nan)
        price = np.array(slot_prices)
        self.priced = ~np.isnan(price)
        if not self.priced.any():
            raise ValueError("no prices between now and the deadline")
        seconds = np.array([bound.timestamp() for bound in self.bounds])
        self.size = len(slot_prices)
        self.hours = np.diff(seconds) / 3600
        self.costs = np.where(self.priced, price * self.hours, 0.0)
        self.prices = np.where(self.priced & (self.hours > 0), price, np.inf)
        self.gap_kind = np.where(self.priced, 0, _GAP_KIND).astype(np.int8)
        self._hours_before = np.concatenate(([0.0], np.cumsum(self.hours)))
        self._cost_before = np.concatenate(([0.0], np.cumsum(self.costs)))
        self._gaps_before = np.concatenate(([0], np.cumsum(~self.priced)))

    def periods(self, cuts: NDArray[np.int_]) -> tuple[Array, Array]:
        """Hours and cost of 1 kW of each period of each row of cuts (``inf`` over a gap)."""
        first, after = cuts[:, :-1], cuts[:, 1:]
        hours = self._hours_before[after] - self._hours_before[first]
        priced = self._gaps_before[after] == self._gaps_before[first]
        costs = np.where(priced, self._cost_before[after] - self._cost_before[first], np.inf)
        return hours, costs

    def figures(self, cuts: _Cuts) -> tuple[list[float], list[float]]:
        """Hours and cost of 1 kW of each period of one partition, as lists."""
        hours, costs = self.periods(np.array([cuts]))
        return _floats(hours[0]), _floats(costs[0])

    def plan(self, cuts: _Cuts, powers: list[float], request: PlanRequest) -> Plan:
        """The plan with these periods and powers (kW), adjacent equal powers merged."""
        hours, costs = self.figures(cuts)
        periods: list[PlannedPeriod] = []
        energy = cost = 0.0
        start = 0
        for index, power in enumerate(powers):
            energy += power * hours[index]
            cost += power * costs[index] if power else 0.0
            last = index + 1 == len(powers)
            if last or abs(powers[index + 1] - power) > SAME_POWER_KW:
                first, after = cuts[start], cuts[index + 1]
                length = float(self._hours_before[after] - self._hours_before[first])
                priced = self._gaps_before[after] == self._gaps_before[first]
                spent = float(self._cost_before[after] - self._cost_before[first])
                periods.append(
                    PlannedPeriod(
                        self.bounds[first],
                        self.bounds[after],
                        power * 1000,
                        spent / length if priced and length else None,
                    )
                )
                start = index + 1
        return Plan(
            periods=tuple(periods),
            energy_kwh=round(energy, 6),
            estimated_cost=round(cost, 6),
            fully_met=energy >= request.energy_kwh - MET_TOLERANCE_KWH,
        )


def _floats(values: Array) -> list[float]:
    """A 1-D array as Python floats, which loops read much faster than the array."""
    return cast("list[float]", values.tolist())


def _ints(values: NDArray[np.int_]) -> list[int]:
    """A 1-D array of indices as Python ints."""
    return cast("list[int]", values.tolist())


# Short of the energy, by how much (rounded, so that equal shortfalls tie), forcing more than
# asked, cost: a plan that cannot meet the energy delivers as much as it can, then is cheapest.
type _Score = tuple[bool, float, bool, float]


def _better(score: _Score, than: _Score) -> bool:
    """Whether ``score`` is better than ``than`` by more than rounding."""
    return score[:3] < than[:3] or (score[:3] == than[:3] and score[3] < than[3] - 1e-9)


class _Search:
    """Partitions of the window judged by the cheapest powers over their periods.

    Partitions are judged in batches (see ``fill``), and each score is remembered, as the
    search comes back to the same cuts.
    """

    def __init__(self, window: _Window, request: PlanRequest) -> None:
        self.window = window
        self.request = request
        self._range = (request.energy_kwh, request.min_power_w / 1000, request.max_power_w / 1000)
        self._scores: dict[_Cuts, _Score] = {}

    def fill(self, cuts: NDArray[np.int_]) -> Array:
        """The cheapest powers (kW) over the periods of each row of cuts."""
        return fill(*self.window.periods(cuts), *self._range)

    def score(self, cuts: _Cuts) -> _Score:
        """How good the cheapest powers over these periods are."""
        if (known := self._scores.get(cuts)) is None:
            known = self.best([cuts])[1]
        return known

    def best(self, batch: list[_Cuts]) -> tuple[_Cuts, _Score]:
        """The best partition of a non-empty batch."""
        scores = self._scores
        unknown: dict[int, dict[_Cuts, None]] = {}
        for cuts in batch:
            if cuts not in scores:
                unknown.setdefault(len(cuts), {})[cuts] = None
        for same_length in unknown.values():
            hours, costs = self.window.periods(np.array(list(same_length)))
            powers = fill(hours, costs, *self._range)
            energy = np.add.reduce(powers * hours, axis=1)
            spent = np.add.reduce(powers * np.where(powers > 0, costs, 0.0), axis=1)
            # Meeting the energy first (else delivering most), then not forcing more than
            # asked, then the cost.
            short = energy < self.request.energy_kwh - MET_TOLERANCE_KWH
            shortfall: Array = np.where(short, np.round(self.request.energy_kwh - energy, 6), 0.0)
            over = energy > self.request.energy_kwh + MET_TOLERANCE_KWH
            judged = cast(
                "list[_Score]",
                list(
                    zip(
                        short.tolist(),
                        _floats(shortfall),
                        over.tolist(),
                        spent.tolist(),
                        strict=True,
                    )
                ),
            )
            scores.update(zip(same_length, judged, strict=True))
        best = min(batch, key=scores.__getitem__)
        return best, scores[best]

    def shift(self, cuts: _Cuts) -> _Cuts:
        """Move period boundaries while that makes the plan cheaper, the best move first.

        Each round judges every boundary moved one slot, moved further (a minimum power can
        make every small step worse while a longer one saves) and both ends of a period moved
        together. A few moves to new partitions that cost the same are allowed, to get across
        plateaus of equal prices.
        """
        best = self.score(cuts)
        seen = {cuts}
        sideways = SIDEWAYS_MOVES
        for _ in range(MAX_BOUNDARY_MOVES):
            batch = list(_moves(cuts))
            if not batch:
                break
            found = self.best(batch)
            if not _better(found[1], best):
                fresh = [trial for trial in batch if trial not in seen]
                if not sideways or not fresh or _better(best, (found := self.best(fresh))[1]):
                    break
                sideways -= 1
            cuts, best = found
            seen.add(cuts)
        return cuts

    def use_spare_period(self, cuts: _Cuts, max_periods: int) -> _Cuts:
        """Add the best extra boundary when the charger has a period to spare."""
        if len(cuts) - 1 >= max_periods or len(cuts) > self.window.size:
            return cuts
        trials = [
            (*cuts[:index], cut, *cuts[index:])
            for index in range(1, len(cuts))
            for cut in range(cuts[index - 1] + 1, cuts[index])
        ]
        trial, score = self.best(trials)
        return self.shift(trial) if _better(score, self.score(cuts)) else cuts


def _moves(cuts: _Cuts) -> Iterator[_Cuts]:
    """Partitions near ``cuts``: boundaries moved one slot or further, periods moved or resized.

    Each boundary moves anywhere between its neighbours if they are close, else one slot and
    2, 4, 8… slots either way and next to either neighbour. Both ends of a period also move
    one slot together: the period moves, grows or shrinks.
    """
    for index in range(1, len(cuts) - 1):
        low, here, high = cuts[index - 1], cuts[index], cuts[index + 1]
        if high - low <= JUMP_ANYWHERE_WITHIN:
            targets = set(range(low + 1, high))
        else:
            targets = {low + 1, high - 1}
            step = 1
            while here - step > low or here + step < high:
                targets.update((here - step, here + step))
                step *= 2
        for moved in sorted(targets):
            if low < moved < high and moved != here:
                yield (*cuts[:index], moved, *cuts[index + 1 :])
    for index in range(1, len(cuts) - 2):
        for start, end in product((-1, 1), repeat=2):
            first, last = cuts[index] + start, cuts[index + 1] + end
            if cuts[index - 1] < first < last < cuts[index + 2]:
                yield (*cuts[:index], first, last, *cuts[index + 2 :])


def _fit_periods(search: _Search, runs: _Cuts, powers: Array, max_periods: int) -> _Cuts:
    """Cut the window into few enough periods for the charger, as cheaply as can be found.

    ``runs`` are the cuts of the unlimited schedule and ``powers`` its periods'. Candidate
    partitions come from merging adjacent runs (two ways, see ``_merge_runs``) and from the
    exact on/off programme at a bisected price (see ``_priced_partitions``). The best one has
    its boundaries moved while that saves money, and a period the charger still has to spare
    is put where it saves most. Where there are few enough partitions, all are judged.
    """
    size = search.window.size
    if sum(math.comb(size - 1, cuts) for cuts in range(max_periods)) <= EVERY_PARTITION_UP_TO:
        every = [
            (0, *inner, size)
            for cuts in range(max_periods)
            for inner in combinations(range(1, size), cuts)
        ]
        return search.best(every)[0]
    hours, costs = search.window.figures(runs)
    unlimited = [
        _Run(start, hour, cost, power)
        for start, hour, cost, power in zip(runs[:-1], hours, costs, _floats(powers), strict=True)
    ]
    # The dearest price the unlimited schedule charges at.
    marginal = max(
        (run.price for run in unlimited if run.power > 0 and run.cost < math.inf), default=0.0
    )
    candidates = [
        _merge_runs(search, unlimited, max_periods, marginal, marginal_first=first)
        for first in (True, False)
    ]
    candidates.extend(_priced_partitions(search, max_periods, marginal))
    best, _ = search.best(candidates)
    return search.use_spare_period(search.shift(best), max_periods)


def _priced_partitions(search: _Search, max_periods: int, marginal: float) -> list[_Cuts]:
    """The best on/off partitions at a price λ on either side of the energy asked for.

    Charging a slot at full power is worth ``price - λ`` per kWh; the best schedule with at most
    ``max_periods`` periods at a given λ is found exactly by a dynamic programme, and the
    energy it charges grows with λ. Searching λ over the slot prices, from the ``marginal``
    price of the unlimited schedule outwards, gives the partitions that charge just less and
    just more than asked; re-solving their powers meets the energy.
    """
    window, request = search.window, search.request
    needed_hours = (request.energy_kwh - EPSILON_KWH) / (request.max_power_w / 1000)
    prices = _floats(np.unique(window.prices[window.priced]))
    marginal_at = min(bisect_left(prices, marginal), len(prices) - 1)
    found: dict[bool, _Cuts] = {}

    def probe(price: float) -> bool:
        cuts, hours = _best_on_off(window, price, max_periods)
        enough = hours >= needed_hours
        found[enough] = cuts
        return enough

    # The last price that charges too little and the first that charges enough…
    high, low = _bracket(lambda index: probe(prices[index] + ABOVE_PRICE), len(prices), marginal_at)
    # …and between the two, where the runs stay the same but their trade-offs change.
    if 0 <= high < low < len(prices):
        lower, upper = prices[high] + ABOVE_PRICE, prices[low] + ABOVE_PRICE
        for _ in range(LAMBDA_REFINEMENTS):
            middle_price = (lower + upper) / 2
            if probe(middle_price):
                upper = middle_price
            else:
                lower = middle_price
    return list(found.values())


def _bracket(enough: Callable[[int], bool], size: int, start: int) -> tuple[int, int]:
    """The last index in ``range(size)`` that is not ``enough`` and the first that is.

    ``enough`` is monotone. The search gallops from ``start`` (1, 2, 4… indices away) until the
    answer changes, then bisects; -1 and ``size`` stand for "none".
    """
    too_little, plenty = -1, size
    downwards = enough(start)
    index, step = start, 1
    while too_little < index < plenty:
        if downwards:
            plenty = index
        else:
            too_little = index
        index = plenty - step if downwards else too_little + step
        step *= 2
        if too_little < index < plenty and enough(index) != downwards:
            too_little, plenty = (index, plenty) if downwards else (too_little, index)
            break
    low, high = too_little + 1, plenty - 1
    while low <= high:
        middle = (low + high) // 2
        if enough(middle):
            high = middle - 1
        else:
            low = middle + 1
    return high, low


def _best_on_off(window: _Window, marginal: float, max_periods: int) -> tuple[_Cuts, float]:
    """Cuts and charging hours of the best schedule at price λ, with slots fully on or off.

    A cut only pays off where the sign of ``price - λ`` changes, so slots are first grouped
    into runs of one sign; each run is then on or off as a whole.
    """
    kind = window.gap_kind + (window.prices < marginal)  # 1 where cheaper than λ
    starts_array = np.flatnonzero(kind[1:] != kind[:-1]) + 1
    starts = [0, *_ints(starts_array)]
    run_values = np.add.reduceat(window.costs - marginal * window.hours, starts)
    run_values[kind[starts] == _GAP_KIND] = np.inf  # time without a price never charges
    values = _floats(run_values)
    hours = _floats(np.add.reduceat(window.hours, starts))
    inf = math.inf
    periods = range(max_periods)
    # off[k] / on[k]: best value with k + 1 periods so far, the last one off / on. A run in the
    # other state than the one before starts a new period; staying wins ties.
    off = [0.0] + [inf] * (max_periods - 1)
    on = [values[0]] + [inf] * (max_periods - 1)
    history: list[tuple[list[float], list[float]]] = []
    for value in values[1:]:
        history.append((off, on))
        off, on = (
            list(map(min, off, [inf, *on[:-1]])),
            [best + value for best in map(min, on, [inf, *off[:-1]])],
        )
    best_off = min(periods, key=off.__getitem__)
    best_on = min(periods, key=on.__getitem__)
    state_on = on[best_on] < off[best_off]
    k = best_on if state_on else best_off
    charging = [False] * len(values)
    for run in range(len(values) - 1, 0, -1):
        charging[run] = state_on
        before_off, before_on = history[run - 1]
        if k > 0 and (
            before_off[k - 1] < before_on[k] if state_on else before_on[k - 1] < before_off[k]
        ):
            state_on = not state_on
            k -= 1
    charging[0] = state_on
    cuts = [starts[0]]
    cuts.extend(starts[r] for r in range(1, len(values)) if charging[r] != charging[r - 1])
    charged = sum(h for h, c in zip(hours, charging, strict=True) if c)
    return (*cuts, window.size), charged


@dataclass(slots=True)
class _Run:
    """Consecutive slots with one power (kW): a run of the unlimited schedule, or merged runs."""

    start: int
    hours: float
    cost: float  # the cost of 1 kW over the run; inf if part of it has no price
    power: float

    @property
    def price(self) -> float:
        return self.cost / self.hours if self.hours else 0.0

    def value(self, marginal: float) -> float:
        """The run's cost with its energy priced against the marginal price."""
        return self.power * (self.cost - marginal * self.hours) if self.power else 0.0


def _merge_runs(
    search: _Search,
    unlimited: list[_Run],
    max_periods: int,
    marginal: float,
    *,
    marginal_first: bool,
) -> _Cuts:
    """Merge the cheapest adjacent pair of runs until few enough remain.

    A merge is judged two ways. At the marginal price of the plan (the dearest price it
    charges at), the merged run charges fully if it is cheaper than that, else not at all,
    and the energy that moves is bought or sold at the marginal price. Averaged, the merged
    run keeps the energy of both at one power. Many prices are often equal to the marginal
    one, which makes the first judgement blind, so ``marginal_first`` says which judgement
    comes first; the caller tries both. The powers are solved again by the caller.
    """
    runs = list(unlimited)  # merged runs replace their parts here; the parts stay as they are
    max_kw, min_kw = search.request.max_power_w / 1000, search.request.min_power_w / 1000
    # A doubly linked list of runs and a heap of merge costs (stale entries are skipped).
    alive = [True] * len(runs)
    prev = list(range(-1, len(runs) - 1))
    nxt = [*range(1, len(runs)), -1]
    version = [0] * len(runs)
    heap: list[tuple[float, float, int, int, int, int]] = []

    def joined(a: _Run, b: _Run) -> _Run:
        run = _Run(a.start, a.hours + b.hours, a.cost + b.cost, 0.0)
        if run.cost < math.inf and run.price < marginal:
            run.power = max_kw
        return run

    def push(left: int) -> None:
        right = nxt[left]
        if right != -1:
            a, b = runs[left], runs[right]
            at_marginal = joined(a, b).value(marginal) - a.value(marginal) - b.value(marginal)
            averaged = _averaged_cost(a, b, min_kw)
            first, second = (at_marginal, averaged) if marginal_first else (averaged, at_marginal)
            heapq.heappush(heap, (first, second, left, right, version[left], version[right]))

    for index in range(len(runs) - 1):
        push(index)
    count = len(runs)
    while count > max_periods and heap:
        _, _, left, right, v_left, v_right = heapq.heappop(heap)
        if (v_left, v_right) != (version[left], version[right]) or not (
            alive[left] and alive[right]
        ):
            continue
        runs[left] = joined(runs[left], runs[right])
        alive[right] = False
        nxt[left] = nxt[right]
        if nxt[right] != -1:
            prev[nxt[right]] = left
        version[left] += 1
        count -= 1
        if prev[left] != -1:
            push(prev[left])
        push(left)
    return (*(run.start for run, keep in zip(runs, alive, strict=True) if keep), search.window.size)


def _averaged_cost(a: _Run, b: _Run, min_kw: float) -> float:
    """Extra cost of running two runs at their average power (breaks ties between merges)."""
    if math.inf in (a.cost, b.cost):
        return 0.0 if a.power == b.power == 0 else math.inf
    power = (a.power * a.hours + b.power * b.hours) / (a.hours + b.hours)
    if 0 < power < min_kw:
        return math.inf
    return power * (a.cost + b.cost) - (a.power * a.cost + b.power * b.cost)
