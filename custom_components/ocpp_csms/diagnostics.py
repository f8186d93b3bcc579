"""Diagnostics for a central system and for one charger, with secrets and id tags redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry

from .central import OcppConfigEntry
from .const import CONF_ALLOWED_TAGS, CONF_BLOCKED_TAGS, CONF_EXPIRED_TAGS, CONF_PASSWORD
from .core.journal import REDACTED, is_secret_setting
from .identifiers import charger_identifier, connector_identifier
from .station import Station

TO_REDACT = {
    CONF_ALLOWED_TAGS,
    CONF_BLOCKED_TAGS,
    CONF_EXPIRED_TAGS,
    CONF_PASSWORD,
    "id_tag",
    "iccid",
    "imsi",
}


def _charger_diagnostics(entry: OcppConfigEntry, station: Station) -> dict[str, Any]:
    central, charger, session = entry.runtime_data, station.charger, station.session
    state = charger.as_dict()
    configuration = state["capabilities"]["configuration"]
    for key in configuration:  # 1.6 AuthorizationKey, 2.0.1 SecurityCtrlr.BasicAuthPassword
        if is_secret_setting(key):
            configuration[key] = REDACTED
    return {
        **async_redact_data(
            {
                **state,
                "settings": dict(station.settings),
                "connected": charger.connected,
                "accepted": charger.accepted,
                "remote_address": session.remote_address if session else None,
                "authentication_failures": central.credentials.failures(charger.id),
            },
            TO_REDACT,
        ),
        **central.journal(charger.id).as_dict(),
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: OcppConfigEntry
) -> dict[str, Any]:
    """The central system's settings and every charger's state."""
    central = entry.runtime_data
    return {
        "data": dict(entry.data),
        "options": async_redact_data(dict(entry.options), TO_REDACT),
        "chargers": {
            station.id: _charger_diagnostics(entry, station) for station in central.stations()
        },
    }


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: OcppConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """One charger's state."""
    for station in entry.runtime_data.stations():
        own = {charger_identifier(station.id)} | {
            connector_identifier(station.id, connector_id)
            for connector_id in station.charger.connectors
        }
        if device.identifiers & own:
            return _charger_diagnostics(entry, station)
    return {}
