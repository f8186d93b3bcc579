"""Config entry migrations: registry entries follow the current id scheme.

Version 2 (``identifiers``) separates charge point id, connector and key with ``/`` instead of
``_``. Only unique ids and device identifiers change: entity ids, names, history and long-term
statistics (kept by entity id) stay as they were.
"""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .const import (
    CONF_MEASURANDS,
    CONF_OCPP_VERSION,
    CONFIG_MINOR_VERSION,
    CONFIG_VERSION,
    DOMAIN,
    PINNABLE_VERSIONS,
)
from .core.measurands import measurand_key
from .identifiers import connector_identifier, legacy_connector, legacy_scope, unique_id
from .subentries import charger_subentries

_LOGGER = logging.getLogger(__name__)


async def async_migrate(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Bring an entry's registry entries to :data:`CONFIG_VERSION`; False for a newer entry."""
    if entry.version > CONFIG_VERSION:
        return False  # written by a newer release: refuse rather than guess
    if entry.version < 2:  # noqa: PLR2004 - the version that changed the id scheme
        await _async_migrate_to_slash_ids(hass, entry)
        hass.config_entries.async_update_entry(entry, version=2, minor_version=1)
        _LOGGER.info("Migrated %s to unique ids like <charger>/<connector>/<key>", entry.title)
    if entry.minor_version < CONFIG_MINOR_VERSION:
        _selector_keys(hass, entry)
        hass.config_entries.async_update_entry(entry, minor_version=CONFIG_MINOR_VERSION)
    return True


def _selector_keys(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Charger settings chosen from lists are stored as selector keys, not OCPP names.

    A charger pinned to "ocpp1.6" is pinned to "ocpp1_6"; "Energy.Active.Import.Register" in
    its measurands is "energy_active_import_register".
    """
    versions = {subprotocol: key for key, subprotocol in PINNABLE_VERSIONS.items()}
    for subentry in list(entry.subentries.values()):
        data = dict(subentry.data)
        if (pinned := data.get(CONF_OCPP_VERSION)) in versions:
            data[CONF_OCPP_VERSION] = versions[pinned]
        if measurands := data.get(CONF_MEASURANDS):
            data[CONF_MEASURANDS] = [measurand_key(name) for name in measurands]
        if data != subentry.data:
            hass.config_entries.async_update_subentry(entry, subentry, data=data)


def _owner(cp_ids: dict[str, str], subentry_id: str | None, legacy: str) -> str | None:
    """The charger a version 1 id belongs to: its subentry's, else the longest id it starts with."""
    if subentry_id in cp_ids:
        return cp_ids[subentry_id]
    candidates = [cp_id for cp_id in cp_ids.values() if legacy.startswith(f"{cp_id}_")]
    return max(candidates, key=len) if candidates else None


async def _async_migrate_to_slash_ids(hass: HomeAssistant, entry: ConfigEntry) -> None:
    cp_ids = {subentry_id: cp_id for cp_id, subentry_id in charger_subentries(entry)}
    entity_registry = er.async_get(hass)

    def new_unique_id(entity: er.RegistryEntry) -> dict[str, Any] | None:
        cp_id = _owner(cp_ids, entity.config_subentry_id, entity.unique_id)
        if cp_id is None or (scope := legacy_scope(cp_id, entity.unique_id)) is None:
            return None
        new_id = unique_id(cp_id, *scope)
        if entity_registry.async_get_entity_id(entity.domain, DOMAIN, new_id) is not None:
            return None  # already there (a migration interrupted half way)
        return {"new_unique_id": new_id}

    await er.async_migrate_entries(hass, entry.entry_id, new_unique_id)

    device_registry = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id):
        subentries = device.config_entries_subentries.get(entry.entry_id, set())
        renamed = {_new_identifier(cp_ids, subentries, ident) for ident in device.identifiers}
        if renamed != device.identifiers:
            device_registry.async_update_device(device.id, new_identifiers=renamed)


def _new_identifier(
    cp_ids: dict[str, str], subentries: set[str | None], identifier: tuple[str, str]
) -> tuple[str, str]:
    domain, value = identifier
    if domain != DOMAIN:
        return identifier
    # The device's own charger decides: "CP1_2" may be charger CP1_2 or CP1's connector 2.
    owner = next((cp_ids[s] for s in subentries if s in cp_ids), None)
    if owner is None:
        if value in cp_ids.values():
            return identifier
        owner = _owner(cp_ids, None, value)
    if owner is None or value == owner or (connector := legacy_connector(owner, value)) is None:
        return identifier
    return connector_identifier(owner, connector)
