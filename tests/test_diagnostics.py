"""Diagnostics show the state a maintainer needs, without id tags."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.ocpp_csms.const import CONF_ALLOWED_TAGS, CONF_PASSWORD, DOMAIN
from custom_components.ocpp_csms.core.journal import MAX_FRAME_CHARS, redact_frame

from .charge_point import booted, connect
from .charge_point_201 import booted201, connect201, variable


@pytest.mark.parametrize("options", [{CONF_ALLOWED_TAGS: ["SECRET-CARD"]}])
@pytest.mark.parametrize("charger_data", [{CONF_PASSWORD: "SECRET-PASSWORD"}])
async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    central: MockConfigEntry,
    port: int,
) -> None:
    """Entry and device diagnostics include the charger and its history, redacted."""
    async with connect(port, "CP1", password="SECRET-PASSWORD") as cp:
        await booted(hass, cp)
    async with connect(port, "CP1", password="SECRET-PASSWORD") as cp:
        cp.configuration["AuthorizationKey"] = "SECRET-KEY"
        assert await cp.boot() == "Accepted"
        await cp.wait_for_call("GetConfiguration")
        await cp.start_transaction(1, "SECRET-CARD", 0)
        await hass.async_block_till_done(wait_background_tasks=True)
        entry_diag = await get_diagnostics_for_config_entry(hass, hass_client, central)
        device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, "CP1")})
        assert device is not None
        device_diag = await get_diagnostics_for_device(hass, hass_client, central, device)

    assert "SECRET" not in str(entry_diag) + str(device_diag)
    assert entry_diag["options"][CONF_ALLOWED_TAGS] == "**REDACTED**"
    charger = entry_diag["chargers"]["CP1"]
    assert charger["connected"] is True
    assert charger["boot"]["vendor"] == "Acme"
    assert charger["settings"][CONF_PASSWORD] == "**REDACTED**"
    assert "AuthorizationKey" not in charger["capabilities"]["configuration"]  # never kept
    assert charger["connectors"][1]["transaction"]["id_tag"] == "**REDACTED**"
    first, second = charger["connections"]
    assert first["close_code"] == 1000
    assert first["disconnected_at"] is not None
    assert second["disconnected_at"] is None
    assert second["protocol"] == "ocpp1.6"
    frames = charger["last_frames"]
    start = next(f for f in frames if '"StartTransaction"' in f["frame"])
    assert start["direction"] == "received"
    assert '"idTag":"**REDACTED**"' in start["frame"]
    assert any(f["direction"] == "sent" for f in frames)
    assert device_diag["id"] == "CP1"
    assert device_diag["connections"] == charger["connections"]


@pytest.mark.parametrize("chargers", [["CP1", "CP1_1"]])
async def test_device_diagnostics_pick_the_right_charger(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, central: MockConfigEntry
) -> None:
    """A charger whose id looks like another charger's connector gets its own diagnostics."""
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, "CP1_1")})
    assert device is not None
    diagnostics = await get_diagnostics_for_device(hass, hass_client, central, device)
    assert diagnostics["id"] == "CP1_1"


def test_frames_are_redacted() -> None:
    """Id tags and passwords go, in whole, cut-off and escaped frames alike."""
    assert "SECRET" not in redact_frame('[2, "1", "Authorize", {"idTag": "SECRET-CA')
    assert "SECRET" not in redact_frame('[2, "1", "Authorize", {"idTag": "A\\"SECRET')
    setting = '[3, "1", {"configurationKey": [{"key": "AuthorizationKey", "value": "SEC'
    assert redact_frame(setting) == "**REDACTED**"
    variable = {"variable": {"name": "BasicAuthPassword"}, "attributeValue": "SECRET"}
    assert "SECRET" not in redact_frame(json.dumps([2, "1", "SetVariables", {"x": [variable]}]))
    deep = "[" * MAX_FRAME_CHARS
    assert redact_frame(deep) == deep
    assert redact_frame('[2, "1", "Heartbeat", {}]') == '[2,"1","Heartbeat",{}]'


async def test_v201_password_variable_redacted(
    hass: HomeAssistant,
    central: MockConfigEntry,
    port: int,
    hass_client: ClientSessionGenerator,
) -> None:
    """A 2.0.1 station's BasicAuthPassword is redacted in its report and in every frame."""
    async with connect201(port, "CP1") as station:
        station.device_model.append(
            variable("SecurityCtrlr", "BasicAuthPassword", "s3cret-pw", writable=True)
        )
        await booted201(hass, station)
        await hass.services.async_call(
            DOMAIN,
            "change_configuration",
            {
                "device_id": dr.async_get(hass).async_get_device({(DOMAIN, "CP1")}).id,
                "key": "SecurityCtrlr.BasicAuthPassword",
                "value": "n3w-secret",
            },
            blocking=True,
        )
        diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, central)
    text = json.dumps(diagnostics)
    assert "s3cret-pw" not in text
    assert "n3w-secret" not in text
    configuration = diagnostics["chargers"]["CP1"]["capabilities"]["configuration"]
    assert "SecurityCtrlr.BasicAuthPassword" not in configuration  # never kept
    assert configuration["SmartChargingCtrlr.RateUnit"] == "A,W"
