"""Few enough periods for the charger: partitions from merging runs and from priced on/off."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
import heapq
from itertools import combinations
import math

import numpy as np

from .fill import EPSILON_KWH, Array
from .search import GAP_KIND, Cuts, Search, Window, floats, ints

# How far above a slot's price λ is set for that slot to charge.
ABOVE_PRICE = 1e-6
# Windows with at most this many partitions into few enough periods have every one judged.
EVERY_PARTITION_UP_TO = 2000
# Bisection steps of the price λ between two neighbouring slot prices.
LAMBDA_REFINEMENTS = 3


def fit_periods(search: Search, runs: Cuts, powers: Array, max_periods: int) -> Cuts:
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
        for start, hour, cost, power in zip(runs[:-1], hours, costs, floats(powers), strict=True)
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


def _priced_partitions(search: Search, max_periods: int, marginal: float) -> list[Cuts]:
    """The best on/off partitions at a price λ on either side of the energy asked for.

    Charging a slot at full power is worth ``price - λ`` per kWh; the best schedule with at most
    ``max_periods`` periods at a given λ is found exactly by a dynamic programme, and the
    energy it charges grows with λ. Searching λ over the slot prices, from the ``marginal``
    price of the unlimited schedule outwards, gives the partitions that charge just less and
    just more than asked; re-solving their powers meets the energy.
    """
    window, request = search.window, search.request
    needed_hours = (request.energy_kwh - EPSILON_KWH) / (request.max_power_w / 1000)
    prices = floats(np.unique(window.prices[window.priced]))
    marginal_at = min(bisect_left(prices, marginal), len(prices) - 1)
    found: dict[bool, Cuts] = {}

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


def _best_on_off(window: Window, marginal: float, max_periods: int) -> tuple[Cuts, float]:
    """Cuts and charging hours of the best schedule at price λ, with slots fully on or off.

    A cut only pays off where the sign of ``price - λ`` changes, so slots are first grouped
    into runs of one sign; each run is then on or off as a whole.
    """
    kind = window.gap_kind + (window.prices < marginal)  # 1 where cheaper than λ
    starts_array = np.flatnonzero(kind[1:] != kind[:-1]) + 1
    starts = [0, *ints(starts_array)]
    run_values = np.add.reduceat(window.costs - marginal * window.hours, starts)
    run_values[kind[starts] == GAP_KIND] = np.inf  # time without a price never charges
    values = floats(run_values)
    hours = floats(np.add.reduceat(window.hours, starts))
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
    search: Search,
    unlimited: list[_Run],
    max_periods: int,
    marginal: float,
    *,
    marginal_first: bool,
) -> Cuts:
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
