"""Fixtures: a real central system on a free port inside the hass fixture."""

from __future__ import annotations

from collections.abc import AsyncIterator
import socket
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.ocpp_csms.const import (
    CONF_CP_ID,
    CONFIG_MINOR_VERSION,
    CONFIG_VERSION,
    DOMAIN,
    SUBENTRY_CHARGER,
)

pytest_plugins = "pytest_homeassistant_custom_component"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load the integration from custom_components/."""


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots as Home Assistant takes them: registry ids and times left out."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def port(socket_enabled: None) -> int:
    """A TCP port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def charger_subentry(cp_id: str, **data: Any) -> dict[str, Any]:
    """Subentry data of an accepted charger."""
    return {
        "data": {CONF_CP_ID: cp_id, **data},
        "subentry_type": SUBENTRY_CHARGER,
        "title": cp_id,
        "unique_id": cp_id,
    }


@pytest.fixture
def chargers() -> list[str]:
    """Charge point ids accepted before the central system starts."""
    return ["CP1"]


@pytest.fixture
def charger_data() -> dict[str, Any]:
    """Settings of every accepted charger (subentry data besides its id)."""
    return {}


@pytest.fixture
def options() -> dict[str, Any]:
    """Options of the central system."""
    return {}


@pytest.fixture
async def central(
    hass: HomeAssistant,
    port: int,
    chargers: list[str],
    charger_data: dict[str, Any],
    options: dict[str, Any],
) -> AsyncIterator[MockConfigEntry]:
    """A loaded central system listening on 127.0.0.1."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        version=CONFIG_VERSION,
        minor_version=CONFIG_MINOR_VERSION,
        title="OCPP Central System",
        data={CONF_HOST: "127.0.0.1", CONF_PORT: port},
        options=options,
        subentries_data=[charger_subentry(cp_id, **charger_data) for cp_id in chargers],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    yield entry
    if entry.state is ConfigEntryState.LOADED:
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
