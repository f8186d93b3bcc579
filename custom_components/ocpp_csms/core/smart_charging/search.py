"""The search over partitions of the window: slots as arrays, partitions judged in batches."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from itertools import product
import math
from operator import attrgetter
from typing import cast

import numpy as np
from numpy.typing import NDArray

from .fill import Array, fill
from .prices import PriceSlot
from .schedule import MET_TOLERANCE_KWH, Plan, PlannedPeriod, PlanRequest

# Powers closer than this (kW) count as equal.
SAME_POWER_KW = 1e-9
# Improving moves of period boundaries tried after merging.
MAX_BOUNDARY_MOVES = 40
# Moves to partitions that cost the same, allowed once nothing cheaper is in reach.
SIDEWAYS_MOVES = 4
# Boundaries at most this many slots apart let the ones between jump to any slot.
JUMP_ANYWHERE_WITHIN = 16
# How a slot without a price is marked when slots are grouped by their price against λ.
GAP_KIND = 2

# A partition of the window: the index of each period's first slot, then the number of slots.
type Cuts = tuple[int, ...]


class Window:
    """The time from the request's start to its deadline as consecutive slots.

    Priced slots are clipped to the window, and time without a price is a gap slot that never
    charges. Running totals of hours, cost of 1 kW and gaps give any period's figures at once.
    """

    def __init__(self, request: PlanRequest, slots: Sequence[PriceSlot]) -> None:
        """Lay the request's window out as slots."""
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
        self.gap_kind = np.where(self.priced, 0, GAP_KIND).astype(np.int8)
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

    def figures(self, cuts: Cuts) -> tuple[list[float], list[float]]:
        """Hours and cost of 1 kW of each period of one partition, as lists."""
        hours, costs = self.periods(np.array([cuts]))
        return floats(hours[0]), floats(costs[0])

    def plan(self, cuts: Cuts, powers: list[float], request: PlanRequest) -> Plan:
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


def floats(values: Array) -> list[float]:
    """A 1-D array as Python floats, which loops read much faster than the array."""
    return cast("list[float]", values.tolist())


def ints(values: NDArray[np.int_]) -> list[int]:
    """A 1-D array of indices as Python ints."""
    return cast("list[int]", values.tolist())


# Short of the energy, by how much (rounded, so that equal shortfalls tie), forcing more than
# asked, cost: a plan that cannot meet the energy delivers as much as it can, then is cheapest.
type Score = tuple[bool, float, bool, float]


def better(score: Score, than: Score) -> bool:
    """Whether ``score`` is better than ``than`` by more than rounding."""
    return score[:3] < than[:3] or (score[:3] == than[:3] and score[3] < than[3] - 1e-9)


class Search:
    """Partitions of the window judged by the cheapest powers over their periods.

    Partitions are judged in batches (see ``fill``), and each score is remembered, as the
    search comes back to the same cuts.
    """

    def __init__(self, window: Window, request: PlanRequest) -> None:
        """Search partitions of ``window`` for ``request``."""
        self.window = window
        self.request = request
        self._range = (request.energy_kwh, request.min_power_w / 1000, request.max_power_w / 1000)
        self._scores: dict[Cuts, Score] = {}

    def fill(self, cuts: NDArray[np.int_]) -> Array:
        """The cheapest powers (kW) over the periods of each row of cuts."""
        return fill(*self.window.periods(cuts), *self._range)

    def score(self, cuts: Cuts) -> Score:
        """How good the cheapest powers over these periods are."""
        if (known := self._scores.get(cuts)) is None:
            known = self.best([cuts])[1]
        return known

    def best(self, batch: list[Cuts]) -> tuple[Cuts, Score]:
        """The best partition of a non-empty batch."""
        scores = self._scores
        unknown: dict[int, dict[Cuts, None]] = {}
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
                "list[Score]",
                list(
                    zip(
                        short.tolist(),
                        floats(shortfall),
                        over.tolist(),
                        spent.tolist(),
                        strict=True,
                    )
                ),
            )
            scores.update(zip(same_length, judged, strict=True))
        best = min(batch, key=scores.__getitem__)
        return best, scores[best]

    def shift(self, cuts: Cuts) -> Cuts:
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
            batch = list(moves(cuts))
            if not batch:
                break
            found = self.best(batch)
            if not better(found[1], best):
                fresh = [trial for trial in batch if trial not in seen]
                if not sideways or not fresh or better(best, (found := self.best(fresh))[1]):
                    break
                sideways -= 1
            cuts, best = found
            seen.add(cuts)
        return cuts

    def use_spare_period(self, cuts: Cuts, max_periods: int) -> Cuts:
        """Add the best extra boundary when the charger has a period to spare."""
        if len(cuts) - 1 >= max_periods or len(cuts) > self.window.size:
            return cuts
        trials = [
            (*cuts[:index], cut, *cuts[index:])
            for index in range(1, len(cuts))
            for cut in range(cuts[index - 1] + 1, cuts[index])
        ]
        trial, score = self.best(trials)
        return self.shift(trial) if better(score, self.score(cuts)) else cuts


def moves(cuts: Cuts) -> Iterator[Cuts]:
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
