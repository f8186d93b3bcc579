"""Smart charging from the dashboard: a connector planned from its inputs, again and again.

With smart charging on, a connector is planned from its dashboard inputs (energy to add, ready
by, the charger's price sensor) at once, and again whenever the price sensor publishes new
prices, an input changes, a session ends or a plan's deadline passes.
"""

from __future__ import annotations

from collections.abc import Coroutine, Iterator
from datetime import datetime, time
import logging
from typing import Any, Protocol

from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HomeAssistant,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util

from .core.smart_charging.plan import ChargingPlan
from .core.smart_charging.prices import PriceError, PriceSlot, prices_from_attributes
from .station import Station

_LOGGER = logging.getLogger(__name__)

type ConnectorKey = tuple[str, int]


class PlanMaker(Protocol):
    """Making and clearing plans, and the prices each was made from."""

    prices_used: dict[ConnectorKey, tuple[PriceSlot, ...]]

    async def async_plan(  # noqa: D102
        self, station: Station, connector_id: int, *, energy_kwh: float, ready_by: datetime | time
    ) -> ChargingPlan: ...
    async def async_clear(self, station: Station, connector_id: int) -> str: ...  # noqa: D102


class DashboardHost(Protocol):
    """What smart charging needs from the central system."""

    def stations(self) -> Iterator[Station]: ...  # noqa: D102
    def save(self, delay: float = ...) -> None: ...  # noqa: D102
    def background(self, coro: Coroutine[Any, Any, Any], name: str) -> None: ...  # noqa: D102


class DashboardPlanning:
    """Smart charging of one central system's connectors."""

    def __init__(self, hass: HomeAssistant, plans: PlanMaker, host: DashboardHost) -> None:
        """Plan through ``plans``; nothing is followed until price sensors are."""
        self._hass = hass
        self._plans = plans
        self._host = host
        self._price_listeners: dict[ConnectorKey, CALLBACK_TYPE] = {}

    @callback
    def async_price_sensors_changed(self) -> None:
        """A charger's price sensor may have changed: follow the chosen ones."""
        self.async_stop()
        for station in self._host.stations():
            for connector in station.charger.connectors.values():
                if connector.plan_settings.enabled:
                    self._follow_prices(station, connector.id)

    @callback
    def async_stop(self) -> None:
        """Stop following prices."""
        for unsubscribe in self._price_listeners.values():
            unsubscribe()
        self._price_listeners.clear()

    @callback
    def async_forget(self, cp_id: str) -> None:
        """A charger was removed: stop following its prices."""
        for key in [key for key in self._price_listeners if key[0] == cp_id]:
            self._price_listeners.pop(key)()

    async def async_set_enabled(
        self, station: Station, connector_id: int, *, enabled: bool
    ) -> None:
        """Turn smart charging of a connector on (plan now) or off (clear the plan)."""
        connector = station.charger.connector(connector_id)
        if enabled:
            await self._async_plan_from_settings(station, connector_id)
            connector.plan_settings.enabled = True
            self._follow_prices(station, connector_id)
        else:
            if connector.plan is not None:
                await self._plans.async_clear(station, connector_id)
            connector.plan_settings.enabled = False
            key = (station.id, connector_id)
            if (unsubscribe := self._price_listeners.pop(key, None)) is not None:
                unsubscribe()
        station.charger.notify(connector_id)
        self._host.save()

    async def async_settings_changed(self, station: Station, connector_id: int) -> None:
        """An input of the dashboard changed: keep it, and plan again when smart charging is on."""
        charger = station.charger
        charger.notify(connector_id)
        self._host.save()
        if charger.connector(connector_id).plan_settings.enabled:
            await self._async_plan_from_settings(station, connector_id)

    async def async_replan(self, station: Station, connector_id: int) -> None:
        """Plan a connector again from its inputs when smart charging is on (errors are logged)."""
        connector = station.charger.connector(connector_id)
        if not connector.plan_settings.enabled or station.session is None:
            return
        try:
            await self._async_plan_from_settings(station, connector_id)
        except HomeAssistantError as err:
            _LOGGER.warning(
                "%s: smart charging could not plan connector %s: %s", station.id, connector_id, err
            )

    async def _async_plan_from_settings(self, station: Station, connector_id: int) -> None:
        connector = station.charger.connector(connector_id)
        settings = connector.plan_settings
        delivered = connector.transaction.energy_kwh if connector.transaction else 0.0
        energy = settings.energy_kwh - delivered
        if energy <= 0:
            if connector.plan is not None:
                await self._plans.async_clear(station, connector_id)
            return
        await self._plans.async_plan(
            station, connector_id, energy_kwh=energy, ready_by=settings.ready_by
        )

    def _follow_prices(self, station: Station, connector_id: int) -> None:
        key = (station.id, connector_id)
        if key in self._price_listeners:
            return
        if (entity_id := station.price_entity) is None:
            return

        @callback
        def prices_changed(event: Event[EventStateChangedData]) -> None:
            new_state = event.data["new_state"]
            if new_state is None:
                return
            try:
                local = dt_util.get_default_time_zone()
                slots = prices_from_attributes(new_state.attributes, local)
            except PriceError:
                return
            # Price sensors change state every slot; only new prices are worth a new plan.
            if tuple(slots) != self._plans.prices_used.get(key):
                self._plans.prices_used[key] = tuple(slots)
                self._host.background(
                    self.async_replan(station, connector_id), f"replan {station.id}"
                )

        self._price_listeners[key] = async_track_state_change_event(
            self._hass, entity_id, prices_changed
        )
