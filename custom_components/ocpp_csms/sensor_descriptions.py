"""Which sensors a charger and its connectors have: the tables, and one per measurand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    REVOLUTIONS_PER_MINUTE,
    EntityCategory,
    UnitOfApparentPower,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfFrequency,
    UnitOfPower,
    UnitOfReactivePower,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.util import dt as dt_util

from .core.measurands import DISTINCT_LOCATIONS, measurand_key
from .core.model import Charger, Connector
from .entity import OcppEntityDescription, takes_profiles

CONNECTOR_STATUSES = [
    "available",
    "preparing",
    "charging",
    "suspended_evse",
    "suspended_ev",
    "finishing",
    "reserved",
    "unavailable",
    "faulted",
]
ERROR_CODES = [
    "no_error",
    "connector_lock_failure",
    "ev_communication_error",
    "ground_failure",
    "high_temperature",
    "internal_error",
    "local_list_conflict",
    "other_error",
    "over_current_failure",
    "over_voltage",
    "power_meter_failure",
    "power_switch_failure",
    "reader_failure",
    "reset_failure",
    "under_voltage",
    "weak_signal",
]


@dataclass(frozen=True, kw_only=True)
class OcppSensorDescription(OcppEntityDescription, SensorEntityDescription):
    """A sensor read from the model."""


def _one_of(options: list[str], fallback: str | None) -> Callable[[str | None], str | None]:
    def pick(value: str | None) -> str | None:
        if value is None or value in options:
            return value
        return fallback

    return pick


_status = _one_of(CONNECTOR_STATUSES, None)
_error_code = _one_of(ERROR_CODES, "other_error")


def _session_duration(_charger: Charger, connector: Connector) -> float | None:
    if (session := connector.session) is None:
        return None
    return round(session.duration_s(dt_util.utcnow()))


def _running_transaction_id(_charger: Charger, connector: Connector) -> str | None:
    return str(connector.running.id) if connector.running else None


def _status_sensor(
    translation_key: str, category: EntityCategory | None = None
) -> OcppSensorDescription:
    return OcppSensorDescription(
        key="status",
        translation_key=translation_key,
        device_class=SensorDeviceClass.ENUM,
        options=CONNECTOR_STATUSES,
        entity_category=category,
        value_fn=lambda _charger, connector: _status(connector.status),
    )


def _error_code_sensor(translation_key: str) -> OcppSensorDescription:
    return OcppSensorDescription(
        key="error_code",
        translation_key=translation_key,
        device_class=SensorDeviceClass.ENUM,
        options=ERROR_CODES,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda _charger, connector: _error_code(connector.error_code),
    )


CHARGER_SENSORS: tuple[OcppSensorDescription, ...] = (
    # Connector 0 (the charger itself): diagnostic, so that on a one-connector charger it is
    # not read as a second, contradicting status next to the connector's.
    _status_sensor("charger_status", EntityCategory.DIAGNOSTIC),
    _error_code_sensor("charger_error_code"),
    OcppSensorDescription(
        key="last_heartbeat",
        translation_key="last_heartbeat",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        always_available=True,
        value_fn=lambda charger, _connector: charger.last_heartbeat,
    ),
    OcppSensorDescription(
        key="firmware_version",
        translation_key="firmware_version",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda charger, _connector: charger.boot and charger.boot.firmware_version,
    ),
    OcppSensorDescription(
        key="firmware_status",
        translation_key="firmware_status",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda charger, _connector: charger.firmware_status,
    ),
    OcppSensorDescription(
        key="diagnostics_status",
        translation_key="diagnostics_status",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda charger, _connector: charger.diagnostics_status,
    ),
)

CONNECTOR_SENSORS: tuple[OcppSensorDescription, ...] = (
    _status_sensor("status"),
    _error_code_sensor("error_code"),
    OcppSensorDescription(
        key="session_energy",
        translation_key="session_energy",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda _charger, connector: connector.session and connector.session.energy_kwh,
    ),
    OcppSensorDescription(
        key="session_duration",
        translation_key="session_duration",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
        value_fn=_session_duration,
    ),
    OcppSensorDescription(
        key="transaction_id",
        translation_key="transaction_id",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_running_transaction_id,
    ),
    OcppSensorDescription(
        key="id_tag",
        translation_key="id_tag",
        value_fn=lambda _charger, connector: connector.running and connector.running.id_tag,
    ),
)


@dataclass(frozen=True, slots=True)
class _Measurand:
    device_class: SensorDeviceClass | None
    unit: str | None
    state_class: SensorStateClass | None = SensorStateClass.MEASUREMENT
    enabled: bool = True
    diagnostic: bool = False
    precision: int | None = None


_ENERGY = _Measurand(
    SensorDeviceClass.ENERGY,
    UnitOfEnergy.KILO_WATT_HOUR,
    SensorStateClass.TOTAL_INCREASING,
    precision=3,
)
_REACTIVE_ENERGY = _Measurand(None, "kvarh", SensorStateClass.TOTAL_INCREASING, enabled=False)
_INTERVAL_ENERGY = _Measurand(
    SensorDeviceClass.ENERGY, UnitOfEnergy.KILO_WATT_HOUR, None, enabled=False
)
_CURRENT = _Measurand(SensorDeviceClass.CURRENT, UnitOfElectricCurrent.AMPERE, precision=1)
_POWER = _Measurand(SensorDeviceClass.POWER, UnitOfPower.WATT, precision=0)
_REACTIVE_POWER = _Measurand(
    SensorDeviceClass.REACTIVE_POWER, UnitOfReactivePower.VOLT_AMPERE_REACTIVE, enabled=False
)

# Known measurands by OCPP name; anything else gets a plain sensor in the reported unit.
MEASURANDS: dict[str, _Measurand] = {
    "Energy.Active.Import.Register": _ENERGY,
    "Energy.Active.Export.Register": _Measurand(
        SensorDeviceClass.ENERGY,
        UnitOfEnergy.KILO_WATT_HOUR,
        SensorStateClass.TOTAL_INCREASING,
        enabled=False,
        precision=3,
    ),
    "Energy.Reactive.Import.Register": _REACTIVE_ENERGY,
    "Energy.Reactive.Export.Register": _REACTIVE_ENERGY,
    "Energy.Active.Import.Interval": _INTERVAL_ENERGY,
    "Energy.Active.Export.Interval": _INTERVAL_ENERGY,
    "Energy.Reactive.Import.Interval": _Measurand(None, "kvarh", None, enabled=False),
    "Energy.Reactive.Export.Interval": _Measurand(None, "kvarh", None, enabled=False),
    "Power.Active.Import": _POWER,
    "Power.Active.Export": _Measurand(
        SensorDeviceClass.POWER, UnitOfPower.WATT, enabled=False, precision=0
    ),
    "Power.Offered": _Measurand(
        SensorDeviceClass.POWER, UnitOfPower.WATT, diagnostic=True, precision=0
    ),
    "Power.Reactive.Import": _REACTIVE_POWER,
    "Power.Reactive.Export": _REACTIVE_POWER,
    "Power.Apparent": _Measurand(
        SensorDeviceClass.APPARENT_POWER, UnitOfApparentPower.VOLT_AMPERE, enabled=False
    ),
    "Power.Factor": _Measurand(SensorDeviceClass.POWER_FACTOR, None, enabled=False),
    "Current.Import": _CURRENT,
    "Current.Export": _Measurand(
        SensorDeviceClass.CURRENT, UnitOfElectricCurrent.AMPERE, enabled=False
    ),
    "Current.Offered": _Measurand(
        SensorDeviceClass.CURRENT, UnitOfElectricCurrent.AMPERE, diagnostic=True, precision=1
    ),
    "Voltage": _Measurand(SensorDeviceClass.VOLTAGE, UnitOfElectricPotential.VOLT, precision=1),
    "Frequency": _Measurand(SensorDeviceClass.FREQUENCY, UnitOfFrequency.HERTZ, enabled=False),
    "Temperature": _Measurand(
        SensorDeviceClass.TEMPERATURE, UnitOfTemperature.CELSIUS, diagnostic=True, precision=1
    ),
    "SoC": _Measurand(SensorDeviceClass.BATTERY, PERCENTAGE, precision=0),
    "RPM": _Measurand(None, REVOLUTIONS_PER_MINUTE, enabled=False, diagnostic=True),
}


def _variant(phase: str | None, location: str | None) -> str:
    parts = [phase] if phase else []
    if location in DISTINCT_LOCATIONS:
        parts.append(location)
    return " ".join(parts)


@cache
def measurand_description(
    key: str, measurand: str, phase: str | None, location: str | None, unit: str | None
) -> OcppSensorDescription:
    """Describe the sensor of one measurand key (the same key always gets the same one)."""
    meta = MEASURANDS.get(measurand)
    variant = _variant(phase, location)
    if meta is None:
        translation_key = "measurand_variant" if variant else "measurand"
        placeholders = {"measurand": measurand, "variant": variant}
        meta = _Measurand(None, unit, enabled=False)
    else:
        base = measurand_key(measurand)
        translation_key = f"{base}_variant" if variant else base
        placeholders = {"variant": variant} if variant else {}

    def read(_charger: Charger, connector: Connector) -> float | None:
        sample = connector.meter.get(key)
        return sample.value if sample else None

    return OcppSensorDescription(
        key=key,
        translation_key=translation_key,
        translation_placeholders=placeholders,
        device_class=meta.device_class,
        state_class=meta.state_class,
        native_unit_of_measurement=meta.unit,
        suggested_display_precision=meta.precision,
        entity_registry_enabled_default=meta.enabled,
        entity_category=EntityCategory.DIAGNOSTIC if meta.diagnostic else None,
        value_fn=read,
    )


def _next_planned_start(_charger: Charger, connector: Connector) -> datetime | None:
    return connector.plan.next_start(dt_util.utcnow()) if connector.plan else None


CHARGING_PLAN = OcppSensorDescription(
    key="charging_plan",
    translation_key="charging_plan",
    device_class=SensorDeviceClass.TIMESTAMP,
    always_available=True,
    value_fn=_next_planned_start,
    exists_fn=takes_profiles,
)
