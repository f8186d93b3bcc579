"""The remaining charger messages: DataTransfer and firmware/diagnostics progress."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from ocpp.v16 import call
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .charge_point import connect


async def test_status_notifications_and_data_transfer(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Firmware and diagnostics progress reach their sensors; DataTransfer gets an answer."""
    registry = er.async_get(hass)
    for entity_id in ("sensor.cp1_firmware_update_status", "sensor.cp1_diagnostics_upload_status"):
        registry.async_update_entity(entity_id, disabled_by=None)
    assert await hass.config_entries.async_reload(central.entry_id)
    await hass.async_block_till_done()

    async with connect(port, "CP1") as cp:
        assert await cp.boot() == "Accepted"
        await cp.call(call.FirmwareStatusNotification(status="Installing"))
        await cp.call(call.DiagnosticsStatusNotification(status="Uploaded"))
        result = await cp.call(
            call.DataTransfer(vendor_id="com.example", message_id="hello", data="{}")
        )
        assert result.status == "UnknownVendorId"
        await hass.async_block_till_done()
        assert hass.states.get("sensor.cp1_firmware_update_status").state == "installing"
        assert hass.states.get("sensor.cp1_diagnostics_upload_status").state == "uploaded"
        # Any message is a sign of life: the charger was seen before any Heartbeat.
        last_seen = registry.async_get_entity_id("sensor", "ocpp_csms", "CP1/last_heartbeat")
        assert last_seen == "sensor.cp1_last_seen"
        assert hass.states.get(last_seen).state not in ("unknown", "unavailable")
