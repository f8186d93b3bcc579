"""Times: when smart charging must have added the energy (the plan's deadline)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from homeassistant.components.time import TimeEntity, TimeEntityDescription

from .entity import OcppEntity, OcppEntityDescription, platform_setup, table_builder, takes_profiles

# No limit of its own: the per-charger call lock already sends one command at a time to a
# charger, and a stalled charger must not hold up the others' controls.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class OcppTimeDescription(OcppEntityDescription, TimeEntityDescription):
    """A time of day read from the model."""


CONNECTOR_TIMES: tuple[OcppTimeDescription, ...] = (
    OcppTimeDescription(
        key="plan_ready_by",
        translation_key="plan_ready_by",
        always_available=True,
        value_fn=lambda _charger, connector: connector.plan_settings.ready_by,
        exists_fn=takes_profiles,
    ),
)


class OcppTime(OcppEntity[time], TimeEntity):
    """The ready-by time of a connector's smart charging."""

    entity_description: OcppTimeDescription

    @property
    def native_value(self) -> time | None:
        """The model value."""
        return self.model_value

    async def async_set_value(self, value: time) -> None:
        """Keep the new deadline; smart charging plans again when it is on."""
        self.connector.plan_settings.ready_by = value
        await self.plans.dashboard.async_settings_changed(self.station, self.connector_id)


async_setup_entry = platform_setup(table_builder(OcppTime, (), CONNECTOR_TIMES))
