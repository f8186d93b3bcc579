"""One charger as the integration handles it: a station.

The central system creates one per charger and hands it to the charger's connection, entities,
actions and plans, which keep it instead of looking the charger up by id. A station holds the
charger's model, its live session, the settings the user gave it, and the commands that go to
it, with their failures turned into translated errors.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
import logging
from types import MappingProxyType
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.exceptions import HomeAssistantError

from .const import (
    CONF_MAX_CURRENT,
    CONF_OCPP_VERSION,
    CONF_PASSWORD,
    CONF_PHASES,
    CONF_PRICE_ENTITY,
    CONF_VOLTAGE,
    DEFAULT_MAX_CURRENT,
    OCPP_VERSION_AUTO,
    PINNABLE_VERSIONS,
)
from .core.auth import RemoteStarts
from .core.model import Charger
from .core.protocol import OcppSession
from .core.protocol.errors import (
    ChargerCallError,
    ChargerDisconnectedError,
    ChargerTimeoutError,
    CommandRejectedError,
    InvalidRequestError,
)
from .core.protocol.outgoing import TriggerableMessage
from .core.smart_charging.profile import (
    DEFAULT_PHASES,
    DEFAULT_VOLTAGE,
    ChargingProfile,
    Electrical,
    RateUnit,
    in_unit,
    limit_profile,
)
from .errors import charger_error, invalid

_LOGGER = logging.getLogger(__name__)

# Registers rising faster than this many times the charger's rated power are implausible.
PLAUSIBLE_POWER_FACTOR = 2

_NO_SETTINGS: Mapping[str, Any] = MappingProxyType({})


class Station:
    """A charger: its model, live session, settings and commands."""

    def __init__(
        self,
        charger: Charger,
        *,
        entry: ConfigEntry[Any],
        remote_starts: RemoteStarts,
        save: Callable[[], None],
    ) -> None:
        """A station of the central system of ``entry``; unknown until it has a subentry."""
        self.charger = charger
        self.session: OcppSession | None = None
        self.subentry_id: str | None = None
        self._entry = entry
        self._remote_starts = remote_starts
        self._save = save

    @property
    def id(self) -> str:
        """The charge point id."""
        return self.charger.id

    # What the user set

    @property
    def settings(self) -> Mapping[str, Any]:
        """The charger's subentry data (nothing for a charger nobody added)."""
        subentry = self._entry.subentries.get(self.subentry_id) if self.subentry_id else None
        return subentry.data if subentry is not None else _NO_SETTINGS

    @property
    def password(self) -> str | None:
        """The password the charger must connect with, if the user set one."""
        return self.settings.get(CONF_PASSWORD) or None

    @property
    def pinned_version(self) -> str | None:
        """The OCPP subprotocol the user fixed for the charger, if any."""
        return PINNABLE_VERSIONS.get(self.settings.get(CONF_OCPP_VERSION, OCPP_VERSION_AUTO))

    @property
    def price_entity(self) -> str | None:
        """The price sensor chosen for the charger's smart charging, if any."""
        return self.settings.get(CONF_PRICE_ENTITY) or None

    @property
    def rated_current(self) -> float:
        """The highest current the charger's installation allows, as the user set it."""
        return float(self.settings.get(CONF_MAX_CURRENT, DEFAULT_MAX_CURRENT))

    @property
    def electrical(self) -> Electrical:
        """How the charger's connectors turn amps into watts, as the user described it."""
        return Electrical(
            phases=int(self.settings.get(CONF_PHASES, DEFAULT_PHASES)),
            voltage=float(self.settings.get(CONF_VOLTAGE, DEFAULT_VOLTAGE)),
        )

    @property
    def max_power_kw(self) -> float:
        """Twice what the charger is set to deliver: faster-rising registers are implausible."""
        watts = self.electrical.to_unit(self.rated_current, RateUnit.AMPS, RateUnit.WATTS)
        return PLAUSIBLE_POWER_FACTOR * watts / 1000

    # Commands

    async def request_boot(self) -> None:
        """Ask the charger for a BootNotification (the user accepted it while it was Pending)."""
        try:
            await self.command(
                lambda session: session.trigger_message(TriggerableMessage.BOOT_NOTIFICATION)
            )
        except HomeAssistantError as err:
            _LOGGER.info("%s will be accepted at its next boot (%s)", self.id, err)

    async def command[T](self, run: Callable[[OcppSession], Awaitable[T]]) -> T:
        """Run a command on the charger, turning failures into translated errors."""
        if (session := self.session) is None:
            raise charger_error("charger_offline", self.id)
        try:
            return await run(session)
        except ChargerTimeoutError as err:
            raise charger_error("charger_timeout", self.id) from err
        except ChargerDisconnectedError as err:
            raise charger_error("charger_disconnected", self.id) from err
        except ChargerCallError as err:
            raise charger_error(
                "charger_call_error", self.id, code=err.code, detail=err.description
            ) from err
        except CommandRejectedError as err:
            raise charger_error("command_rejected", self.id, status=err.status) from err
        except InvalidRequestError as err:
            raise invalid("invalid_request", cp_id=self.id, detail=str(err)) from err

    def fit_profile(self, profile: ChargingProfile) -> ChargingProfile:
        """Check a profile against what the charger allows; put it in a unit it accepts."""
        capabilities = self.charger.capabilities
        limits = (
            ("stack_level", profile.stack_level, capabilities.max_stack_level),
            ("periods", len(profile.schedule.periods), capabilities.max_periods),
        )
        for what, value, allowed in limits:
            if allowed is not None and value > allowed:
                raise invalid(
                    f"too_many_{what}", cp_id=self.id, value=str(value), allowed=str(allowed)
                )
        return in_unit(profile, capabilities.rate_units, self.electrical)

    async def set_charging_profile(self, connector_id: int, profile: ChargingProfile) -> str:
        """Install a profile the charger can take."""
        fitted = self.fit_profile(profile)
        status: str = await self.command(
            lambda session: session.set_charging_profile(connector_id, fitted)
        )
        return status

    async def set_current_limit(
        self, connector_id: int, limit: float, unit: RateUnit = RateUnit.AMPS
    ) -> str:
        """Cap a connector (0: every connector) through its limit profile.

        Each connector has one limit profile, whether the limit is set for it or for the whole
        charger, so a connector's ``max_current`` is always the limit its charger follows. The
        limit goes out in a unit the charger accepts; the connector remembers it in amps.
        """
        charger = self.charger
        amps = round(self.electrical.to_unit(limit, unit, RateUnit.AMPS), 1)
        targets = (
            range(1, max(charger.connector_count, 1) + 1) if connector_id == 0 else (connector_id,)
        )
        status = ""
        for target in targets:
            status = await self.set_charging_profile(target, limit_profile(target, limit, unit))
            charger.connector(target).current_limit = amps
            charger.notify(target)
            self._save()
        return status

    async def remote_start(
        self, connector_id: int, id_tag: str, profile: ChargingProfile | None = None
    ) -> str:
        """Start a session; the charger may then use ``id_tag`` for it whatever the policy."""
        self._remote_starts.expect(self.id, id_tag)
        status: str = await self.command(
            lambda session: session.remote_start(connector_id, id_tag, profile)
        )
        return status
