"""Price-aware plans of a central system: made, sent, kept, re-sent, re-planned and dropped.

A plan is made from a price sensor or a list of prices (``plan_charging``, or the dashboard's
smart charging switch), sent as an absolute charging profile, and kept on the connector so that
it survives restarts and goes out again whenever the charger boots. It ends at its deadline or
with the session it was made for. With smart charging on, the connector is planned again from
the dashboard's inputs whenever the price sensor publishes new prices, an input changes or a
plan ends.
"""

from __future__ import annotations

from collections.abc import Coroutine, Iterator
from datetime import datetime, time, timedelta
import logging
from typing import Any, Protocol

from homeassistant.core import (
    CALLBACK_TYPE,
    HomeAssistant,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
)
from homeassistant.util import dt as dt_util

from .core.protocol.outgoing import ProfileFilter
from .core.smart_charging.plan import ChargingPlan, PlanGoal
from .core.smart_charging.prices import (
    PriceError,
    PriceSlot,
    prices_from_attributes,
    prices_from_list,
)
from .core.smart_charging.profile import (
    PLAN_PROFILE_ID,
    Electrical,
    RateUnit,
    pick_unit,
    plan_stack_level,
)
from .dashboard_plans import DashboardPlanning
from .errors import invalid
from .station import Station

_LOGGER = logging.getLogger(__name__)

DEFAULT_MIN_CURRENT = 6.0

type ConnectorKey = tuple[str, int]


class PlanHost(Protocol):
    """What plans need from their central system."""

    hass: HomeAssistant

    def stations(self) -> Iterator[Station]: ...  # noqa: D102
    def known_station(self, cp_id: str) -> Station | None: ...  # noqa: D102
    def save(self, delay: float = ...) -> None: ...  # noqa: D102
    def background(self, coro: Coroutine[Any, Any, Any], name: str) -> None: ...  # noqa: D102


class ChargingPlans:
    """The plans of one central system's connectors."""

    def __init__(self, central: PlanHost) -> None:
        """Bind to the central system; nothing runs until :meth:`async_start`."""
        self._central = central
        self._deadlines: dict[ConnectorKey, CALLBACK_TYPE] = {}
        # The prices each connector's plan was made from (new prices are worth a new plan).
        self.prices_used: dict[ConnectorKey, tuple[PriceSlot, ...]] = {}
        self.dashboard = DashboardPlanning(central.hass, self, central)

    @property
    def _hass(self) -> HomeAssistant:
        return self._central.hass

    @callback
    def async_start(self) -> None:
        """Follow the stored plans' deadlines and the enabled connectors' price sensors."""
        for station in self._central.stations():
            for connector in station.charger.connectors.values():
                if connector.plan is not None:
                    self._follow_deadline(station, connector.id, connector.plan)
        self.dashboard.async_price_sensors_changed()

    @callback
    def async_stop(self) -> None:
        """Stop every timer and listener."""
        for unsubscribe in self._deadlines.values():
            unsubscribe()
        self._deadlines.clear()
        self.dashboard.async_stop()

    @callback
    def async_forget(self, cp_id: str) -> None:
        """A charger was removed: stop its deadlines and price listeners."""
        for key in [key for key in self._deadlines if key[0] == cp_id]:
            self._deadlines.pop(key)()
        for key in [key for key in self.prices_used if key[0] == cp_id]:
            del self.prices_used[key]
        self.dashboard.async_forget(cp_id)

    # Making and clearing plans

    async def async_plan(
        self,
        station: Station,
        connector_id: int,
        *,
        energy_kwh: float,
        ready_by: datetime | time,
        price_entity: str | None = None,
        prices: object = None,
        max_current: float | None = None,
        min_current: float = DEFAULT_MIN_CURRENT,
        phases: int | None = None,
        voltage: float | None = None,
    ) -> ChargingPlan:
        """Plan a connector, send the plan to the charger and keep it once it is accepted."""
        if not energy_kwh > 0:  # also NaN
            raise invalid("energy_not_positive", energy=str(energy_kwh))
        cp_id, charger = station.id, station.charger
        capabilities = charger.capabilities
        if capabilities.feature_profiles is not None and not capabilities.smart_charging:
            raise invalid("smart_charging_unsupported", cp_id=cp_id)
        connector = charger.connector(connector_id)
        now = dt_util.utcnow()
        deadline = _deadline(ready_by, now)
        if deadline <= now:
            raise invalid("ready_by_passed", ready_by=deadline.isoformat())
        if prices is None:
            price_entity = price_entity or station.price_entity
        wiring = station.electrical
        goal = PlanGoal(
            energy_kwh=energy_kwh,
            ready_by=deadline,
            max_current=_plan_current(max_current, connector.current_limit, station.rated_current),
            min_current=min_current,
            electrical=Electrical(phases or wiring.phases, voltage or wiring.voltage),
            unit=pick_unit(capabilities.rate_units, RateUnit.AMPS),
            max_periods=capabilities.max_periods,
            price_entity=None if prices is not None else price_entity,
        )
        slots = self._slots(goal.price_entity, prices)
        try:
            plan = ChargingPlan.make(goal, slots, now)
        except ValueError as err:
            raise invalid("cannot_plan", cp_id=cp_id, detail=str(err)) from err
        if connector.current_limit is None:
            # After the plan the charger falls back to this limit, not to "no limit".
            await station.set_current_limit(connector_id, goal.max_current)
        await self._async_send(station, connector_id, plan)
        self.prices_used[(cp_id, connector_id)] = tuple(slots)
        self._keep(station, connector_id, plan)
        return plan

    async def async_clear(self, station: Station, connector_id: int) -> str:
        """Remove a connector's plan from the charger and forget it."""
        status = await self._async_remove_profile(station, connector_id)
        self._keep(station, connector_id, None)
        return status

    async def _async_remove_profile(self, station: Station, connector_id: int) -> str:
        which = ProfileFilter(profile_id=PLAN_PROFILE_ID + connector_id, connector_id=connector_id)
        return await station.command(lambda session: session.clear_charging_profile(which))

    async def async_resend(self, station: Station) -> None:
        """Send a booted charger its connectors' plans again; plan enabled connectors anew."""
        for connector_id, connector in list(station.charger.connectors.items()):
            if connector.plan is not None:
                try:
                    await self._async_send(station, connector_id, connector.plan)
                except HomeAssistantError as err:
                    _LOGGER.warning("%s: could not send the plan again: %s", station.id, err)
            elif connector.plan_settings.enabled:
                await self.dashboard.async_replan(station, connector_id)

    async def _async_send(self, station: Station, connector_id: int, plan: ChargingPlan) -> None:
        charger = station.charger
        transaction = charger.connector(connector_id).transaction
        profile = plan.profile(
            connector_id,
            plan_stack_level(charger.capabilities.max_stack_level),
            None if transaction is None else transaction.id,
        )
        await station.set_charging_profile(connector_id, profile)

    def _slots(self, price_entity: str | None, prices: object) -> list[PriceSlot]:
        local = dt_util.get_default_time_zone()
        source = "prices" if prices is not None else price_entity
        try:
            if prices is not None:
                return prices_from_list(prices, local)
            if price_entity is None:
                raise invalid("no_price_source")
            if (state := self._hass.states.get(price_entity)) is None:
                raise invalid("price_entity_not_found", entity_id=price_entity)
            return prices_from_attributes(state.attributes, local)
        except PriceError as err:
            raise invalid(f"price_{err.key}", source=str(source), detail=err.detail) from err

    def _keep(self, station: Station, connector_id: int, plan: ChargingPlan | None) -> None:
        key = (station.id, connector_id)
        if (cancel := self._deadlines.pop(key, None)) is not None:
            cancel()
        if self._central.known_station(station.id) is not station:
            return  # the charger was removed meanwhile
        charger = station.charger
        charger.connector(connector_id).plan = plan
        if plan is not None:
            self._follow_deadline(station, connector_id, plan)
        else:
            self.prices_used.pop(key, None)
        charger.notify(connector_id)
        self._central.save()

    # Ends of plans

    def session_ended(self, station: Station, connector_id: int) -> None:
        """The session a plan was for is over: drop the plan (the next one is planned anew)."""
        if station.charger.connector(connector_id).plan is not None:
            self._end(station, connector_id, "the session ended")

    def _follow_deadline(self, station: Station, connector_id: int, plan: ChargingPlan) -> None:
        key = (station.id, connector_id)

        @callback
        def deadline_passed(_now: datetime) -> None:
            self._deadlines.pop(key, None)
            self._end(station, connector_id, "its deadline passed")

        self._deadlines[key] = async_track_point_in_utc_time(
            self._hass, deadline_passed, plan.goal.ready_by
        )

    def _end(self, station: Station, connector_id: int, why: str) -> None:
        _LOGGER.info("%s: the plan of connector %s ended: %s", station.id, connector_id, why)
        self._keep(station, connector_id, None)
        self._central.background(
            self._async_tidy_up(station, connector_id), f"end plan {station.id}"
        )

    async def _async_tidy_up(self, station: Station, connector_id: int) -> None:
        """Remove an ended plan's profile from the charger; plan again if smart charging is on."""
        if station.session is not None:
            try:
                await self._async_remove_profile(station, connector_id)
            except HomeAssistantError as err:
                _LOGGER.debug("%s: could not remove the ended plan: %s", station.id, err)
        await self.dashboard.async_replan(station, connector_id)


def _deadline(ready_by: datetime | time, now: datetime) -> datetime:
    """A deadline in UTC; a time of day is its next occurrence in Home Assistant's time zone."""
    if isinstance(ready_by, datetime):
        return dt_util.as_utc(ready_by)
    local_now = dt_util.as_local(now)
    candidate = datetime.combine(local_now.date(), ready_by, tzinfo=local_now.tzinfo)
    if candidate <= local_now:
        candidate = datetime.combine(
            local_now.date() + timedelta(days=1), ready_by, tzinfo=local_now.tzinfo
        )
    return dt_util.as_utc(candidate)


def _plan_current(asked: float | None, current_limit: float | None, rated: float) -> float:
    """The highest current a plan may use: as asked, never above the connector's limit."""
    candidates = [float(a) for a in (asked, current_limit) if a is not None]
    return min(candidates) if candidates else rated
