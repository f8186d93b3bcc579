"""Config flow: central systems, chargers as subentries, discovery of new chargers, options."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import ssl
from types import MappingProxyType
from typing import Any

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentry,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant, callback
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
from homeassistant.helpers.typing import DiscoveryInfoType
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
    CONFIG_MINOR_VERSION,
    CONFIG_VERSION,
    DEFAULT_HEARTBEAT_INTERVAL,
    DEFAULT_HOST,
    DEFAULT_MAX_CURRENT,
    DEFAULT_PORT,
    DOMAIN,
    NAME,
    OCPP_VERSION_AUTO,
    PINNABLE_VERSIONS,
    SUBENTRY_CHARGER,
)
from .core.measurands import MEASURAND_NAMES, measurand_key
from .core.server import CHARGE_POINT_ID, create_ssl_context
from .core.smart_charging.profile import DEFAULT_PHASES, DEFAULT_VOLTAGE
from .subentries import IGNORED_ON, central_serving, ignored_by

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
_TAGS = TextSelector(TextSelectorConfig(multiple=True))
OPTIONS_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_AUTO_ACCEPT, default=False): BooleanSelector(),
        vol.Optional(CONF_REQUIRE_PASSWORD, default=False): BooleanSelector(),
        vol.Optional(CONF_AUTH_POLICY, default=AUTH_ACCEPT_ALL): SelectSelector(
            SelectSelectorConfig(
                options=[AUTH_ACCEPT_ALL, AUTH_LISTED_ONLY], translation_key=CONF_AUTH_POLICY
            )
        ),
        vol.Optional(CONF_ALLOWED_TAGS, default=[]): _TAGS,
        vol.Optional(CONF_BLOCKED_TAGS, default=[]): _TAGS,
        vol.Optional(CONF_EXPIRED_TAGS, default=[]): _TAGS,
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


async def _async_can_listen(host: str, port: int) -> bool:
    try:
        server = await asyncio.get_running_loop().create_server(
            asyncio.Protocol, host or None, port
        )
    except OSError:
        return False
    server.close()
    await server.wait_closed()
    return True


async def _async_validate_server(
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
    if check_port and not await _async_can_listen(user_input[CONF_HOST], user_input[CONF_PORT]):
        return {CONF_PORT: "cannot_bind"}
    return {}


def _charger_subentry(cp_id: str, options: Mapping[str, Any]) -> ConfigSubentry:
    return ConfigSubentry(
        data=MappingProxyType({**options, CONF_CP_ID: cp_id}),
        subentry_type=SUBENTRY_CHARGER,
        title=cp_id,
        unique_id=cp_id,
    )


class OcppConfigFlow(ConfigFlow, domain=DOMAIN):
    """A central system per port; new chargers are confirmed here when they first connect."""

    VERSION = CONFIG_VERSION
    MINOR_VERSION = CONFIG_MINOR_VERSION
    _discovery: DiscoveryInfoType

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OcppOptionsFlow:
        """Options of a central system."""
        return OcppOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Chargers are subentries."""
        return {SUBENTRY_CHARGER: ChargerSubentryFlow}

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Create a central system."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._async_abort_entries_match({CONF_PORT: user_input[CONF_PORT]})
            errors = await _async_validate_server(self.hass, user_input, check_port=True)
            if not errors:
                auto_accept = user_input.pop(CONF_AUTO_ACCEPT, False)
                return self.async_create_entry(
                    title=f"{NAME} ({user_input[CONF_PORT]})",
                    data=user_input,
                    options={CONF_AUTO_ACCEPT: auto_accept},
                )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(USER_SCHEMA, user_input or {}),
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change host, port or TLS."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            moved = (user_input[CONF_HOST], user_input[CONF_PORT]) != (
                entry.data[CONF_HOST],
                entry.data[CONF_PORT],
            )
            if any(
                other.data.get(CONF_PORT) == user_input[CONF_PORT]
                for other in self._async_current_entries(include_ignore=False)
                if other.entry_id != entry.entry_id
            ):
                errors[CONF_PORT] = "port_in_use"
            else:
                errors = await _async_validate_server(self.hass, user_input, check_port=moved)
            if not errors:
                # The update listener reloads the entry when its data changed: once.
                self.hass.config_entries.async_update_entry(entry, data=user_input)
                return self.async_abort(reason="reconfigure_successful")
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                SERVER_SCHEMA, user_input or dict(entry.data)
            ),
            errors=errors,
        )

    async def async_step_integration_discovery(
        self, discovery_info: DiscoveryInfoType
    ) -> ConfigFlowResult:
        """A charger nobody accepted yet connected: ask the user."""
        cp_id = discovery_info[CONF_CP_ID]
        await self.async_set_unique_id(cp_id)
        if ignored_by(self.hass, cp_id, discovery_info["entry_id"]):
            return self.async_abort(reason="already_configured")
        entry = self.hass.config_entries.async_get_entry(discovery_info["entry_id"])
        if entry is None or central_serving(self.hass, cp_id) is not None:
            return self.async_abort(reason="already_configured")
        self._discovery = discovery_info
        self.context["title_placeholders"] = {"cp_id": cp_id}
        return await self.async_step_confirm()

    async def async_step_ignore(self, user_input: dict[str, Any]) -> ConfigFlowResult:
        """Ignore a charger on the central system it is waiting on (not on every one)."""
        cp_id = user_input["unique_id"]
        await self.async_set_unique_id(cp_id, raise_on_progress=False)
        waiting_on = next(
            (
                entry.entry_id
                for entry in self._async_current_entries(include_ignore=False)
                if entry.state is ConfigEntryState.LOADED
                and entry.runtime_data.session(cp_id) is not None
            ),
            None,
        )
        data = {} if waiting_on is None else {IGNORED_ON: waiting_on}
        return self.async_create_entry(title=user_input["title"], data=data)

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Accept the charger (submitting the defaults accepts it)."""
        cp_id = self._discovery[CONF_CP_ID]
        entry = self.hass.config_entries.async_get_entry(self._discovery["entry_id"])
        if entry is None or central_serving(self.hass, cp_id) is not None:
            return self.async_abort(reason="already_configured")
        if user_input is not None:
            self.hass.config_entries.async_add_subentry(
                entry, _charger_subentry(cp_id, CHARGER_SCHEMA(user_input))
            )
            return self.async_abort(reason="charger_added")
        return self.async_show_form(
            step_id="confirm",
            data_schema=CHARGER_SCHEMA,
            description_placeholders={
                "cp_id": cp_id,
                "vendor": str(self._discovery.get("vendor") or "?"),
                "model": str(self._discovery.get("model") or "?"),
                "central_system": entry.title,
            },
        )


def _known_tags_selector(hass: HomeAssistant, allowed: list[str]) -> SelectSelector:
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


class OcppOptionsFlow(OptionsFlow):
    """Acceptance and authorization settings of a central system."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Edit the options."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        options = dict(self.config_entry.options)
        allowed = _known_tags_selector(self.hass, options.get(CONF_ALLOWED_TAGS, []))
        schema = OPTIONS_SCHEMA.extend({vol.Optional(CONF_ALLOWED_TAGS, default=[]): allowed})
        return self.async_show_form(
            step_id="init", data_schema=self.add_suggested_values_to_schema(schema, options)
        )


class ChargerSubentryFlow(ConfigSubentryFlow):
    """Add a charger by hand (before it connects) or change its settings."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Add a charger by its charge point id."""
        errors: dict[str, str] = {}
        if user_input is not None:
            cp_id = str(user_input.pop(CONF_CP_ID)).strip()
            if not CHARGE_POINT_ID.fullmatch(cp_id):
                errors[CONF_CP_ID] = "invalid_cp_id"
            elif (serving := central_serving(self.hass, cp_id)) is not None:
                if serving.entry_id == self._get_entry().entry_id:
                    return self.async_abort(reason="already_configured")
                return self.async_abort(
                    reason="served_elsewhere",
                    description_placeholders={"cp_id": cp_id, "central_system": serving.title},
                )
            else:
                return self.async_create_entry(
                    title=cp_id, data={**user_input, CONF_CP_ID: cp_id}, unique_id=cp_id
                )
        return self.async_show_form(
            step_id="user",
            data_schema=vol.Schema({vol.Required(CONF_CP_ID): str}).extend(CHARGER_SCHEMA.schema),
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a charger's settings."""
        subentry = self._get_reconfigure_subentry()
        if user_input is not None:
            # Replace rather than merge, so clearing an optional field takes effect.
            return self.async_update_and_abort(
                self._get_entry(),
                subentry,
                data={CONF_CP_ID: subentry.data[CONF_CP_ID], **CHARGER_SCHEMA(user_input)},
            )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(CHARGER_SCHEMA, dict(subentry.data)),
            description_placeholders={"cp_id": subentry.data[CONF_CP_ID]},
        )
