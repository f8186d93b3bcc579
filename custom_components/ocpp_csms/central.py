"""The central system: live connections, charger acceptance, entity requests, persistence."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from homeassistant.config_entries import (
    ConfigEntry,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from websockets.asyncio.server import ServerConnection

from .acceptance import Acceptance
from .charger_setup import ChargerSetup
from .connections import Connections
from .const import (
    CONF_HEARTBEAT_INTERVAL,
    CONF_REQUIRE_PASSWORD,
    CONF_SSL,
    CONF_SSL_CERTFILE,
    CONF_SSL_KEYFILE,
    DEFAULT_HEARTBEAT_INTERVAL,
)
from .core.auth import RemoteStarts
from .core.capabilities import BootInfo
from .core.credentials import HandshakeAuth
from .core.journal import Journal, Journals
from .core.model import Charger
from .core.protocol import DEFAULT_SUBPROTOCOL, SESSION_CLASSES, OcppSession, read_schemas
from .core.protocol.incoming import AuthStatus, Registration
from .core.protocol.wire import utc_now
from .core.server import OcppServer, create_ssl_context
from .core.transaction import TransactionIds
from .devices import update_charger_device
from .entity_factory import EntityBuilder, EntityFactory
from .live_settings import LiveSettings
from .plans import ChargingPlans
from .repairs import AuthRepairs
from .station import Station
from .store import SAVE_DELAY, CentralStore, StoredState
from .subentries import charger_subentries

type OcppConfigEntry = ConfigEntry[CentralSystem]


class CentralSystem:
    """One OCPP central system: a listening port and the chargers that connect to it."""

    def __init__(self, hass: HomeAssistant, entry: OcppConfigEntry) -> None:
        """Prepare; nothing listens until :meth:`async_start`."""
        self.hass = hass
        self.entry = entry
        self.data = dict(entry.data)
        self.remote_starts = RemoteStarts()
        self._store = CentralStore(hass, entry.entry_id)
        self._stations: dict[str, Station] = {}  # the chargers the user added
        self._pending: dict[str, Station] = {}  # chargers connected that nobody added (yet)
        self.transaction_ids = TransactionIds()
        self.journals = Journals(self.is_known)
        self.plans = ChargingPlans(self)
        self.entities = EntityFactory(hass, entry.entry_id, self.plans)
        self.setup = ChargerSetup(hass, entry, self)
        self.connections = Connections(hass, self)
        self.acceptance = Acceptance(hass, entry)
        self.auth_repairs = AuthRepairs(hass, entry.entry_id)
        self.credentials = HandshakeAuth(
            password_of=self.password_of,
            is_known=self.is_known,
            required=self._password_required,
            on_repeated_failures=self.auth_repairs.failing,
            on_recovered=self.auth_repairs.recovered,
        )
        self.live = LiveSettings(self, entry.options)
        self.server = OcppServer(
            entry.data[CONF_HOST],
            entry.data[CONF_PORT],
            subprotocols=list(SESSION_CLASSES),
            default_subprotocol=DEFAULT_SUBPROTOCOL,
            on_connection=self.async_handle_connection,
            authenticate=self.credentials.check,
            pinned_version=self.pinned_version,
            served_elsewhere=self.acceptance.served_elsewhere,
            is_known=self.is_known,
        )

    # Lifecycle

    async def async_start(self) -> None:
        """Restore state and start listening (OSError when the port is taken)."""
        next_id, stored = await self._store.async_load()
        self.transaction_ids = TransactionIds(next_id)
        for cp_id, subentry_id in charger_subentries(self.entry):
            station = self._new_station(stored.get(cp_id) or Charger(cp_id))
            station.subentry_id = subentry_id
            self._stations[cp_id] = station
        self.live.started()
        await self.hass.async_add_executor_job(read_schemas)
        ssl_context = None
        if self.data.get(CONF_SSL):
            ssl_context = await self.hass.async_add_executor_job(
                create_ssl_context, self.data[CONF_SSL_CERTFILE], self.data.get(CONF_SSL_KEYFILE)
            )
        await self.server.async_start(ssl_context)
        # Only a central system that started follows plans: one whose port was busy (and is
        # retried) must leave no timer behind that would later save its stale state.
        self.plans.async_start()

    async def async_stop(self) -> None:
        """Close every connection, free the port and save."""
        self.setup.stop()
        self.plans.async_stop()
        await self.server.async_stop()
        await self._store.async_save(self._snapshot())

    @callback
    def async_entry_updated(self) -> bool:
        """Apply option and subentry changes live; return True when a reload is needed."""
        if dict(self.entry.data) != self.data:
            return True
        self._sync_subentries()
        self.live.apply(self.entry.options)
        self.plans.dashboard.async_price_sensors_changed()
        return False

    # Connections

    async def async_handle_connection(
        self, cp_id: str, connection: ServerConnection, booted: Callable[[], None]
    ) -> None:
        """Serve one charger connection until it closes (``booted``: when it boots)."""
        subprotocol = self.server.subprotocol_of(connection)
        await self.connections.async_serve(cp_id, connection, subprotocol, booted)

    def journal(self, cp_id: str) -> Journal:
        """A charger's recent connections and frames (known chargers and those waiting)."""
        return self.journals.of(cp_id)

    def session(self, cp_id: str) -> OcppSession | None:
        """The live session of a charger, if connected."""
        return self.connections.session(cp_id)

    def forget_pending(self, cp_id: str) -> None:
        """An id nobody added went away: its transient station goes too."""
        self._pending.pop(cp_id, None)

    # Chargers

    def is_known(self, cp_id: str) -> bool:
        """Whether the charger was accepted (has a subentry)."""
        return cp_id in self._stations

    def known_station(self, cp_id: str) -> Station | None:
        """The station of an accepted charger."""
        return self._stations.get(cp_id)

    def station(self, cp_id: str) -> Station:
        """The station of a known charger, or the transient one of an unknown charger."""
        if (station := self._stations.get(cp_id)) is not None:
            return station
        if (pending := self._pending.get(cp_id)) is None:
            pending = self._pending[cp_id] = self._new_station(Charger(cp_id))
        return pending

    def stations(self) -> Iterator[Station]:
        """The known chargers' stations."""
        return iter(self._stations.values())

    def _new_station(self, charger: Charger) -> Station:
        return Station(charger, entry=self.entry, remote_starts=self.remote_starts, save=self.save)

    def password_of(self, cp_id: str) -> str | None:
        """The password a known charger must connect with, if the user set one."""
        station = self._stations.get(cp_id)
        return station.password if station is not None else None

    def _password_required(self) -> bool:
        return bool(self.entry.options.get(CONF_REQUIRE_PASSWORD, False))

    def pinned_version(self, cp_id: str) -> str | None:
        """The OCPP version the user fixed for a known charger, if any."""
        station = self._stations.get(cp_id)
        return station.pinned_version if station is not None else None

    def register_boot(self, cp_id: str, info: BootInfo) -> tuple[Registration, int]:
        """Decide on a BootNotification: known → Accepted; new → Pending and ask the user."""
        station = self.station(cp_id)
        charger = station.charger
        charger.boot = info
        if not self.is_known(cp_id):
            # Accepted by this very answer if auto-accepted: no TriggerMessage asks for
            # another boot when its subentry appears.
            charger.accepted = True
            if not self.acceptance.accept_automatically(cp_id):
                charger.accepted = False
                return self.acceptance.hold(cp_id, info)
            self._sync_subentries()
        charger.accepted = True
        update_charger_device(dr.async_get(self.hass), charger)
        charger.notify(0)
        self.save()
        self.setup.booted(cp_id)
        return Registration.ACCEPTED, self.heartbeat_interval

    @property
    def heartbeat_interval(self) -> int:
        """Heartbeat interval handed to accepted chargers."""
        return int(self.entry.options.get(CONF_HEARTBEAT_INTERVAL, DEFAULT_HEARTBEAT_INTERVAL))

    def authorize(self, cp_id: str, id_tag: str, *, starting: bool = False) -> AuthStatus:
        """Check an id tag at a charger against the user's policy.

        A tag the central system just sent the charger in a remote start is accepted there
        (unless blocked); the start it was for (``starting``) uses that up.
        """
        status = self.live.auth.check(id_tag)
        if status is AuthStatus.INVALID and self.remote_starts.expected(cp_id, id_tag):
            status = AuthStatus.ACCEPTED
        if starting:
            self.remote_starts.started(cp_id, id_tag)
        return status

    def charger_heard(self, cp_id: str, action: str) -> None:
        """A charger sent a message: one that is not a boot did not reboot, so set it up now."""
        self.setup.heard(cp_id, action)

    def next_transaction_id(self) -> int:
        """A transaction id never handed out before by this central system."""
        return self.transaction_ids.take(utc_now())

    def fire(self, event_type: str, data: dict[str, object]) -> None:
        """Fire an integration event."""
        self.hass.bus.async_fire(event_type, data)

    def save(self, delay: float = SAVE_DELAY) -> None:
        """Persist within ``delay`` seconds (0 for transactions), with whatever else changed."""
        self._store.schedule_save(self._snapshot, delay)

    # Entities

    @callback
    def register_platform(
        self, builder: EntityBuilder, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Create a platform's entities now and whenever chargers report something new."""
        self.entities.register_platform(builder, async_add_entities, self.stations())

    def device_removable(self, device: dr.DeviceEntry) -> bool:
        """Whether the user may delete a device: only one nothing here would bring back."""
        connectors = self.entities.removable_connectors(device, self.known_station)
        if connectors is None:
            return False
        for station, connector_id in connectors:
            self.entities.forget_connector(station, connector_id)
        if connectors:
            self.save()
        return True

    # Subentries

    def _sync_subentries(self) -> None:
        current = dict(charger_subentries(self.entry))
        for cp_id in current.keys() - self._stations.keys():
            station = self._pending.pop(cp_id, None) or self._new_station(Charger(cp_id))
            station.subentry_id = current[cp_id]
            self._stations[cp_id] = station
            charger = station.charger
            self.entities.charger_added(station)
            if charger.connected and not charger.accepted:
                # Accepted by the user while Pending: ask for a BootNotification now.
                self.background(station.request_boot(), f"accept {cp_id}")
            self.acceptance.accepted(cp_id)
        for cp_id in self._stations.keys() - current.keys():
            self._stations.pop(cp_id)
            self.plans.async_forget(cp_id)
            self.setup.cancel(cp_id)
            self.journals.forget(cp_id)
            self.entities.forget(cp_id)
            self.connections.close(cp_id, "removed")
        self.save()

    # Background work

    def background(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        """Run work that outlives the current message, cancelled when the entry unloads."""
        self.entry.async_create_background_task(self.hass, coro, name)

    def _snapshot(self) -> StoredState:
        return {
            "next_transaction_id": self.transaction_ids.next_id,
            "chargers": {
                cp_id: station.charger.as_dict() for cp_id, station in self._stations.items()
            },
        }
