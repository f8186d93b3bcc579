"""Snapshots of every platform's entities and of the diagnostics, for one charger in a session.

A change to a name, unit, device or state class, category, icon or state shows up here as a
snapshot diff (update with ``scripts/test tests/test_snapshots.py --snapshot-update``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
import re
from typing import Any
from unittest.mock import PropertyMock, patch

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props
from syrupy.types import PropertyPath, SerializableData

from custom_components.ocpp_csms.const import DOMAIN
from custom_components.ocpp_csms.diagnostics import async_get_config_entry_diagnostics

from .charge_point import ClientChargePoint, connect

FROZEN = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
START = "2030-01-15T11:00:00.000Z"
READINGS = [
    {"measurand": "Energy.Active.Import.Register", "value": "12345", "unit": "Wh"},
    {"measurand": "Power.Active.Import", "value": "7200", "unit": "W"},
    {"measurand": "Current.Import", "phase": "L1", "value": "10.4", "unit": "A"},
    {"measurand": "Voltage", "phase": "L1-N", "value": "231.2", "unit": "V"},
    {"measurand": "SoC", "location": "EV", "value": "56", "unit": "Percent"},
    {"measurand": "Temperature", "value": "31.5", "unit": "Celsius"},
    {"measurand": "Energy.Reactive.Import.Register", "value": "120", "unit": "varh"},
    {"measurand": "RPM", "value": "1800"},
]


MESSAGE_ID = re.compile(r'^\[(\d),"[^"]*"')


def without_message_ids(data: SerializableData, path: PropertyPath) -> SerializableData:
    """Frames as they are, but for their random message ids."""
    if path and path[-1][0] == "frame" and isinstance(data, str):
        return MESSAGE_ID.sub(r'[\1,"<message id>"', data)
    return data


@pytest.fixture(
    params=sorted(
        Platform(p) for p in ("binary_sensor", "button", "number", "sensor", "switch", "time")
    )
)
def platform(request: pytest.FixtureRequest) -> Iterator[Platform]:
    """Load one platform at a time, as snapshot_platform wants."""
    with patch("custom_components.ocpp_csms.PLATFORMS", [request.param]):
        yield request.param


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Entities disabled by default are enabled, so that they are snapshotted too."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


async def charging(hass: HomeAssistant, cp: ClientChargePoint) -> None:
    """A booted charger in a session, with a meter reading of every kind."""
    assert await cp.boot() == "Accepted"
    await cp.wait_for_call("GetConfiguration")
    await hass.async_block_till_done(wait_background_tasks=True)  # frames in a fixed order
    for connector_id in (0, 1):
        await cp.status(connector_id, "Available")
    transaction_id, _ = await cp.start_transaction(1, "TAG-1", 12000, timestamp=START)
    await cp.status(1, "Charging")
    await cp.meter(1, READINGS, transaction_id, timestamp="2030-01-15T11:30:00.000Z")
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.freeze_time(FROZEN)
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    platform: Platform,
    central: MockConfigEntry,
    port: int,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every entity of a platform, its registry entry and its state."""
    async with connect(port, "CP1") as cp:
        await charging(hass, cp)
        await snapshot_platform(hass, entity_registry, snapshot, central.entry_id)


@pytest.mark.freeze_time(FROZEN)
async def test_diagnostics(
    hass: HomeAssistant,
    central: MockConfigEntry,
    port: int,
    snapshot: SnapshotAssertion,
) -> None:
    """The config entry's diagnostics, redacted (test_diagnostics downloads them)."""
    async with connect(port, "CP1") as cp:
        await charging(hass, cp)
        diagnostics: dict[str, Any] = await async_get_config_entry_diagnostics(hass, central)
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, "CP1")})
    assert device is not None
    assert diagnostics == snapshot(
        exclude=props("entry_id", "port", "address", "remote_address"), matcher=without_message_ids
    )
