"""The central system: live connections, charger acceptance, entity requests, persistence."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping
from dataclasses import dataclass, field
import logging
from types import MappingProxyType
from typing import Any

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigSubentry,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from .const import (
    CALL_TIMEOUT,
    CONF_AUTO_ACCEPT,
    CONF_CP_ID,
    CONF_HEARTBEAT_INTERVAL,
    CONF_MAX_CURRENT,
    CONF_MEASURANDS,
    CONF_METER_INTERVAL,
    CONF_OCPP_VERSION,
    CONF_PASSWORD,
    CONF_PHASES,
    CONF_REQUIRE_PASSWORD,
    CONF_SSL,
    CONF_SSL_CERTFILE,
    CONF_SSL_KEYFILE,
    CONF_VOLTAGE,
    DEFAULT_HEARTBEAT_INTERVAL,
    DEFAULT_MAX_CURRENT,
    DOMAIN,
    OCPP_VERSION_AUTO,
    PINNABLE_VERSIONS,
    SUBENTRY_CHARGER,
)
from .core.auth import RemoteStarts
from .core.credentials import HandshakeAuth
from .core.frame_log import OcppLibraryLog
from .core.journal import Journal, Journals, is_secret_setting
from .core.measurands import measurand_named
from .core.model import BootInfo, Charger
from .core.protocol import DEFAULT_SUBPROTOCOL, SESSION_CLASSES, OcppSession, read_schemas
from .core.protocol.interface import (
    AuthStatus,
    ChargerCallError,
    ChargerDisconnectedError,
    ChargerTimeoutError,
    CommandRejectedError,
    InvalidRequestError,
    Registration,
    TriggerableMessage,
)
from .core.protocol.wire import clock_transaction_id, utc_now
from .core.server import OcppServer, create_ssl_context
from .core.smart_charging.profile import (
    DEFAULT_PHASES,
    DEFAULT_VOLTAGE,
    ChargingProfile,
    Electrical,
    RateUnit,
    in_unit,
    limit_profile,
)
from .devices import place_first_connector, remove_connector_device, update_charger_device
from .discoveries import AutoAccept, Discoveries
from .errors import charger_error, invalid
from .handler import ChargerLink
from .identifiers import device_scope, unique_id
from .planning import ChargingPlans
from .repairs import AuthRepairs
from .settings import auth_policy
from .store import SAVE_DELAY, CentralStore, StoredState
from .subentries import central_serving, charger_subentries, ignored_by

_LOGGER = logging.getLogger(__name__)

# How soon a Pending or Rejected charger should boot again.
RETRY_BOOT_INTERVAL = 60
# Registers rising faster than this many times the charger's rated power are implausible.
PLAUSIBLE_POWER_FACTOR = 2
# How long a known charger that connected may stay silent before it is configured without a
# BootNotification (it reconnected without rebooting). Any other message ends the wait.
RECONNECT_GRACE = 10.0
# An id nobody added that sends no BootNotification this long after connecting is closed.
BOOT_DEADLINE = 60
# A charger that boots again while it is being set up is set up once it stops booting this
# long: a burst of 30 boots costs one configuration read, not 30 queued ones.
BOOT_SETTLE = 0.5

type OcppConfigEntry = ConfigEntry[CentralSystem]

# Settings the central system writes (apply_settings) → where the charger's capabilities hold them.
_SETTING_READ_AS = {
    "heartbeat_interval": "heartbeat_interval",
    "meter_interval": "meter_interval",
    "measurands": "sampled_measurands",
}


@dataclass(frozen=True, slots=True)
class EntityRequest:
    """Entities a platform should create: a charger (connector 0), a connector, or measurands."""

    charger: Charger
    subentry_id: str
    connector_id: int
    measurand_keys: frozenset[str] = field(default_factory=frozenset)


type EntityBuilder = Callable[[CentralSystem, EntityRequest], list[Entity]]


class CentralSystem:
    """One OCPP central system: a listening port and the chargers that connect to it."""

    def __init__(self, hass: HomeAssistant, entry: OcppConfigEntry) -> None:
        """Prepare; nothing listens until :meth:`async_start`."""
        self.hass = hass
        self.entry = entry
        self.data = dict(entry.data)
        self.auth = auth_policy(entry.options)
        self.remote_starts = RemoteStarts()
        self._store = CentralStore(hass, entry.entry_id)
        self._chargers: dict[str, Charger] = {}
        self._pending: dict[str, Charger] = {}
        self._sessions: dict[str, OcppSession] = {}
        self._next_transaction_id = 1
        self._builders: list[tuple[EntityBuilder, AddConfigEntryEntitiesCallback]] = []
        self._entity_ids: dict[str, set[str]] = {}
        self._passwords: dict[str, str | None] = {}
        self._required = bool(entry.options.get(CONF_REQUIRE_PASSWORD, False))
        self.journals = Journals(self.is_known)
        self._configure_due: dict[str, asyncio.TimerHandle] = {}
        self._configuring: dict[str, asyncio.Task[None]] = {}
        self._bursts: set[str] = set()  # chargers booting again and again: set up when calm
        self.plans = ChargingPlans(self)
        self.discoveries = Discoveries(hass, entry.entry_id)
        self.auto_accept = AutoAccept(hass, entry.entry_id)
        self.auth_repairs = AuthRepairs(hass, entry.entry_id)
        self.credentials = HandshakeAuth(
            password_of=self.password_of,
            is_known=self.is_known,
            required=self._password_required,
            on_repeated_failures=self.auth_repairs.failing,
            on_recovered=self.auth_repairs.recovered,
        )
        self.server = OcppServer(
            entry.data[CONF_HOST],
            entry.data[CONF_PORT],
            subprotocols=list(SESSION_CLASSES),
            default_subprotocol=DEFAULT_SUBPROTOCOL,
            on_connection=self.async_handle_connection,
            authenticate=self.credentials.check,
            pinned_version=self.pinned_version,
            served_elsewhere=self._served_elsewhere,
            is_known=self.is_known,
        )

    # Lifecycle

    async def async_start(self) -> None:
        """Restore state and start listening (OSError when the port is taken)."""
        self._next_transaction_id, stored = await self._store.async_load()
        for cp_id, _ in self._charger_subentries():
            self._chargers[cp_id] = stored.get(cp_id) or Charger(cp_id)
        self._passwords = self._current_passwords()
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
        for cp_id in {*self._configure_due, *self._configuring}:
            self._cancel_configure(cp_id)
        self.plans.async_stop()
        await self.server.async_stop()
        await self._store.async_save(self._snapshot())

    @callback
    def async_entry_updated(self) -> bool:
        """Apply option and subentry changes live; return True when a reload is needed."""
        if dict(self.entry.data) != self.data:
            return True
        auth = auth_policy(self.entry.options)
        if auth != self.auth:
            self._clear_authorization_caches()
        self.auth = auth
        self._sync_subentries()
        changed = self._close_connections_with_old_passwords()
        required = self._password_required()
        # Refusals are forgotten where the reason for them changed, not for every change.
        self.credentials.forget(None if required != self._required else changed)
        self._required = required
        self._close_connections_in_unwanted_versions()
        self.plans.async_price_sensors_changed()
        for cp_id in self._sessions.keys() & self._chargers.keys():
            if self._chargers[cp_id].accepted:
                self.background(self._async_apply_settings(cp_id), f"configure {cp_id}")
        return False

    # Connections

    async def async_handle_connection(self, cp_id: str, connection: ServerConnection) -> None:
        """Serve one charger connection until it closes."""
        subprotocol = self.server.subprotocol_of(connection)
        journal = self.journal(cp_id)
        link = ChargerLink(self, cp_id)
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
            self.background(previous.close(), f"close replaced connection of {cp_id}")
        self._sessions[cp_id] = session
        charger = self.charger_model(cp_id)
        charger.connected = True
        charger.protocol = subprotocol
        charger.notify_all()
        _LOGGER.info("%s connected (%s) from %s", cp_id, subprotocol, connection.remote_address)
        record = journal.connected(str(connection.remote_address), subprotocol)
        if self.is_known(cp_id):
            self._configure_due[cp_id] = self.hass.loop.call_later(
                RECONNECT_GRACE, self._configure, cp_id
            )
        deadline = self.hass.loop.call_later(
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
                self._cancel_configure(cp_id)
                self._bursts.discard(cp_id)
                self._pending.pop(cp_id, None)
                charger.connected = False
                charger.notify_all()
                _LOGGER.info("%s disconnected", cp_id)

    def _close_if_it_never_booted(
        self, cp_id: str, session: OcppSession, link: ChargerLink
    ) -> None:
        """An id nobody added must boot soon after connecting, or its connection is closed."""
        if link.booted or self.is_known(cp_id) or self._sessions.get(cp_id) is not session:
            return
        _LOGGER.info(
            "%s (not added) sent no BootNotification within %d s; closing its connection",
            cp_id,
            BOOT_DEADLINE,
        )
        self.background(session.close(), f"close silent {cp_id}")

    def journal(self, cp_id: str) -> Journal:
        """A charger's recent connections and frames (known chargers and those waiting)."""
        return self.journals.of(cp_id)

    def session(self, cp_id: str) -> OcppSession | None:
        """The live session of a charger, if connected."""
        return self._sessions.get(cp_id)

    async def async_command[T](
        self, cp_id: str, command: Callable[[OcppSession], Awaitable[T]]
    ) -> T:
        """Run a command on a charger, turning failures into translated errors."""
        if (session := self._sessions.get(cp_id)) is None:
            raise charger_error("charger_offline", cp_id)
        try:
            return await command(session)
        except ChargerTimeoutError as err:
            raise charger_error("charger_timeout", cp_id) from err
        except ChargerDisconnectedError as err:
            raise charger_error("charger_disconnected", cp_id) from err
        except ChargerCallError as err:
            raise charger_error(
                "charger_call_error", cp_id, code=err.code, detail=err.description
            ) from err
        except CommandRejectedError as err:
            raise charger_error("command_rejected", cp_id, status=err.status) from err
        except InvalidRequestError as err:
            raise invalid("invalid_request", cp_id=cp_id, detail=str(err)) from err

    def fit_profile(self, cp_id: str, profile: ChargingProfile) -> ChargingProfile:
        """Check a profile against what the charger allows; put it in a unit it accepts."""
        capabilities = self.charger_model(cp_id).capabilities
        limits = (
            ("stack_level", profile.stack_level, capabilities.max_stack_level),
            ("periods", len(profile.schedule.periods), capabilities.max_periods),
        )
        for what, value, allowed in limits:
            if allowed is not None and value > allowed:
                raise invalid(
                    f"too_many_{what}", cp_id=cp_id, value=str(value), allowed=str(allowed)
                )
        return in_unit(profile, capabilities.rate_units, self.electrical(cp_id))

    async def async_set_charging_profile(
        self, cp_id: str, connector_id: int, profile: ChargingProfile
    ) -> str:
        """Install a profile the charger can take."""
        fitted = self.fit_profile(cp_id, profile)
        status: str = await self.async_command(
            cp_id, lambda session: session.set_charging_profile(connector_id, fitted)
        )
        return status

    async def async_set_current_limit(
        self, cp_id: str, connector_id: int, limit: float, unit: RateUnit = RateUnit.AMPS
    ) -> str:
        """Cap a connector (0: every connector) through its limit profile.

        Each connector has one limit profile, whether the limit is set for it or for the whole
        charger, so a connector's ``max_current`` is always the limit its charger follows. The
        limit goes out in a unit the charger accepts; the connector remembers it in amps.
        """
        charger = self.charger_model(cp_id)
        amps = round(self.electrical(cp_id).to_unit(limit, unit, RateUnit.AMPS), 1)
        targets = (
            range(1, max(charger.connector_count, 1) + 1) if connector_id == 0 else (connector_id,)
        )
        status = ""
        for target in targets:
            status = await self.async_set_charging_profile(
                cp_id, target, limit_profile(target, limit, unit)
            )
            charger.connector(target).current_limit = amps
            charger.notify(target)
            self.save()
        return status

    # Chargers

    def is_known(self, cp_id: str) -> bool:
        """Whether the charger was accepted (has a subentry)."""
        return cp_id in self._chargers

    def known_charger(self, cp_id: str) -> Charger | None:
        """The model of an accepted charger."""
        return self._chargers.get(cp_id)

    def charger_model(self, cp_id: str) -> Charger:
        """The model of a known charger, or the transient one of an unknown charger."""
        if (charger := self._chargers.get(cp_id)) is not None:
            return charger
        return self._pending.setdefault(cp_id, Charger(cp_id))

    def charger_options(self, cp_id: str) -> Mapping[str, Any]:
        """A known charger's subentry data (what the user set for it)."""
        for subentry in self.entry.subentries.values():
            if subentry.subentry_type == SUBENTRY_CHARGER and subentry.data[CONF_CP_ID] == cp_id:
                return subentry.data
        return {}

    def password_of(self, cp_id: str) -> str | None:
        """The password a known charger must connect with, if the user set one."""
        if not self.is_known(cp_id):
            return None
        return self.charger_options(cp_id).get(CONF_PASSWORD) or None

    def _password_required(self) -> bool:
        return bool(self.entry.options.get(CONF_REQUIRE_PASSWORD, False))

    def _served_elsewhere(self, cp_id: str) -> str | None:
        """The title of the other central system that has this charger, if one has."""
        serving = central_serving(self.hass, cp_id)
        if serving is None or serving.entry_id == self.entry.entry_id:
            return None
        return serving.title

    def pinned_version(self, cp_id: str) -> str | None:
        """The OCPP version the user fixed for a known charger, if any."""
        version = self.charger_options(cp_id).get(CONF_OCPP_VERSION, OCPP_VERSION_AUTO)
        return PINNABLE_VERSIONS.get(version)

    def rated_current(self, cp_id: str) -> float:
        """The highest current a charger's installation allows, as the user set it."""
        return float(self.charger_options(cp_id).get(CONF_MAX_CURRENT, DEFAULT_MAX_CURRENT))

    def max_power_kw(self, cp_id: str) -> float:
        """Twice what the charger is set to deliver: faster-rising registers are implausible."""
        amps = self.rated_current(cp_id)
        watts = self.electrical(cp_id).to_unit(amps, RateUnit.AMPS, RateUnit.WATTS)
        return PLAUSIBLE_POWER_FACTOR * watts / 1000

    def electrical(self, cp_id: str) -> Electrical:
        """How a charger's connectors turn amps into watts, as the user described it."""
        options = self.charger_options(cp_id)
        return Electrical(
            phases=int(options.get(CONF_PHASES, DEFAULT_PHASES)),
            voltage=float(options.get(CONF_VOLTAGE, DEFAULT_VOLTAGE)),
        )

    def chargers(self) -> Iterator[Charger]:
        """The known chargers."""
        return iter(self._chargers.values())

    def register_boot(self, cp_id: str, info: BootInfo) -> tuple[Registration, int]:
        """Decide on a BootNotification: known → Accepted; new → Pending and ask the user."""
        charger = self.charger_model(cp_id)
        charger.boot = info
        if (
            not self.is_known(cp_id)
            and self.entry.options.get(CONF_AUTO_ACCEPT, False)
            and self.auto_accept.allows(cp_id)
        ):
            # Accepted by this very answer: no TriggerMessage to ask for another boot.
            charger.accepted = True
            self._add_charger_subentry(cp_id)
        if self.is_known(cp_id):
            charger.accepted = True
            update_charger_device(dr.async_get(self.hass), charger)
            charger.notify(0)
            self.save()
            self._configure_after_boot(cp_id)
            return Registration.ACCEPTED, self.heartbeat_interval
        charger.accepted = False
        if ignored_by(self.hass, cp_id, self.entry.entry_id):
            return Registration.REJECTED, RETRY_BOOT_INTERVAL
        self.discoveries.offer(cp_id, info)
        return Registration.PENDING, RETRY_BOOT_INTERVAL

    @property
    def heartbeat_interval(self) -> int:
        """Heartbeat interval handed to accepted chargers."""
        return int(self.entry.options.get(CONF_HEARTBEAT_INTERVAL, DEFAULT_HEARTBEAT_INTERVAL))

    def authorize(self, cp_id: str, id_tag: str, *, starting: bool = False) -> AuthStatus:
        """Check an id tag at a charger against the user's policy.

        A tag the central system just sent the charger in a remote start is accepted there
        (unless blocked); the start it was for (``starting``) uses that up.
        """
        status = self.auth.check(id_tag)
        if status is AuthStatus.INVALID and self.remote_starts.expected(cp_id, id_tag):
            status = AuthStatus.ACCEPTED
        if starting:
            self.remote_starts.started(cp_id, id_tag)
        return status

    async def async_remote_start(
        self, cp_id: str, connector_id: int, id_tag: str, profile: ChargingProfile | None = None
    ) -> str:
        """Start a session; the charger may then use ``id_tag`` for it whatever the policy."""
        self.remote_starts.expect(cp_id, id_tag)
        status: str = await self.async_command(
            cp_id, lambda session: session.remote_start(connector_id, id_tag, profile)
        )
        return status

    def charger_heard(self, cp_id: str, action: str) -> None:
        """A charger sent a message: one that is not a boot did not reboot, so set it up now."""
        if action != "BootNotification" and cp_id in self._configure_due:
            self._configure(cp_id)

    def next_transaction_id(self) -> int:
        """A transaction id never handed out before by this central system.

        Never below the seconds since 2020 either, so that ids stay new even when the stored
        counter is lost (ids are handed out far less than once a second).
        """
        transaction_id = max(self._next_transaction_id, clock_transaction_id(utc_now()))
        self._next_transaction_id = transaction_id + 1
        return transaction_id

    def fire(self, event_type: str, data: dict[str, Any]) -> None:
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
        self._builders.append((builder, async_add_entities))
        for cp_id, subentry_id in self._charger_subentries():
            charger = self._chargers[cp_id]
            for request in _requests_for(charger, subentry_id):
                self._build(builder, async_add_entities, request)

    def connector_added(self, charger: Charger, connector_id: int) -> None:
        """A known charger mentioned a connector for the first time."""
        if connector_id == 0 or not charger.layout_known:
            return  # entities come once the charger said how many connectors it has
        if (subentry_id := self._subentry_id(charger.id)) is None:
            return
        if connector_id >= 2:  # noqa: PLR2004 - the first multi-connector id
            self._place_first_connector(charger, subentry_id)
        self._request(EntityRequest(charger, subentry_id, connector_id))

    def _place_first_connector(self, charger: Charger, subentry_id: str) -> None:
        place_first_connector(
            dr.async_get(self.hass),
            er.async_get(self.hass),
            self.entry.entry_id,
            subentry_id,
            charger,
        )

    def _remove_stale_connectors(self, charger: Charger) -> None:
        """Forget the connectors a charger no longer has, with their devices and entities.

        The charger said how many it has; a connector beyond that goes unless a session is
        running on it (nothing a charger sends is dropped while it may still be stopped).
        """
        stale = [cid for cid in charger.connectors if _connector_gone(charger, cid)]
        if not stale:
            return
        _LOGGER.info("%s: removing connectors it no longer has: %s", charger.id, stale)
        for connector_id in stale:
            self._forget_connector(charger, connector_id)
        if (subentry_id := self._subentry_id(charger.id)) is not None:
            self._place_first_connector(charger, subentry_id)

    def _forget_connector(self, charger: Charger, connector_id: int) -> None:
        charger.connectors.pop(connector_id, None)
        prefix = unique_id(charger.id, connector_id, "")
        created = self._entity_ids.get(charger.id, set())
        created.difference_update({uid for uid in created if uid.startswith(prefix)})
        remove_connector_device(dr.async_get(self.hass), charger.id, connector_id)

    def device_removable(self, device: dr.DeviceEntry) -> bool:
        """Whether the user may delete a device: only one nothing here would bring back.

        A charger is removed with its entry on the integration page; its connector devices go
        once the charger no longer has them. Devices of chargers this central system does not
        know (any more) may go.
        """
        for domain, identifier in device.identifiers:
            if domain != DOMAIN:
                continue
            cp_id, connector_id = device_scope(identifier)
            if (charger := self._chargers.get(cp_id)) is None:
                continue
            if connector_id is None or not _connector_gone(charger, connector_id):
                return False
            self._forget_connector(charger, connector_id)
            self.save()
        return True

    def measurands_added(self, charger: Charger, connector_id: int, keys: set[str]) -> None:
        """A known charger reported measurands for the first time."""
        if connector_id > 0 and not charger.layout_known:
            return
        if (subentry_id := self._subentry_id(charger.id)) is not None:
            self._request(EntityRequest(charger, subentry_id, connector_id, frozenset(keys)))

    def _request(self, request: EntityRequest) -> None:
        for builder, async_add_entities in self._builders:
            self._build(builder, async_add_entities, request)

    def _build(
        self,
        builder: EntityBuilder,
        async_add_entities: AddConfigEntryEntitiesCallback,
        request: EntityRequest,
    ) -> None:
        created = self._entity_ids.setdefault(request.charger.id, set())
        entities = [e for e in builder(self, request) if e.unique_id not in created]
        if entities:
            created.update(str(entity.unique_id) for entity in entities)
            async_add_entities(entities, config_subentry_id=request.subentry_id)

    # Subentries

    def _charger_subentries(self) -> Iterator[tuple[str, str]]:
        return charger_subentries(self.entry)

    def _subentry_id(self, cp_id: str) -> str | None:
        if cp_id not in self._chargers:
            return None
        return next((sid for cid, sid in self._charger_subentries() if cid == cp_id), None)

    def _add_charger_subentry(self, cp_id: str) -> None:
        _LOGGER.info("Accepting new charger %s automatically", cp_id)
        self.hass.config_entries.async_add_subentry(
            self.entry,
            ConfigSubentry(
                data=MappingProxyType({CONF_CP_ID: cp_id}),
                subentry_type=SUBENTRY_CHARGER,
                title=cp_id,
                unique_id=cp_id,
            ),
        )
        self._sync_subentries()

    def _sync_subentries(self) -> None:
        current = dict(self._charger_subentries())
        for cp_id in current.keys() - self._chargers.keys():
            charger = self._pending.pop(cp_id, None) or Charger(cp_id)
            self._chargers[cp_id] = charger
            for request in _requests_for(charger, current[cp_id]):
                self._request(request)
            if charger.connected and not charger.accepted:
                # Accepted by the user while Pending: ask for a BootNotification now.
                self.background(self._async_trigger_boot(cp_id), f"accept {cp_id}")
            # Deferred: the flow that accepted the charger may still be finishing its step.
            self.hass.loop.call_soon(self.discoveries.dismiss, cp_id)
        for cp_id in self._chargers.keys() - current.keys():
            self._chargers.pop(cp_id)
            self.plans.async_forget(cp_id)
            self._cancel_configure(cp_id)
            self.journals.forget(cp_id)
            self._entity_ids.pop(cp_id, None)
            if (session := self._sessions.get(cp_id)) is not None:
                self.background(session.close(), f"disconnect removed charger {cp_id}")
        self.save()

    def _current_passwords(self) -> dict[str, str | None]:
        return {cp_id: self.password_of(cp_id) for cp_id in self._chargers}

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
        for cp_id in changed:
            if passwords.get(cp_id) is not None and (session := self._sessions.get(cp_id)):
                _LOGGER.info("%s: its password changed; it must connect again", cp_id)
                self.background(session.close(), f"close {cp_id} for its new password")
        self._passwords = passwords
        return changed

    def _clear_authorization_caches(self) -> None:
        """Tags changed: chargers must not go on accepting a tag from their cache."""
        for cp_id in self._sessions.keys() & self._chargers.keys():
            if self._chargers[cp_id].accepted:
                self.background(self._async_clear_cache(cp_id), f"clear cache of {cp_id}")

    async def _async_clear_cache(self, cp_id: str) -> None:
        try:
            await self.async_command(cp_id, lambda session: session.clear_cache())
        except HomeAssistantError as err:
            _LOGGER.warning(
                "%s: could not clear its authorization cache after the tags changed: %s",
                cp_id,
                err,
            )

    def _close_connections_in_unwanted_versions(self) -> None:
        """A charger pinned to another OCPP version must connect again and speak it."""
        for cp_id, session in list(self._sessions.items()):
            pinned = self.pinned_version(cp_id)
            if pinned is not None and self.charger_model(cp_id).protocol != pinned:
                _LOGGER.info("%s: it must speak %s now; it must connect again", cp_id, pinned)
                self.background(session.close(), f"close {cp_id} for its OCPP version")

    # Background work

    def background(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        """Run work that outlives the current message, cancelled when the entry unloads."""
        self.entry.async_create_background_task(self.hass, coro, name)

    async def _async_trigger_boot(self, cp_id: str) -> None:
        try:
            await self.async_command(
                cp_id, lambda session: session.trigger_message(TriggerableMessage.BOOT_NOTIFICATION)
            )
        except HomeAssistantError as err:
            _LOGGER.info("%s will be accepted at its next boot (%s)", cp_id, err)

    def _configure(self, cp_id: str) -> None:
        """Set a charger up (again): one run at a time, the newest wins."""
        self._cancel_configure(cp_id)
        self._bursts.discard(cp_id)
        self._configuring[cp_id] = self.entry.async_create_background_task(
            self.hass, self._async_configure(cp_id), f"configure {cp_id}"
        )

    def _configure_after_boot(self, cp_id: str) -> None:
        """Set a booted charger up at once; in a burst of boots, once after the last one."""
        running = self._configuring.get(cp_id)
        if cp_id not in self._bursts and (running is None or running.done()):
            self._configure(cp_id)
            return
        self._cancel_configure(cp_id)
        self._bursts.add(cp_id)
        self._configure_due[cp_id] = self.hass.loop.call_later(BOOT_SETTLE, self._configure, cp_id)

    def _cancel_configure(self, cp_id: str) -> None:
        if (due := self._configure_due.pop(cp_id, None)) is not None:
            due.cancel()
        if (running := self._configuring.pop(cp_id, None)) is not None:
            running.cancel()

    async def _async_configure(self, cp_id: str) -> None:
        """Learn what an accepted charger supports, then set it up as the user asked."""
        try:
            capabilities = await self.async_command(
                cp_id, lambda session: session.read_capabilities()
            )
        except HomeAssistantError as err:
            _LOGGER.warning("%s: could not read its configuration: %s", cp_id, err)
            capabilities = None
        if (charger := self._chargers.get(cp_id)) is None:
            return
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
        self._remove_stale_connectors(charger)
        for connector_id in range(1, charger.number_of_connectors + 1):
            if connector_id not in charger.connectors:
                charger.connector(connector_id)
                self.connector_added(charger, connector_id)  # moves connector 1 if need be
        if changed and (subentry_id := self._subentry_id(cp_id)) is not None:
            # Connectors, and controls that depend on what the charger supports, appear now.
            for request in _requests_for(charger, subentry_id):
                self._request(request)
        self.save()
        if capabilities is None:
            return
        await self._async_apply_settings(cp_id)
        await self.plans.async_resend(cp_id)

    async def _async_apply_settings(self, cp_id: str) -> None:
        """Send the heartbeat and meter settings the user chose, where the charger differs."""
        charger = self._chargers[cp_id]
        options = self.charger_options(cp_id)
        capabilities = charger.capabilities
        wanted: dict[str, Any] = {
            "heartbeat_interval": self.heartbeat_interval,
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
            await self.async_command(cp_id, lambda session: session.apply_settings(**changes))
        except HomeAssistantError as err:
            _LOGGER.warning("%s: could not apply its settings: %s", cp_id, err)
            return
        for name, value in changes.items():
            setattr(capabilities, _SETTING_READ_AS[name], value)
        self.save()

    def _snapshot(self) -> StoredState:
        return {
            "next_transaction_id": self._next_transaction_id,
            "chargers": {cp_id: charger.as_dict() for cp_id, charger in self._chargers.items()},
        }


def _connector_gone(charger: Charger, connector_id: int) -> bool:
    """A connector beyond the number the charger reports, with no session running on it."""
    connector = charger.connectors.get(connector_id)
    if connector is None:
        return True
    count = charger.number_of_connectors
    return 0 < count < connector_id and connector.transaction is None


def _requests_for(charger: Charger, subentry_id: str) -> Iterator[EntityRequest]:
    yield EntityRequest(charger, subentry_id, 0)
    for connector_id, connector in sorted(charger.connectors.items()):
        if connector_id > 0 and not charger.layout_known:
            continue
        if connector_id > 0:
            yield EntityRequest(charger, subentry_id, connector_id)
        if connector.meter:
            yield EntityRequest(charger, subentry_id, connector_id, frozenset(connector.meter))
