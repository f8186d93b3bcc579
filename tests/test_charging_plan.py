"""A plan as the charger receives it: profile, limits, windows, and what is stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.ocpp_csms.core.smart_charging.plan import ChargingPlan, PlanGoal
from custom_components.ocpp_csms.core.smart_charging.prices import PriceSlot
from custom_components.ocpp_csms.core.smart_charging.profile import (
    Electrical,
    ProfileKind,
    ProfilePurpose,
    RateUnit,
)

MIDNIGHT = datetime(2025, 3, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
THREE_PHASE = Electrical(phases=3, voltage=230)


def hourly(*prices: float) -> list[PriceSlot]:
    """Hourly slots from midnight."""
    return [
        PriceSlot(MIDNIGHT + i * HOUR, MIDNIGHT + (i + 1) * HOUR, price)
        for i, price in enumerate(prices)
    ]


def goal(energy_kwh: float, hours: int, **overrides: object) -> PlanGoal:
    """A 16 A three-phase goal (11.04 kW) with a deadline ``hours`` after midnight."""
    values: dict[str, object] = {
        "energy_kwh": energy_kwh,
        "ready_by": MIDNIGHT + hours * HOUR,
        "max_current": 16.0,
        "min_current": 6.0,
        "electrical": THREE_PHASE,
    }
    return PlanGoal(**(values | overrides))  # type: ignore[arg-type]


def test_profile_follows_the_cheapest_hours() -> None:
    """Absolute, on slot boundaries from the slot ``now`` is in, ending at the deadline."""
    now = MIDNIGHT + timedelta(minutes=20)
    plan = ChargingPlan.make(goal(11.04 * 1.5, 6), hourly(0.3, 0.3, 0.1, 0.2, 0.3, 0.3), now)

    profile = plan.profile(connector_id=1, stack_level=1, transaction_id=None)

    assert profile.id == 2001
    assert profile.stack_level == 1
    assert profile.purpose is ProfilePurpose.TX_DEFAULT
    assert profile.kind is ProfileKind.ABSOLUTE
    assert profile.transaction_id is None
    schedule = profile.schedule
    assert schedule.unit is RateUnit.AMPS
    assert schedule.start_schedule == MIDNIGHT
    assert schedule.duration == 6 * 3600
    assert [(p.start_period, p.limit) for p in schedule.periods] == [
        (0, 0.0),
        (2 * 3600, 16.0),
        (3 * 3600, 8.0),
        (4 * 3600, 0.0),
    ]
    assert plan.energy_kwh == pytest.approx(16.56)
    assert plan.estimated_cost == pytest.approx(11.04 * 0.1 + 5.52 * 0.2)
    assert plan.fully_met


def test_tx_profile_during_a_session() -> None:
    """With a transaction running the plan is a TxProfile for it."""
    plan = ChargingPlan.make(goal(5, 4), hourly(0.2, 0.1, 0.3, 0.3), MIDNIGHT)
    profile = plan.profile(connector_id=2, stack_level=3, transaction_id=42)
    assert (profile.id, profile.stack_level) == (2002, 3)
    assert profile.purpose is ProfilePurpose.TX
    assert profile.transaction_id == 42


def test_limits_are_rounded_and_never_below_the_minimum() -> None:
    """Up to the next 0.1 A (never less than planned); never between 0 and the minimum."""
    planned = goal(1, 1)
    assert planned.limit(0) == 0
    assert planned.limit(4140.0) == 6.0  # 6 A exactly
    assert planned.limit(4100.0) == 6.0  # 5.94 A would be under the minimum
    assert planned.limit(5000.0) == 7.3  # 7.246 A: 7.2 A would miss 0.03 kWh an hour
    assert planned.limit(11040.4) == 16.0
    in_watts = goal(1, 1, unit=RateUnit.WATTS)
    assert in_watts.limit(5000.04) == 5000.1
    assert in_watts.limit(5000.0) == 5000.0
    assert in_watts.limit(3000.0) == 4140.0


def test_windows_that_round_alike_are_one_period() -> None:
    """Two planned powers that become the same limit are one schedule period."""
    # 11.04 kW in the first hour, 11.02 kW (15.97 A) in the second: both are 16 A.
    plan = ChargingPlan.make(goal(22.06, 3), hourly(0.1, 0.2, 0.3), MIDNIGHT)
    assert [(w.start, w.end, w.limit) for w in plan.windows] == [
        (MIDNIGHT, MIDNIGHT + 2 * HOUR, 16.0),
        (MIDNIGHT + 2 * HOUR, MIDNIGHT + 3 * HOUR, 0.0),
    ]


def test_next_start_and_what_is_stored() -> None:
    """The next charging window moves on as time passes; the plan survives a round trip."""
    plan = ChargingPlan.make(goal(11.04 * 2, 6), hourly(0.1, 0.3, 0.1, 0.3, 0.3, 0.3), MIDNIGHT)
    assert plan.next_start(MIDNIGHT) == MIDNIGHT
    assert plan.next_change(MIDNIGHT) == MIDNIGHT + HOUR
    assert plan.next_start(MIDNIGHT + HOUR) == MIDNIGHT + 2 * HOUR
    assert plan.next_start(MIDNIGHT + 3 * HOUR) is None
    assert plan.next_change(MIDNIGHT + 3 * HOUR) is None
    assert ChargingPlan.from_dict(plan.as_dict()) == plan
    assert plan.summary()["schedule"][0] == {
        "start": MIDNIGHT,
        "end": MIDNIGHT + HOUR,
        "limit": 16.0,
        "unit": "A",
    }


def test_a_plan_that_falls_short_says_so() -> None:
    """More energy than the window holds: everything at full power, not fully met."""
    plan = ChargingPlan.make(goal(100, 2), hourly(0.1, 0.2), MIDNIGHT)
    assert not plan.fully_met
    assert plan.energy_kwh == pytest.approx(22.08)
    assert [w.limit for w in plan.windows] == [16.0]


def test_no_prices_in_the_window() -> None:
    """Prices that all lie after the deadline cannot make a plan."""
    late = [PriceSlot(MIDNIGHT + 5 * HOUR, MIDNIGHT + 6 * HOUR, 0.1)]
    with pytest.raises(ValueError, match="no prices"):
        ChargingPlan.make(goal(5, 2), late, MIDNIGHT)
