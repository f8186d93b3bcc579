"""Persistence of what must survive restarts: charger state, open sessions, transaction ids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN
from .model import Charger

STORAGE_VERSION = 1
SAVE_DELAY = 5.0


class StoredState(TypedDict):
    """The stored document."""

    next_transaction_id: int
    chargers: dict[str, dict[str, Any]]


class CentralStore:
    """One store file per central system."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Name the store after the config entry."""
        self._store: Store[StoredState] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}", atomic_writes=True
        )

    async def async_load(self) -> tuple[int, dict[str, Charger]]:
        """Return the next transaction id and the stored chargers."""
        data = await self._store.async_load()
        if data is None:
            return 1, {}
        chargers = {cp_id: Charger.from_dict(raw) for cp_id, raw in data["chargers"].items()}
        return data["next_transaction_id"], chargers

    def schedule_save(self, snapshot: Callable[[], StoredState], delay: float = SAVE_DELAY) -> None:
        """Save soon, coalescing bursts of updates."""
        self._store.async_delay_save(snapshot, delay)

    async def async_save(self, state: StoredState) -> None:
        """Save now (unload)."""
        await self._store.async_save(state)

    async def async_remove(self) -> None:
        """Delete the file (entry removed)."""
        await self._store.async_remove()
