"""Actions on how much a charger may draw: charging profiles, schedules and price plans."""

from __future__ import annotations

from typing import Any

from homeassistant.core import SupportsResponse
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from ..core.protocol.outgoing import ProfileFilter
from ..core.smart_charging.profile import (
    ChargingProfile,
    ProfilePurpose,
    RateUnit,
    schedule_as_dict,
)
from ..errors import invalid
from ..plans import DEFAULT_MIN_CURRENT
from .fields import (
    ATTR_CHARGING_PROFILE,
    ATTR_LIMIT,
    ATTR_UNIT,
    CURRENT,
    INT_ID,
    OPTIONAL_CONNECTOR,
    PROFILE_SCHEMA,
    ready_by,
)
from .target import OcppAction, Target


async def _set_charging_profile(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    connector_id = target.connector_id(data, allow_zero=True, default=0)
    profile: ChargingProfile | None = data.get(ATTR_CHARGING_PROFILE)
    if (profile is None) == (ATTR_LIMIT not in data):
        raise invalid("profile_or_limit", cp_id=target.cp_id)
    if profile is None:
        status = await target.station.set_current_limit(
            connector_id, data[ATTR_LIMIT], data[ATTR_UNIT]
        )
    else:
        status = await target.station.set_charging_profile(connector_id, profile)
    return {"status": status}


async def _clear_charging_profile(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    connector_id = target.optional_connector_id(data)
    which = ProfileFilter(
        data.get("id"), connector_id, data.get("purpose"), data.get("stack_level")
    )
    return await target.status(lambda s: s.clear_charging_profile(which))


async def _get_composite_schedule(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    connector_id = target.connector_id(data, allow_zero=True, default=0)
    result = await target.station.command(
        lambda s: s.get_composite_schedule(connector_id, data["duration"], data.get(ATTR_UNIT))
    )
    schedule = result.schedule
    return {
        "status": result.status,
        "connector_id": result.connector_id,
        "schedule_start": result.schedule_start,
        "charging_schedule": None if schedule is None else schedule_as_dict(schedule),
    }


async def _plan_charging(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    connector_id = target.connector_id(data)
    if "prices" in data and "price_entity" in data:
        raise invalid("one_price_source")
    plan = await target.central.plans.async_plan(
        target.station,
        connector_id,
        energy_kwh=data["energy_kwh"],
        ready_by=data["ready_by"],
        price_entity=data.get("price_entity"),
        prices=data.get("prices"),
        max_current=data.get("max_current"),
        min_current=data["min_current"],
        phases=data.get("phases"),
        voltage=data.get("voltage"),
    )
    return plan.summary()


async def _clear_charging_plan(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    connector_id = target.connector_id(data)
    return {"status": await target.central.plans.async_clear(target.station, connector_id)}


CHARGING_ACTIONS: dict[str, OcppAction] = {
    "set_charging_profile": OcppAction(
        {
            **OPTIONAL_CONNECTOR,
            vol.Optional(ATTR_CHARGING_PROFILE): PROFILE_SCHEMA,
            vol.Optional(ATTR_LIMIT): vol.All(vol.Coerce(float), vol.Range(min=0)),
            vol.Optional(ATTR_UNIT, default=RateUnit.AMPS): vol.Coerce(RateUnit),
        },
        _set_charging_profile,
    ),
    "clear_charging_profile": OcppAction(
        {
            vol.Optional("id"): vol.Coerce(int),
            **OPTIONAL_CONNECTOR,
            vol.Optional("purpose"): vol.Coerce(ProfilePurpose),
            vol.Optional("stack_level"): INT_ID,
        },
        _clear_charging_profile,
    ),
    "get_composite_schedule": OcppAction(
        {
            **OPTIONAL_CONNECTOR,
            vol.Optional("duration", default=86400): vol.All(vol.Coerce(int), vol.Range(min=1)),
            vol.Optional(ATTR_UNIT): vol.Coerce(RateUnit),
        },
        _get_composite_schedule,
        SupportsResponse.ONLY,
    ),
    "plan_charging": OcppAction(
        {
            **OPTIONAL_CONNECTOR,
            # Checked by the planner, which says what is wrong with a translated error.
            vol.Required("energy_kwh"): vol.All(vol.Coerce(float), vol.Range(max=1000)),
            vol.Required("ready_by"): ready_by,
            vol.Optional("price_entity"): cv.entity_id,
            vol.Optional("prices"): vol.Any(list, dict),
            vol.Optional("max_current"): CURRENT,
            vol.Optional("min_current", default=DEFAULT_MIN_CURRENT): vol.All(
                vol.Coerce(float), vol.Range(min=0, max=1000)
            ),
            vol.Optional("phases"): vol.All(vol.Coerce(int), vol.Range(min=1, max=3)),
            vol.Optional("voltage"): vol.All(vol.Coerce(float), vol.Range(min=50, max=1000)),
        },
        _plan_charging,
    ),
    "clear_charging_plan": OcppAction(OPTIONAL_CONNECTOR, _clear_charging_plan),
}
