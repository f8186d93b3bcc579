"""Saving: snapshots are taken on the event loop, and bursts of changes become one write."""

from __future__ import annotations

import asyncio
import threading

from homeassistant.core import HomeAssistant

from custom_components.ocpp_csms.store import CentralStore, StoredState


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
