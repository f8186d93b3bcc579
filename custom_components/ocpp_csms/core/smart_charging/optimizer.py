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

from collections.abc import Sequence

import numpy as np

from .partitions import fit_periods
from .prices import PriceSlot
from .schedule import Plan, PlanRequest
from .search import SAME_POWER_KW, Cuts, Search, Window, floats, ints


def plan(request: PlanRequest, slots: Sequence[PriceSlot]) -> Plan:
    """The cheapest schedule for ``request`` over the priced ``slots``."""
    if request.max_power_w <= 0 or request.min_power_w > request.max_power_w:
        raise ValueError("the power range is empty")
    window = Window(request, slots)
    search = Search(window, request)
    powers = search.fill(np.array([range(window.size + 1)]))[0]
    changes = np.flatnonzero(np.abs(np.diff(powers)) > SAME_POWER_KW) + 1
    cuts: Cuts = (0, *ints(changes), window.size)
    if request.max_periods is not None and len(cuts) - 1 > request.max_periods:
        cuts = fit_periods(search, cuts, powers[list(cuts[:-1])], request.max_periods)
        powers = search.fill(np.array([cuts]))[0]
    else:
        powers = powers[list(cuts[:-1])]
    return window.plan(cuts, floats(powers), request)
