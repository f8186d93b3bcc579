"""The cheapest powers over fixed periods, for many ways of cutting the window at once.

Each row of ``hours`` and ``costs`` is one partition of the window into periods: a period's
length, and the cost of 1 kW over it (``inf`` where part of it has no price). Rows are padded
with periods of 0 hours. Every period charges at 0 or between the minimum and the maximum
power, and together they add the energy asked for (or as much as the window allows):

1. Without a minimum power this is a fractional knapsack: fill the cheapest periods at full
   power, the last one partly. That is exactly optimal.
2. The minimum power can make the partly filled period impossible. Its energy then goes into
   whichever unused period costs least: at that period's own power if it is short enough to
   take it, else at the minimum, with the difference taken back from the dearest full periods.
   When nothing fits, the cheapest unused period that can take the energy runs at the
   minimum and delivers a little more. Where it is cheaper, a full period stops instead and
   an unused one takes its energy with the remainder.

All rows are solved together with NumPy, which is what makes searching many partitions cheap.
The search calls this with small batches many times, so it is written in few array operations.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

type Array = NDArray[np.float64]

# Energies closer than this (kWh) count as equal.
EPSILON_KWH = 1e-6
# Powers closer than this (kW) count as equal.
EPSILON_KW = 1e-12


def fill(hours: Array, costs: Array, energy_kwh: float, min_kw: float, max_kw: float) -> Array:
    """The power (kW) of each period of each row."""
    count, size = hours.shape
    prices = np.empty(hours.shape)
    prices.fill(np.inf)
    np.divide(costs, hours, out=prices, where=hours > 0)  # a cost of inf stays inf
    # Periods cheapest first (earliest on ties), as flat indices.
    order = prices.argsort(axis=1, kind="stable")
    order += np.arange(0, count * size, size)[:, None]
    length, price = hours.take(order), prices.take(order)
    usable = price < np.inf
    capacity = np.where(usable, max_kw * length, 0.0)
    left = energy_kwh - np.add.accumulate(capacity, axis=1) + capacity
    energy = np.minimum(left, capacity)
    energy[left <= EPSILON_KWH] = 0.0
    charging = energy > 0
    full = charging & (energy >= capacity - EPSILON_KW * length)
    too_low = charging & ~full & (energy < (min_kw - EPSILON_KW) * length)
    needs_repair = np.logical_or.reduce(too_low, axis=1)
    if needs_repair.any():
        repaired = _repair_floor(length, price, energy, full, too_low, min_kw, max_kw)
        energy = np.where(needs_repair[:, None], repaired, energy)
    power = np.zeros(hours.shape)
    np.divide(energy, length, out=power, where=length > 0)
    result = np.empty(hours.shape)
    result.put(order, power)
    return result


def _repair_floor(
    length: Array,
    price: Array,
    energy: Array,
    full: NDArray[np.bool_],
    too_low: NDArray[np.bool_],
    min_kw: float,
    max_kw: float,
) -> Array:
    """Energies of rows (periods cheapest first) with the partly filled period moved.

    ``full`` marks the periods at the maximum power, a prefix of each row; ``too_low`` marks the
    one partly filled period, if it is below the minimum. Its energy goes into whichever unused
    period (itself included) costs least: at its own power if that period can take it, or at
    the minimum power with the difference taken back from the dearest full periods (each down
    to the minimum). Rows without such a period come out meaningless; the caller skips them.
    """
    at = np.arange(length.shape[0])
    partial = too_low.argmax(axis=1)
    remainder = energy[at, partial][:, None]
    usable = price < np.inf
    known_price = np.where(usable, price, 0.0)
    unused = usable & ~full

    # What each unused period would charge, and how much the full ones must give back for it:
    # each gives what the dearer ones do not cover, up to what it can give.
    charged = np.maximum(remainder, min_kw * length)
    needed = charged - remainder
    give = np.where(full, (max_kw - min_kw) * length, 0.0)
    can_give = np.add.reduce(give, axis=1, keepdims=True)
    dearer = can_give - np.add.accumulate(give, axis=1)
    taken = np.minimum(np.maximum(needed[:, :, None] - dearer[:, None, :], 0.0), give[:, None, :])
    refund = np.matmul(taken, known_price[:, :, None])[:, :, 0]
    fits = (
        unused & (remainder <= max_kw * length + EPSILON_KWH) & (can_give >= needed - EPSILON_KWH)
    )
    cost = np.where(fits, known_price * charged - refund, np.inf)
    placed = np.logical_or.reduce(fits, axis=1)
    # Where nothing fits: deliver a little more at the minimum in the cheapest unused period
    # long enough to take the energy at all; without one, in the longest unused period.
    holds = unused & (min_kw * length >= remainder - EPSILON_KWH)
    fallback = np.where(
        np.logical_or.reduce(holds, axis=1, keepdims=True),
        np.where(holds, known_price * length, np.inf),
        np.where(unused, -length, np.inf),
    )
    column = np.where(placed, cost.argmin(axis=1), fallback.argmin(axis=1))
    repaired: Array = energy - taken[at, column] * placed[:, None]
    repaired[at, partial] = 0.0
    repaired[at, column] = np.where(placed, charged[at, column], min_kw * length[at, column])
    chosen = np.where(
        placed, cost[at, column], known_price[at, column] * min_kw * length[at, column]
    )
    return _swap_if_cheaper(
        repaired,
        energy,
        length,
        known_price,
        full,
        unused,
        partial,
        remainder,
        chosen,
        min_kw,
        max_kw,
    )


def _swap_if_cheaper(
    repaired: Array,
    energy: Array,
    length: Array,
    price: Array,
    full: NDArray[np.bool_],
    unused: NDArray[np.bool_],
    partial: NDArray[np.intp],
    remainder: Array,
    chosen: Array,
    min_kw: float,
    max_kw: float,
) -> Array:
    """Rows where emptying a full period is cheaper: its energy and the remainder move together.

    Taking full periods only down to the minimum can leave a dear period charging where a
    cheap one would do if it did not charge at all: a full period stops, and an unused one
    (the partly filled one included) takes its energy with the remainder, if that is within
    its powers. ``chosen`` is what the repair above costs, against which a swap must win.
    """
    at = np.arange(length.shape[0])
    moved = energy + remainder  # a full period's energy with the remainder, [row, from]
    into = moved[:, :, None]
    fits = (
        full[:, :, None]
        & unused[:, None, :]
        & (into >= (min_kw * length)[:, None, :] - EPSILON_KWH)
        & (into <= (max_kw * length)[:, None, :] + EPSILON_KWH)
    )
    cost = np.where(fits, price[:, None, :] * into - (price * energy)[:, :, None], np.inf)
    best = cost.reshape(len(at), -1).argmin(axis=1)
    source, target = np.divmod(best, length.shape[1])
    better = cost[at, source, target] < chosen - 1e-9  # a currency amount: strictly cheaper
    if not better.any():
        return repaired
    swapped = energy.copy()
    swapped[at, partial] = 0.0
    swapped[at, source] = 0.0
    swapped[at, target] = moved[at, source]
    result: Array = np.where(better[:, None], swapped, repaired)
    return result
