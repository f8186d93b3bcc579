"""Actions: every command OCPP 1.6 lets a central system send, aimed at one charger.

Each action is a row of :data:`ACTIONS`, grouped by what it acts on (``charger.py``,
``sessions.py``, ``charging.py``): its fields and a coroutine that turns the validated call
into one version-neutral command. Targeting, connector checks, error translation and the
``{"status": ...}`` response are shared by all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from ..const import DOMAIN
from ..core.protocol.wire import map_datetimes
from .charger import CHARGER_ACTIONS
from .charging import CHARGING_ACTIONS
from .sessions import SESSION_ACTIONS
from .target import OcppAction, resolve_target

ACTIONS: dict[str, OcppAction] = {**SESSION_ACTIONS, **CHARGER_ACTIONS, **CHARGING_ACTIONS}


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
        target = resolve_target(call.hass, call.data[ATTR_DEVICE_ID])
        result = await action.run(target, dict(call.data))
        # Service responses are JSON: datetimes become ISO 8601 strings.
        return map_datetimes(result, datetime.isoformat) if call.return_response else None

    return handle
