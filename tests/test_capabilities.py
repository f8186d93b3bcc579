"""A charger's configuration decides its controls; it receives the user's settings."""

from __future__ import annotations

from homeassistant.components.number import ATTR_VALUE, DOMAIN as NUMBER, SERVICE_SET_VALUE
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from ocpp.v16 import call
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ocpp_csms.const import (
    CONF_HEARTBEAT_INTERVAL,
    CONF_MEASURANDS,
    CONF_METER_INTERVAL,
    CONF_PHASES,
    SUBENTRY_CHARGER,
)
from custom_components.ocpp_csms.diagnostics import async_get_config_entry_diagnostics

from .charge_point import booted, connect
from .chargers import connect_booted

NUMBER_ENTITY = "number.cp1_max_current"


async def set_limit(hass: HomeAssistant, value: float) -> None:
    await hass.services.async_call(
        NUMBER, SERVICE_SET_VALUE, {ATTR_ENTITY_ID: NUMBER_ENTITY, ATTR_VALUE: value}, blocking=True
    )


async def test_no_current_limit_without_smart_charging(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A charger without the SmartCharging profile gets no current slider."""
    async with connect_booted(
        hass, port, "CP1", configuration={"SupportedFeatureProfiles": "Core,RemoteTrigger"}
    ):
        assert hass.states.get("switch.cp1_charging") is not None
        assert hass.states.get(NUMBER_ENTITY) is None


async def test_capabilities_are_kept(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """What the charger supports is in the diagnostics and survives a reload."""
    async with connect_booted(hass, port, "CP1"):
        assert hass.states.get(NUMBER_ENTITY) is not None
    capabilities = (await async_get_config_entry_diagnostics(hass, central))["chargers"]["CP1"][
        "capabilities"
    ]
    assert capabilities["feature_profiles"] == [
        "Core",
        "FirmwareManagement",
        "LocalAuthListManagement",
        "RemoteTrigger",
        "Reservation",
        "SmartCharging",
    ]
    assert capabilities["max_stack_level"] == 8
    assert capabilities["rate_units"] == ["A"]
    assert capabilities["max_periods"] == 24
    assert capabilities["meter_interval"] == 60
    assert capabilities["configuration"]["ChargeProfileMaxStackLevel"] == "8"

    assert await hass.config_entries.async_reload(central.entry_id)
    await hass.async_block_till_done()
    # The slider exists (unavailable) before the charger connects again.
    assert hass.states.get(NUMBER_ENTITY).state == "unavailable"


@pytest.mark.parametrize(
    ("charger_data", "watts"),
    [({CONF_PHASES: 3}, 11040.0), ({CONF_PHASES: 1}, 3680.0)],
)
async def test_power_only_charger(
    hass: HomeAssistant, central: MockConfigEntry, port: int, watts: float
) -> None:
    """A charger that only takes power limits gets the slider's amps as watts."""
    async with connect_booted(
        hass, port, "CP1", configuration={"ChargingScheduleAllowedChargingRateUnit": "Power"}
    ) as cp:
        await set_limit(hass, 16)
        schedule = cp.calls("SetChargingProfile")[-1]["cs_charging_profiles"]["charging_schedule"]
        assert schedule == {
            "charging_rate_unit": "W",
            "charging_schedule_period": [{"start_period": 0, "limit": watts}],
        }
        await hass.async_block_till_done()
        assert hass.states.get(NUMBER_ENTITY).state == "16.0"


@pytest.mark.parametrize(
    "charger_data",
    [
        {
            CONF_METER_INTERVAL: 30,
            CONF_MEASURANDS: ["energy_active_import_register", "power_active_import"],
        }
    ],
)
async def test_metering_settings(hass: HomeAssistant, central: MockConfigEntry, port: int) -> None:
    """The chosen sample interval and measurands are written once, and again when changed."""
    entry = central
    async with connect_booted(hass, port, "CP1") as cp:
        assert cp.calls("ChangeConfiguration") == [
            {"key": "MeterValueSampleInterval", "value": "30"},
            {
                "key": "MeterValuesSampledData",
                "value": "Energy.Active.Import.Register,Power.Active.Import",
            },
        ]
        # A reboot finds the settings in place and writes nothing.
        assert await cp.boot() == "Accepted"
        await cp.wait_for_call("GetConfiguration", count=2)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert len(cp.calls("ChangeConfiguration")) == 2

        # Changing the charger's settings applies them live, without reloading the entry.
        subentry = next(s for s in entry.subentries.values() if s.subentry_type == SUBENTRY_CHARGER)
        central = entry.runtime_data
        hass.config_entries.async_update_subentry(
            entry, subentry, data={**subentry.data, CONF_METER_INTERVAL: 15}
        )
        await hass.async_block_till_done(wait_background_tasks=True)
        assert entry.runtime_data is central
        assert cp.calls("ChangeConfiguration")[2:] == [
            {"key": "MeterValueSampleInterval", "value": "15"}
        ]


@pytest.mark.parametrize("charger_data", [{CONF_METER_INTERVAL: 5}])
async def test_refused_metering_settings_are_logged(
    hass: HomeAssistant, central: MockConfigEntry, port: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A charger refusing the settings keeps working; the refusal is logged."""
    async with connect(port, "CP1") as cp:
        cp.replies["ChangeConfiguration"] = "Rejected"
        await booted(hass, cp)
        assert "CP1: could not apply its settings" in caplog.text
        assert hass.states.get("sensor.cp1_status").state == "available"


async def test_settings_reach_a_charger_that_reconnects_without_booting(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Settings changed while Home Assistant was down reach the charger when it reconnects."""
    async with connect_booted(hass, port, "CP1", configuration={"HeartbeatInterval": "300"}) as cp:
        assert cp.calls("ChangeConfiguration") == []
    assert await hass.config_entries.async_unload(central.entry_id)
    hass.config_entries.async_update_entry(
        central, options={**central.options, CONF_HEARTBEAT_INTERVAL: 120}
    )
    subentry = next(iter(central.subentries.values()))
    hass.config_entries.async_update_subentry(
        central, subentry, data={**subentry.data, CONF_METER_INTERVAL: 30}
    )
    assert await hass.config_entries.async_setup(central.entry_id)
    await hass.async_block_till_done()

    async with connect(port, "CP1") as cp:  # back without a BootNotification
        cp.configuration["HeartbeatInterval"] = "300"
        await cp.call(call.Heartbeat())
        await cp.wait_for_call("ChangeConfiguration", count=2)
        await hass.async_block_till_done(wait_background_tasks=True)
    assert cp.calls("ChangeConfiguration") == [
        {"key": "HeartbeatInterval", "value": "120"},
        {"key": "MeterValueSampleInterval", "value": "30"},
    ]

    # And a heartbeat interval changed while it is connected reaches it at once.
    async with connect(port, "CP1") as cp:
        cp.configuration |= {"HeartbeatInterval": "120", "MeterValueSampleInterval": "30"}
        await cp.call(call.Heartbeat())
        await hass.async_block_till_done(wait_background_tasks=True)
        hass.config_entries.async_update_entry(
            central, options={**central.options, CONF_HEARTBEAT_INTERVAL: 600}
        )
        await cp.wait_for_call("ChangeConfiguration")
        await hass.async_block_till_done(wait_background_tasks=True)
    assert cp.calls("ChangeConfiguration") == [{"key": "HeartbeatInterval", "value": "600"}]
