"""Switches: start/stop charging, smart charging of a connector, the charger's availability."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription

from .const import REMOTE_ID_TAG
from .core.model import Charger, Connector
from .core.protocol.interface import ChargePointCommands
from .entity import OcppEntity, OcppEntityDescription, platform_setup, table_builder, takes_profiles
from .errors import invalid
from .plans import ChargingPlans
from .station import Station

# No limit of its own: the per-charger call lock already sends one command at a time to a
# charger, and a stalled charger must not hold up the others' controls.
PARALLEL_UPDATES = 0

type SwitchAction = Callable[[ChargingPlans, Station, Connector], Awaitable[object]]


@dataclass(frozen=True, kw_only=True)
class OcppSwitchDescription(OcppEntityDescription, SwitchEntityDescription):
    """A switch whose state is read from the model; turning it runs an action."""

    turn_on_fn: SwitchAction
    turn_off_fn: SwitchAction


def _command(command: Callable[[ChargePointCommands, Connector], Awaitable[str]]) -> SwitchAction:
    """An action that sends one OCPP command to the charger."""

    async def run(_plans: ChargingPlans, station: Station, connector: Connector) -> None:
        await station.command(lambda session: command(session, connector))

    return run


def _smart_charging(*, enabled: bool) -> SwitchAction:
    async def run(plans: ChargingPlans, station: Station, connector: Connector) -> None:
        await plans.dashboard.async_set_enabled(station, connector.id, enabled=enabled)

    return run


async def _remote_start(_plans: ChargingPlans, station: Station, connector: Connector) -> None:
    await station.remote_start(connector.id, REMOTE_ID_TAG)


async def _stop_session(commands: ChargePointCommands, connector: Connector) -> str:
    if connector.transaction is None:
        raise invalid("no_session", connector_id=str(connector.id))
    return await commands.remote_stop(connector.transaction.id)


def _operative(_charger: Charger, connector: Connector) -> bool | None:
    return None if connector.status is None else connector.status != "unavailable"


CHARGER_SWITCHES: tuple[OcppSwitchDescription, ...] = (
    OcppSwitchDescription(
        key="available",
        translation_key="available",
        value_fn=_operative,
        turn_on_fn=_command(
            lambda commands, connector: commands.change_availability(connector.id, operative=True)
        ),
        turn_off_fn=_command(
            lambda commands, connector: commands.change_availability(connector.id, operative=False)
        ),
    ),
)

CONNECTOR_SWITCHES: tuple[OcppSwitchDescription, ...] = (
    OcppSwitchDescription(
        key="charging",
        translation_key="charging",
        value_fn=lambda _charger, connector: connector.running is not None,
        turn_on_fn=_remote_start,
        turn_off_fn=_command(_stop_session),
    ),
    OcppSwitchDescription(
        key="smart_charging",
        translation_key="smart_charging",
        always_available=True,
        value_fn=lambda _charger, connector: connector.plan_settings.enabled,
        exists_fn=takes_profiles,
        turn_on_fn=_smart_charging(enabled=True),
        turn_off_fn=_smart_charging(enabled=False),
    ),
)


class OcppSwitch(OcppEntity[bool], SwitchEntity):
    """A switch of a charger or connector."""

    entity_description: OcppSwitchDescription

    @property
    def is_on(self) -> bool | None:
        """The model value."""
        return self.model_value

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Run the turn-on action."""
        await self.entity_description.turn_on_fn(self.plans, self.station, self.connector)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Run the turn-off action."""
        await self.entity_description.turn_off_fn(self.plans, self.station, self.connector)


async_setup_entry = platform_setup(table_builder(OcppSwitch, CHARGER_SWITCHES, CONNECTOR_SWITCHES))
