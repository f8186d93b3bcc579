"""What a charger says about itself: its boot information and what it supports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .smart_charging.profile import RateUnit

SMART_CHARGING = "SmartCharging"


@dataclass(slots=True)
class BootInfo:
    """What a charger says about itself when it boots."""

    vendor: str
    model: str
    serial_number: str | None = None
    firmware_version: str | None = None
    iccid: str | None = None
    imsi: str | None = None
    meter_type: str | None = None
    meter_serial_number: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Serialise for storage."""
        return {
            "vendor": self.vendor,
            "model": self.model,
            "serial_number": self.serial_number,
            "firmware_version": self.firmware_version,
            "iccid": self.iccid,
            "imsi": self.imsi,
            "meter_type": self.meter_type,
            "meter_serial_number": self.meter_serial_number,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BootInfo:
        """Restore from storage, field by field: what a newer release adds is left aside."""
        return cls(
            vendor=str(data["vendor"]),
            model=str(data["model"]),
            serial_number=data.get("serial_number"),
            firmware_version=data.get("firmware_version"),
            iccid=data.get("iccid"),
            imsi=data.get("imsi"),
            meter_type=data.get("meter_type"),
            meter_serial_number=data.get("meter_serial_number"),
        )


@dataclass(slots=True)
class Capabilities:
    """What a charger said about itself after connecting; ``None`` is "not known"."""

    feature_profiles: frozenset[str] | None = None
    number_of_connectors: int | None = None
    max_stack_level: int | None = None
    rate_units: frozenset[RateUnit] | None = None
    max_periods: int | None = None
    heartbeat_interval: int | None = None
    meter_interval: int | None = None
    sampled_measurands: tuple[str, ...] | None = None
    configuration: dict[str, str | None] = field(default_factory=dict)

    @property
    def smart_charging(self) -> bool:
        """Whether the charger takes charging profiles."""
        return self.feature_profiles is not None and SMART_CHARGING in self.feature_profiles

    def as_dict(self) -> dict[str, Any]:
        """Serialise for storage and diagnostics."""
        return {
            "feature_profiles": _sorted_or_none(self.feature_profiles),
            "number_of_connectors": self.number_of_connectors,
            "max_stack_level": self.max_stack_level,
            "rate_units": _sorted_or_none(self.rate_units),
            "max_periods": self.max_periods,
            "heartbeat_interval": self.heartbeat_interval,
            "meter_interval": self.meter_interval,
            "sampled_measurands": (
                None if self.sampled_measurands is None else list(self.sampled_measurands)
            ),
            "configuration": dict(self.configuration),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Capabilities:
        """Restore from storage."""
        profiles = data.get("feature_profiles")
        units = data.get("rate_units")
        measurands = data.get("sampled_measurands")
        return cls(
            feature_profiles=None if profiles is None else frozenset(profiles),
            number_of_connectors=data.get("number_of_connectors"),
            max_stack_level=data.get("max_stack_level"),
            rate_units=None if units is None else frozenset(RateUnit(u) for u in units),
            max_periods=data.get("max_periods"),
            heartbeat_interval=data.get("heartbeat_interval"),
            meter_interval=data.get("meter_interval"),
            sampled_measurands=None if measurands is None else tuple(measurands),
            configuration=dict(data.get("configuration", {})),
        )


def _sorted_or_none(values: frozenset[str] | None) -> list[str] | None:
    return None if values is None else sorted(values)
