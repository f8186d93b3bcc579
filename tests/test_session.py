"""The whole story of a charging session, told by a real 1.6 charge point."""

from __future__ import annotations

from typing import Any

from homeassistant.components.sensor import ATTR_STATE_CLASS, SensorStateClass
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_UNAVAILABLE,
    EntityCategory,
)
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from ocpp.v16 import call
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.ocpp_csms.const import (
    DOMAIN,
    EVENT_AUTHORIZE,
    EVENT_TRANSACTION_STARTED,
    EVENT_TRANSACTION_STOPPED,
)

from .charge_point import DAY, NOW, connect


def entity_id(hass: HomeAssistant, platform: str, unique_id: str) -> str:
    """Entity id registered for a unique id."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, unique_id)
    assert found is not None, unique_id
    return found


def state(hass: HomeAssistant, platform: str, unique_id: str) -> Any:
    """State of the entity with the unique id."""
    return hass.states.get(entity_id(hass, platform, unique_id))


async def test_charging_session_end_to_end(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Boot, status, authorize, start, meter values and stop show up as entities and events."""
    started = async_capture_events(hass, EVENT_TRANSACTION_STARTED)
    stopped = async_capture_events(hass, EVENT_TRANSACTION_STOPPED)
    authorized = async_capture_events(hass, EVENT_AUTHORIZE)

    async with connect(port, "CP1") as cp:
        assert await cp.boot() == "Accepted"
        # Connector entities come once the charger said how many connectors it has.
        await cp.wait_for_call("GetConfiguration")
        await hass.async_block_till_done(wait_background_tasks=True)

        device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, "CP1")})
        assert device is not None
        assert (device.manufacturer, device.model, device.serial_number, device.sw_version) == (
            "Acme",
            "Wallbox 11",
            "SN-1",
            "1.2.3",
        )
        assert state(hass, "binary_sensor", "CP1/connected").state == "on"
        assert state(hass, "sensor", "CP1/firmware_version").state == "1.2.3"

        await cp.status(0, "Available")
        await cp.status(1, "Preparing")
        await hass.async_block_till_done()
        assert state(hass, "sensor", "CP1/status").state == "available"
        assert state(hass, "sensor", "CP1/1/status").state == "preparing"
        assert state(hass, "sensor", "CP1/1/error_code").state == "no_error"

        result = await cp.call(call.Authorize(id_tag="CARD-1"))
        assert result.id_tag_info["status"] == "Accepted"

        transaction_id, status = await cp.start_transaction(1, "CARD-1", meter_start=12_000)
        assert status == "Accepted"
        await cp.status(1, "Charging")
        await hass.async_block_till_done()
        assert state(hass, "sensor", "CP1/1/status").state == "charging"
        assert state(hass, "sensor", "CP1/1/transaction_id").state == str(transaction_id)
        assert state(hass, "sensor", "CP1/1/id_tag").state == "CARD-1"
        assert state(hass, "sensor", "CP1/1/session_energy").state == "0.0"
        assert state(hass, "switch", "CP1/1/charging").state == "on"

        await cp.meter(
            1,
            [
                {"value": "13500", "measurand": "Energy.Active.Import.Register", "unit": "Wh"},
                {"value": "7.2", "measurand": "Power.Active.Import", "unit": "kW"},
                {"value": "16.1", "measurand": "Current.Import", "unit": "A", "phase": "L1"},
                {"value": "231.5", "measurand": "Voltage", "unit": "V", "phase": "L1-N"},
                {"value": "54", "measurand": "SoC", "unit": "Percent", "location": "EV"},
            ],
            transaction_id=transaction_id,
            timestamp=f"{DAY}T12:30:00Z",
        )
        await hass.async_block_till_done()
        register = state(hass, "sensor", "CP1/1/energy_active_import_register")
        assert register.state == "13.5"
        assert register.attributes[ATTR_UNIT_OF_MEASUREMENT] == "kWh"
        assert register.attributes[ATTR_DEVICE_CLASS] == "energy"
        assert register.attributes[ATTR_STATE_CLASS] == SensorStateClass.TOTAL_INCREASING
        assert state(hass, "sensor", "CP1/1/power_active_import").state == "7200.0"
        assert state(hass, "sensor", "CP1/1/current_import_l1").state == "16.1"
        assert state(hass, "sensor", "CP1/1/voltage_l1_n").state == "231.5"
        assert state(hass, "sensor", "CP1/1/soc").state == "54.0"
        assert state(hass, "sensor", "CP1/1/session_energy").state == "1.5"
        assert float(state(hass, "sensor", "CP1/1/session_duration").state) > 0

        await cp.call(
            call.StopTransaction(
                meter_stop=14_250,
                timestamp=f"{DAY}T13:00:00Z",
                transaction_id=transaction_id,
                reason="EVDisconnected",
                id_tag="CARD-1",
            )
        )
        await cp.status(1, "Available")
        await hass.async_block_till_done()
        assert state(hass, "sensor", "CP1/1/session_energy").state == "2.25"
        assert state(hass, "sensor", "CP1/1/transaction_id").state == "unknown"
        assert state(hass, "switch", "CP1/1/charging").state == "off"
        assert state(hass, "sensor", "CP1/1/energy_active_import_register").state == "14.25"

    await hass.async_block_till_done()
    assert state(hass, "binary_sensor", "CP1/connected").state == "off"
    assert state(hass, "sensor", "CP1/1/status").state == STATE_UNAVAILABLE

    assert [e.data for e in authorized] == [
        {"cp_id": "CP1", "id_tag": "CARD-1", "status": "Accepted"}
    ]
    start = {
        "cp_id": "CP1",
        "connector_id": 1,
        "transaction_id": transaction_id,
        "id_tag": "CARD-1",
        "started_at": NOW,
        "meter_start_wh": 12000.0,
    }
    assert _one(started) == start
    assert _one(stopped) == {
        **start,
        "stopped_at": f"{DAY}T13:00:00.000Z",
        "meter_stop_wh": 14250.0,
        "energy_kwh": 2.25,
        "reason": "EVDisconnected",
    }


def _one(events: list[Event]) -> dict[str, Any]:
    assert len(events) == 1
    return dict(events[0].data)


async def test_the_chargers_own_status_is_diagnostic(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Connector 0's status sits with the diagnostics, apart from the connector's status."""
    registry = er.async_get(hass)
    async with connect(port, "CP1") as cp:
        assert await cp.boot() == "Accepted"
        await cp.status(0, "Available")
        await cp.status(1, "Charging")
        await hass.async_block_till_done(wait_background_tasks=True)
    charger = registry.async_get(entity_id(hass, "sensor", "CP1/status"))
    connector = registry.async_get(entity_id(hass, "sensor", "CP1/1/status"))
    assert charger is not None
    assert connector is not None
    assert charger.entity_category is EntityCategory.DIAGNOSTIC
    assert connector.entity_category is None
