"""Unknown chargers wait for the user; accepted ones are remembered."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from homeassistant.config_entries import SOURCE_IGNORE, SOURCE_INTEGRATION_DISCOVERY
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from ocpp.exceptions import SecurityError
from ocpp.v16 import call
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ocpp_csms.const import CONF_AUTO_ACCEPT, CONF_CP_ID, CONFIG_VERSION, DOMAIN
from custom_components.ocpp_csms.discoveries import AUTO_ACCEPTS_PER_HOUR, MAX_OPEN

from .charge_point import connect


def discovery_flows(hass: HomeAssistant) -> list[dict[str, Any]]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_INTEGRATION_DISCOVERY
    ]


@pytest.mark.parametrize("chargers", [[]])
async def test_unknown_charger_is_pending_until_accepted(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Pending + discovery; accepting with an empty form adds it and triggers a new boot."""
    async with connect(port, "NEW-1") as cp:
        assert await cp.boot(vendor="Zap", model="Z1") == "Pending"
        await hass.async_block_till_done()

        (flow,) = discovery_flows(hass)
        assert flow["context"]["unique_id"] == "NEW-1"
        assert flow["step_id"] == "confirm"
        assert dr.async_get(hass).async_get_device(identifiers={(DOMAIN, "NEW-1")}) is None

        # A Pending charger may only boot.
        with pytest.raises(SecurityError):
            await cp.call(call.Heartbeat(), suppress=False)

        # A second boot while the flow is open does not start a second flow.
        assert await cp.boot() == "Pending"
        await hass.async_block_till_done()
        assert len(discovery_flows(hass)) == 1

        result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "charger_added"
        (subentry,) = central.subentries.values()
        assert (subentry.unique_id, subentry.data[CONF_CP_ID]) == ("NEW-1", "NEW-1")

        await cp.wait_for_call("TriggerMessage")
        assert cp.calls("TriggerMessage") == [{"requested_message": "BootNotification"}]
        assert await cp.boot(vendor="Zap", model="Z1") == "Accepted"
        await hass.async_block_till_done()

        device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, "NEW-1")})
        assert device is not None
        assert device.manufacturer == "Zap"
        await cp.call(call.Heartbeat())
    assert not discovery_flows(hass)


@pytest.mark.parametrize(("chargers", "options"), [([], {CONF_AUTO_ACCEPT: True})])
async def test_auto_accept(hass: HomeAssistant, central: MockConfigEntry, port: int) -> None:
    """With auto-accept a new charger is Accepted at once and gets its subentry."""
    async with connect(port, "AUTO-1") as cp:
        assert await cp.boot() == "Accepted"
        await cp.status(1, "Available")
        await hass.async_block_till_done(wait_background_tasks=True)
    assert [s.unique_id for s in central.subentries.values()] == ["AUTO-1"]
    assert not discovery_flows(hass)
    assert hass.states.get("sensor.auto_1_status") is not None
    assert cp.calls("TriggerMessage") == []  # its boot was answered Accepted already


@pytest.mark.parametrize("chargers", [[]])
async def test_ignored_charger_is_rejected(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Ignoring the discovery refuses the charger from then on."""
    async with connect(port, "NOPE") as cp:
        assert await cp.boot() == "Pending"
        await hass.async_block_till_done()
        (flow,) = discovery_flows(hass)
        result = await hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_IGNORE},
            data={"unique_id": "NOPE", "title": "NOPE"},
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done()
        assert await cp.boot() == "Rejected"
        await hass.async_block_till_done()
    assert not discovery_flows(hass)
    assert not central.subentries
    assert flow["context"]["unique_id"] == "NOPE"


async def test_known_charger_reconnects_without_boot(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """An accepted charger that reconnects without booting is served straight away."""
    async with connect(port, "CP1") as cp:
        await cp.call(call.Heartbeat())
        await cp.status(1, "Available")
        await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("sensor.cp1_status").state == "available"


async def test_charger_added_by_hand_is_accepted_when_it_boots(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A charger added in the UI before it connects is Accepted at its first boot."""
    result = await hass.config_entries.subentries.async_init(
        (central.entry_id, "charger"), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_CP_ID: "HAND-1"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    async with connect(port, "HAND-1") as cp:
        assert await cp.boot() == "Accepted"
    assert not discovery_flows(hass)


@pytest.mark.parametrize("chargers", [[]])
async def test_ignored_on_one_central_system_only(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A charger ignored on one central system is still discovered on another."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        other_port = sock.getsockname()[1]
    garage = MockConfigEntry(
        domain=DOMAIN,
        version=CONFIG_VERSION,
        title="Garage",
        data={CONF_HOST: "127.0.0.1", CONF_PORT: other_port},
    )
    garage.add_to_hass(hass)
    assert await hass.config_entries.async_setup(garage.entry_id)
    async with connect(port, "ROAMER") as cp:
        assert await cp.boot() == "Pending"
        await hass.async_block_till_done()
        await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_IGNORE}, data={"unique_id": "ROAMER", "title": "x"}
        )
        await hass.async_block_till_done()
        assert await cp.boot() == "Rejected"
    async with connect(other_port, "ROAMER") as cp:
        assert await cp.boot() == "Pending"
        await hass.async_block_till_done()
        (flow,) = discovery_flows(hass)
        assert flow["context"]["title_placeholders"] == {"cp_id": "ROAMER"}
        result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
        assert result["reason"] == "charger_added"
    assert [s.unique_id for s in garage.subentries.values()] == ["ROAMER"]
    await hass.config_entries.async_unload(garage.entry_id)


@pytest.mark.parametrize("chargers", [[]])
async def test_open_offers_are_bounded(
    hass: HomeAssistant, central: MockConfigEntry, port: int, caplog: pytest.LogCaptureFixture
) -> None:
    """40 unknown ids boot: 32 offers stay open, the newest; one warning says so."""
    for number in range(MAX_OPEN + 8):
        async with connect(port, f"NEW-{number:02d}") as cp:
            assert await cp.boot() == "Pending"
            if number == 0:
                assert await cp.boot() == "Pending"  # booting again offers nothing new
            await hass.async_block_till_done()
    offered = {flow["context"]["unique_id"] for flow in discovery_flows(hass)}
    assert offered == {f"NEW-{number:02d}" for number in range(8, MAX_OPEN + 8)}
    warnings = [r for r in caplog.records if "waiting to be accepted" in r.message]
    assert len(warnings) == 1


@pytest.mark.parametrize(("chargers", "options"), [([], {CONF_AUTO_ACCEPT: True})])
async def test_auto_accept_is_bounded(
    hass: HomeAssistant,
    central: MockConfigEntry,
    port: int,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Beyond 10 new chargers an hour, new ones wait to be accepted and the user is told."""
    for number in range(AUTO_ACCEPTS_PER_HOUR + 3):
        async with connect(port, f"AUTO-{number:02d}") as cp:
            expected = "Accepted" if number < AUTO_ACCEPTS_PER_HOUR else "Pending"
            assert await cp.boot() == expected
            await hass.async_block_till_done(wait_background_tasks=True)
    assert len(central.subentries) == AUTO_ACCEPTS_PER_HOUR
    assert {f["context"]["unique_id"] for f in discovery_flows(hass)} == {
        f"AUTO-{number:02d}" for number in range(AUTO_ACCEPTS_PER_HOUR, AUTO_ACCEPTS_PER_HOUR + 3)
    }
    issue = issue_registry.async_get_issue(
        DOMAIN, central.runtime_data.acceptance.auto_accept.issue_id
    )
    assert issue is not None
    assert issue.translation_key == "auto_accept_limit"
    assert len([r for r in caplog.records if "accepted automatically" in r.message]) == 1


async def test_a_replaced_connection_leaves_no_early_set_up(
    hass: HomeAssistant, central: MockConfigEntry, port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A charger that reconnects within the grace period is set up after the new grace.

    The first connection's pending set-up must not fire on the second connection early.
    """
    monkeypatch.setattr("custom_components.ocpp_csms.charger_setup.RECONNECT_GRACE", 1.0)
    async with connect(port, "CP1"):
        await asyncio.sleep(0.5)
        async with connect(port, "CP1") as again:
            await asyncio.sleep(0.8)  # the first grace is over, the second is not
            assert again.calls("GetConfiguration") == []
            await again.wait_for_call("GetConfiguration")
            await hass.async_block_till_done(wait_background_tasks=True)
            assert len(again.calls("GetConfiguration")) == 1
