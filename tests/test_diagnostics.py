"""Diagnostics show the state a maintainer needs, without id tags."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.ocpp_csms.const import CONF_ALLOWED_TAGS, DOMAIN

from .charge_point import connect


@pytest.mark.parametrize("options", [{CONF_ALLOWED_TAGS: ["SECRET-CARD"]}])
async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    central: MockConfigEntry,
    port: int,
) -> None:
    """Entry and device diagnostics include the charger and redact tags."""
    async with connect(port, "CP1") as cp:
        assert await cp.boot() == "Accepted"
        await cp.start_transaction(1, "SECRET-CARD", 0)
        await hass.async_block_till_done()
        entry_diag = await get_diagnostics_for_config_entry(hass, hass_client, central)
        device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, "CP1")})
        assert device is not None
        device_diag = await get_diagnostics_for_device(hass, hass_client, central, device)

    assert "SECRET-CARD" not in str(entry_diag)
    assert entry_diag["options"][CONF_ALLOWED_TAGS] == "**REDACTED**"
    charger = entry_diag["chargers"]["CP1"]
    assert charger["connected"] is True
    assert charger["boot"]["vendor"] == "Acme"
    assert charger["connectors"][1]["transaction"]["id_tag"] == "**REDACTED**"
    assert device_diag["id"] == "CP1"


@pytest.mark.parametrize("chargers", [["CP1", "CP1_1"]])
async def test_device_diagnostics_pick_the_right_charger(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, central: MockConfigEntry
) -> None:
    """A charger whose id looks like another charger's connector gets its own diagnostics."""
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, "CP1_1")})
    assert device is not None
    diagnostics = await get_diagnostics_for_device(hass, hass_client, central, device)
    assert diagnostics["id"] == "CP1_1"
