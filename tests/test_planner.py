"""The planner: exact without a minimum power, near-optimal with one, and its constraints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import combinations, pairwise

from hypothesis import example, given, settings, strategies as st
import pytest

from benchmarks.planner_cases import Case, make_cases, optimum
from custom_components.ocpp_csms.core.smart_charging.optimizer import plan
from custom_components.ocpp_csms.core.smart_charging.prices import PriceSlot
from custom_components.ocpp_csms.core.smart_charging.schedule import Plan, PlanRequest

T0 = datetime(2025, 1, 15, 22, tzinfo=UTC)


def hourly(prices: list[float], start: datetime = T0, minutes: int = 60) -> list[PriceSlot]:
    step = timedelta(minutes=minutes)
    return [PriceSlot(start + i * step, start + (i + 1) * step, p) for i, p in enumerate(prices)]


def request_for(
    slots: list[PriceSlot],
    energy: float,
    max_w: float,
    min_w: float = 0.0,
    max_periods: int | None = None,
) -> PlanRequest:
    return PlanRequest(
        energy_kwh=energy,
        start=slots[0].start,
        ready_by=slots[-1].end,
        max_power_w=max_w,
        min_power_w=min_w,
        max_periods=max_periods,
    )


def brute_force(slots: list[PriceSlot], request: PlanRequest) -> float | None:
    """The exact optimum: every set of slots that charge, each solved as an LP."""
    p_max, p_min = request.max_power_w / 1000, request.min_power_w / 1000
    best: float | None = None
    for size in range(1, len(slots) + 1):
        for chosen in combinations(slots, size):
            low = sum(p_min * s.hours for s in chosen)
            high = sum(p_max * s.hours for s in chosen)
            if not low - 1e-9 <= request.energy_kwh <= high + 1e-9:
                continue
            cost = sum(p_min * s.hours * s.price for s in chosen)
            left = request.energy_kwh - low
            for slot in sorted(chosen, key=lambda s: s.price):
                extra = min(left, (p_max - p_min) * slot.hours)
                cost += extra * slot.price
                left -= extra
            best = cost if best is None else min(best, cost)
    return best


def brute_force_periods(slots: list[PriceSlot], request: PlanRequest) -> float | None:
    """The exact optimum with at most ``max_periods`` periods: every cut into that many runs."""
    limit = request.max_periods or len(slots)
    best: float | None = None
    for cuts in range(limit):
        for where in combinations(range(1, len(slots)), cuts):
            bounds = [0, *where, len(slots)]
            runs = []
            for a, b in pairwise(bounds):
                hours = sum(s.hours for s in slots[a:b])
                price = sum(s.price * s.hours for s in slots[a:b]) / hours
                runs.append(PriceSlot(slots[a].start, slots[b - 1].end, price))
            cost = brute_force(runs, request)
            if cost is not None:
                best = cost if best is None else min(best, cost)
    return best


def assert_valid(result: Plan, request: PlanRequest) -> None:
    for period in result.periods:
        assert period.power_w == 0 or (
            request.min_power_w - 1e-6 <= period.power_w <= request.max_power_w + 1e-6
        )
    assert result.periods[0].start == request.start
    assert result.periods[-1].end == request.ready_by
    for before, after in pairwise(result.periods):
        assert before.end == after.start
        assert before.power_w != after.power_w  # adjacent equal periods are merged
    if request.max_periods is not None:
        assert len(result.periods) <= request.max_periods


def assert_near_optimum(result: Plan, optimum: float, request: PlanRequest) -> None:
    """Within 1% of the optimum, measured against what the energy costs at typical prices."""
    scale = max(abs(optimum), request.energy_kwh * 0.1)
    assert result.estimated_cost <= optimum + 0.01 * scale + 1e-6


prices_strategy = st.lists(
    st.floats(min_value=-0.2, max_value=0.6, allow_nan=False).map(lambda p: round(p, 3)),
    min_size=1,
    max_size=8,
)


def plan_and_optimum(request: PlanRequest, slots: list[PriceSlot]) -> tuple[Plan, float]:
    """A valid plan that meets the request in full, and the cheapest cost brute force finds."""
    result = plan(request, slots)
    assert_valid(result, request)
    assert result.fully_met
    assert result.energy_kwh == pytest.approx(request.energy_kwh, abs=1e-6)
    optimum = brute_force(slots, request)
    assert optimum is not None
    return result, optimum


@settings(max_examples=150, deadline=None)
@given(prices=prices_strategy, share=st.floats(min_value=0.05, max_value=1.0))
def test_exact_without_minimum(prices: list[float], share: float) -> None:
    """Without a minimum power the plan costs exactly the optimum."""
    slots = hourly(prices)
    request = request_for(slots, energy=round(share * 11.04 * len(slots), 3), max_w=11040)
    result, optimum = plan_and_optimum(request, slots)
    assert result.estimated_cost == pytest.approx(optimum, abs=1e-6)


@settings(max_examples=150, deadline=None)
@given(
    prices=prices_strategy,
    share=st.floats(min_value=0.05, max_value=1.0),
    minutes=st.sampled_from([15, 30, 60]),
)
def test_near_optimal_with_minimum(prices: list[float], share: float, minutes: int) -> None:
    """With a minimum power the plan stays within 1% of the optimum."""
    slots = hourly(prices, minutes=minutes)
    request = minimum_request(slots, share, minutes)
    result, optimum = plan_and_optimum(request, slots)
    assert_near_optimum(result, optimum, request)


# Windows this short have few enough partitions that the planner judges every one of them.
# Longer windows, where the planner searches, are checked against HiGHS further down.
@settings(max_examples=150, deadline=None)
@given(
    prices=prices_strategy,
    share=st.floats(min_value=0.05, max_value=1.0),
    minutes=st.sampled_from([15, 30, 60]),
    max_periods=st.sampled_from([2, 3, 5]),
)
# Emptying the full 0.375 slot beats taking it down to the minimum: 0.375 cannot hold the rest.
@example(prices=[0.0, 0.375, 0.438, 0.375], share=0.515625, minutes=15, max_periods=3)
def test_period_limit_is_kept(
    prices: list[float], share: float, minutes: int, max_periods: int
) -> None:
    """With a period limit the schedule fits it, delivers the energy and stays within 1%."""
    slots = hourly(prices, minutes=minutes)
    request = minimum_request(slots, share, minutes, max_periods)
    result = plan(request, slots)
    assert_valid(result, request)
    assert result.fully_met
    assert result.energy_kwh >= request.energy_kwh - 1e-6
    optimum = brute_force_periods(slots, request)
    assert optimum is not None
    assert_near_optimum(result, optimum, request)


def test_every_partition_of_a_short_window() -> None:
    """One period has to move far and shrink: only judging every partition finds it.

    The cheapest stretch long enough for the energy (0.031, -0.125, 0.0) is not the one a
    price λ favours (0.0, 0.298, -0.125, -0.125 holds more energy), and no single boundary
    move gets from one to the other.
    """
    prices = [0.279, 0.174, 0.031, -0.125, 0.0, 0.451, 0.5, 0.5, 0.551, 0.0, 0.298, -0.125]
    prices += [-0.125, 0.346, 0.5, 0.0, 0.268]
    slots = hourly(prices, minutes=15)
    result = plan(request_for(slots, 6.948, 11040, min_w=4140, max_periods=3), slots)
    assert [(p.start, p.power_w) for p in result.periods] == [
        (slots[0].start, 0),
        (slots[2].start, pytest.approx(9264)),
        (slots[5].start, 0),
    ]
    assert result.estimated_cost == pytest.approx(6.948 * (0.031 - 0.125 + 0.0) / 3, abs=1e-6)


def test_minimum_power_with_few_periods() -> None:
    """Energy for one hour at the minimum goes into a free hour, not the only dear one.

    The free hours only take it one at a time (three of them would run below the minimum), so
    the period boundary has to jump two slots at once to find it.
    """
    slots = hourly([0.5, 0, 0, 0])
    result = plan(request_for(slots, 5.52, 11040, min_w=4140, max_periods=2), slots)
    assert [(p.start.hour, p.power_w) for p in result.periods] == [(22, 0), (1, 5520)]
    assert result.estimated_cost == 0


def minimum_request(
    slots: list[PriceSlot], share: float, minutes: int, max_periods: int | None = None
) -> PlanRequest:
    """At least a slot's worth of energy at the 6 A minimum of a 16 A three-phase charger."""
    hours = len(slots) * minutes / 60
    energy = round(max(share * 11.04 * hours, 4.14 * minutes / 60), 3)
    return request_for(slots, energy, max_w=11040, min_w=4140, max_periods=max_periods)


def test_cheapest_hours_first() -> None:
    """A plain example: 20 kWh at 11 kW goes into the two cheapest hours."""
    slots = hourly([0.30, 0.10, 0.05, 0.20, 0.40])
    result = plan(request_for(slots, 20, 11000), slots)
    assert [(p.start.hour, p.power_w) for p in result.periods] == [
        (22, 0),
        (23, 9000),
        (0, 11000),
        (1, 0),
    ]
    assert result.estimated_cost == pytest.approx(11 * 0.05 + 9 * 0.10)
    assert result.fully_met


def test_minimum_power_repair() -> None:
    """A remainder below the minimum is moved so no period charges below it."""
    slots = hourly([0.10, 0.20, 0.30])
    result = plan(request_for(slots, 12, 11000, min_w=4000), slots)
    powers = [p.power_w for p in result.periods]
    assert all(p == 0 or p >= 4000 for p in powers)
    assert result.energy_kwh == pytest.approx(12)
    assert result.estimated_cost == pytest.approx(
        brute_force(slots, request_for(slots, 12, 11000, 4000))
    )


def test_shortfall_is_reported() -> None:
    """More energy than the window allows: charge all the time, and say it falls short."""
    slots = hourly([0.1, 0.2])
    result = plan(request_for(slots, 50, 11000), slots)
    assert not result.fully_met
    assert result.energy_kwh == pytest.approx(22)
    assert [p.power_w for p in result.periods] == [11000]


def test_window_and_gaps() -> None:
    """The plan starts now (mid-slot), ends at the deadline and never charges without a price."""
    slots = hourly([0.1, 0.1]) + hourly([0.0], start=T0 + timedelta(hours=3))
    request = PlanRequest(
        energy_kwh=5,
        start=T0 + timedelta(minutes=30),
        ready_by=T0 + timedelta(hours=3, minutes=30),
        max_power_w=11000,
    )
    result = plan(request, slots)
    assert [(p.start, p.end, p.power_w, p.price) for p in result.periods] == [
        (T0 + timedelta(minutes=30), T0 + timedelta(hours=3), 0, None),
        (T0 + timedelta(hours=3), T0 + timedelta(hours=3, minutes=30), 10000, 0.0),
    ]
    assert result.estimated_cost == 0.0  # time without a price costs nothing when idle


def test_negative_prices_fill_first() -> None:
    """Being paid to charge is the cheapest there is."""
    slots = hourly([0.2, -0.05, 0.1])
    result = plan(request_for(slots, 11, 11000), slots)
    assert result.estimated_cost == pytest.approx(-0.55)


def test_period_limit() -> None:
    """Alternating prices would need many periods; the plan fits the charger's limit."""
    slots = hourly([0.1, 0.5] * 6, minutes=15)
    request = request_for(slots, 8, 11000, min_w=4000, max_periods=4)
    result = plan(request, slots)
    assert_valid(result, request)
    assert len(result.periods) <= 4
    assert result.energy_kwh == pytest.approx(8)


def test_nothing_to_plan() -> None:
    """No price in the window, or an empty power range, is an error."""
    slots = hourly([0.1])
    later = PlanRequest(5, T0 + timedelta(hours=2), T0 + timedelta(hours=3), 11000)
    with pytest.raises(ValueError, match="no prices"):
        plan(later, slots)
    with pytest.raises(ValueError, match="power range"):
        plan(request_for(slots, 5, 1000, min_w=2000), slots)


def test_period_boundary_jumps_across_a_long_window() -> None:
    """Over a day of quarter hours a boundary can jump far to reach the cheap end of the day."""
    prices = [0.30 - 0.002 * i for i in range(40)] + [0.0] * 4 + [0.40] * 4
    slots = hourly(prices, minutes=15)
    request = request_for(slots, 4.14, 11040, min_w=4140, max_periods=3)
    result = plan(request, slots)
    assert_valid(result, request)
    optimum = brute_force_periods(slots, request)
    assert optimum is not None
    assert result.estimated_cost == pytest.approx(optimum, abs=1e-6)


SEARCHED = [case for case in make_cases(90, seed=4) if case.kind == "floor+periods"]


@pytest.mark.parametrize(
    "case", SEARCHED, ids=lambda case: f"{len(case.slots)}x{case.request.max_periods}"
)
def test_searched_windows_stay_near_the_optimum(case: Case) -> None:
    """Windows too long to judge every partition: the search stays within 1% of HiGHS's optimum.

    The same price days as benchmarks/planner.py (random walks, DST days, negative prices).
    """
    result = plan(case.request, case.slots)
    assert_valid(result, case.request)
    assert result.fully_met
    assert_near_optimum(result, optimum(case), case.request)


def test_cap_equal_to_the_minimum_from_inside_a_slot() -> None:
    """The window starts inside a slot and the cap is the minimum: the need that fits is met.

    (The floor repair once put the leftover energy into the partly covered first slot, whose
    whole cost was lowest, although it could not hold it.)
    """
    half = timedelta(minutes=30)
    prices = [0.055, 0.207, 0.143, 0.37, 0.082, 0.186]
    slots = [PriceSlot(T0 + i * half, T0 + (i + 1) * half, p) for i, p in enumerate(prices)]
    start, end = T0 + timedelta(minutes=18, seconds=57), T0 + timedelta(hours=2, minutes=31)
    result = plan(PlanRequest(2.28, start, end, 4140.0, 4140.0), slots)
    assert result.fully_met
    assert all(period.power_w in (0.0, 4140.0) for period in result.periods)


def test_short_plans_deliver_the_most() -> None:
    """Asked for more than fits, with a gap and 2 periods: the plan charges all that fits."""
    hour = timedelta(hours=1)
    slots = [PriceSlot(T0 + i * hour, T0 + (i + 1) * hour, 0.1 + i / 100) for i in range(12)]
    del slots[5]
    result = plan(PlanRequest(500.0, T0, T0 + 12 * hour, 11040.0, 4140.0, max_periods=2), slots)
    assert not result.fully_met
    assert result.energy_kwh == pytest.approx(6 * 11.04)
