"""Which entities each added charger gets, and when.

A charger's entities are requested as it is added, and again as it reports its layout, new
connectors and new measurands; each platform builds what a request calls for, and nothing is
created twice. Connectors a charger no longer has lose their devices and entities.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
import logging

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN
from .core.model import Charger
from .devices import place_first_connector, remove_connector_device
from .identifiers import device_scope, unique_id
from .plans import ChargingPlans
from .station import Station

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EntityRequest:
    """Entities a platform should create: a charger (connector 0), a connector, or measurands."""

    station: Station
    plans: ChargingPlans
    subentry_id: str
    connector_id: int
    measurand_keys: frozenset[str] = field(default_factory=frozenset)

    @property
    def charger(self) -> Charger:
        """The charger's model."""
        return self.station.charger


type EntityBuilder = Callable[[EntityRequest], list[Entity]]


class EntityFactory:
    """The entities of one central system's chargers."""

    def __init__(self, hass: HomeAssistant, entry_id: str, plans: ChargingPlans) -> None:
        """Create entities for the chargers of the config entry ``entry_id``."""
        self._hass = hass
        self._entry_id = entry_id
        self._plans = plans
        self._builders: list[tuple[EntityBuilder, AddConfigEntryEntitiesCallback]] = []
        self._created: dict[str, set[str]] = {}  # unique ids by charge point id

    @callback
    def register_platform(
        self,
        builder: EntityBuilder,
        async_add_entities: AddConfigEntryEntitiesCallback,
        stations: Iterator[Station],
    ) -> None:
        """Create a platform's entities now and whenever chargers report something new."""
        self._builders.append((builder, async_add_entities))
        for station in stations:
            for request in self._requests_for(station):
                self._build(builder, async_add_entities, request)

    def charger_added(self, station: Station) -> None:
        """Everything an added charger has so far (again after it said what it supports)."""
        for request in self._requests_for(station):
            self._request(request)

    def connector_added(self, station: Station, connector_id: int) -> None:
        """A known charger mentioned a connector for the first time."""
        subentry_id = station.subentry_id
        if connector_id == 0 or not station.charger.layout_known or subentry_id is None:
            return  # entities come once the charger said how many connectors it has
        if connector_id >= 2:  # noqa: PLR2004 - the first multi-connector id
            self._place_first_connector(station)
        self._request(EntityRequest(station, self._plans, subentry_id, connector_id))

    def measurands_added(self, station: Station, connector_id: int, keys: set[str]) -> None:
        """A known charger reported measurands for the first time."""
        if connector_id > 0 and not station.charger.layout_known:
            return
        if (subentry_id := station.subentry_id) is not None:
            request = EntityRequest(
                station, self._plans, subentry_id, connector_id, frozenset(keys)
            )
            self._request(request)

    def remove_stale_connectors(self, station: Station) -> None:
        """Forget the connectors a charger no longer has, with their devices and entities.

        The charger said how many it has; a connector beyond that goes unless a session is
        running on it (nothing a charger sends is dropped while it may still be stopped).
        """
        charger = station.charger
        stale = [cid for cid in charger.connectors if connector_gone(charger, cid)]
        if not stale:
            return
        _LOGGER.info("%s: removing connectors it no longer has: %s", charger.id, stale)
        for connector_id in stale:
            self.forget_connector(station, connector_id)
        self._place_first_connector(station)

    def forget_connector(self, station: Station, connector_id: int) -> None:
        """Drop a connector from the model, with its device and entities."""
        station.charger.connectors.pop(connector_id, None)
        prefix = unique_id(station.id, connector_id, "")
        created = self._created.get(station.id, set())
        created.difference_update({uid for uid in created if uid.startswith(prefix)})
        remove_connector_device(dr.async_get(self._hass), station.id, connector_id)

    def removable_connectors(
        self, device: dr.DeviceEntry, known_station: Callable[[str], Station | None]
    ) -> list[tuple[Station, int]] | None:
        """The connectors a device the user wants to delete stands for; None: it must stay.

        A charger is removed with its entry on the integration page; its connector devices go
        once the charger no longer has them. Devices of chargers this central system does not
        know (any more) may go.
        """
        found = []
        for domain, identifier in device.identifiers:
            if domain != DOMAIN:
                continue
            cp_id, connector_id = device_scope(identifier)
            if (station := known_station(cp_id)) is None:
                continue
            if connector_id is None or not connector_gone(station.charger, connector_id):
                return None
            found.append((station, connector_id))
        return found

    def forget(self, cp_id: str) -> None:
        """A charger was removed: what was created for it is gone with its subentry."""
        self._created.pop(cp_id, None)

    def _place_first_connector(self, station: Station) -> None:
        if station.subentry_id is None:
            return
        place_first_connector(
            dr.async_get(self._hass),
            er.async_get(self._hass),
            self._entry_id,
            station.subentry_id,
            station.charger,
        )

    def _requests_for(self, station: Station) -> Iterator[EntityRequest]:
        """Every entity request of an added charger, as far as its layout is known."""
        charger, plans = station.charger, self._plans
        if (subentry_id := station.subentry_id) is None:
            return
        yield EntityRequest(station, plans, subentry_id, 0)
        for connector_id, connector in sorted(charger.connectors.items()):
            if connector_id > 0 and not charger.layout_known:
                continue
            if connector_id > 0:
                yield EntityRequest(station, plans, subentry_id, connector_id)
            if connector.meter:
                keys = frozenset(connector.meter)
                yield EntityRequest(station, plans, subentry_id, connector_id, keys)

    def _request(self, request: EntityRequest) -> None:
        for builder, async_add_entities in self._builders:
            self._build(builder, async_add_entities, request)

    def _build(
        self,
        builder: EntityBuilder,
        async_add_entities: AddConfigEntryEntitiesCallback,
        request: EntityRequest,
    ) -> None:
        created = self._created.setdefault(request.station.id, set())
        entities = [e for e in builder(request) if e.unique_id not in created]
        if entities:
            created.update(str(entity.unique_id) for entity in entities)
            async_add_entities(entities, config_subentry_id=request.subentry_id)


def connector_gone(charger: Charger, connector_id: int) -> bool:
    """A connector beyond the number the charger reports, with no session running on it."""
    connector = charger.connectors.get(connector_id)
    if connector is None:
        return True
    count = charger.number_of_connectors
    return 0 < count < connector_id and connector.transaction is None
