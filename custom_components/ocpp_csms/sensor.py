"""Sensors: status, session and meter readings, described by tables."""

from __future__ import annotations

from datetime import datetime

from homeassistant.components.sensor import (
    SensorEntity,
)
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from .core.protocol.wire import map_datetimes
from .entity import OcppEntity, platform_setup, table_builder
from .entity_factory import EntityRequest
from .measurand_sensors import measurand_description
from .sensor_descriptions import (
    CHARGER_SENSORS,
    CHARGING_PLAN,
    CONNECTOR_SENSORS,
    OcppSensorDescription,
)

PARALLEL_UPDATES = 0


class OcppSensor(OcppEntity[str | float | datetime], SensorEntity):
    """A sensor of a charger or connector."""

    entity_description: OcppSensorDescription

    @property
    def native_value(self) -> str | float | datetime | None:
        """The model value."""
        return self.model_value


class ChargingPlanSensor(OcppSensor):
    """When the connector's plan charges next; the whole plan in attributes (not recorded)."""

    _unrecorded_attributes = frozenset(
        {"schedule", "energy_kwh", "estimated_cost", "fully_met", "ready_by"}
    )
    _cancel_refresh: CALLBACK_TYPE | None = None

    @property
    def extra_state_attributes(self) -> dict[str, object] | None:
        """The schedule the charger received and what it achieves."""
        if (plan := self.connector.plan) is None:
            return None
        summary: dict[str, object] = map_datetimes(plan.summary(), datetime.isoformat)
        return summary

    def _state_key(self) -> tuple[object, ...]:
        return (*super()._state_key(), self.connector.plan)

    async def async_added_to_hass(self) -> None:
        """Follow the model and the clock."""
        await super().async_added_to_hass()
        self._refresh_later()
        self.async_on_remove(self._cancel_timer)

    @callback
    def _model_updated(self) -> None:
        super()._model_updated()
        self._refresh_later()

    @callback
    def _refresh_later(self) -> None:
        """Wake up when the next charging window ends: the state moves on to the one after."""
        self._cancel_timer()
        plan = self.connector.plan
        if plan is not None and (when := plan.next_change(dt_util.utcnow())) is not None:
            self._cancel_refresh = async_track_point_in_utc_time(self.hass, self._refresh, when)

    @callback
    def _refresh(self, _now: datetime) -> None:
        self._cancel_refresh = None
        self._model_updated()

    @callback
    def _cancel_timer(self) -> None:
        if self._cancel_refresh is not None:
            self._cancel_refresh()
            self._cancel_refresh = None


_build_tables = table_builder(OcppSensor, CHARGER_SENSORS, CONNECTOR_SENSORS)
_build_plan_sensor = table_builder(ChargingPlanSensor, (), (CHARGING_PLAN,))


def build_sensors(request: EntityRequest) -> list[Entity]:
    """Sensors for a charger, a connector, or newly reported measurands."""
    if not request.measurand_keys:
        return _build_tables(request) + _build_plan_sensor(request)
    charger, connector_id = request.charger, request.connector_id
    meter = charger.connector(connector_id).meter
    return [
        OcppSensor(
            request,
            measurand_description(
                key, meter[key].measurand, meter[key].phase, meter[key].location, meter[key].unit
            ),
        )
        for key in sorted(request.measurand_keys)
    ]


async_setup_entry = platform_setup(build_sensors)
