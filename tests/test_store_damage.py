"""Stored state survives damage and change: old shapes migrate, bad records cost only themselves."""

from __future__ import annotations

import json
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from ocpp.v16 import call
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.ocpp_csms.const import CONFIG_VERSION, DOMAIN, EVENT_TRANSACTION_STOPPED
from custom_components.ocpp_csms.store import STORAGE_MINOR_VERSION, STORAGE_VERSION

from .charge_point import DAY
from .chargers import connect_booted
from .conftest import charger_subentry

ENTRY_ID = "central-1"


def release_1_1_charger(cp_id: str) -> dict[str, Any]:
    """A charger as the previous release stored it: mid-session, with its quirks."""
    return {
        "id": cp_id,
        "boot": {"vendor": "Acme", "model": "Wallbox 11"},
        "protocol": "ocpp1.6",
        "number_of_connectors": 1,
        "capabilities": {
            "feature_profiles": ["Core", "SmartCharging"],
            "configuration": {"AuthorizationKey": "0123456789abcdef", "NumberOfConnectors": "1"},
        },
        "connectors": [
            {"id": 0, "status": "available"},
            {
                "id": 1,
                "status": "charging",
                "transaction": {
                    "id": 41,
                    "connector_id": 1,
                    "id_tag": "CARD",
                    "started_at": f"{DAY}T12:00:00+00:00",
                    "meter_start_wh": 1000.0,
                    "meter_last_wh": 2500.0,
                },
                "meter": {
                    "energy_active_import_register": {
                        "key": "energy_active_import_register",
                        "measurand": "Energy.Active.Import.Register",
                        "value": 12.5,
                        "unit": "kWh",
                        "timestamp": f"{DAY}T12:30:00+00:00",
                    },
                    "current_import": {
                        "key": "current_import",
                        "measurand": "Current.Import",
                        "value": 16.0,
                        "unit": "A",
                        "timestamp": "9999-12-31T23:59:59+00:00",
                    },
                },
                # 10 kWh carried from a reset; the charger now reads 2.5 kWh.
                "registers": {"energy_active_import_register": {"offset": 10.0, "last": 2.5}},
            },
        ],
    }


def stored(chargers: Any, next_id: Any = 42, minor_version: int = 1) -> dict[str, Any]:
    return {
        "version": STORAGE_VERSION,
        "minor_version": minor_version,
        "key": f"{DOMAIN}.{ENTRY_ID}",
        "data": {"next_transaction_id": next_id, "chargers": chargers},
    }


async def start_central(hass: HomeAssistant, port: int, *cp_ids: str) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        version=CONFIG_VERSION,
        entry_id=ENTRY_ID,
        data={CONF_HOST: "127.0.0.1", CONF_PORT: port},
        subentries_data=[charger_subentry(cp_id) for cp_id in cp_ids],
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_previous_release_store_carries_on(
    hass: HomeAssistant, port: int, hass_storage: dict[str, Any]
) -> None:
    """The register, the open session and its energy continue; the password is gone."""
    hass_storage[f"{DOMAIN}.{ENTRY_ID}"] = stored({"CP1": release_1_1_charger("CP1")})
    stopped = async_capture_events(hass, EVENT_TRANSACTION_STOPPED)
    entry = await start_central(hass, port, "CP1")
    assert entry.state is ConfigEntryState.LOADED
    async with connect_booted(hass, port, "CP1") as cp:
        assert hass.states.get("sensor.cp1_energy_active_import_register").state == "12.5"
        assert hass.states.get("sensor.cp1_session_energy").state == "1.5"
        await cp.meter(
            1,
            [{"value": "4", "unit": "kWh"}, {"value": "10", "measurand": "Current.Import"}],
            transaction_id=41,
            timestamp=f"{DAY}T12:40:00Z",
        )
        await hass.async_block_till_done()
        assert hass.states.get("sensor.cp1_energy_active_import_register").state == "14.0"
        assert hass.states.get("sensor.cp1_current_import").state == "10.0"  # 9999 is gone
        await cp.call(
            call.StopTransaction(meter_stop=4500, timestamp=f"{DAY}T12:45:00Z", transaction_id=41)
        )
        next_id, _ = await cp.start_transaction(1, "CARD", 4500)
        await hass.async_block_till_done()
    assert [e.data["energy_kwh"] for e in stopped] == [3.5]
    assert next_id >= 42
    await hass.config_entries.async_unload(entry.entry_id)
    saved = hass_storage[f"{DOMAIN}.{ENTRY_ID}"]
    assert saved["minor_version"] == STORAGE_MINOR_VERSION
    assert "0123456789abcdef" not in json.dumps(saved)


@pytest.mark.parametrize(
    "document",
    [
        {"version": 1, "minor_version": 2, "key": "k", "data": "not a document"},
        stored([1, 2, 3]),
        stored({"CP1": "nonsense"}, next_id="7"),
        {"version": 99, "minor_version": 1, "key": "k", "data": {}},
    ],
    ids=["not-a-dict", "chargers-a-list", "charger-a-string", "unknown-version"],
)
async def test_store_of_the_wrong_shape_never_stops_the_central_system(
    hass: HomeAssistant, port: int, hass_storage: dict[str, Any], document: dict[str, Any]
) -> None:
    """The port opens and chargers are served, whatever the stored document holds."""
    hass_storage[f"{DOMAIN}.{ENTRY_ID}"] = document
    entry = await start_central(hass, port, "CP1")
    assert entry.state is ConfigEntryState.LOADED
    async with connect_booted(hass, port, "CP1") as cp:
        transaction_id, status = await cp.start_transaction(1, "CARD", 0)
    assert status == "Accepted"
    assert transaction_id > 1000  # never a low id that may have been handed out before
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_damaged_record_loses_only_its_charger(
    hass: HomeAssistant, port: int, hass_storage: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """One charger's broken record is reported and dropped; the other keeps its session."""
    broken = release_1_1_charger("CP2")
    broken["connectors"][1]["transaction"]["started_at"] = "yesterday at noon"
    hass_storage[f"{DOMAIN}.{ENTRY_ID}"] = stored(
        {"CP1": release_1_1_charger("CP1"), "CP2": broken}
    )
    caplog.set_level(logging.WARNING)
    entry = await start_central(hass, port, "CP1", "CP2")
    assert entry.state is ConfigEntryState.LOADED
    charger = entry.runtime_data.known_station("CP1").charger
    assert charger.connectors[1].transaction is not None
    assert 1 not in entry.runtime_data.known_station("CP2").charger.connectors  # started afresh
    damaged = [r for r in caplog.records if "damaged" in r.message]
    assert len(damaged) == 1
    assert "CP2" in damaged[0].message
    await hass.config_entries.async_unload(entry.entry_id)
