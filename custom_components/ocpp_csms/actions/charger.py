"""Actions on the charger as a whole: reset, availability, configuration, messages, firmware."""

from __future__ import annotations

from typing import Any

from homeassistant.core import SupportsResponse
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import voluptuous as vol

from ..core.protocol.outgoing import DiagnosticsUpload, FirmwareUpdate, TriggerableMessage
from .fields import (
    OPTIONAL_CONNECTOR,
    RETRIES,
    configuration_value,
    data_value,
    utc_datetime,
)
from .target import OcppAction, Target


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


async def _update_firmware(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    retrieve_date = data.get("retrieve_date") or dt_util.utcnow()
    update = FirmwareUpdate(
        data["location"], retrieve_date, data.get("retries"), data.get("retry_interval")
    )
    return await target.status(lambda s: s.update_firmware(update))


async def _get_diagnostics(target: Target, data: dict[str, Any]) -> dict[str, Any]:
    upload = DiagnosticsUpload(
        data["location"],
        data.get("retries"),
        data.get("retry_interval"),
        data.get("start_time"),
        data.get("stop_time"),
    )
    return await target.data(lambda s: s.get_diagnostics(upload))


CHARGER_ACTIONS: dict[str, OcppAction] = {
    "reset": OcppAction({vol.Optional("type", default="soft"): vol.In(["soft", "hard"])}, _reset),
    "unlock_connector": OcppAction(OPTIONAL_CONNECTOR, _unlock),
    "change_availability": OcppAction(
        {**OPTIONAL_CONNECTOR, vol.Required("type"): vol.In(["operative", "inoperative"])},
        _change_availability,
    ),
    "change_configuration": OcppAction(
        {
            # 1.6 keys have up to 50 characters; 2.0.1 Component.Variable keys can be longer
            vol.Required("key"): vol.All(cv.string, vol.Length(min=1, max=200)),
            vol.Required("value"): configuration_value,
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
            vol.Optional("data"): data_value,
        },
        _data_transfer,
    ),
    "trigger_message": OcppAction(
        {
            vol.Required("requested_message"): vol.In([m.value for m in TriggerableMessage]),
            **OPTIONAL_CONNECTOR,
        },
        _trigger_message,
    ),
    "update_firmware": OcppAction(
        {
            vol.Required("location"): vol.All(cv.string, vol.Length(min=1)),
            vol.Optional("retrieve_date"): utc_datetime,
            **RETRIES,
        },
        _update_firmware,
    ),
    "get_diagnostics": OcppAction(
        {
            vol.Required("location"): vol.All(cv.string, vol.Length(min=1)),
            **RETRIES,
            vol.Optional("start_time"): utc_datetime,
            vol.Optional("stop_time"): utc_datetime,
        },
        _get_diagnostics,
    ),
}
