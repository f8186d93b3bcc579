"""Actions: every command OCPP 1.6 lets a central system send, aimed at one charger.

Each action is a row of :data:`ACTIONS`: its fields and a coroutine that turns the validated
call into one version-neutral command. Targeting, connector checks, error translation and the
``{"status": ...}`` response are shared by all of them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import datetime, time
import json
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .central import CentralSystem, OcppConfigEntry
from .const import DOMAIN, REMOTE_ID_TAG
from .core.model import Charger
from .core.protocol.interface import AuthStatus, LocalListEntry, TriggerableMessage
from .core.protocol.ocpp_library import snake_case_keys
from .core.protocol.wire import map_datetimes, new_id
from .core.smart_charging.profile import (
    ChargingProfile,
    ProfileKind,
    ProfilePurpose,
    RateUnit,
    RecurrencyKind,
    profile_from_dict,
    schedule_as_dict,
)
from .errors import invalid
from .identifiers import device_scope
from .plans import DEFAULT_MIN_CURRENT
from .station import Station

ATTR_CONNECTOR_ID = "connector_id"
ATTR_TRANSACTION_ID = "transaction_id"
ATTR_ID_TAG = "id_tag"
ATTR_CHARGING_PROFILE = "charging_profile"
ATTR_LIMIT = "limit"
ATTR_UNIT = "unit"
ATTR_RESERVATION_ID = "reservation_id"

_INT_ID = vol.All(vol.Coerce(int), vol.Range(min=0))
_CONNECTOR = vol.All(vol.Coerce(int), vol.Range(min=0))
_SECONDS = vol.All(vol.Coerce(int), vol.Range(min=0))
_ID_TAG = vol.All(cv.string, vol.Length(min=1, max=20))


def _utc_datetime(value: Any) -> datetime:
    """A date and time; without a zone it is Home Assistant's local time."""
    return dt_util.as_utc(cv.datetime(value))


def _ready_by(value: Any) -> datetime | time:
    """A deadline: a date and time, or a time of day (its next occurrence)."""
    if isinstance(value, time | datetime):
        return value
    try:
        return cv.time(value)
    except vol.Invalid:
        return _utc_datetime(value)


def _snake_keys(value: Any) -> Any:
    """Accept OCPP objects written in camelCase too."""
    if not isinstance(value, Mapping):
        raise vol.Invalid("expected an object")
    return snake_case_keys(dict(value))


_PERIOD = vol.Schema(
    {
        vol.Required("start_period"): _SECONDS,
        vol.Required("limit"): vol.All(vol.Coerce(float), vol.Range(min=0)),
        vol.Optional("number_phases"): vol.All(vol.Coerce(int), vol.Range(min=1, max=3)),
    }
)
_SCHEDULE = vol.Schema(
    {
        vol.Optional("duration"): _SECONDS,
        vol.Optional("start_schedule"): _utc_datetime,
        vol.Required("charging_rate_unit"): vol.Coerce(RateUnit),
        vol.Required("charging_schedule_period"): vol.All(
            cv.ensure_list, vol.Length(min=1), [_PERIOD]
        ),
        vol.Optional("min_charging_rate"): vol.All(vol.Coerce(float), vol.Range(min=0)),
    }
)
PROFILE_SCHEMA = vol.All(
    _snake_keys,
    vol.Schema(
        {
            vol.Required("charging_profile_id"): _INT_ID,
            vol.Optional("transaction_id"): vol.All(cv.string, vol.Length(min=1, max=36)),
            vol.Required("stack_level"): _INT_ID,
            vol.Required("charging_profile_purpose"): vol.Coerce(ProfilePurpose),
            vol.Required("charging_profile_kind"): vol.Coerce(ProfileKind),
            vol.Optional("recurrency_kind"): vol.Coerce(RecurrencyKind),
            vol.Optional("valid_from"): _utc_datetime,
            vol.Optional("valid_to"): _utc_datetime,
            vol.Required("charging_schedule"): _SCHEDULE,
        }
    ),
    profile_from_dict,
)


def _local_list_entry(value: Any) -> LocalListEntry:
    """An id tag (accepted) or an OCPP AuthorizationData object."""
    if isinstance(value, str):
        return LocalListEntry(id_tag=value, status=AuthStatus.ACCEPTED)
    data = _LOCAL_LIST_ENTRY(value)
    info = data.get("id_tag_info")
    if info is None:
        return LocalListEntry(id_tag=data["id_tag"])
    return LocalListEntry(
        id_tag=data["id_tag"],
        status=info["status"],
        expiry_date=info.get("expiry_date"),
        parent_id_tag=info.get("parent_id_tag"),
    )


_LOCAL_LIST_ENTRY = vol.All(
    _snake_keys,
    vol.Schema(
        {
            vol.Required("id_tag"): _ID_TAG,
            vol.Optional("id_tag_info"): {
                vol.Required("status"): vol.Coerce(AuthStatus),
                vol.Optional("expiry_date"): _utc_datetime,
                vol.Optional("parent_id_tag"): _ID_TAG,
            },
        }
    ),
)


def _configuration_value(value: Any) -> str:
    """Configuration values are strings on the wire; booleans as OCPP writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return cv.string(value)


def _data_value(value: Any) -> str:
    """DataTransfer data is a string; objects are sent as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


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

    async def status(self, command: Callable[[Any], Awaitable[str]]) -> dict[str, Any]:
        """Run a command that answers with a status."""
        return {"status": await self.station.command(command)}

    async def data(self, command: Callable[[Any], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
        """Run a command that answers with data."""
        return await self.station.command(command)


type ActionRunner = Callable[[Target, dict[str, Any]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class OcppAction:
    """One action: its fields, what it does, whether it answers with data."""

    fields: dict[vol.Marker, Any]
    run: ActionRunner
    response: SupportsResponse = SupportsResponse.OPTIONAL


async def _remote_start(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    connector_id = target.connector_id(data)
    profile: ChargingProfile | None = data.get(ATTR_CHARGING_PROFILE)
    if profile is not None and profile.purpose != ProfilePurpose.TX:
        raise invalid("tx_profile_required", cp_id=target.cp_id)
    if profile is not None:
        profile = target.station.fit_profile(profile)
    id_tag = data.get(ATTR_ID_TAG, REMOTE_ID_TAG)
    status = await target.station.remote_start(connector_id, id_tag, profile)
    return {"status": status}


async def _remote_stop(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    transaction_id = data.get(ATTR_TRANSACTION_ID)
    if transaction_id is None:
        connector_id = target.connector_id(data)
        transaction = target.charger.connector(connector_id).transaction
        if transaction is None:
            raise invalid("no_session", connector_id=str(connector_id))
        transaction_id = transaction.id
    return await target.status(lambda s: s.remote_stop(transaction_id))


async def _reset(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    hard = data["type"] == "hard"
    return await target.status(lambda s: s.reset(hard=hard))


async def _unlock(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    connector_id = target.connector_id(data)
    return await target.status(lambda s: s.unlock(connector_id))


async def _change_availability(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    connector_id = target.connector_id(data, allow_zero=True, default=0)
    operative = data["type"] == "operative"
    return await target.status(lambda s: s.change_availability(connector_id, operative=operative))


async def _change_configuration(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    return await target.status(lambda s: s.change_configuration(data["key"], data["value"]))


async def _get_configuration(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    keys = data.get("keys")
    return await target.data(lambda s: s.get_configuration(keys))


async def _clear_cache(target: Target, _data: dict[str, Any]) -> dict[str, Any]:
    return await target.status(lambda s: s.clear_cache())


async def _data_transfer(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    return await target.data(
        lambda s: s.data_transfer(data["vendor_id"], data.get("message_id"), data.get("data"))
    )


async def _trigger_message(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    connector_id = target.optional_connector_id(data)
    message = TriggerableMessage(data["requested_message"])
    return await target.status(lambda s: s.trigger_message(message, connector_id))


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
    return await target.status(
        lambda s: s.clear_charging_profile(
            profile_id=data.get("id"),
            connector_id=connector_id,
            purpose=data.get("purpose"),
            stack_level=data.get("stack_level"),
        )
    )


async def _get_composite_schedule(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    connector_id = target.connector_id(data, allow_zero=True, default=0)
    result = await target.data(
        lambda s: s.get_composite_schedule(connector_id, data["duration"], data.get(ATTR_UNIT))
    )
    schedule = result.pop("schedule")
    result["charging_schedule"] = None if schedule is None else schedule_as_dict(schedule)
    return result


async def _update_firmware(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    retrieve_date = data.get("retrieve_date") or dt_util.utcnow()
    return await target.status(
        lambda s: s.update_firmware(
            data["location"],
            retrieve_date,
            retries=data.get("retries"),
            retry_interval=data.get("retry_interval"),
        )
    )


async def _get_diagnostics(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    return await target.data(
        lambda s: s.get_diagnostics(
            data["location"],
            retries=data.get("retries"),
            retry_interval=data.get("retry_interval"),
            start_time=data.get("start_time"),
            stop_time=data.get("stop_time"),
        )
    )


async def _reserve_now(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    connector_id = target.connector_id(data, allow_zero=True)
    reservation_id = data.get(ATTR_RESERVATION_ID)
    if reservation_id is None:
        reservation_id = new_id()
    result = await target.status(
        lambda s: s.reserve_now(
            connector_id,
            data["expiry_date"],
            data[ATTR_ID_TAG],
            reservation_id,
            data.get("parent_id_tag"),
        )
    )
    return {**result, ATTR_RESERVATION_ID: reservation_id}


async def _cancel_reservation(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    return await target.status(lambda s: s.cancel_reservation(data[ATTR_RESERVATION_ID]))


async def _send_local_list(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    full = data["update_type"] == "full"
    version, entries = data["list_version"], data["local_authorization_list"]
    return await target.status(lambda s: s.send_local_list(version, entries, full=full))


async def _get_local_list_version(target: Target, _data: dict[str, Any]) -> dict[str, Any]:
    version = await target.station.command(lambda s: s.get_local_list_version())
    return {"list_version": version}


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


_CURRENT = vol.All(vol.Coerce(float), vol.Range(min=0, min_included=False, max=1000))
_OPTIONAL_CONNECTOR: dict[vol.Marker, Any] = {vol.Optional(ATTR_CONNECTOR_ID): _CONNECTOR}
_RETRIES: dict[vol.Marker, Any] = {
    vol.Optional("retries"): vol.All(vol.Coerce(int), vol.Range(min=0)),
    vol.Optional("retry_interval"): _SECONDS,
}

ACTIONS: dict[str, OcppAction] = {
    "remote_start": OcppAction(
        {
            **_OPTIONAL_CONNECTOR,
            vol.Optional(ATTR_ID_TAG): _ID_TAG,
            vol.Optional(ATTR_CHARGING_PROFILE): PROFILE_SCHEMA,
        },
        _remote_start,
    ),
    "remote_stop": OcppAction(
        {
            **_OPTIONAL_CONNECTOR,
            # 1.6 numbers transactions; 2.0.1 stations name them (up to 36 characters)
            vol.Optional(ATTR_TRANSACTION_ID): vol.All(cv.string, vol.Length(min=1, max=36)),
        },
        _remote_stop,
    ),
    "reset": OcppAction({vol.Optional("type", default="soft"): vol.In(["soft", "hard"])}, _reset),
    "unlock_connector": OcppAction(_OPTIONAL_CONNECTOR, _unlock),
    "change_availability": OcppAction(
        {**_OPTIONAL_CONNECTOR, vol.Required("type"): vol.In(["operative", "inoperative"])},
        _change_availability,
    ),
    "change_configuration": OcppAction(
        {
            # 1.6 keys have up to 50 characters; 2.0.1 Component.Variable keys can be longer
            vol.Required("key"): vol.All(cv.string, vol.Length(min=1, max=200)),
            vol.Required("value"): _configuration_value,
        },
        _change_configuration,
    ),
    "get_configuration": OcppAction(
        {vol.Optional("keys"): vol.All(cv.ensure_list, [cv.string])},
        _get_configuration,
        SupportsResponse.ONLY,
    ),
    "clear_cache": OcppAction({}, _clear_cache),
    "data_transfer": OcppAction(
        {
            vol.Required("vendor_id"): vol.All(cv.string, vol.Length(min=1, max=255)),
            vol.Optional("message_id"): vol.All(cv.string, vol.Length(max=50)),
            vol.Optional("data"): _data_value,
        },
        _data_transfer,
    ),
    "trigger_message": OcppAction(
        {
            vol.Required("requested_message"): vol.In([m.value for m in TriggerableMessage]),
            **_OPTIONAL_CONNECTOR,
        },
        _trigger_message,
    ),
    "set_charging_profile": OcppAction(
        {
            **_OPTIONAL_CONNECTOR,
            vol.Optional(ATTR_CHARGING_PROFILE): PROFILE_SCHEMA,
            vol.Optional(ATTR_LIMIT): vol.All(vol.Coerce(float), vol.Range(min=0)),
            vol.Optional(ATTR_UNIT, default=RateUnit.AMPS): vol.Coerce(RateUnit),
        },
        _set_charging_profile,
    ),
    "clear_charging_profile": OcppAction(
        {
            vol.Optional("id"): vol.Coerce(int),
            **_OPTIONAL_CONNECTOR,
            vol.Optional("purpose"): vol.Coerce(ProfilePurpose),
            vol.Optional("stack_level"): _INT_ID,
        },
        _clear_charging_profile,
    ),
    "get_composite_schedule": OcppAction(
        {
            **_OPTIONAL_CONNECTOR,
            vol.Optional("duration", default=86400): vol.All(vol.Coerce(int), vol.Range(min=1)),
            vol.Optional(ATTR_UNIT): vol.Coerce(RateUnit),
        },
        _get_composite_schedule,
        SupportsResponse.ONLY,
    ),
    "update_firmware": OcppAction(
        {
            vol.Required("location"): vol.All(cv.string, vol.Length(min=1)),
            vol.Optional("retrieve_date"): _utc_datetime,
            **_RETRIES,
        },
        _update_firmware,
    ),
    "get_diagnostics": OcppAction(
        {
            vol.Required("location"): vol.All(cv.string, vol.Length(min=1)),
            **_RETRIES,
            vol.Optional("start_time"): _utc_datetime,
            vol.Optional("stop_time"): _utc_datetime,
        },
        _get_diagnostics,
    ),
    "reserve_now": OcppAction(
        {
            **_OPTIONAL_CONNECTOR,
            vol.Required("expiry_date"): _utc_datetime,
            vol.Required(ATTR_ID_TAG): _ID_TAG,
            vol.Optional(ATTR_RESERVATION_ID): vol.Coerce(int),
            vol.Optional("parent_id_tag"): _ID_TAG,
        },
        _reserve_now,
    ),
    "cancel_reservation": OcppAction(
        {vol.Required(ATTR_RESERVATION_ID): vol.Coerce(int)}, _cancel_reservation
    ),
    "send_local_list": OcppAction(
        {
            vol.Required("list_version"): vol.Coerce(int),
            vol.Optional("update_type", default="full"): vol.In(["full", "differential"]),
            vol.Optional("local_authorization_list", default=list): vol.All(
                cv.ensure_list, [_local_list_entry]
            ),
        },
        _send_local_list,
    ),
    "get_local_list_version": OcppAction({}, _get_local_list_version, SupportsResponse.ONLY),
    "plan_charging": OcppAction(
        {
            **_OPTIONAL_CONNECTOR,
            # Checked by the planner, which says what is wrong with a translated error.
            vol.Required("energy_kwh"): vol.All(vol.Coerce(float), vol.Range(max=1000)),
            vol.Required("ready_by"): _ready_by,
            vol.Optional("price_entity"): cv.entity_id,
            vol.Optional("prices"): vol.Any(list, dict),
            vol.Optional("max_current"): _CURRENT,
            vol.Optional("min_current", default=DEFAULT_MIN_CURRENT): vol.All(
                vol.Coerce(float), vol.Range(min=0, max=1000)
            ),
            vol.Optional("phases"): vol.All(vol.Coerce(int), vol.Range(min=1, max=3)),
            vol.Optional("voltage"): vol.All(vol.Coerce(float), vol.Range(min=50, max=1000)),
        },
        _plan_charging,
    ),
    "clear_charging_plan": OcppAction(_OPTIONAL_CONNECTOR, _clear_charging_plan),
}


def async_setup_services(hass: HomeAssistant) -> None:
    """Register every action once, for all central systems."""
    for name, action in ACTIONS.items():
        hass.services.async_register(
            DOMAIN,
            name,
            _handler(action),
            schema=vol.Schema({vol.Required(ATTR_DEVICE_ID): cv.string, **action.fields}),
            supports_response=action.response,
        )


def _handler(action: OcppAction) -> Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]:
    async def handle(call: ServiceCall) -> ServiceResponse:
        target = _resolve_target(call.hass, call.data[ATTR_DEVICE_ID])
        result = await action.run(target, dict(call.data))
        # Service responses are JSON: datetimes become ISO 8601 strings.
        return map_datetimes(result, datetime.isoformat) if call.return_response else None

    return handle


def _resolve_target(hass: HomeAssistant, device_id: str) -> Target:
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
            if domain == DOMAIN and (target := _target_for(central, identifier)) is not None:
                return target
    raise invalid("unknown_device", device_id=device.name or device_id)


def _target_for(central: CentralSystem, identifier: str) -> Target | None:
    cp_id, connector_id = device_scope(identifier)
    if (station := central.known_station(cp_id)) is None:
        return None
    return Target(central, station, connector_id)
