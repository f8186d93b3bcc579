"""Chargers with several connectors get one child device per connector."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.ocpp_csms.const import DOMAIN

from .charge_point import connect
from .chargers import connect_booted


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
    async with connect_booted(hass, port, "CP1") as cp:
        assert device_of(hass, "CP1/1/status").identifiers == {(DOMAIN, "CP1")}
        cp.configuration["NumberOfConnectors"] = "2"
        assert await cp.boot() == "Accepted"
        await cp.wait_for_call("GetConfiguration", count=2)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert device_of(hass, "CP1/1/status").identifiers == {(DOMAIN, "CP1/1")}
        assert device_of(hass, "CP1/2/status").identifiers == {(DOMAIN, "CP1/2")}


async def test_connectors_the_charger_no_longer_has_are_removed(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Back to one connector: connector 2's device and entities go, connector 1 moves home."""
    registry = er.async_get(hass)
    devices = dr.async_get(hass)
    async with connect_booted(hass, port, "CP1", connectors=2) as cp:
        await cp.meter(2, [{"value": "500", "unit": "Wh"}])
        await hass.async_block_till_done()
        assert registry.async_get_entity_id("sensor", DOMAIN, "CP1/1/status") == (
            "sensor.cp1_connector_1_status"
        )
        assert devices.async_get_device(identifiers={(DOMAIN, "CP1/2")}) is not None

        cp.configuration["NumberOfConnectors"] = "1"
        assert await cp.boot() == "Accepted"
        await cp.wait_for_call("GetConfiguration", count=2)
        await hass.async_block_till_done(wait_background_tasks=True)

        assert devices.async_get_device(identifiers={(DOMAIN, "CP1/2")}) is None
        assert devices.async_get_device(identifiers={(DOMAIN, "CP1/1")}) is None
        for key in ("status", "energy_active_import_register"):
            assert registry.async_get_entity_id("sensor", DOMAIN, f"CP1/2/{key}") is None
        assert hass.states.get("sensor.cp1_connector_2_status") is None
        # Connector 1 is back on the charger's device, under the name it had there.
        assert registry.async_get_entity_id("sensor", DOMAIN, "CP1/1/status") == (
            "sensor.cp1_status"
        )
        assert device_of(hass, "CP1/1/charging", "switch").identifiers == {(DOMAIN, "CP1")}
        await cp.status(1, "Charging")
        await hass.async_block_till_done()
        assert hass.states.get("sensor.cp1_status").state == "charging"

        # Should it come back, it gets its entities again.
        cp.configuration["NumberOfConnectors"] = "2"
        assert await cp.boot() == "Accepted"
        await cp.wait_for_call("GetConfiguration", count=3)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert device_of(hass, "CP1/2/status").identifiers == {(DOMAIN, "CP1/2")}
        assert hass.states.get("sensor.cp1_connector_2_status") is not None


async def test_a_connector_with_a_running_session_stays(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A session nobody stopped is never dropped with its connector."""
    async with connect_booted(hass, port, "CP1", connectors=2) as cp:
        await cp.start_transaction(2, "TAG", 1000)
        cp.configuration["NumberOfConnectors"] = "1"
        assert await cp.boot() == "Accepted"
        await cp.wait_for_call("GetConfiguration", count=2)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert device_of(hass, "CP1/2/status").identifiers == {(DOMAIN, "CP1/2")}
        assert hass.states.get("sensor.cp1_connector_2_session_energy") is not None


async def test_deleting_devices_in_the_ui(
    hass: HomeAssistant,
    central: MockConfigEntry,
    port: int,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Only devices nothing would bring back can be deleted: stale connectors, old chargers."""
    devices = dr.async_get(hass)
    async with connect_booted(hass, port, "CP1", connectors=2):
        pass  # known with two connectors, then gone
    subentry_id = next(iter(central.subentries))
    left_over = devices.async_get_or_create(
        config_entry_id=central.entry_id,
        config_subentry_id=subentry_id,
        identifiers={(DOMAIN, "CP1/3")},
        name="CP1 connector 3",
    )
    unknown = devices.async_get_or_create(
        config_entry_id=central.entry_id, identifiers={(DOMAIN, "GONE")}, name="GONE"
    )
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)

    async def delete(device: dr.DeviceEntry) -> dict[str, Any]:
        await client.send_json_auto_id(
            {
                "type": "config/device_registry/remove_config_entry",
                "config_entry_id": central.entry_id,
                "device_id": device.id,
            }
        )
        response: dict[str, Any] = await client.receive_json()
        return response

    for kept in (device_of(hass, "CP1/status"), device_of(hass, "CP1/2/status")):
        response = await delete(kept)
        assert not response["success"]
        assert "rejected by integration" in response["error"]["message"]
        assert devices.async_get(kept.id) is not None
    for stale in (left_over, unknown):
        assert (await delete(stale))["success"]
        assert devices.async_get(stale.id) is None
