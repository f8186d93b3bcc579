"""OCPP Central System: charge points connect to Home Assistant over OCPP-J."""

from __future__ import annotations

import ssl

from homeassistant.const import CONF_HOST, CONF_PORT, EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .actions import async_setup_services
from .central import CentralSystem, OcppConfigEntry
from .const import DOMAIN
from .migration import async_migrate
from .store import CentralStore

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.NUMBER,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TIME,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions, once for every central system."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: OcppConfigEntry) -> bool:
    """Start a central system: listen for chargers and create their entities."""
    central = CentralSystem(hass, entry)
    placeholders = {"host": entry.data[CONF_HOST], "port": str(entry.data[CONF_PORT])}
    try:
        await central.async_start()
    except ssl.SSLError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="invalid_certificate",
            translation_placeholders={**placeholders, "error": str(err)},
        ) from err
    except OSError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_listen",
            translation_placeholders={**placeholders, "error": str(err)},
        ) from err
    entry.runtime_data = central
    entry.async_on_unload(central.async_stop)

    async def _async_home_assistant_stops(_: Event) -> None:
        # Chargers are told at once (close code 1001) and queue their messages until the
        # next start, instead of sending them into a Home Assistant that is shutting down.
        await central.async_stop()

    entry.async_on_unload(
        hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _async_home_assistant_stops)
    )
    entry.async_on_unload(entry.add_update_listener(_async_update_listener))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def _async_update_listener(hass: HomeAssistant, entry: OcppConfigEntry) -> None:
    """Options and chargers change live; a new host, port or TLS setting needs a reload."""
    if entry.runtime_data.async_entry_updated():
        await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: OcppConfigEntry) -> bool:
    """Stop the central system: close connections, free the port, save."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_migrate_entry(hass: HomeAssistant, entry: OcppConfigEntry) -> bool:
    """Bring an entry written by an older release up to date."""
    return await async_migrate(hass, entry)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: OcppConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the user delete a connector the charger no longer has, or an orphaned device."""
    return entry.runtime_data.device_removable(device)


async def async_remove_entry(hass: HomeAssistant, entry: OcppConfigEntry) -> None:
    """Delete the stored state of a removed central system."""
    await CentralStore(hass, entry.entry_id).async_remove()
