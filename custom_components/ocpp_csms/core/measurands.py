"""Turn OCPP sampled values into normalised meter samples (pure, version-neutral).

Every measurand is exposed in one fixed unit so an entity's unit never changes: energy in
kWh/kvarh/kVAh, power in W/var/VA, temperature in °C. A charger reporting Wh or kW is scaled.
"""

from __future__ import annotations

from datetime import datetime
import math
import re

from .transaction import MeterSample

DEFAULT_MEASURAND = "Energy.Active.Import.Register"

# The measurands OCPP 1.6 defines, in the order the specification lists them.
MEASURAND_NAMES: tuple[str, ...] = (
    "Energy.Active.Import.Register",
    "Energy.Active.Export.Register",
    "Energy.Reactive.Import.Register",
    "Energy.Reactive.Export.Register",
    "Energy.Active.Import.Interval",
    "Energy.Active.Export.Interval",
    "Energy.Reactive.Import.Interval",
    "Energy.Reactive.Export.Interval",
    "Power.Active.Import",
    "Power.Active.Export",
    "Power.Offered",
    "Power.Reactive.Import",
    "Power.Reactive.Export",
    "Power.Factor",
    "Current.Import",
    "Current.Export",
    "Current.Offered",
    "Voltage",
    "Frequency",
    "Temperature",
    "SoC",
    "RPM",
)

# Reported unit → (exposed unit, factor)
_SCALES: dict[str, tuple[str, float]] = {
    "Wh": ("kWh", 0.001),
    "kWh": ("kWh", 1.0),
    "varh": ("kvarh", 0.001),
    "kvarh": ("kvarh", 1.0),
    "VAh": ("kVAh", 0.001),
    "kVAh": ("kVAh", 1.0),
    "W": ("W", 1.0),
    "kW": ("W", 1000.0),
    "var": ("var", 1.0),
    "kvar": ("var", 1000.0),
    "VA": ("VA", 1.0),
    "kVA": ("VA", 1000.0),
    "A": ("A", 1.0),
    "V": ("V", 1.0),
    "Hz": ("Hz", 1.0),
    "Percent": ("%", 1.0),
    "%": ("%", 1.0),
    "Celsius": ("°C", 1.0),
}


def measurand_named(key: str) -> str | None:
    """The OCPP name of a measurand's key (``energy_active_import_register``), if it has one."""
    return _NAMES_BY_KEY.get(key)


# Unit assumed when a charger leaves it out (OCPP: "Wh" for energy measurands).
_IMPLIED_UNITS: tuple[tuple[str, str], ...] = (
    ("Energy.Reactive", "varh"),
    ("Energy.Apparent", "VAh"),
    ("Energy", "Wh"),
    ("Power.Factor", ""),
    ("Power.Reactive", "var"),
    ("Power.Apparent", "VA"),
    ("Power", "W"),
    ("Current", "A"),
    ("Voltage", "V"),
    ("Frequency", "Hz"),
    ("Temperature", "Celsius"),
    ("SoC", "Percent"),
    ("RPM", ""),
)

_NOT_IN_KEY = re.compile(r"[^a-z0-9]+")

# Locations where a second meter of the same measurand may sit (outlet is the default).
DISTINCT_LOCATIONS = frozenset({"Inlet"})


def measurand_key(measurand: str, phase: str | None = None, location: str | None = None) -> str:
    """Entity key of a measurand: ``Current.Import`` + ``L1`` → ``current_import_l1``."""
    key = _key_part(measurand)
    if phase:
        key += "_" + _key_part(phase)
    if location in DISTINCT_LOCATIONS:
        key += "_" + location.lower()
    return key


def _key_part(name: str) -> str:
    # Keys are part of unique ids: lower-case letters, digits and "_" only (never "/").
    return _NOT_IN_KEY.sub("_", name.lower()).strip("_")


def implied_unit(measurand: str) -> str:
    """Unit a measurand is in when the charger does not say."""
    for prefix, unit in _IMPLIED_UNITS:
        if measurand.startswith(prefix):
            return unit
    return ""


def _scale(value: float, unit: str) -> tuple[float, str | None]:
    if unit == "Fahrenheit":
        return (value - 32) * 5 / 9, "°C"
    if unit == "K":
        return value - 273.15, "°C"
    if unit in _SCALES:
        exposed, factor = _SCALES[unit]
        return value * factor, exposed
    return value, unit or None


def normalize_sample(
    *,
    value: str | float,
    timestamp: datetime,
    measurand: str | None = None,
    unit: str | None = None,
    phase: str | None = None,
    location: str | None = None,
    context: str | None = None,
) -> MeterSample | None:
    """Parse one sampled value; ``None`` for values that are not numbers (e.g. signed data)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    measurand = measurand or DEFAULT_MEASURAND
    scaled, exposed_unit = _scale(number, unit or implied_unit(measurand))
    if not math.isfinite(scaled):  # 1e308 kW is finite until it is scaled to W
        return None
    return MeterSample(
        key=measurand_key(measurand, phase, location),
        measurand=measurand,
        value=round(scaled, 9),
        unit=exposed_unit,
        timestamp=timestamp,
        phase=phase,
        location=location,
        context=context,
    )


_NAMES_BY_KEY = {measurand_key(name): name for name in MEASURAND_NAMES}
