"""Charging profiles: unit conversion, the integration's slots and plain-data round trips."""

from __future__ import annotations

from datetime import UTC, datetime

from custom_components.ocpp_csms.core.smart_charging.profile import (
    LIMIT_STACK_LEVEL,
    ChargingProfile,
    ChargingSchedule,
    Electrical,
    ProfileKind,
    ProfilePurpose,
    RateUnit,
    RecurrencyKind,
    SchedulePeriod,
    in_unit,
    limit_profile,
    pick_unit,
    plan_stack_level,
    profile_as_dict,
    profile_from_dict,
)


def test_amps_and_watts() -> None:
    """Amps per phase times phases times voltage is watts, both ways."""
    three_phase = Electrical(phases=3, voltage=230)
    assert three_phase.to_unit(16, RateUnit.AMPS, RateUnit.WATTS) == 11040
    assert three_phase.to_unit(11040, RateUnit.WATTS, RateUnit.AMPS) == 16
    assert Electrical(phases=1, voltage=240).to_unit(10, RateUnit.AMPS, RateUnit.WATTS) == 2400
    assert three_phase.to_unit(7, RateUnit.AMPS, RateUnit.AMPS) == 7


def test_unit_choice() -> None:
    """The preferred unit is kept unless the charger says it cannot take it."""
    assert pick_unit(None, RateUnit.WATTS) is RateUnit.WATTS
    assert pick_unit(frozenset(), RateUnit.WATTS) is RateUnit.WATTS
    assert pick_unit(frozenset({RateUnit.AMPS}), RateUnit.WATTS) is RateUnit.AMPS
    assert pick_unit(frozenset({RateUnit.AMPS, RateUnit.WATTS}), RateUnit.WATTS) is RateUnit.WATTS


def test_converting_a_profile() -> None:
    """Every limit and the minimum rate are converted; the rest stays."""
    profile = ChargingProfile(
        id=5,
        stack_level=1,
        purpose=ProfilePurpose.TX_DEFAULT,
        kind=ProfileKind.RECURRING,
        recurrency_kind=RecurrencyKind.DAILY,
        schedule=ChargingSchedule(
            unit=RateUnit.AMPS,
            periods=(SchedulePeriod(0, 16), SchedulePeriod(3600, 6, number_phases=1)),
            min_charging_rate=6,
        ),
    )
    converted = in_unit(profile, frozenset({RateUnit.WATTS}), Electrical(3, 230))
    assert converted.schedule.unit is RateUnit.WATTS
    assert [p.limit for p in converted.schedule.periods] == [11040, 4140]
    assert converted.schedule.periods[1].number_phases == 1
    assert converted.schedule.min_charging_rate == 4140
    assert converted.id == 5
    assert in_unit(profile, frozenset({RateUnit.AMPS}), Electrical()) is profile


def test_slots() -> None:
    """The limit owns stack level 0; the plan sits above it when the charger allows that."""
    limit = limit_profile(2, 13.04, RateUnit.AMPS)
    assert (limit.id, limit.stack_level, limit.purpose) == (1002, 0, ProfilePurpose.TX_DEFAULT)
    assert limit.schedule.periods == (SchedulePeriod(0, 13.0),)
    assert plan_stack_level(None) == LIMIT_STACK_LEVEL + 1
    assert plan_stack_level(8) == LIMIT_STACK_LEVEL + 1
    assert plan_stack_level(0) == LIMIT_STACK_LEVEL


def test_plain_data_round_trip() -> None:
    """A profile survives being written out and read back."""
    profile = ChargingProfile(
        id=9,
        stack_level=2,
        purpose=ProfilePurpose.TX,
        kind=ProfileKind.ABSOLUTE,
        transaction_id=77,
        valid_from=datetime(2030, 1, 1, tzinfo=UTC),
        schedule=ChargingSchedule(
            unit=RateUnit.WATTS,
            periods=(SchedulePeriod(0, 7400.0, 1),),
            duration=3600,
            start_schedule=datetime(2030, 1, 1, 22, tzinfo=UTC),
        ),
    )
    data = profile_as_dict(profile)
    assert "valid_to" not in data
    assert profile_from_dict(data) == profile
