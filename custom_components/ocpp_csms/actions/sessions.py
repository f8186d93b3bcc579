"""Actions on who charges and when: remote start and stop, reservations, the local list."""

from __future__ import annotations

from typing import Any

from homeassistant.core import SupportsResponse
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from ..const import REMOTE_ID_TAG
from ..core.protocol.outgoing import Reservation
from ..core.protocol.wire import new_id
from ..core.smart_charging.profile import (
    ChargingProfile,
    ProfilePurpose,
)
from ..errors import invalid
from .fields import (
    ATTR_CHARGING_PROFILE,
    ATTR_ID_TAG,
    ATTR_RESERVATION_ID,
    ATTR_TRANSACTION_ID,
    ID_TAG,
    OPTIONAL_CONNECTOR,
    PROFILE_SCHEMA,
    local_list_entry,
    utc_datetime,
)
from .target import OcppAction, Target


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


async def _reserve_now(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    connector_id = target.connector_id(data, allow_zero=True)
    reservation_id = data.get(ATTR_RESERVATION_ID)
    if reservation_id is None:
        reservation_id = new_id()
    reservation = Reservation(
        reservation_id,
        connector_id,
        data["expiry_date"],
        data[ATTR_ID_TAG],
        data.get("parent_id_tag"),
    )
    result = await target.status(lambda s: s.reserve_now(reservation))
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


SESSION_ACTIONS: dict[str, OcppAction] = {
    "remote_start": OcppAction(
        {
            **OPTIONAL_CONNECTOR,
            vol.Optional(ATTR_ID_TAG): ID_TAG,
            vol.Optional(ATTR_CHARGING_PROFILE): PROFILE_SCHEMA,
        },
        _remote_start,
    ),
    "remote_stop": OcppAction(
        {
            **OPTIONAL_CONNECTOR,
            # 1.6 numbers transactions; 2.0.1 stations name them (up to 36 characters)
            vol.Optional(ATTR_TRANSACTION_ID): vol.All(cv.string, vol.Length(min=1, max=36)),
        },
        _remote_stop,
    ),
    "reserve_now": OcppAction(
        {
            **OPTIONAL_CONNECTOR,
            vol.Required("expiry_date"): utc_datetime,
            vol.Required(ATTR_ID_TAG): ID_TAG,
            vol.Optional(ATTR_RESERVATION_ID): vol.Coerce(int),
            vol.Optional("parent_id_tag"): ID_TAG,
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
                cv.ensure_list, [local_list_entry]
            ),
        },
        _send_local_list,
    ),
    "get_local_list_version": OcppAction({}, _get_local_list_version, SupportsResponse.ONLY),
}
