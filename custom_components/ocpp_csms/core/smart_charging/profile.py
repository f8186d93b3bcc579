"""Version-neutral charging profiles, the profile slots the integration owns, A↔W conversion.

A charger combines its profiles per connector: the ChargePointMaxProfile caps everything, and of
the TxDefaultProfile/TxProfile stack the highest stack level wins. The integration owns two slots
and leaves the installer's ChargePointMaxProfile alone, so a slider never rewrites the charger's
persistent maximum:

* the **current limit** (the ``max_current`` number and the ``limit`` shortcut): TxDefaultProfile
  at stack level 0, one fixed id per connector, replaced in place;
* the **plan** (``plan_charging``): TxDefaultProfile one stack level above, its own id per
  connector, with every period already capped at the current limit. When the plan's schedule
  ends, the charger falls back to the current limit by itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

LIMIT_PROFILE_ID = 1000
PLAN_PROFILE_ID = 2000
LIMIT_STACK_LEVEL = 0
DEFAULT_VOLTAGE = 230.0
DEFAULT_PHASES = 3


class RateUnit(StrEnum):
    """Unit of a schedule's limits."""

    AMPS = "A"
    WATTS = "W"


class ProfilePurpose(StrEnum):
    """What a profile is for (OCPP 1.6 names; adapters translate)."""

    CHARGER_MAX = "ChargePointMaxProfile"
    TX_DEFAULT = "TxDefaultProfile"
    TX = "TxProfile"


class ProfileKind(StrEnum):
    """How a schedule's start is found."""

    ABSOLUTE = "Absolute"
    RECURRING = "Recurring"
    RELATIVE = "Relative"


class RecurrencyKind(StrEnum):
    """Period of a recurring profile."""

    DAILY = "Daily"
    WEEKLY = "Weekly"


@dataclass(frozen=True, slots=True)
class SchedulePeriod:
    """A limit from ``start_period`` seconds after the schedule starts."""

    start_period: int
    limit: float
    number_phases: int | None = None


@dataclass(frozen=True, slots=True)
class ChargingSchedule:
    """Limits over time in one unit."""

    unit: RateUnit
    periods: tuple[SchedulePeriod, ...]
    duration: int | None = None
    start_schedule: datetime | None = None
    min_charging_rate: float | None = None


@dataclass(frozen=True, slots=True)
class ChargingProfile:
    """A charging profile, whatever OCPP version carries it."""

    id: int
    stack_level: int
    purpose: ProfilePurpose
    kind: ProfileKind
    schedule: ChargingSchedule
    transaction_id: int | str | None = None
    recurrency_kind: RecurrencyKind | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None


@dataclass(frozen=True, slots=True)
class Electrical:
    """How a connector turns amps into watts."""

    phases: int = DEFAULT_PHASES
    voltage: float = DEFAULT_VOLTAGE

    def to_unit(self, value: float, source: RateUnit, target: RateUnit) -> float:
        """Convert a limit between amps (per phase) and watts (all phases)."""
        if source == target:
            return value
        if target == RateUnit.WATTS:
            return value * self.phases * self.voltage
        return value / (self.phases * self.voltage)


def pick_unit(allowed: frozenset[RateUnit] | None, preferred: RateUnit) -> RateUnit:
    """The unit to send: ``preferred`` when the charger takes it (or did not say)."""
    if not allowed or preferred in allowed:
        return preferred
    return next(iter(sorted(allowed)))


def plan_stack_level(max_stack_level: int | None) -> int:
    """Stack level of the plan: above the current limit when the charger allows it."""
    if max_stack_level is not None and max_stack_level <= LIMIT_STACK_LEVEL:
        return LIMIT_STACK_LEVEL
    return LIMIT_STACK_LEVEL + 1


def limit_profile(connector_id: int, limit: float, unit: RateUnit) -> ChargingProfile:
    """The current-limit slot of a connector (0: every connector) capped at ``limit``."""
    return ChargingProfile(
        id=LIMIT_PROFILE_ID + connector_id,
        stack_level=LIMIT_STACK_LEVEL,
        purpose=ProfilePurpose.TX_DEFAULT,
        kind=ProfileKind.RELATIVE,
        schedule=ChargingSchedule(
            unit=unit, periods=(SchedulePeriod(start_period=0, limit=round(limit, 1)),)
        ),
    )


def in_unit(
    profile: ChargingProfile, allowed: frozenset[RateUnit] | None, electrical: Electrical
) -> ChargingProfile:
    """The same profile in a unit the charger accepts (A↔W with the connector's wiring)."""
    schedule = profile.schedule
    unit = pick_unit(allowed, schedule.unit)
    if unit == schedule.unit:
        return profile

    def convert(value: float) -> float:
        return round(electrical.to_unit(value, schedule.unit, unit), 1)

    return replace(
        profile,
        schedule=replace(
            schedule,
            unit=unit,
            periods=tuple(replace(p, limit=convert(p.limit)) for p in schedule.periods),
            min_charging_rate=(
                None if schedule.min_charging_rate is None else convert(schedule.min_charging_rate)
            ),
        ),
    )


# Profiles as plain data: OCPP 1.6 field names in snake case, datetimes as ``datetime``. This is
# what users write in actions and read in responses; adapters put it on the wire.


def schedule_as_dict(schedule: ChargingSchedule) -> dict[str, Any]:
    """A schedule as plain data (absent fields left out)."""
    return _without_nones(
        {
            "duration": schedule.duration,
            "start_schedule": schedule.start_schedule,
            "charging_rate_unit": schedule.unit.value,
            "charging_schedule_period": [
                _without_nones(
                    {
                        "start_period": period.start_period,
                        "limit": period.limit,
                        "number_phases": period.number_phases,
                    }
                )
                for period in schedule.periods
            ],
            "min_charging_rate": schedule.min_charging_rate,
        }
    )


def profile_as_dict(profile: ChargingProfile) -> dict[str, Any]:
    """A profile as plain data (absent fields left out)."""
    return _without_nones(
        {
            "charging_profile_id": profile.id,
            "transaction_id": profile.transaction_id,
            "stack_level": profile.stack_level,
            "charging_profile_purpose": profile.purpose.value,
            "charging_profile_kind": profile.kind.value,
            "recurrency_kind": profile.recurrency_kind and profile.recurrency_kind.value,
            "valid_from": profile.valid_from,
            "valid_to": profile.valid_to,
            "charging_schedule": schedule_as_dict(profile.schedule),
        }
    )


def schedule_from_dict(data: Mapping[str, Any]) -> ChargingSchedule:
    """A schedule from plain data whose shape and types were already checked."""
    return ChargingSchedule(
        unit=RateUnit(data["charging_rate_unit"]),
        periods=tuple(
            SchedulePeriod(
                start_period=int(period["start_period"]),
                limit=float(period["limit"]),
                number_phases=period.get("number_phases"),
            )
            for period in data["charging_schedule_period"]
        ),
        duration=data.get("duration"),
        start_schedule=data.get("start_schedule"),
        min_charging_rate=data.get("min_charging_rate"),
    )


def profile_from_dict(data: Mapping[str, Any]) -> ChargingProfile:
    """A profile from plain data whose shape and types were already checked."""
    recurrency = data.get("recurrency_kind")
    return ChargingProfile(
        id=int(data["charging_profile_id"]),
        stack_level=int(data["stack_level"]),
        purpose=ProfilePurpose(data["charging_profile_purpose"]),
        kind=ProfileKind(data["charging_profile_kind"]),
        schedule=schedule_from_dict(data["charging_schedule"]),
        transaction_id=data.get("transaction_id"),
        recurrency_kind=RecurrencyKind(recurrency) if recurrency else None,
        valid_from=data.get("valid_from"),
        valid_to=data.get("valid_to"),
    )


def _without_nones(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}
