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
   When nothing fits, the cheapest unused period runs at the minimum and delivers a little
   more.

All rows are solved together with NumPy, which is what makes searching many partitions cheap.
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
    prices = np.full(hours.shape, np.inf)
    np.divide(costs, hours, out=prices, where=np.isfinite(costs) & (hours > 0))
    order = np.argsort(prices, axis=1, kind="stable")  # cheapest first, earliest on ties
    rows = np.arange(hours.shape[0])[:, None]
    length, price = hours[rows, order], prices[rows, order]
    capacity = np.where(price < np.inf, max_kw * length, 0.0)
    left = energy_kwh - (np.cumsum(capacity, axis=1) - capacity)
    energy = np.where(left > EPSILON_KWH, np.minimum(left, capacity), 0.0)
    full = (energy > 0) & (energy >= capacity - EPSILON_KW * length)
    too_low = (energy > 0) & (energy < (min_kw - EPSILON_KW) * length) & ~full
    repair = np.flatnonzero(too_low.any(axis=1))
    if repair.size:
        energy[repair] = _repair_floor(
            length[repair],
            price[repair],
            energy[repair],
            full[repair],
            too_low[repair],
            min_kw,
            max_kw,
        )
    power = np.zeros(hours.shape)
    np.divide(energy, length, out=power, where=length > 0)
    result = np.empty(hours.shape)
    result[rows, order] = power
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
    """Energies of rows (periods cheapest first) whose partly filled period is below the minimum.

    ``full`` marks the periods at the maximum power, a prefix of each row; ``too_low`` marks the
    one partly filled period. Its energy goes into whichever unused period (itself included)
    costs least: at its own power if that period can take it, or at the minimum power with the
    difference taken back from the dearest full periods (each down to the minimum).
    """
    count = length.shape[0]
    at = np.arange(count)
    partial = np.argmax(too_low, axis=1)
    remainder = energy[at, partial][:, None]
    known_price = np.where(np.isfinite(price), price, 0.0)
    unused = np.isfinite(price) & ~full

    # What each unused period would charge, and how much of that the full ones give back.
    charged = np.maximum(remainder, min_kw * length)
    needed = charged - remainder
    give = np.where(full, (max_kw - min_kw) * length, 0.0)
    dearer = np.cumsum(give[:, ::-1], axis=1)[:, ::-1] - give  # what the dearer ones give
    taken = np.clip(needed[:, :, None] - dearer[:, None, :], 0.0, give[:, None, :])
    refund = (taken * known_price[:, None, :]).sum(axis=2)
    fits = (
        unused
        & (remainder <= max_kw * length + EPSILON_KWH)
        & (give.sum(axis=1, keepdims=True) >= needed - EPSILON_KWH)
    )
    cost = np.where(fits, known_price * charged - refund, np.inf)
    target = np.argmin(cost, axis=1)  # ties go to the cheaper period
    placed = fits.any(axis=1)

    repaired = energy.copy()
    repaired[at, partial] = 0.0
    rows, columns = at[placed], target[placed]
    repaired[rows] -= taken[rows, columns]
    repaired[rows, columns] = charged[rows, columns]
    if not placed.all():
        # Nothing fits exactly: deliver a little more at the minimum in the cheapest spot.
        rows = at[~placed]
        cheapest = np.argmin(np.where(unused, known_price * length, np.inf)[rows], axis=1)
        repaired[rows, cheapest] = min_kw * length[rows, cheapest]
    return repaired
