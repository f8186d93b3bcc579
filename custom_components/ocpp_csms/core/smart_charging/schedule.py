"""What is asked of the optimizer and what it answers: the request, its periods, the plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .fill import EPSILON_KWH

# A plan this close (kWh) to the energy asked for meets it (it neither falls short nor overshoots).
MET_TOLERANCE_KWH = EPSILON_KWH * 1000


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
