"""Chargers as subentries of their central system; a charge point id has one central system."""

from __future__ import annotations

from collections.abc import Iterator

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .const import CONF_CP_ID, DOMAIN, SUBENTRY_CHARGER


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
