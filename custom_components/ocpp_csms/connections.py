"""The chargers' live connections: each served until it closes, and closed when it must be.

A connection is served by the adapter of the subprotocol it agreed on, bound to the charger's
station and journal. A charger that connects again replaces its previous connection; an id
nobody added that does not boot soon is closed; a charger whose password or pinned OCPP
version changed is closed so that it connects again with the new one.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
import logging
from typing import Any, Protocol

from homeassistant.core import HomeAssistant
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from .charger_link import ChargerLink, LinkHost
from .charger_setup import ChargerSetup
from .const import CALL_TIMEOUT
from .core.frame_log import OcppLibraryLog
from .core.journal import Journals
from .core.protocol import SESSION_CLASSES, OcppSession
from .station import Station

_LOGGER = logging.getLogger(__name__)

# An id nobody added that sends no BootNotification this long after connecting is closed.
BOOT_DEADLINE = 60


class ConnectionHost(LinkHost, Protocol):
    """What serving connections needs from the central system."""

    journals: Journals
    setup: ChargerSetup

    def station(self, cp_id: str) -> Station: ...  # noqa: D102
    def forget_pending(self, cp_id: str) -> None: ...  # noqa: D102
    def background(self, coro: Coroutine[Any, Any, Any], name: str) -> None: ...  # noqa: D102


class Connections:
    """The live connections of one central system's chargers, by charge point id."""

    def __init__(self, hass: HomeAssistant, host: ConnectionHost) -> None:
        """Serve connections for ``host``."""
        self._hass = hass
        self._host = host
        self._sessions: dict[str, OcppSession] = {}

    def session(self, cp_id: str) -> OcppSession | None:
        """The live session of a charger, if connected."""
        return self._sessions.get(cp_id)

    async def async_serve(
        self,
        cp_id: str,
        connection: ServerConnection,
        subprotocol: str,
        booted: Callable[[], None],
    ) -> None:
        """Serve one charger connection until it closes (``booted``: called when it boots)."""
        host = self._host
        journal = host.journals.of(cp_id)
        station = host.station(cp_id)
        link = ChargerLink(host, station, booted)
        session = SESSION_CLASSES[subprotocol](
            cp_id,
            connection,
            link,
            response_timeout=CALL_TIMEOUT,
            on_frame=journal.frame,
            log=OcppLibraryLog(cp_id),
        )
        if (previous := self._sessions.get(cp_id)) is not None:
            _LOGGER.info("%s connected again; closing its previous connection", cp_id)
            host.background(previous.close(), f"close replaced connection of {cp_id}")
        self._sessions[cp_id] = session
        station.session = session
        charger = station.charger
        charger.connected = True
        charger.protocol = subprotocol
        charger.notify_all()
        _LOGGER.info("%s connected (%s) from %s", cp_id, subprotocol, connection.remote_address)
        record = journal.connected(str(connection.remote_address), subprotocol)
        if host.is_known(cp_id):
            host.setup.connected(cp_id)
        deadline = self._hass.loop.call_later(
            BOOT_DEADLINE, self._close_if_it_never_booted, cp_id, session, link
        )
        try:
            await session.start()
        except ConnectionClosed:
            pass
        finally:
            deadline.cancel()
            journal.disconnected(record, connection.close_code, connection.close_reason)
            if self._sessions.get(cp_id) is session:
                del self._sessions[cp_id]
                station.session = None
                host.setup.disconnected(cp_id)
                host.forget_pending(cp_id)
                charger.connected = False
                charger.notify_all()
                _LOGGER.info("%s disconnected", cp_id)

    def close(self, cp_id: str, why: str) -> None:
        """Close a charger's connection, if it has one (it connects again by itself)."""
        if (session := self._sessions.get(cp_id)) is not None:
            self._host.background(session.close(), f"close {cp_id}: {why}")

    def close_where(self, must_close: Callable[[str], str | None]) -> None:
        """Close the connections of chargers that must connect again (and log why)."""
        for cp_id in list(self._sessions):
            if (why := must_close(cp_id)) is not None:
                _LOGGER.info("%s: %s; it must connect again", cp_id, why)
                self.close(cp_id, why)

    def _close_if_it_never_booted(
        self, cp_id: str, session: OcppSession, link: ChargerLink
    ) -> None:
        """An id nobody added must boot soon after connecting, or its connection is closed."""
        host = self._host
        if link.booted or host.is_known(cp_id) or self._sessions.get(cp_id) is not session:
            return
        _LOGGER.info(
            "%s (not added) sent no BootNotification within %d s; closing its connection",
            cp_id,
            BOOT_DEADLINE,
        )
        host.background(session.close(), f"close silent {cp_id}")
