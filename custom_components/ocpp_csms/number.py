"""Numbers: the current limit of a connector, and the energy smart charging should add."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import UnitOfElectricCurrent, UnitOfEnergy

from .entity import OcppEntity, OcppEntityDescription, platform_setup, table_builder, takes_profiles
from .plans import ChargingPlans
from .station import Station

# No limit of its own: the per-charger call lock already sends one command at a time to a
# charger, and a stalled charger must not hold up the others' controls.
PARALLEL_UPDATES = 0

MAX_PLAN_ENERGY_KWH = 200.0


@dataclass(frozen=True, kw_only=True)
class OcppNumberDescription(OcppEntityDescription, NumberEntityDescription):
    """A number read from the model; setting it runs ``set_fn``."""

    set_fn: Callable[[ChargingPlans, Station, int, float], Awaitable[object]]
    max_fn: Callable[[Station], float] | None = None
    # With no value set, the top of the range is in force (no limit of ours: the rated current).
    unset_is_max: bool = False


async def _set_plan_energy(
    plans: ChargingPlans, station: Station, connector_id: int, value: float
) -> None:
    station.charger.connector(connector_id).plan_settings.energy_kwh = value
    await plans.dashboard.async_settings_changed(station, connector_id)


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
        exists_fn=takes_profiles,
        set_fn=lambda _plans, station, connector_id, value: station.set_current_limit(
            connector_id, value
        ),
        max_fn=lambda station: station.rated_current,
        unset_is_max=True,
    ),
    OcppNumberDescription(
        key="plan_energy",
        translation_key="plan_energy",
        device_class=NumberDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        native_min_value=0,
        native_max_value=MAX_PLAN_ENERGY_KWH,
        native_step=0.5,
        mode=NumberMode.BOX,
        always_available=True,
        value_fn=lambda _charger, connector: connector.plan_settings.energy_kwh,
        exists_fn=takes_profiles,
        set_fn=_set_plan_energy,
    ),
)


class OcppNumber(OcppEntity[float], NumberEntity):
    """A number of a connector."""

    entity_description: OcppNumberDescription

    @property
    def native_value(self) -> float | None:
        """The model value (the top of the range when unset and that is what is in force)."""
        value = self.model_value
        if value is None and self.entity_description.unset_is_max:
            return self.native_max_value
        return value

    @property
    def native_max_value(self) -> float:
        """The upper end: from the charger's settings, or fixed."""
        if (max_fn := self.entity_description.max_fn) is not None:
            return max_fn(self.station)
        return super().native_max_value

    async def async_set_native_value(self, value: float) -> None:
        """Apply the value; the model keeps it once it took effect."""
        set_value = self.entity_description.set_fn
        await set_value(self.plans, self.station, self.connector_id, value)


async_setup_entry = platform_setup(table_builder(OcppNumber, (), CONNECTOR_NUMBERS))
