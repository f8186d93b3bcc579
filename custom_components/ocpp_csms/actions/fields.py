"""The fields actions take, validated and turned into what the commands need."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
import json
from typing import Any

from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import voluptuous as vol

from ..core.protocol.incoming import AuthStatus
from ..core.protocol.ocpp_library import snake_case_keys
from ..core.protocol.outgoing import LocalListEntry
from ..core.smart_charging.profile import (
    ProfileKind,
    ProfilePurpose,
    RateUnit,
    RecurrencyKind,
    profile_from_dict,
)

ATTR_CONNECTOR_ID = "connector_id"
ATTR_TRANSACTION_ID = "transaction_id"
ATTR_ID_TAG = "id_tag"
ATTR_CHARGING_PROFILE = "charging_profile"
ATTR_LIMIT = "limit"
ATTR_UNIT = "unit"
ATTR_RESERVATION_ID = "reservation_id"

INT_ID = vol.All(vol.Coerce(int), vol.Range(min=0))
CONNECTOR = vol.All(vol.Coerce(int), vol.Range(min=0))
SECONDS = vol.All(vol.Coerce(int), vol.Range(min=0))
ID_TAG = vol.All(cv.string, vol.Length(min=1, max=20))


def utc_datetime(value: Any) -> datetime:
    """A date and time; without a zone it is Home Assistant's local time."""
    return dt_util.as_utc(cv.datetime(value))


def ready_by(value: Any) -> datetime | time:
    """A deadline: a date and time, or a time of day (its next occurrence)."""
    if isinstance(value, time | datetime):
        return value
    try:
        return cv.time(value)
    except vol.Invalid:
        return utc_datetime(value)


def snake_keys(value: Any) -> Any:
    """Accept OCPP objects written in camelCase too."""
    if not isinstance(value, Mapping):
        raise vol.Invalid("expected an object")
    return snake_case_keys(dict(value))


PERIOD = vol.Schema(
    {
        vol.Required("start_period"): SECONDS,
        vol.Required("limit"): vol.All(vol.Coerce(float), vol.Range(min=0)),
        vol.Optional("number_phases"): vol.All(vol.Coerce(int), vol.Range(min=1, max=3)),
    }
)
SCHEDULE = vol.Schema(
    {
        vol.Optional("duration"): SECONDS,
        vol.Optional("start_schedule"): utc_datetime,
        vol.Required("charging_rate_unit"): vol.Coerce(RateUnit),
        vol.Required("charging_schedule_period"): vol.All(
            cv.ensure_list, vol.Length(min=1), [PERIOD]
        ),
        vol.Optional("min_charging_rate"): vol.All(vol.Coerce(float), vol.Range(min=0)),
    }
)
PROFILE_SCHEMA = vol.All(
    snake_keys,
    vol.Schema(
        {
            vol.Required("charging_profile_id"): INT_ID,
            vol.Optional("transaction_id"): vol.All(cv.string, vol.Length(min=1, max=36)),
            vol.Required("stack_level"): INT_ID,
            vol.Required("charging_profile_purpose"): vol.Coerce(ProfilePurpose),
            vol.Required("charging_profile_kind"): vol.Coerce(ProfileKind),
            vol.Optional("recurrency_kind"): vol.Coerce(RecurrencyKind),
            vol.Optional("valid_from"): utc_datetime,
            vol.Optional("valid_to"): utc_datetime,
            vol.Required("charging_schedule"): SCHEDULE,
        }
    ),
    profile_from_dict,
)


def local_list_entry(value: Any) -> LocalListEntry:
    """An id tag (accepted) or an OCPP AuthorizationData object."""
    if isinstance(value, str):
        return LocalListEntry(id_tag=value, status=AuthStatus.ACCEPTED)
    data = LOCAL_LIST_ENTRY(value)
    info = data.get("id_tag_info")
    if info is None:
        return LocalListEntry(id_tag=data["id_tag"])
    return LocalListEntry(
        id_tag=data["id_tag"],
        status=info["status"],
        expiry_date=info.get("expiry_date"),
        parent_id_tag=info.get("parent_id_tag"),
    )


LOCAL_LIST_ENTRY = vol.All(
    snake_keys,
    vol.Schema(
        {
            vol.Required("id_tag"): ID_TAG,
            vol.Optional("id_tag_info"): {
                vol.Required("status"): vol.Coerce(AuthStatus),
                vol.Optional("expiry_date"): utc_datetime,
                vol.Optional("parent_id_tag"): ID_TAG,
            },
        }
    ),
)


def configuration_value(value: Any) -> str:
    """Configuration values are strings on the wire; booleans as OCPP writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return cv.string(value)


def data_value(value: Any) -> str:
    """DataTransfer data is a string; objects are sent as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


CURRENT = vol.All(vol.Coerce(float), vol.Range(min=0, min_included=False, max=1000))
OPTIONAL_CONNECTOR: dict[vol.Marker, Any] = {vol.Optional(ATTR_CONNECTOR_ID): CONNECTOR}
RETRIES: dict[vol.Marker, Any] = {
    vol.Optional("retries"): vol.All(vol.Coerce(int), vol.Range(min=0)),
    vol.Optional("retry_interval"): SECONDS,
}
