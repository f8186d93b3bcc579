"""OCPP 1.6 on the wire and in the model: readings, profiles, local lists, configuration."""

from __future__ import annotations

from typing import Any

from ...smart_charging.profile import (
    ChargingProfile,
    ChargingSchedule,
    RateUnit,
    profile_as_dict,
    schedule_from_dict,
)
from ...transaction import MeterSample
from ..errors import InvalidRequestError
from ..meter import parse_meter_values
from ..outgoing import LocalListEntry
from ..wire import (
    datetime_or_none,
    format_timestamp,
    split_list,
    to_wire,
)


def read_value(sampled: dict[str, Any]) -> tuple[str, str | None] | None:
    """A 1.6 sampled value's text and unit; signed data is not a reading."""
    if sampled.get("format") == "SignedData":
        return None
    return sampled.get("value", ""), sampled.get("unit")


def samples_of(meter_values: list[dict[str, Any]]) -> list[MeterSample]:
    """1.6 MeterValue objects (already snake_cased) as samples."""
    return parse_meter_values(meter_values, read_value)


# Messages naming a connector, and the lowest id each may name (0 is the charger itself).
CONNECTOR_FLOOR = {"StatusNotification": 0, "MeterValues": 0, "StartTransaction": 1}


def profile_to_wire(profile: ChargingProfile) -> dict[str, Any]:
    """A 1.6 ChargingProfile; its transaction id must be a number."""
    data = profile_as_dict(profile)
    if "transaction_id" in data:
        try:
            data["transaction_id"] = int(data["transaction_id"])
        except ValueError as err:
            raise InvalidRequestError(
                f"transaction id {profile.transaction_id!r} is not a number"
            ) from err
    return to_wire(data)


def schedule_from_wire(data: dict[str, Any]) -> ChargingSchedule:
    """A ChargingSchedule from a charger's answer (already snake_cased and schema-checked)."""
    start = data.get("start_schedule")
    return schedule_from_dict({**data, "start_schedule": datetime_or_none(start)})


def local_list_entry_to_wire(entry: LocalListEntry) -> dict[str, Any]:
    """A 1.6 AuthorizationData: the id tag, and its IdTagInfo unless it is to be removed."""
    if entry.status is None:
        return {"id_tag": entry.id_tag}
    info: dict[str, Any] = {"status": entry.status.value}
    if entry.expiry_date is not None:
        info["expiry_date"] = format_timestamp(entry.expiry_date)
    if entry.parent_id_tag is not None:
        info["parent_id_tag"] = entry.parent_id_tag
    return {"id_tag": entry.id_tag, "id_tag_info": info}


def csl_set(value: str | None) -> frozenset[str] | None:
    """A comma-separated configuration value as a set (None when the key is unknown)."""
    items = split_list(value)
    return None if items is None else frozenset(items)


def rate_units_from(value: str | None) -> frozenset[RateUnit] | None:
    """ChargingScheduleAllowedChargingRateUnit as the units the charger takes."""
    items = split_list(value)
    if items is None:
        return None
    names = {"Current": RateUnit.AMPS, "Power": RateUnit.WATTS}
    return frozenset(names[item] for item in items if item in names)
