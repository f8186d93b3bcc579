"""The planner benchmark's problems: synthetic price days and needs, and their exact optimum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
import random
import sys
from zoneinfo import ZoneInfo

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.ocpp_csms.core.smart_charging.prices import PriceSlot
from custom_components.ocpp_csms.core.smart_charging.schedule import Plan, PlanRequest

BERLIN = ZoneInfo("Europe/Berlin")
# Ordinary days and both DST changes (23 and 25 local hours: 92 and 100 quarter hours).
DAYS = ("2025-01-15", "2025-03-30", "2025-06-20", "2025-10-26")
TOLERANCE_KWH = 1e-3
TOLERANCE_W = 1e-6


@dataclass(frozen=True)
class Case:
    """One planning problem."""

    kind: str
    slots: list[PriceSlot]
    request: PlanRequest


def price_days(rng: random.Random, day: str, minutes: int, days: int) -> list[PriceSlot]:
    """A random walk of prices over whole local days, some of it below zero."""
    start = datetime.fromisoformat(day).replace(tzinfo=BERLIN)
    end = (start + timedelta(days=days)).replace(tzinfo=BERLIN)
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    price = rng.uniform(0.05, 0.35)
    floor = rng.choice((0.0, -0.05, -0.15))
    slots = []
    cursor = start_utc
    while cursor < end_utc:
        price = max(floor, price + rng.gauss(0, 0.03))
        slots.append(PriceSlot(cursor, cursor + timedelta(minutes=minutes), round(price, 4)))
        cursor += timedelta(minutes=minutes)
    return slots


def make_cases(count: int, seed: int) -> list[Case]:
    """Problems of the three kinds in turn."""
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        kind = ("lp", "floor", "floor+periods")[index % 3]
        minutes = rng.choice((15, 60))
        # The period-limited MILP is hard for the exact solver; keep those windows to one day.
        days = 1 if kind == "floor+periods" else rng.choice((1, 2))
        slots = price_days(rng, rng.choice(DAYS), minutes, days)
        phases = rng.choice((1, 3))
        max_w = rng.choice((16, 32)) * 230 * phases
        min_w = 0.0 if kind == "lp" else 6 * 230 * phases
        hours = sum(s.hours for s in slots)
        energy = rng.uniform(0.1, 0.8) * max_w / 1000 * hours
        energy = max(energy, min_w / 1000)  # at least an hour at the minimum
        cases.append(
            Case(
                kind,
                slots,
                PlanRequest(
                    energy_kwh=round(energy, 3),
                    start=slots[0].start,
                    ready_by=slots[-1].end,
                    max_power_w=max_w,
                    min_power_w=min_w,
                    max_periods=rng.choice((6, 10, 24)) if kind == "floor+periods" else None,
                ),
            )
        )
    return cases


def optimum(case: Case) -> float:
    """The exact minimum cost (HiGHS): power p, on/off y, and period changes z per slot."""
    slots, request = case.slots, case.request
    n = len(slots)
    hours = np.array([s.hours for s in slots])
    prices = np.array([s.price for s in slots])
    p_max, p_min = request.max_power_w / 1000, request.min_power_w / 1000
    with_periods = request.max_periods is not None
    size = 3 * n if with_periods else 2 * n  # p..., y..., (z...)
    cost = np.zeros(size)
    cost[:n] = prices * hours
    rows, lower, upper = [], [], []

    def row(entries: dict[int, float], lo: float, hi: float) -> None:
        vector = np.zeros(size)
        for column, value in entries.items():
            vector[column] = value
        rows.append(vector)
        lower.append(lo)
        upper.append(hi)

    row({t: hours[t] for t in range(n)}, request.energy_kwh, request.energy_kwh)
    for t in range(n):
        row({t: 1.0, n + t: -p_max}, -np.inf, 0.0)  # p <= p_max * y
        row({t: 1.0, n + t: -p_min}, 0.0, np.inf)  # p >= p_min * y
    if with_periods:
        for t in range(1, n):  # |p_t - p_(t-1)| <= p_max * z_t
            row({t: 1.0, t - 1: -1.0, 2 * n + t: -p_max}, -np.inf, 0.0)
            row({t: -1.0, t - 1: 1.0, 2 * n + t: -p_max}, -np.inf, 0.0)
        row({2 * n + t: 1.0 for t in range(1, n)}, 0.0, request.max_periods - 1)
    integrality = np.zeros(size)
    integrality[n:] = 0 if case.kind == "lp" else 1
    upper_bounds = np.concatenate([np.full(n, p_max), np.ones(size - n)])
    result = milp(
        cost,
        constraints=LinearConstraint(np.array(rows), lower, upper),
        integrality=integrality,
        bounds=Bounds(np.zeros(size), upper_bounds),
        options={"time_limit": 60, "mip_rel_gap": 1e-6},
    )
    if result.x is None:
        raise RuntimeError(f"no optimum: {result.message}")
    return float(result.fun)


def violations(result: Plan, case: Case) -> list[str]:
    """The constraints the plan breaks (none, hopefully)."""
    request = case.request
    problems = []
    if not result.fully_met or result.energy_kwh < request.energy_kwh - TOLERANCE_KWH:
        problems.append(f"energy {result.energy_kwh} instead of {request.energy_kwh}")
    low, high = request.min_power_w - TOLERANCE_W, request.max_power_w + TOLERANCE_W
    problems.extend(
        f"power {period.power_w} W outside the range"
        for period in result.periods
        if period.power_w and not low <= period.power_w <= high
    )
    if request.max_periods is not None and len(result.periods) > request.max_periods:
        problems.append(f"{len(result.periods)} periods, {request.max_periods} allowed")
    return problems
