"""Settings that change while chargers are connected, applied at once.

A new id tag policy makes connected chargers clear their authorization caches; a changed
password or pinned OCPP version closes the charger's connection so that it connects again with
it; refusals are forgotten where their reason changed; metering and heartbeat settings are
written to connected chargers.
"""

from __future__ import annotations

from collections.abc import Coroutine, Iterator, Mapping
import logging
from typing import Any, Protocol

from homeassistant.exceptions import HomeAssistantError

from .charger_setup import ChargerSetup
from .connections import Connections
from .const import CONF_REQUIRE_PASSWORD
from .core.auth import AuthPolicy
from .core.credentials import HandshakeAuth
from .settings import auth_policy
from .station import Station

_LOGGER = logging.getLogger(__name__)


class SettingsHost(Protocol):
    """What applying changed settings needs from the central system."""

    connections: Connections
    credentials: HandshakeAuth
    setup: ChargerSetup

    def stations(self) -> Iterator[Station]: ...  # noqa: D102
    def station(self, cp_id: str) -> Station: ...  # noqa: D102
    def background(self, coro: Coroutine[Any, Any, Any], name: str) -> None: ...  # noqa: D102


class LiveSettings:
    """The central system's options and its chargers' passwords, as last applied."""

    def __init__(self, host: SettingsHost, options: Mapping[str, Any]) -> None:
        """Start from the options the central system was set up with."""
        self._host = host
        self.auth: AuthPolicy = auth_policy(options)
        self.password_required = bool(options.get(CONF_REQUIRE_PASSWORD, False))
        self._passwords: dict[str, str | None] = {}

    def started(self) -> None:
        """The stations are known: remember their passwords, to tell changes later."""
        self._passwords = self._current_passwords()

    def apply(self, options: Mapping[str, Any]) -> None:
        """The options or the chargers' settings changed: apply them to what is connected."""
        auth = auth_policy(options)
        if auth != self.auth:
            self._clear_authorization_caches()
        self.auth = auth
        changed = self._close_connections_with_old_passwords()
        required = bool(options.get(CONF_REQUIRE_PASSWORD, False))
        # Refusals are forgotten where the reason for them changed, not for every change.
        self._host.credentials.forget(None if required != self.password_required else changed)
        self.password_required = required
        self._close_connections_in_unwanted_versions()
        for station in self._host.stations():
            if station.session is not None and station.charger.accepted:
                self._host.background(
                    self._host.setup.apply_settings(station), f"configure {station.id}"
                )

    def _current_passwords(self) -> dict[str, str | None]:
        return {station.id: station.password for station in self._host.stations()}

    def _close_connections_with_old_passwords(self) -> set[str]:
        """A charger whose password changed must connect again and present the new one.

        Returns the chargers whose password changed (set, cleared, or the charger removed).
        """
        passwords = self._current_passwords()
        changed = {
            cp_id
            for cp_id in passwords.keys() | self._passwords.keys()
            if passwords.get(cp_id) != self._passwords.get(cp_id)
        }
        self._host.connections.close_where(
            lambda cp_id: "its password changed"
            if cp_id in changed and passwords.get(cp_id) is not None
            else None
        )
        self._passwords = passwords
        return changed

    def _clear_authorization_caches(self) -> None:
        """Tags changed: chargers must not go on accepting a tag from their cache."""
        for station in self._host.stations():
            if station.session is not None and station.charger.accepted:
                self._host.background(
                    self._async_clear_cache(station), f"clear cache of {station.id}"
                )

    async def _async_clear_cache(self, station: Station) -> None:
        try:
            await station.command(lambda session: session.clear_cache())
        except HomeAssistantError as err:
            _LOGGER.warning(
                "%s: could not clear its authorization cache after the tags changed: %s",
                station.id,
                err,
            )

    def _close_connections_in_unwanted_versions(self) -> None:
        """A charger pinned to another OCPP version must connect again and speak it."""

        def must_close(cp_id: str) -> str | None:
            station = self._host.station(cp_id)
            pinned = station.pinned_version
            if pinned is None or station.charger.protocol == pinned:
                return None
            return f"it must speak {pinned} now"

        self._host.connections.close_where(must_close)
