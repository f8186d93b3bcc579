"""Unique ids and device identifiers never collide, and older installations are migrated."""

from __future__ import annotations

import logging
import socket

from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import websockets

from custom_components.ocpp_csms.const import DOMAIN
from custom_components.ocpp_csms.core.server import CHARGE_POINT_ID
from custom_components.ocpp_csms.identifiers import (
    charger_identifier,
    connector_identifier,
    device_scope,
    unique_id,
)

from .charge_point import ClientChargePoint, booted, connect
from .chargers import connect_booted
from .conftest import charger_subentry
from .test_actions import call_action, charger_device_id

CP_IDS = st.from_regex(CHARGE_POINT_ID, fullmatch=True)
CONNECTORS = st.integers(min_value=0, max_value=64)
KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,40}", fullmatch=True)


@given(CP_IDS, CONNECTORS, KEYS, CP_IDS, CONNECTORS, KEYS)
def test_no_two_entities_share_a_unique_id(
    cp_a: str, conn_a: int, key_a: str, cp_b: str, conn_b: int, key_b: str
) -> None:
    """Different (charger, connector, key) triples never give the same unique id."""
    if (cp_a, conn_a, key_a) != (cp_b, conn_b, key_b):
        assert unique_id(cp_a, conn_a, key_a) != unique_id(cp_b, conn_b, key_b)


@given(CP_IDS, st.integers(min_value=1, max_value=64), CP_IDS)
def test_no_two_devices_share_an_identifier(cp_a: str, connector: int, cp_b: str) -> None:
    """A connector's device is never another charger's, and reads back as itself."""
    assert connector_identifier(cp_a, connector) != charger_identifier(cp_b)
    assert device_scope(connector_identifier(cp_a, connector)[1]) == (cp_a, connector)
    assert device_scope(charger_identifier(cp_b)[1]) == (cp_b, None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def entity_of(hass: HomeAssistant, platform: str, uid: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, uid)
    assert entity_id is not None, uid
    return entity_id


@pytest.mark.parametrize("chargers", [["A", "A_1"]])
async def test_charger_named_like_a_connector_keeps_its_own_entities(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Charger A (two connectors) and charger A_1 each keep their entities and devices."""
    async with connect(port, "A") as a, connect(port, "A_1") as a_1:
        a.configuration["NumberOfConnectors"] = "2"
        await booted(hass, a, connectors=2)
        await booted(hass, a_1)
        await a.status(1, "Charging")
        await a_1.status(1, "Faulted", error_code="GroundFailure")
        await hass.async_block_till_done()

        a_status = entity_of(hass, "sensor", "A/1/status")
        a_1_status = entity_of(hass, "sensor", "A_1/1/status")
        assert a_status != a_1_status
        assert hass.states.get(a_status).state == "charging"
        assert hass.states.get(a_1_status).state == "faulted"

        # A's connector 1 device and charger A_1 are two devices; actions reach the right one.
        assert charger_device_id(hass, "A/1") != charger_device_id(hass, "A_1")
        await call_action(hass, "reset", {"device_id": charger_device_id(hass, "A_1")})
        assert a_1.calls("Reset") == [{"type": "Soft"}]
        assert a.calls("Reset") == []


async def test_two_connectors_named_alike_from_the_start(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Statuses sent before the charger's configuration is read still name connectors alike."""
    async with connect(port, "CP1") as cp:
        cp.configuration["NumberOfConnectors"] = "2"
        assert await cp.boot() == "Accepted"
        for connector_id in (0, 1, 2):  # straight after boot, as chargers do
            await cp.status(connector_id, "Available")
        await cp.meter(1, [{"value": "1500", "unit": "Wh"}])
        await hass.async_block_till_done(wait_background_tasks=True)
        await cp.meter(1, [{"value": "230", "measurand": "Voltage", "unit": "V"}])
        await hass.async_block_till_done()

    connector_1 = [
        entry.entity_id
        for entry in er.async_entries_for_config_entry(er.async_get(hass), central.entry_id)
        if entry.unique_id.startswith("CP1/1/")
    ]
    assert len(connector_1) > 5
    assert all(".cp1_connector_1_" in entity_id for entity_id in connector_1), connector_1


async def test_old_unique_ids_are_migrated(hass: HomeAssistant, port: int) -> None:
    """An installation from before keeps its entity ids, now under collision-free unique ids."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        version=1,
        title="OCPP Central System",
        data={CONF_HOST: "127.0.0.1", CONF_PORT: port},
        subentries_data=[charger_subentry("CP1"), charger_subentry("CP1_2")],
    )
    entry.add_to_hass(hass)
    subentry_of = {s.data["cp_id"]: s.subentry_id for s in entry.subentries.values()}
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    charger = devices.async_get_or_create(
        config_entry_id=entry.entry_id,
        config_subentry_id=subentry_of["CP1"],
        identifiers={(DOMAIN, "CP1")},
    )
    connector = devices.async_get_or_create(
        config_entry_id=entry.entry_id,
        config_subentry_id=subentry_of["CP1"],
        identifiers={(DOMAIN, "CP1_2")},
        via_device=(DOMAIN, "CP1"),
    )
    other = devices.async_get_or_create(
        config_entry_id=entry.entry_id,
        config_subentry_id=subentry_of["CP1_2"],
        identifiers={(DOMAIN, "CP1_2_charger")},  # not a connector id: left alone
    )
    old = {
        "CP1_status": ("sensor.cp1_charger_status", charger, "CP1", "CP1/status"),
        "CP1_1_status": ("sensor.cp1_status", charger, "CP1", "CP1/1/status"),
        "CP1_2_energy_active_import_register": (
            "sensor.cp1_connector_2_energy",
            connector,
            "CP1",
            "CP1/2/energy_active_import_register",
        ),
        "CP1_2_last_heartbeat": ("sensor.cp1_2_last_heartbeat", other, "CP1_2", None),
    }
    for old_id, (entity_id, device, cp_id, _) in old.items():
        entities.async_get_or_create(
            "sensor",
            DOMAIN,
            old_id,
            config_entry=entry,
            config_subentry_id=subentry_of[cp_id],
            device_id=device.id,
            suggested_object_id=entity_id.split(".", 1)[1],
        )
    old["CP1_2_last_heartbeat"] = (*old["CP1_2_last_heartbeat"][:3], "CP1_2/last_heartbeat")

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.version == 2
    for entity_id, _, _, new_id in old.values():
        assert entities.async_get(entity_id).unique_id == new_id
    assert devices.async_get(connector.id).identifiers == {(DOMAIN, "CP1/2")}
    assert devices.async_get(charger.id).identifiers == {(DOMAIN, "CP1")}
    assert devices.async_get(other.id).identifiers == {(DOMAIN, "CP1_2_charger")}

    # The charger's readings land on the entities the user already had.
    async with connect_booted(hass, port, "CP1") as cp:
        await cp.status(1, "Charging")
        await hass.async_block_till_done()
        assert hass.states.get("sensor.cp1_status").state == "charging"
    assert not [
        e.entity_id
        for e in er.async_entries_for_config_entry(entities, entry.entry_id)
        if e.entity_id.endswith("_status_2")
    ]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_charge_point_has_one_central_system(
    hass: HomeAssistant,
    central: MockConfigEntry,
    port: int,
    socket_enabled: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A second central system refuses a charger the first one serves, and says which."""
    other_port = free_port()
    second = MockConfigEntry(
        domain=DOMAIN,
        version=2,
        title="Garage",
        data={CONF_HOST: "127.0.0.1", CONF_PORT: other_port},
        options={"auto_accept": True},
    )
    second.add_to_hass(hass)
    assert await hass.config_entries.async_setup(second.entry_id)
    caplog.set_level(logging.WARNING)

    for _ in range(3):
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with connect(other_port, "CP1"):
                pass
        assert refused.value.response.status_code == 404
    assert not second.subentries
    warnings = [r.message for r in caplog.records if "CP1" in r.message]
    assert len(warnings) == 1  # once, not at every retry
    assert "OCPP Central System" in warnings[0]

    # Nor can it be added there by hand.
    result = await hass.config_entries.subentries.async_init(
        (second.entry_id, "charger"), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"cp_id": "CP1"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "served_elsewhere"

    # The first one still serves it.
    async with connect(port, "CP1", client=ClientChargePoint) as cp:
        assert await cp.boot() == "Accepted"
    await hass.config_entries.async_unload(second.entry_id)
