"""The sensor of each measurand a charger reports: known ones typed, others shown as sent."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from homeassistant.components.sensor import (
    SensorDeviceClass,
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
)

from .core.measurands import DISTINCT_LOCATIONS, measurand_key
from .core.model import Charger, Connector
from .sensor_descriptions import OcppSensorDescription


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
