"""A connector's charging plan: the goal, the planned periods and the profile that carries them.

The plan is made once (``ChargingPlan.make``) and kept; the OCPP profile is built from it each
time it is sent, because whether it is a TxProfile depends on the session running at that moment:

* absolute, its ``startSchedule`` on the boundary of the price slot the plan starts in, every
  period on a slot boundary but where a period charges only part of a slot (``trim.py``);
* its ``duration`` ends at the deadline, so afterwards the charger falls back to the current
  limit one stack level below instead of charging without limit;
* a TxProfile for the running transaction, else a TxDefaultProfile that the next session uses;
* limits in the charger's unit, amps rounded to 0.1 A, never between 0 and the minimum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
import math
from typing import Any

from .optimizer import plan
from .prices import PriceSlot
from .profile import (
    PLAN_PROFILE_ID,
    ChargingProfile,
    ChargingSchedule,
    Electrical,
    ProfileKind,
    ProfilePurpose,
    RateUnit,
    SchedulePeriod,
)
from .schedule import Plan, PlanRequest
from .trim import trimmed


@dataclass(frozen=True, slots=True)
class PlanGoal:
    """What a plan must achieve and within which limits."""

    energy_kwh: float
    ready_by: datetime
    max_current: float
    min_current: float
    electrical: Electrical
    unit: RateUnit = RateUnit.AMPS
    max_periods: int | None = None
    price_entity: str | None = None

    def limit(self, power_w: float) -> float:
        """A planned power as a limit in the goal's unit, to the 0.1 chargers take.

        Rounded up, so the charger is allowed at least the planned energy: rounding down
        would leave the car up to 0.05 A per period short of what the plan promised.
        """
        if power_w <= 0:
            return 0.0
        to_unit = self.electrical.to_unit
        low = to_unit(self.min_current, RateUnit.AMPS, self.unit)
        high = to_unit(self.max_current, RateUnit.AMPS, self.unit)
        exact = to_unit(power_w, RateUnit.WATTS, self.unit)
        return min(high, max(low, math.ceil(round(exact * 10, 6)) / 10))

    def as_dict(self) -> dict[str, Any]:
        """Serialise for storage."""
        return {
            "energy_kwh": self.energy_kwh,
            "ready_by": self.ready_by.isoformat(),
            "max_current": self.max_current,
            "min_current": self.min_current,
            "phases": self.electrical.phases,
            "voltage": self.electrical.voltage,
            "unit": self.unit.value,
            "max_periods": self.max_periods,
            "price_entity": self.price_entity,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanGoal:
        """Restore from storage."""
        return cls(
            energy_kwh=data["energy_kwh"],
            ready_by=datetime.fromisoformat(data["ready_by"]),
            max_current=data["max_current"],
            min_current=data["min_current"],
            electrical=Electrical(phases=data["phases"], voltage=data["voltage"]),
            unit=RateUnit(data["unit"]),
            max_periods=data.get("max_periods"),
            price_entity=data.get("price_entity"),
        )


@dataclass(frozen=True, slots=True)
class ScheduleWindow:
    """A limit from ``start`` to ``end`` as the charger received it."""

    start: datetime
    end: datetime
    limit: float


@dataclass(frozen=True, slots=True)
class ChargingPlan:
    """A goal and the cheapest schedule found for it, from ``start`` to the deadline."""

    goal: PlanGoal
    start: datetime
    windows: tuple[ScheduleWindow, ...]
    energy_kwh: float
    estimated_cost: float
    fully_met: bool

    @classmethod
    def make(cls, goal: PlanGoal, slots: Sequence[PriceSlot], now: datetime) -> ChargingPlan:
        """Plan ``goal`` over ``slots`` from ``now`` (ValueError when it cannot be planned)."""
        to_watts = goal.electrical.to_unit
        request = PlanRequest(
            energy_kwh=goal.energy_kwh,
            start=now,
            ready_by=goal.ready_by,
            max_power_w=to_watts(goal.max_current, RateUnit.AMPS, RateUnit.WATTS),
            min_power_w=to_watts(goal.min_current, RateUnit.AMPS, RateUnit.WATTS),
            max_periods=goal.max_periods,
        )
        result = trimmed(plan(request, slots), request, slots)
        start = _schedule_start(slots, now)
        return cls(
            goal=goal,
            start=start,
            windows=_windows(goal, result, start),
            energy_kwh=result.energy_kwh,
            estimated_cost=result.estimated_cost,
            fully_met=result.fully_met,
        )

    def profile(
        self, connector_id: int, stack_level: int, transaction_id: int | str | None
    ) -> ChargingProfile:
        """The OCPP profile that makes the charger follow this plan."""
        return ChargingProfile(
            id=PLAN_PROFILE_ID + connector_id,
            stack_level=stack_level,
            purpose=ProfilePurpose.TX if transaction_id is not None else ProfilePurpose.TX_DEFAULT,
            kind=ProfileKind.ABSOLUTE,
            transaction_id=transaction_id,
            schedule=ChargingSchedule(
                unit=self.goal.unit,
                start_schedule=self.start,
                duration=math.ceil((self.goal.ready_by - self.start).total_seconds()),
                periods=tuple(
                    SchedulePeriod(
                        start_period=round((window.start - self.start).total_seconds()),
                        limit=window.limit,
                    )
                    for window in self.windows
                ),
            ),
        )

    def next_start(self, now: datetime) -> datetime | None:
        """When the current or next charging window starts; None when none is left."""
        return next((w.start for w in self.windows if w.limit > 0 and w.end > now), None)

    def next_change(self, now: datetime) -> datetime | None:
        """The next time :meth:`next_start` can change."""
        return next((w.end for w in self.windows if w.end > now and w.limit > 0), None)

    def schedule(self) -> list[dict[str, Any]]:
        """The windows as plain data: ``start``, ``end``, ``limit``, ``unit``."""
        unit = self.goal.unit.value
        return [
            {"start": w.start, "end": w.end, "limit": w.limit, "unit": unit} for w in self.windows
        ]

    def summary(self) -> dict[str, Any]:
        """What the plan achieves: the action's response and the sensor's attributes."""
        return {
            "schedule": self.schedule(),
            "energy_kwh": self.energy_kwh,
            "estimated_cost": self.estimated_cost,
            "fully_met": self.fully_met,
            "ready_by": self.goal.ready_by,
        }

    def as_dict(self) -> dict[str, Any]:
        """Serialise for storage."""
        return {
            "goal": self.goal.as_dict(),
            "start": self.start.isoformat(),
            "windows": [[w.start.isoformat(), w.end.isoformat(), w.limit] for w in self.windows],
            "energy_kwh": self.energy_kwh,
            "estimated_cost": self.estimated_cost,
            "fully_met": self.fully_met,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChargingPlan:
        """Restore from storage."""
        return cls(
            goal=PlanGoal.from_dict(data["goal"]),
            start=datetime.fromisoformat(data["start"]),
            windows=tuple(
                ScheduleWindow(datetime.fromisoformat(s), datetime.fromisoformat(e), limit)
                for s, e, limit in data["windows"]
            ),
            energy_kwh=data["energy_kwh"],
            estimated_cost=data["estimated_cost"],
            fully_met=data["fully_met"],
        )


def _schedule_start(slots: Sequence[PriceSlot], now: datetime) -> datetime:
    """The start of the price slot ``now`` falls in (whole seconds when it falls in none)."""
    current = next((s.start for s in slots if s.start <= now < s.end), None)
    return current if current is not None else now.replace(microsecond=0)


def _windows(goal: PlanGoal, result: Plan, start: datetime) -> tuple[ScheduleWindow, ...]:
    """The planned periods as limits; periods whose limits round alike become one window."""
    windows: list[ScheduleWindow] = []
    for index, period in enumerate(result.periods):
        begin = start if index == 0 else period.start
        limit = goal.limit(period.power_w)
        if windows and windows[-1].limit == limit:
            windows[-1] = ScheduleWindow(windows[-1].start, period.end, limit)
        else:
            windows.append(ScheduleWindow(begin, period.end, limit))
    return tuple(windows)
