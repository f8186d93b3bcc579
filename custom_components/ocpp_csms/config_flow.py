"""Config flow: central systems, chargers as subentries, discovery of new chargers, options."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import callback
from homeassistant.helpers.typing import DiscoveryInfoType
import voluptuous as vol

from .config_forms import (
    CHARGER_SCHEMA,
    OPTIONS_SCHEMA,
    SERVER_SCHEMA,
    USER_SCHEMA,
    async_validate_server,
    known_tags_selector,
    new_charger_subentry,
)
from .const import (
    CONF_ALLOWED_TAGS,
    CONF_AUTO_ACCEPT,
    CONF_CP_ID,
    CONFIG_MINOR_VERSION,
    CONFIG_VERSION,
    DOMAIN,
    NAME,
    SUBENTRY_CHARGER,
)
from .core.server import CHARGE_POINT_ID
from .subentries import IGNORED_ON, central_serving, ignored_by


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
            errors = await async_validate_server(self.hass, user_input, check_port=True)
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
                errors = await async_validate_server(self.hass, user_input, check_port=moved)
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
                entry, new_charger_subentry(cp_id, CHARGER_SCHEMA(user_input))
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


class OcppOptionsFlow(OptionsFlow):
    """Acceptance and authorization settings of a central system."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Edit the options."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        options = dict(self.config_entry.options)
        allowed = known_tags_selector(self.hass, options.get(CONF_ALLOWED_TAGS, []))
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
