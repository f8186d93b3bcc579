"""Which chargers a central system serves: new ones accepted automatically or put to the user."""

from __future__ import annotations

import logging
from types import MappingProxyType

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant

from .const import CONF_AUTO_ACCEPT, CONF_CP_ID, SUBENTRY_CHARGER
from .core.capabilities import BootInfo
from .core.protocol.incoming import Registration
from .discoveries import AutoAccept, Discoveries
from .subentries import central_serving, ignored_by

_LOGGER = logging.getLogger(__name__)

# How soon a Pending or Rejected charger should boot again.
RETRY_BOOT_INTERVAL = 60


class Acceptance:
    """Decides about chargers nobody has accepted yet; accepted ones are the entry's subentries."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Serve the central system ``entry``."""
        self._hass = hass
        self._entry = entry
        self.discoveries = Discoveries(hass, entry.entry_id)
        self.auto_accept = AutoAccept(hass, entry.entry_id)

    def accept_automatically(self, cp_id: str) -> bool:
        """Add a new charger's subentry if the user lets new chargers in; whether it did."""
        if not self._entry.options.get(CONF_AUTO_ACCEPT, False):
            return False
        if not self.auto_accept.allows(cp_id):
            return False
        _LOGGER.info("Accepting new charger %s automatically", cp_id)
        self._hass.config_entries.async_add_subentry(
            self._entry,
            ConfigSubentry(
                data=MappingProxyType({CONF_CP_ID: cp_id}),
                subentry_type=SUBENTRY_CHARGER,
                title=cp_id,
                unique_id=cp_id,
            ),
        )
        return True

    def hold(self, cp_id: str, info: BootInfo) -> tuple[Registration, int]:
        """Answer a charger nobody accepted: Rejected if the user ignored it, else Pending.

        A Pending charger is offered to the user as a discovery.
        """
        if ignored_by(self._hass, cp_id, self._entry.entry_id):
            return Registration.REJECTED, RETRY_BOOT_INTERVAL
        self.discoveries.offer(cp_id, info)
        return Registration.PENDING, RETRY_BOOT_INTERVAL

    def served_elsewhere(self, cp_id: str) -> str | None:
        """The title of another central system that has this charger, if one has."""
        serving = central_serving(self._hass, cp_id)
        if serving is None or serving.entry_id == self._entry.entry_id:
            return None
        return serving.title

    def accepted(self, cp_id: str) -> None:
        """The user (or auto-accept) added the charger: its discovery goes."""
        # Deferred: the flow that accepted the charger may still be finishing its step.
        self._hass.loop.call_soon(self.discoveries.dismiss, cp_id)
