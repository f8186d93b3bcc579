"""Numbers: the maximum charging current of a connector."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import UnitOfElectricCurrent
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_MAX_CURRENT, DEFAULT_MAX_CURRENT
from .entity import OcppEntity, OcppEntityDescription, table_builder
from .manager import OcppConfigEntry

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class OcppNumberDescription(OcppEntityDescription, NumberEntityDescription):
    """A number read from the model."""


CONNECTOR_NUMBERS: tuple[OcppNumberDescription, ...] = (
    OcppNumberDescription(
        key="max_current",
        translation_key="max_current",
        device_class=NumberDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        native_min_value=0,
        native_step=1,
        mode=NumberMode.SLIDER,
        value_fn=lambda _charger, connector: connector.current_limit,
        exists_fn=lambda charger: charger.capabilities.smart_charging,
    ),
)


class OcppNumber(OcppEntity, NumberEntity):
    """The current limit of a connector, applied as a charging profile."""

    entity_description: OcppNumberDescription

    @property
    def native_value(self) -> float | None:
        """The last limit the charger accepted."""
        value: float | None = self.model_value
        return value

    @property
    def native_max_value(self) -> float:
        """The charger's rated current, as the user configured it."""
        options = self.central.charger_options(self.charger.id)
        return float(options.get(CONF_MAX_CURRENT, DEFAULT_MAX_CURRENT))

    async def async_set_native_value(self, value: float) -> None:
        """Send the new limit; the connector keeps it once the charger accepts it."""
        await self.central.async_set_current_limit(self.charger.id, self.connector_id, value)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OcppConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the current limit of every connector."""
    entry.runtime_data.register_platform(
        table_builder(OcppNumber, (), CONNECTOR_NUMBERS), async_add_entities
    )
