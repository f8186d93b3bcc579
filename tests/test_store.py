"""Saving: snapshots are taken on the event loop, and bursts of changes become one write."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import threading
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.ocpp_csms.const import DOMAIN
from custom_components.ocpp_csms.store import CentralStore, StoredState

from .chargers import connect_booted


async def test_snapshot_on_the_event_loop_once_per_burst(hass: HomeAssistant) -> None:
    """The model is read where it changes (never in a worker thread), once per burst."""
    store = CentralStore(hass, "entry")
    readers: list[int] = []

    def snapshot() -> StoredState:
        readers.append(threading.get_ident())
        return {"next_transaction_id": 7, "chargers": {}}

    store.schedule_save(snapshot, 0.05)
    store.schedule_save(snapshot, 5)  # later than the save already due: joins it
    store.schedule_save(snapshot, 0.01)  # sooner: the save moves earlier
    await asyncio.sleep(0.1)
    await hass.async_block_till_done()
    assert readers == [threading.get_ident()]
    assert await CentralStore(hass, "entry").async_load() == (7, {})


async def test_meter_values_are_saved_later_than_other_changes(
    hass: HomeAssistant, central: MockConfigEntry, port: int, hass_storage: dict[str, Any]
) -> None:
    """Readings alone wait a minute to be saved; a status change is saved within seconds."""
    key = f"{DOMAIN}.{central.entry_id}"
    async with connect_booted(hass, port, "CP1") as cp:
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=10))
        await hass.async_block_till_done()
        saved = hass_storage[key]["data"]["chargers"]["CP1"]
        await cp.meter(1, [{"value": "1234", "measurand": "Energy.Active.Import.Register"}])
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=20))
        await hass.async_block_till_done()
        assert hass_storage[key]["data"]["chargers"]["CP1"] == saved
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=61))
        await hass.async_block_till_done()
        connector = hass_storage[key]["data"]["chargers"]["CP1"]["connectors"][1]
        assert connector["meter"]["energy_active_import_register"]["value"] == 1.234
