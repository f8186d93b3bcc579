"""Sampled values become samples in fixed units, with stable keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.ocpp_csms.core.measurands import measurand_key, normalize_sample
from custom_components.ocpp_csms.core.model import Charger
from custom_components.ocpp_csms.core.transaction import MeterSample, Transaction

T0 = datetime(2025, 1, 1, 12, tzinfo=UTC)
ENERGY = "Energy.Active.Import.Register"


@pytest.mark.parametrize(
    ("sampled", "key", "value", "unit"),
    [
        ({"value": "12345"}, "energy_active_import_register", 12.345, "kWh"),
        ({"value": "12.5", "unit": "kWh"}, "energy_active_import_register", 12.5, "kWh"),
        (
            {"value": "7.4", "measurand": "Power.Active.Import", "unit": "kW"},
            "power_active_import",
            7400,
            "W",
        ),
        ({"value": "230", "measurand": "Power.Active.Import"}, "power_active_import", 230, "W"),
        (
            {"value": "16", "measurand": "Current.Import", "phase": "L2"},
            "current_import_l2",
            16,
            "A",
        ),
        ({"value": "231", "measurand": "Voltage", "phase": "L3-N"}, "voltage_l3_n", 231, "V"),
        ({"value": "400", "measurand": "Voltage", "phase": "L1-L2"}, "voltage_l1_l2", 400, "V"),
        ({"value": "80", "measurand": "SoC", "unit": "Percent", "location": "EV"}, "soc", 80, "%"),
        ({"value": "300", "measurand": "Temperature", "unit": "K"}, "temperature", 26.85, "°C"),
        (
            {"value": "86", "measurand": "Temperature", "unit": "Fahrenheit"},
            "temperature",
            30,
            "°C",
        ),
        (
            {"value": "1500", "measurand": "Energy.Reactive.Import.Register"},
            "energy_reactive_import_register",
            1.5,
            "kvarh",
        ),
        (
            {"value": "2", "measurand": "Power.Reactive.Import", "unit": "kvar"},
            "power_reactive_import",
            2000,
            "var",
        ),
        ({"value": "50", "measurand": "Frequency"}, "frequency", 50, "Hz"),
        ({"value": "0.98", "measurand": "Power.Factor"}, "power_factor", 0.98, None),
        ({"value": "99000", "location": "Inlet"}, "energy_active_import_register_inlet", 99, "kWh"),
        (
            {"value": "3", "measurand": "Vendor.Thing", "unit": "bananas"},
            "vendor_thing",
            3,
            "bananas",
        ),
    ],
)
def test_normalize(sampled: dict[str, str], key: str, value: float, unit: str | None) -> None:
    """Units are scaled to what Home Assistant users expect, keys follow the measurand."""
    sample = normalize_sample(timestamp=T0, **sampled)
    assert sample is not None
    assert (sample.key, sample.unit) == (key, unit)
    assert sample.value == pytest.approx(value)


def test_precision_is_kept() -> None:
    """Wh → kWh keeps every watt-hour."""
    sample = normalize_sample(value="123456789", timestamp=T0)
    assert sample is not None
    assert sample.value == 123456.789


@pytest.mark.parametrize("value", ["", "abc", "NaN", "inf", None])
def test_not_a_number(value: str | None) -> None:
    """Values that are not finite numbers are skipped, not stored."""
    assert normalize_sample(value=value, timestamp=T0) is None  # type: ignore[arg-type]


def test_key_naming() -> None:
    """The SPEC's naming: lower case, dots to underscores, phase suffix."""
    assert measurand_key("Current.Offered") == "current_offered"
    assert measurand_key("Current.Import", "N") == "current_import_n"


def test_older_samples_do_not_overwrite_newer() -> None:
    """A replayed older reading leaves the newer state in place."""
    connector = Charger("CP").connector(1)
    new = MeterSample("power_active_import", "Power.Active.Import", 2.0, "W", T0.replace(hour=13))
    old = MeterSample("power_active_import", "Power.Active.Import", 1.0, "W", T0)
    now = T0.replace(hour=13)
    assert connector.apply_samples([new], now, 22.0) == {"power_active_import"}
    assert connector.apply_samples([old], now, 22.0) == set()
    assert connector.meter["power_active_import"].value == 2.0


def test_session_energy_never_negative() -> None:
    """A register below the start value (meter swap) does not produce negative energy."""
    transaction = Transaction(1, 1, "tag", T0, meter_start_wh=5000)
    transaction.track(5.0, T0, T0, 22.0)
    transaction.track(4.0, T0.replace(minute=1), T0.replace(minute=1), 22.0)
    assert transaction.energy_kwh == 0.0


def test_model_round_trip() -> None:
    """Everything stored comes back the same."""
    charger = Charger("CP")
    connector = charger.connector(1)
    connector.status = "charging"
    connector.transaction = Transaction(7, 1, "tag", T0, 100.0, 250.0, energy_start_kwh=0.1)
    connector.apply_samples([MeterSample("soc", "SoC", 50, "%", T0)], T0, 22.0)
    register = MeterSample("energy_active_import_register", ENERGY, 0.25, "kWh", T0)
    connector.apply_samples([register], T0, 22.0)
    restored = Charger.from_dict(charger.as_dict())
    assert restored.as_dict() == charger.as_dict()
