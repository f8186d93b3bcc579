"""Buttons: reset the charger, unlock a connector."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import (
    ButtonDeviceClass,
    ButtonEntity,
    ButtonEntityDescription,
)
from homeassistant.const import EntityCategory

from .core.model import Connector
from .core.protocol.interface import ChargePointCommands
from .entity import OcppEntity, OcppEntityDescription, platform_setup, table_builder

# No limit of its own: the per-charger call lock already sends one command at a time to a
# charger, and a stalled charger must not hold up the others' controls.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class OcppButtonDescription(OcppEntityDescription, ButtonEntityDescription):
    """A button that sends one OCPP command."""

    press_fn: Callable[[ChargePointCommands, Connector], Awaitable[str]]


CHARGER_BUTTONS: tuple[OcppButtonDescription, ...] = (
    OcppButtonDescription(
        key="reset",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda commands, _connector: commands.reset(hard=False),
    ),
)

CONNECTOR_BUTTONS: tuple[OcppButtonDescription, ...] = (
    OcppButtonDescription(
        key="unlock",
        translation_key="unlock",
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda commands, connector: commands.unlock(connector.id),
    ),
)


class OcppButton(OcppEntity[None], ButtonEntity):
    """A button of a charger or connector."""

    entity_description: OcppButtonDescription

    async def async_press(self) -> None:
        """Send the command."""
        connector = self.connector
        await self.station.command(
            lambda session: self.entity_description.press_fn(session, connector)
        )


async_setup_entry = platform_setup(table_builder(OcppButton, CHARGER_BUTTONS, CONNECTOR_BUTTONS))
