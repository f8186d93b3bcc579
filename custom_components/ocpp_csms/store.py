"""Persistence of what must survive restarts: charger state, open sessions, transaction ids."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypedDict

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN
from .model import Charger

STORAGE_VERSION = 1
SAVE_DELAY = 5.0
# Meter readings alone are saved less often: a big site would otherwise rewrite megabytes every
# few seconds. Home Assistant stopping saves everything; after a crash a charger's next
# reading brings its sensors up to date, and registers stay continuous either way.
METER_SAVE_DELAY = 60.0


class StoredState(TypedDict):
    """The stored document."""

    next_transaction_id: int
    chargers: dict[str, dict[str, Any]]


class CentralStore:
    """One store file per central system."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Name the store after the config entry."""
        self._hass = hass
        self._store: Store[StoredState] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}", atomic_writes=True
        )
        self._due: asyncio.TimerHandle | None = None

    async def async_load(self) -> tuple[int, dict[str, Charger]]:
        """Return the next transaction id and the stored chargers."""
        data = await self._store.async_load()
        if data is None:
            return 1, {}
        chargers = {cp_id: Charger.from_dict(raw) for cp_id, raw in data["chargers"].items()}
        return data["next_transaction_id"], chargers

    def schedule_save(self, snapshot: Callable[[], StoredState], delay: float = SAVE_DELAY) -> None:
        """Save within ``delay`` seconds, coalescing bursts of updates.

        The snapshot is taken on the event loop when the save is due. (Home Assistant's Store
        would call it in a worker thread, while the event loop keeps changing the model.)
        """
        loop = self._hass.loop
        if self._due is not None:
            if self._due.when() <= loop.time() + delay:
                return  # an earlier save will include this change
            self._due.cancel()
        self._due = loop.call_later(delay, self._save_due, snapshot)

    def _save_due(self, snapshot: Callable[[], StoredState]) -> None:
        self._due = None
        self._hass.async_create_task(self._store.async_save(snapshot()), "ocpp_csms save")

    async def async_save(self, state: StoredState) -> None:
        """Save now (unload, Home Assistant stopping)."""
        if self._due is not None:
            self._due.cancel()
            self._due = None
        await self._store.async_save(state)

    async def async_remove(self) -> None:
        """Delete the file (entry removed)."""
        await self._store.async_remove()
