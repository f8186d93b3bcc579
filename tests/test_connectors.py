"""Chargers with several connectors get one child device per connector."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ocpp_csms.const import DOMAIN

from .charge_point import booted, connect


def device_of(hass: HomeAssistant, unique_id: str, platform: str = "sensor") -> dr.DeviceEntry:
    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id(platform, DOMAIN, unique_id)
    assert entity_id is not None, unique_id
    entry = registry.async_get(entity_id)
    assert entry is not None
    assert entry.device_id is not None
    device = dr.async_get(hass).async_get(entry.device_id)
    assert device is not None
    return device


async def test_two_connectors_from_configuration(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """NumberOfConnectors read after boot puts each connector on its own child device."""
    async with connect(port, "CP1") as cp:
        cp.configuration["NumberOfConnectors"] = "2"
        assert await cp.boot() == "Accepted"
        await cp.wait_for_call("GetConfiguration")
        await hass.async_block_till_done(wait_background_tasks=True)
        await cp.status(1, "Charging")
        await cp.status(2, "Available")
        await cp.meter(2, [{"value": "500", "unit": "Wh"}])
        await hass.async_block_till_done()
        assert hass.states.get("sensor.cp1_connector_1_status").state == "charging"
    await hass.async_block_till_done()

    charger = device_of(hass, "CP1/status")
    one = device_of(hass, "CP1/1/status")
    two = device_of(hass, "CP1/2/status")
    assert charger.identifiers == {(DOMAIN, "CP1")}
    assert one.identifiers == {(DOMAIN, "CP1/1")}
    assert two.identifiers == {(DOMAIN, "CP1/2")}
    assert one.via_device_id == two.via_device_id == charger.id
    assert device_of(hass, "CP1/2/energy_active_import_register") == two
    assert device_of(hass, "CP1/1/charging", "switch") == one
    assert hass.states.get("sensor.cp1_connector_1_status").state == "unavailable"


async def test_second_connector_reported_late(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Connector 1 moves from the charger device to its own once connector 2 shows up."""
    async with connect(port, "CP1") as cp:
        assert await cp.boot() == "Accepted"
        await cp.status(1, "Available")
        await hass.async_block_till_done(wait_background_tasks=True)
        charger = device_of(hass, "CP1/status")
        assert device_of(hass, "CP1/1/status") == charger

        assert hass.states.get("sensor.cp1_status") is not None
        await cp.status(2, "Available")
        await hass.async_block_till_done()
        # Named like the connector's other entities now: sensor.cp1_connector_1_…
        registry = er.async_get(hass)
        assert registry.async_get_entity_id("sensor", DOMAIN, "CP1/1/status") == (
            "sensor.cp1_connector_1_status"
        )
        one = device_of(hass, "CP1/1/status")
        assert one.identifiers == {(DOMAIN, "CP1/1")}
        assert one.via_device_id == charger.id
        assert device_of(hass, "CP1/1/unlock", "button") == one
        assert device_of(hass, "CP1/2/status").identifiers == {(DOMAIN, "CP1/2")}


async def test_charger_level_meter(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Meter values on connector 0 (the main meter) are charger-level sensors."""
    async with connect(port, "CP1") as cp:
        assert await cp.boot() == "Accepted"
        await cp.meter(0, [{"value": "98765", "unit": "Wh"}])
        await hass.async_block_till_done()
        assert device_of(hass, "CP1/energy_active_import_register").identifiers == {(DOMAIN, "CP1")}


async def test_more_connectors_after_a_reboot(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A charger whose configuration later says two connectors gets connector 1 its device."""
    async with connect(port, "CP1") as cp:
        await booted(hass, cp)
        assert device_of(hass, "CP1/1/status").identifiers == {(DOMAIN, "CP1")}
        cp.configuration["NumberOfConnectors"] = "2"
        assert await cp.boot() == "Accepted"
        await cp.wait_for_call("GetConfiguration", count=2)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert device_of(hass, "CP1/1/status").identifiers == {(DOMAIN, "CP1/1")}
        assert device_of(hass, "CP1/2/status").identifiers == {(DOMAIN, "CP1/2")}
