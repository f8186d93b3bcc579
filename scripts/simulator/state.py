"""What the simulated charger remembers: its car, profiles, meter and answers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
import logging
import math
from typing import Any

_LOGGER = logging.getLogger("simulator")
VOLTAGE = 230.0
PHASES = 3


def now() -> str:
    """OCPP timestamp."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass
class Car:
    """A car plugged into connector 1."""

    capacity_kwh: float = 60.0
    soc: float = 35.0


@dataclass
class Profile:
    """A charging profile as the simulated charger applies it."""

    purpose: str  # 1.6 names; 2.0.1's ChargingStationMaxProfile is stored as ChargePointMaxProfile
    stack_level: int
    start: datetime  # when period 0 begins
    periods: list[tuple[int, float]]  # (seconds from start, limit in A)
    duration: int | None = None

    def limit_at(self, moment: datetime) -> float | None:
        """The limit at ``moment``, or None outside the schedule."""
        elapsed = (moment - self.start).total_seconds()
        if elapsed < 0 or (self.duration is not None and elapsed >= self.duration):
            return None
        return next((limit for offset, limit in reversed(self.periods) if offset <= elapsed), None)

    @classmethod
    def from_ocpp(cls, profile: dict[str, Any], schedule: dict[str, Any]) -> Profile:
        """From a (snake_cased) profile and its schedule, limits converted to amps."""
        watts = schedule["charging_rate_unit"] == "W"
        start = _parse_time(schedule.get("start_schedule")) or datetime.now(UTC)
        purpose = profile["charging_profile_purpose"].replace("ChargingStation", "ChargePoint")
        return cls(
            purpose=purpose,
            stack_level=profile["stack_level"],
            start=start,
            periods=[
                (
                    int(period["start_period"]),
                    float(period["limit"]) / (PHASES * VOLTAGE)
                    if watts
                    else float(period["limit"]),
                )
                for period in schedule["charging_schedule_period"]
            ],
            duration=schedule.get("duration"),
        )


@dataclass
class SimState:
    """What the simulated charger remembers."""

    connectors: int = 1
    max_current: float = 16.0
    register_wh: float = 10_000.0
    transaction_id: int | str | None = None
    profiles: dict[int, Profile] = field(default_factory=dict)
    accepted: asyncio.Event = field(default_factory=asyncio.Event)
    start_requested: asyncio.Event = field(default_factory=asyncio.Event)
    stop_requested: asyncio.Event = field(default_factory=asyncio.Event)
    configuration: dict[str, str] = field(default_factory=dict)

    def limit_a(self, moment: datetime) -> float:
        """What the profiles allow now: the top transaction profile, under the maximum."""
        limit = self.max_current
        tx_purposes = (
            ("TxProfile", "TxDefaultProfile") if self.transaction_id else ("TxDefaultProfile",)
        )
        for purposes in (("ChargePointMaxProfile",), tx_purposes):
            active = [
                (purposes.index(p.purpose), -p.stack_level, value)
                for p in self.profiles.values()
                if p.purpose in purposes and (value := p.limit_at(moment)) is not None
            ]
            if active:
                limit = min(limit, min(active)[2])
        return limit

    def set_profile(self, profile_id: int, profile: Profile) -> None:
        """Install a profile, replacing one with the same id."""
        self.profiles[profile_id] = profile
        _LOGGER.info("Profile %s (%s): now %.1f A", profile_id, profile.purpose, self.current_limit)

    def clear_profiles(self, profile_id: int | None) -> None:
        """Remove one profile, or all of them."""
        if profile_id is None:
            self.profiles.clear()
        else:
            self.profiles.pop(profile_id, None)

    @property
    def current_limit(self) -> float:
        """The limit right now."""
        return self.limit_a(datetime.now(UTC))

    def amps(self, car: Car) -> float:
        """Charging current: the car tapers above 80 % and the limit caps it."""
        current = self.current_limit
        if car.soc > 80:  # noqa: PLR2004
            current *= max(0.2, (100 - car.soc) / 20)
        return round(current, 1)

    def readings(self, car: Car, interval: float) -> list[dict[str, Any]]:
        """One sample's readings: energy, power, 3-phase current and voltage, offered, SoC."""
        amps = self.amps(car)
        power_w = PHASES * VOLTAGE * amps
        self.register_wh += power_w * interval / 3600
        car.soc = min(100.0, car.soc + power_w * interval / 3600 / 10 / car.capacity_kwh)
        return [
            reading(round(self.register_wh), "Energy.Active.Import.Register", "Wh"),
            reading(round(power_w), "Power.Active.Import", "W"),
            reading(self.current_limit, "Current.Offered", "A"),
            *(reading(amps, "Current.Import", "A", phase=p) for p in ("L1", "L2", "L3")),
            *(
                reading(round(VOLTAGE + math.sin(i) * 2, 1), "Voltage", "V", phase=f"{p}-N")
                for i, p in enumerate(("L1", "L2", "L3"))
            ),
            reading(round(car.soc), "SoC", "Percent", location="EV"),
        ]


def registered(state: SimState, status: str) -> str:
    """Note a boot's answer; an Accepted one ends the wait for the user."""
    if status == "Accepted":
        state.accepted.set()
    return status


def reading(value: float, measurand: str, unit: str, **extra: str) -> dict[str, Any]:
    """One sampled value as a 1.6 MeterValues carries it."""
    return {"value": value, "measurand": measurand, "unit": unit, **extra}
