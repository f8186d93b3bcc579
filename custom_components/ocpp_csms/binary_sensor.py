"""Binary sensors: whether a charger is connected."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory

from .entity import OcppEntity, OcppEntityDescription, platform_setup, table_builder

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class OcppBinarySensorDescription(OcppEntityDescription, BinarySensorEntityDescription):
    """A binary sensor read from the model."""


CHARGER_BINARY_SENSORS: tuple[OcppBinarySensorDescription, ...] = (
    OcppBinarySensorDescription(
        key="connected",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        always_available=True,
        value_fn=lambda charger, _connector: charger.connected,
    ),
)


class OcppBinarySensor(OcppEntity[bool], BinarySensorEntity):
    """A binary sensor of a charger."""

    entity_description: OcppBinarySensorDescription

    @property
    def is_on(self) -> bool | None:
        """The model value."""
        return bool(self.model_value)


async_setup_entry = platform_setup(table_builder(OcppBinarySensor, CHARGER_BINARY_SENSORS, ()))
