"""The forms of the config flow: what each asks, with which selectors, how answers are checked."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import ssl
from types import MappingProxyType
from typing import Any

from homeassistant.config_entries import (
    ConfigSubentry,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    BooleanSelector,
    EntitySelector,
    EntitySelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .const import (
    AUTH_ACCEPT_ALL,
    AUTH_LISTED_ONLY,
    CONF_ALLOWED_TAGS,
    CONF_AUTH_POLICY,
    CONF_AUTO_ACCEPT,
    CONF_BLOCKED_TAGS,
    CONF_CP_ID,
    CONF_EXPIRED_TAGS,
    CONF_HEARTBEAT_INTERVAL,
    CONF_MAX_CURRENT,
    CONF_MEASURANDS,
    CONF_METER_INTERVAL,
    CONF_OCPP_VERSION,
    CONF_PASSWORD,
    CONF_PHASES,
    CONF_PRICE_ENTITY,
    CONF_REQUIRE_PASSWORD,
    CONF_SSL,
    CONF_SSL_CERTFILE,
    CONF_SSL_KEYFILE,
    CONF_VOLTAGE,
    DEFAULT_HEARTBEAT_INTERVAL,
    DEFAULT_HOST,
    DEFAULT_MAX_CURRENT,
    DEFAULT_PORT,
    OCPP_VERSION_AUTO,
    PINNABLE_VERSIONS,
    SUBENTRY_CHARGER,
)
from .core.measurands import MEASURAND_NAMES, measurand_key
from .core.server import create_ssl_context
from .core.smart_charging.profile import DEFAULT_PHASES, DEFAULT_VOLTAGE

# OCPP 2.0.1 allows up to 40 characters; some 1.6 chargers take longer ones.
MAX_PASSWORD_LENGTH = 64

SERVER_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HOST, default=DEFAULT_HOST): str,
        vol.Required(CONF_PORT, default=DEFAULT_PORT): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=65535)
        ),
        vol.Optional(CONF_SSL, default=False): BooleanSelector(),
        vol.Optional(CONF_SSL_CERTFILE): str,
        vol.Optional(CONF_SSL_KEYFILE): str,
    }
)
USER_SCHEMA = SERVER_SCHEMA.extend(
    {vol.Optional(CONF_AUTO_ACCEPT, default=False): BooleanSelector()}
)
CHARGER_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_MAX_CURRENT, default=DEFAULT_MAX_CURRENT): NumberSelector(
            NumberSelectorConfig(
                min=6, max=80, step=1, unit_of_measurement="A", mode=NumberSelectorMode.BOX
            )
        ),
        vol.Optional(CONF_PHASES, default=DEFAULT_PHASES): vol.All(
            NumberSelector(NumberSelectorConfig(min=1, max=3, step=1, mode=NumberSelectorMode.BOX)),
            vol.Coerce(int),
        ),
        vol.Optional(CONF_VOLTAGE, default=DEFAULT_VOLTAGE): NumberSelector(
            NumberSelectorConfig(
                min=100, max=480, step=1, unit_of_measurement="V", mode=NumberSelectorMode.BOX
            )
        ),
        vol.Optional(CONF_METER_INTERVAL): vol.All(
            NumberSelector(
                NumberSelectorConfig(
                    min=0, max=3600, step=1, unit_of_measurement="s", mode=NumberSelectorMode.BOX
                )
            ),
            vol.Coerce(int),
        ),
        vol.Optional(CONF_MEASURANDS): SelectSelector(
            SelectSelectorConfig(
                options=[measurand_key(name) for name in MEASURAND_NAMES],
                multiple=True,
                translation_key=CONF_MEASURANDS,
            )
        ),
        vol.Optional(CONF_PRICE_ENTITY): EntitySelector(EntitySelectorConfig(domain="sensor")),
        vol.Optional(CONF_PASSWORD): vol.All(
            TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD)),
            vol.Length(max=MAX_PASSWORD_LENGTH),
        ),
        vol.Optional(CONF_OCPP_VERSION, default=OCPP_VERSION_AUTO): SelectSelector(
            SelectSelectorConfig(
                options=[OCPP_VERSION_AUTO, *PINNABLE_VERSIONS],
                translation_key=CONF_OCPP_VERSION,
            )
        ),
    }
)
TAGS = TextSelector(TextSelectorConfig(multiple=True))
OPTIONS_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_AUTO_ACCEPT, default=False): BooleanSelector(),
        vol.Optional(CONF_REQUIRE_PASSWORD, default=False): BooleanSelector(),
        vol.Optional(CONF_AUTH_POLICY, default=AUTH_ACCEPT_ALL): SelectSelector(
            SelectSelectorConfig(
                options=[AUTH_ACCEPT_ALL, AUTH_LISTED_ONLY], translation_key=CONF_AUTH_POLICY
            )
        ),
        vol.Optional(CONF_ALLOWED_TAGS, default=[]): TAGS,
        vol.Optional(CONF_BLOCKED_TAGS, default=[]): TAGS,
        vol.Optional(CONF_EXPIRED_TAGS, default=[]): TAGS,
        vol.Optional(CONF_HEARTBEAT_INTERVAL, default=DEFAULT_HEARTBEAT_INTERVAL): vol.All(
            NumberSelector(
                NumberSelectorConfig(
                    min=10, max=86400, step=1, unit_of_measurement="s", mode=NumberSelectorMode.BOX
                )
            ),
            vol.Coerce(int),
        ),
    }
)


async def async_can_listen(host: str, port: int) -> bool:
    """Whether the central system could listen on this host and port."""
    try:
        server = await asyncio.get_running_loop().create_server(
            asyncio.Protocol, host or None, port
        )
    except OSError:
        return False
    server.close()
    await server.wait_closed()
    return True


async def async_validate_server(
    hass: HomeAssistant, user_input: Mapping[str, Any], *, check_port: bool
) -> dict[str, str]:
    """Errors for the form: TLS files that do not load, a port that cannot be bound."""
    if user_input.get(CONF_SSL):
        if not user_input.get(CONF_SSL_CERTFILE):
            return {CONF_SSL_CERTFILE: "certfile_required"}
        try:
            await hass.async_add_executor_job(
                create_ssl_context,
                user_input[CONF_SSL_CERTFILE],
                user_input.get(CONF_SSL_KEYFILE),
            )
        except (OSError, ssl.SSLError):
            return {"base": "invalid_certificate"}
    if check_port and not await async_can_listen(user_input[CONF_HOST], user_input[CONF_PORT]):
        return {CONF_PORT: "cannot_bind"}
    return {}


def new_charger_subentry(cp_id: str, options: Mapping[str, Any]) -> ConfigSubentry:
    """The subentry of a charger, with the settings given for it."""
    return ConfigSubentry(
        data=MappingProxyType({**options, CONF_CP_ID: cp_id}),
        subentry_type=SUBENTRY_CHARGER,
        title=cp_id,
        unique_id=cp_id,
    )


def known_tags_selector(hass: HomeAssistant, allowed: list[str]) -> SelectSelector:
    """Tags to allow: those Home Assistant knows (Settings → Tags) by name, or any typed in."""
    options = {
        str(state.attributes["tag_id"]): f"{state.name} ({state.attributes['tag_id']})"
        for state in hass.states.async_all("tag")
        if state.attributes.get("tag_id")
    }
    for tag in allowed:
        options.setdefault(tag, tag)
    return SelectSelector(
        SelectSelectorConfig(
            options=[
                SelectOptionDict(value=value, label=label) for value, label in options.items()
            ],
            multiple=True,
            custom_value=True,
            sort=True,
        )
    )
