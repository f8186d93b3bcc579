"""Chargers as subentries of their central system; a charge point id has one central system.

A charger the user ignored is an ignore entry whose unique id is its charge point id; it
records the central system it was ignored on (``IGNORED_ON``). Ignore entries from before
name none and apply to every central system.
"""

from __future__ import annotations

from collections.abc import Iterator

from homeassistant.config_entries import SOURCE_IGNORE, ConfigEntry
from homeassistant.core import HomeAssistant

from .const import CONF_CP_ID, DOMAIN, SUBENTRY_CHARGER

# Data of an ignore entry: the central system the charger was ignored on.
IGNORED_ON = "entry_id"


def charger_subentries(entry: ConfigEntry) -> Iterator[tuple[str, str]]:
    """(charge point id, subentry id) of each charger of a central system."""
    for subentry in entry.subentries.values():
        if subentry.subentry_type == SUBENTRY_CHARGER:
            yield subentry.data[CONF_CP_ID], subentry.subentry_id


def central_serving(hass: HomeAssistant, cp_id: str) -> ConfigEntry | None:
    """The central system that has a charger, loaded or not."""
    for entry in hass.config_entries.async_entries(DOMAIN, include_ignore=False):
        if any(known == cp_id for known, _ in charger_subentries(entry)):
            return entry
    return None


def ignored_by(hass: HomeAssistant, cp_id: str, entry_id: str) -> bool:
    """Whether the user ignored a charger on this central system."""
    ignored = hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, cp_id)
    if ignored is None or ignored.source != SOURCE_IGNORE:
        return False
    return bool(ignored.data.get(IGNORED_ON, entry_id) == entry_id)
