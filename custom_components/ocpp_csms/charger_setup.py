"""Setting a charger up after it boots or reconnects: learn what it supports, apply the settings.

After a BootNotification (or, for a known charger that reconnects without booting, after its
first other message or a grace period) the central system reads the charger's configuration:
feature profiles, connectors, profile limits, metering. Its connectors' entities are created
for that layout, the heartbeat and metering settings the user chose are written where the
charger differs, and its plans go out again. One run at a time per charger; a burst of boots
costs one run.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .const import CONF_MEASURANDS, CONF_METER_INTERVAL
from .core.journal import is_secret_setting
from .core.measurands import measurand_named
from .core.protocol.outgoing import MeterSettings
from .entity_factory import EntityFactory
from .plans import ChargingPlans
from .station import Station

_LOGGER = logging.getLogger(__name__)

# How long a known charger that connected may stay silent before it is configured without a
# BootNotification (it reconnected without rebooting). Any other message ends the wait.
RECONNECT_GRACE = 10.0
# A charger that boots again while it is being set up is set up once it stops booting this
# long: a burst of 30 boots costs one configuration read, not 30 queued ones.
BOOT_SETTLE = 0.5

# Settings the central system writes (apply_settings) → where the charger's capabilities hold them.
_SETTING_READ_AS = {
    "heartbeat_interval": "heartbeat_interval",
    "meter_interval": "meter_interval",
    "measurands": "sampled_measurands",
}


class SetupHost(Protocol):
    """What setting chargers up needs from the central system."""

    entities: EntityFactory
    plans: ChargingPlans

    @property
    def heartbeat_interval(self) -> int: ...  # noqa: D102
    def station(self, cp_id: str) -> Station: ...  # noqa: D102
    def known_station(self, cp_id: str) -> Station | None: ...  # noqa: D102
    def save(self, delay: float = ...) -> None: ...  # noqa: D102


class ChargerSetup:
    """The set-up runs of one central system's chargers."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any], host: SetupHost) -> None:
        """Run set-ups as background tasks of ``entry``."""
        self._hass = hass
        self._entry = entry
        self._host = host
        self._due: dict[str, asyncio.TimerHandle] = {}
        self._running: dict[str, asyncio.Task[None]] = {}
        self._bursts: set[str] = set()  # chargers booting again and again: set up when calm

    def connected(self, cp_id: str) -> None:
        """A known charger connected: set it up unless it boots (or speaks) soon.

        A set-up still due from a connection this one replaced waits for the new grace.
        """
        self._cancel_due(cp_id)
        self._due[cp_id] = self._hass.loop.call_later(RECONNECT_GRACE, self.start, cp_id)

    def heard(self, cp_id: str, action: str) -> None:
        """A message that is not a boot: the charger did not reboot, so set it up now."""
        if action != "BootNotification" and cp_id in self._due:
            self.start(cp_id)

    def booted(self, cp_id: str) -> None:
        """Set a booted charger up at once; in a burst of boots, once after the last one."""
        running = self._running.get(cp_id)
        if cp_id not in self._bursts and (running is None or running.done()):
            self.start(cp_id)
            return
        self.cancel(cp_id)
        self._bursts.add(cp_id)
        self._due[cp_id] = self._hass.loop.call_later(BOOT_SETTLE, self.start, cp_id)

    def start(self, cp_id: str) -> None:
        """Set a charger up (again): one run at a time, the newest wins."""
        self.cancel(cp_id)
        self._bursts.discard(cp_id)
        self._running[cp_id] = self._entry.async_create_background_task(
            self._hass, self._async_set_up(cp_id), f"configure {cp_id}"
        )

    def cancel(self, cp_id: str) -> None:
        """Stop a charger's set-up, due or running."""
        self._cancel_due(cp_id)
        if (running := self._running.pop(cp_id, None)) is not None:
            running.cancel()

    def _cancel_due(self, cp_id: str) -> None:
        if (due := self._due.pop(cp_id, None)) is not None:
            due.cancel()

    def disconnected(self, cp_id: str) -> None:
        """The charger went away: nothing to set up until it is back."""
        self.cancel(cp_id)
        self._bursts.discard(cp_id)

    def stop(self) -> None:
        """Stop every set-up."""
        for cp_id in {*self._due, *self._running}:
            self.cancel(cp_id)

    async def _async_set_up(self, cp_id: str) -> None:
        """Learn what an accepted charger supports, then set it up as the user asked."""
        host = self._host
        station = host.station(cp_id)
        try:
            capabilities = await station.command(lambda session: session.read_capabilities())
        except HomeAssistantError as err:
            _LOGGER.warning("%s: could not read its configuration: %s", cp_id, err)
            capabilities = None
        if host.known_station(cp_id) is not station:
            return  # removed meanwhile, or never added
        charger = station.charger
        charger.accepted = True  # it booted, or it still counts itself accepted
        changed = not charger.layout_known
        if capabilities is not None:
            # Never kept: a charger's own password (AuthorizationKey, BasicAuthPassword).
            capabilities.configuration = {
                key: value
                for key, value in capabilities.configuration.items()
                if not is_secret_setting(key)
            }
            changed |= capabilities != charger.capabilities
            charger.capabilities = capabilities
            charger.number_of_connectors = capabilities.number_of_connectors or 0
        # The connectors are known now: their entities are named for the charger's layout.
        charger.layout_known = True
        host.entities.remove_stale_connectors(station)
        for connector_id in range(1, charger.number_of_connectors + 1):
            if connector_id not in charger.connectors:
                charger.connector(connector_id)
                host.entities.connector_added(station, connector_id)  # may move connector 1
        if changed:
            # Connectors, and controls that depend on what the charger supports, appear now.
            host.entities.charger_added(station)
        host.save()
        if capabilities is None:
            return
        await self.apply_settings(station)
        await host.plans.async_resend(station)

    async def apply_settings(self, station: Station) -> None:
        """Send the heartbeat and meter settings the user chose, where the charger differs."""
        options = station.settings
        capabilities = station.charger.capabilities
        wanted: dict[str, Any] = {
            "heartbeat_interval": self._host.heartbeat_interval,
            "meter_interval": None
            if options.get(CONF_METER_INTERVAL) is None
            else int(options[CONF_METER_INTERVAL]),
            "measurands": tuple(
                name
                for key in options.get(CONF_MEASURANDS) or ()
                if (name := measurand_named(key)) is not None
            )
            or None,
        }
        if capabilities.heartbeat_interval is None:
            del wanted["heartbeat_interval"]  # unknown: the boot answer told it the interval
        changes = {
            name: value
            for name, value in wanted.items()
            if value is not None and value != getattr(capabilities, _SETTING_READ_AS[name])
        }
        if not changes:
            return
        try:
            await station.command(lambda session: session.apply_settings(MeterSettings(**changes)))
        except HomeAssistantError as err:
            _LOGGER.warning("%s: could not apply its settings: %s", station.id, err)
            return
        for name, value in changes.items():
            setattr(capabilities, _SETTING_READ_AS[name], value)
        self._host.save()
