"""The one base entity: device, unique id, availability and push updates from the model."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .core.model import Charger, Connector
from .devices import charger_device_info, connector_device_info
from .identifiers import unique_id

if TYPE_CHECKING:
    from .central import OcppConfigEntry
    from .entity_factory import EntityBuilder, EntityRequest

type PlatformSetup = Callable[
    [HomeAssistant, OcppConfigEntry, AddConfigEntryEntitiesCallback], Coroutine[Any, Any, None]
]


def _no_value(_charger: Charger, _connector: Connector) -> Any:
    return None


def _always(_charger: Charger) -> bool:
    return True


def takes_profiles(charger: Charger) -> bool:
    """Whether a charger takes charging profiles: limits and plans exist only then."""
    return charger.capabilities.smart_charging


@dataclass(frozen=True, kw_only=True)
class OcppEntityDescription(EntityDescription):
    """How an entity reads the model; ``exists_fn`` creates only what a charger supports."""

    value_fn: Callable[[Charger, Connector], Any] = _no_value
    exists_fn: Callable[[Charger], bool] = _always
    always_available: bool = False


class OcppEntity[V](Entity):
    """An entity of a charger (connector 0) or of one of its connectors; ``V``: its value."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    entity_description: OcppEntityDescription

    def __init__(self, request: EntityRequest, description: OcppEntityDescription) -> None:
        """Describe the entity; it reads the station's charger on every update."""
        self.station = request.station
        self.plans = request.plans
        self.charger = charger = request.station.charger
        self.connector_id = connector_id = request.connector_id
        self.entity_description = description
        self._attr_unique_id = unique_id(charger.id, connector_id, description.key)
        self._written: tuple[Any, ...] | None = None

    @property
    def device_info(self) -> DeviceInfo:
        """The charger's device, or the connector's as the charger's layout says now."""
        if self.connector_id == 0:
            return charger_device_info(self.charger)
        return connector_device_info(self.charger, self.connector_id)

    @property
    def connector(self) -> Connector:
        """The connector this entity reads (connector 0 for charger-level entities)."""
        return self.charger.connector(self.connector_id)

    @property
    def model_value(self) -> V | None:
        """The model value behind the entity's state (the description's ``value_fn`` gives V)."""
        value: V | None = self.entity_description.value_fn(self.charger, self.connector)
        return value

    @property
    def available(self) -> bool:
        """Available while the charger is connected."""
        return self.entity_description.always_available or self.charger.connected

    def _state_key(self) -> tuple[Any, ...]:
        """What the written state depends on; platforms with attributes extend it."""
        return (self.available, self.model_value)

    async def async_added_to_hass(self) -> None:
        """Follow the model."""
        self._written = self._state_key()
        self.async_on_remove(self.charger.subscribe(self.connector_id, self._model_updated))

    @callback
    def _model_updated(self) -> None:
        # Write only what changed: a MeterValues with the same power twice costs no state write.
        if (state := self._state_key()) != self._written:
            self._written = state
            self.async_write_ha_state()


def table_builder[D: OcppEntityDescription](
    entity_class: Callable[[EntityRequest, D], OcppEntity[Any]],
    charger_descriptions: tuple[D, ...],
    connector_descriptions: tuple[D, ...],
) -> EntityBuilder:
    """Entity builder for a platform described by a charger table and a connector table."""

    def build(request: EntityRequest) -> list[Entity]:
        if request.measurand_keys:
            return []
        charger = request.charger
        table = charger_descriptions if request.connector_id == 0 else connector_descriptions
        return [
            entity_class(request, description)
            for description in table
            if description.exists_fn(charger)
        ]

    return build


def platform_setup(builder: EntityBuilder) -> PlatformSetup:
    """A platform's ``async_setup_entry``: its entities now and whenever chargers report more."""

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: OcppConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        entry.runtime_data.register_platform(builder, async_add_entities)

    return async_setup_entry
