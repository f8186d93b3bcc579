"""The charger an action is aimed at, and how one action is described."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, SupportsResponse
from homeassistant.helpers import device_registry as dr
import voluptuous as vol

from ..central import CentralSystem, OcppConfigEntry
from ..const import DOMAIN
from ..core.model import Charger
from ..core.protocol import OcppSession
from ..errors import invalid
from ..identifiers import device_scope
from ..station import Station
from .fields import ATTR_CONNECTOR_ID

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


@dataclass(frozen=True, slots=True)
class Target:
    """The charger an action is aimed at (and the connector, for a connector's device)."""

    central: CentralSystem
    station: Station
    device_connector_id: int | None

    @property
    def charger(self) -> Charger:
        """The charger's model."""
        return self.station.charger

    @property
    def cp_id(self) -> str:
        """The charge point id."""
        return self.station.id

    def connector_id(
        self, data: Mapping[str, Any], *, allow_zero: bool = False, default: int | None = None
    ) -> int:
        """The connector the call names, checked against the charger's connectors."""
        connector_id = data.get(ATTR_CONNECTOR_ID, self.device_connector_id)
        count = self.charger.connector_count
        if connector_id is None:
            connector_id = default if default is not None else (1 if count == 1 else None)
        if connector_id is None:
            raise invalid("connector_required", cp_id=self.cp_id)
        if (connector_id == 0 and not allow_zero) or (count and connector_id > count):
            raise invalid(
                "invalid_connector",
                cp_id=self.cp_id,
                connector_id=str(connector_id),
                count=str(count),
            )
        return int(connector_id)

    def optional_connector_id(self, data: Mapping[str, Any]) -> int | None:
        """The connector the call names (0 allowed), or None when it names none."""
        if ATTR_CONNECTOR_ID not in data and self.device_connector_id is None:
            return None
        return self.connector_id(data, allow_zero=True)

    async def status(self, command: Callable[[OcppSession], Awaitable[str]]) -> dict[str, Any]:
        """Run a command that answers with a status."""
        return {"status": await self.station.command(command)}

    async def data(
        self, command: Callable[[OcppSession], Awaitable[DataclassInstance]]
    ) -> dict[str, Any]:
        """Run a command that answers with data, given as its fields."""
        return asdict(await self.station.command(command))


type ActionRunner = Callable[[Target, dict[str, Any]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class OcppAction:
    """One action: its fields, what it does, whether it answers with data."""

    fields: dict[vol.Marker, Any]
    run: ActionRunner
    response: SupportsResponse = SupportsResponse.OPTIONAL


def resolve_target(hass: HomeAssistant, device_id: str) -> Target:
    """The charger behind a charger or connector device of this integration."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        raise invalid("unknown_device", device_id=device_id)
    for entry_id in device.config_entries:
        entry: OcppConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
        if entry is None or entry.domain != DOMAIN:
            continue
        if entry.state is not ConfigEntryState.LOADED:
            raise invalid("not_loaded", device_id=device.name or device_id)
        central = entry.runtime_data
        for domain, identifier in device.identifiers:
            if domain == DOMAIN and (target := target_for(central, identifier)) is not None:
                return target
    raise invalid("unknown_device", device_id=device.name or device_id)


def target_for(central: CentralSystem, identifier: str) -> Target | None:
    """The target a device identifier names in one central system, if it has that charger."""
    cp_id, connector_id = device_scope(identifier)
    if (station := central.known_station(cp_id)) is None:
        return None
    return Target(central, station, connector_id)
