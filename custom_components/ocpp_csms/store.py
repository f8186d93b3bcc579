"""Persistence of what must survive restarts: charger state, open sessions, transaction ids.

The stored document is versioned (``STORAGE_VERSION``.``STORAGE_MINOR_VERSION``); older
documents are migrated (:mod:`.core.store_migration`). It is read charger by charger: a damaged
record loses only that charger's state, with a warning, and nothing stored ever stops the
central system from starting. (An unreadable file is renamed and reported by Home Assistant
itself; the central system then starts empty, and transaction ids stay new, see
:class:`.core.transaction.TransactionIds`.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import logging
from typing import Any, TypedDict

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store

from .const import DOMAIN
from .core.model import Charger
from .core.protocol.wire import utc_now
from .core.store_migration import migrate

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION = 1
# 2: registers and sessions keep the times of their readings (register.py); no secrets.
STORAGE_MINOR_VERSION = 2
SAVE_DELAY = 5.0
# Meter readings alone are saved less often: a big site would otherwise rewrite megabytes every
# few seconds. Home Assistant stopping saves everything; after a crash a charger's next
# reading brings its sensors up to date, and registers stay continuous either way.
METER_SAVE_DELAY = 60.0


class StoredState(TypedDict):
    """The stored document."""

    next_transaction_id: int
    chargers: dict[str, dict[str, Any]]


class _VersionedStore(Store[StoredState]):
    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: Any
    ) -> Any:
        if old_major_version != STORAGE_VERSION:
            raise NotImplementedError(f"stored version {old_major_version} is unknown")
        return migrate(old_data, old_minor_version, utc_now())


class CentralStore:
    """One store file per central system."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Name the store after the config entry."""
        self._hass = hass
        self._store = _VersionedStore(
            hass,
            STORAGE_VERSION,
            f"{DOMAIN}.{entry_id}",
            minor_version=STORAGE_MINOR_VERSION,
            atomic_writes=True,
        )
        self._due: asyncio.TimerHandle | None = None

    async def async_load(self) -> tuple[int, dict[str, Charger]]:
        """Return the next transaction id and the stored chargers (whatever could be read)."""
        try:
            data: Any = await self._store.async_load()
        except (HomeAssistantError, NotImplementedError, ValueError, TypeError) as err:
            _LOGGER.warning("The stored state of %s cannot be read (%s)", self._store.key, err)
            return 1, {}
        if data is None:
            return 1, {}
        if not isinstance(data, dict) or not isinstance(data.get("chargers"), dict):
            _LOGGER.warning("The stored state of %s is not what it should be", self._store.key)
            return 1, {}
        next_id = data.get("next_transaction_id")
        if not isinstance(next_id, int) or isinstance(next_id, bool) or next_id < 1:
            next_id = 1
        return next_id, dict(_readable_chargers(data["chargers"]))

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


def _charger_of(cp_id: str, raw: Any) -> Charger:
    charger = Charger.from_dict(raw)
    if charger.id != cp_id:
        raise ValueError(f"the record is of {charger.id!r}")
    return charger


def _readable_chargers(stored: dict[str, Any]) -> Any:
    """The stored chargers that can be read; each damaged one is reported and left out."""
    for cp_id, raw in stored.items():
        try:
            charger = _charger_of(cp_id, raw)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            _LOGGER.warning(
                "The stored state of charger %s is damaged (%s: %s); it starts afresh: its "
                "open session, meter continuity and plans are lost",
                cp_id,
                type(err).__name__,
                err,
            )
            continue
        yield cp_id, charger
