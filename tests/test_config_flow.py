"""Config flow: central systems, reconfigure, options and charger subentries."""

from __future__ import annotations

import socket
from types import MappingProxyType
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import (
    SOURCE_IGNORE,
    SOURCE_INTEGRATION_DISCOVERY,
    SOURCE_USER,
    ConfigEntryState,
    ConfigSubentry,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from ocpp.v16 import call
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ocpp_csms.central import CentralSystem
from custom_components.ocpp_csms.const import (
    AUTH_LISTED_ONLY,
    CONF_ALLOWED_TAGS,
    CONF_AUTH_POLICY,
    CONF_AUTO_ACCEPT,
    CONF_BLOCKED_TAGS,
    CONF_CP_ID,
    CONF_HEARTBEAT_INTERVAL,
    CONF_MAX_CURRENT,
    CONF_OCPP_VERSION,
    CONF_PHASES,
    CONF_SSL,
    CONF_SSL_CERTFILE,
    CONF_SSL_KEYFILE,
    CONF_VOLTAGE,
    DOMAIN,
)

from .chargers import connect_booted
from .conftest import charger_subentry


async def start_user_flow(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return dict(result)


async def test_user_creates_central_system(hass: HomeAssistant, port: int) -> None:
    """Host and port are enough; auto-accept lands in the options; it starts listening."""
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_HOST: "127.0.0.1", CONF_PORT: port, CONF_SSL: False}
    assert result["options"] == {CONF_AUTO_ACCEPT: False}
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    await hass.config_entries.async_unload(entry.entry_id)


async def test_user_defaults(hass: HomeAssistant, socket_enabled: None) -> None:
    """The form offers 0.0.0.0:9000 and every optional field has a default."""
    result = await start_user_flow(hass)
    schema = result["data_schema"].schema
    defaults = {str(key): key.default() for key in schema if callable(key.default)}
    assert defaults == {
        CONF_HOST: "0.0.0.0",
        CONF_PORT: 9000,
        CONF_SSL: False,
        CONF_AUTO_ACCEPT: False,
    }
    required = {str(key) for key in schema if key.__class__.__name__ == "Required"}
    assert required == {CONF_HOST, CONF_PORT}


async def test_user_auto_accept(hass: HomeAssistant, port: int) -> None:
    """Auto-accept chosen in the first step is stored as an option."""
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: port, CONF_AUTO_ACCEPT: True}
    )
    assert result["options"] == {CONF_AUTO_ACCEPT: True}
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_same_port_aborts(hass: HomeAssistant, port: int) -> None:
    """A second central system on a port already configured is aborted."""
    MockConfigEntry(domain=DOMAIN, data={CONF_HOST: "0.0.0.0", CONF_PORT: port}).add_to_hass(hass)
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_port_that_cannot_be_bound(hass: HomeAssistant, port: int) -> None:
    """A port in use by something else is an error in the form; fixing it proceeds."""
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", port))
        blocker.listen()
        result = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: port}
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {CONF_PORT: "cannot_bind"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(result["result"].entry_id)


@pytest.mark.parametrize(
    ("tls", "errors"),
    [
        ({CONF_SSL: True}, {CONF_SSL_CERTFILE: "certfile_required"}),
        (
            {CONF_SSL: True, CONF_SSL_CERTFILE: "/nonexistent/cert.pem"},
            {"base": "invalid_certificate"},
        ),
    ],
)
async def test_tls_errors(
    hass: HomeAssistant, port: int, tls: dict[str, Any], errors: dict[str, str]
) -> None:
    """TLS without a usable certificate is refused in the form."""
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: port, **tls}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors


async def test_tls_certificate_that_is_not_pem(
    hass: HomeAssistant, port: int, tmp_path: Any
) -> None:
    """A file that is not a certificate is reported, not raised."""
    bogus = tmp_path / "cert.pem"
    bogus.write_text("not a certificate")
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: "127.0.0.1",
            CONF_PORT: port,
            CONF_SSL: True,
            CONF_SSL_CERTFILE: str(bogus),
            CONF_SSL_KEYFILE: str(bogus),
        },
    )
    assert result["errors"] == {"base": "invalid_certificate"}


async def test_reconfigure_moves_port(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Reconfigure changes the port and reloads the central system on it, once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        new_port = sock.getsockname()[1]
    starts: list[int] = []
    real_start = CentralSystem.async_start

    async def counted_start(self: CentralSystem) -> None:
        starts.append(self.server.port)
        await real_start(self)

    result = await central.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    with patch.object(CentralSystem, "async_start", counted_start):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: new_port}
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        await hass.async_block_till_done()
    assert starts == [new_port]
    assert central.data[CONF_PORT] == new_port
    assert central.runtime_data.server.port == new_port
    assert central.state is ConfigEntryState.LOADED


async def test_reconfigure_same_port_is_fine(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Keeping the port the central system already holds is not a bind error."""
    result = await central.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: port}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()


async def test_reconfigure_to_port_of_other_entry(
    hass: HomeAssistant, central: MockConfigEntry
) -> None:
    """Moving onto another central system's port is an error in the form."""
    MockConfigEntry(domain=DOMAIN, data={CONF_HOST: "0.0.0.0", CONF_PORT: 19999}).add_to_hass(hass)
    result = await central.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: 19999}
    )
    assert result["errors"] == {CONF_PORT: "port_in_use"}


async def test_options_apply_without_reload(hass: HomeAssistant, central: MockConfigEntry) -> None:
    """Options change the policy live; the server keeps running."""
    server = central.runtime_data.server
    result = await hass.config_entries.options.async_init(central.entry_id)
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_AUTO_ACCEPT: True,
            CONF_AUTH_POLICY: AUTH_LISTED_ONLY,
            CONF_ALLOWED_TAGS: ["CARD-1"],
            CONF_BLOCKED_TAGS: ["CARD-9"],
            CONF_HEARTBEAT_INTERVAL: 120,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert central.runtime_data.server is server
    assert central.runtime_data.live.auth.listed_only
    assert central.runtime_data.heartbeat_interval == 120


async def test_add_charger_subentry(hass: HomeAssistant, central: MockConfigEntry) -> None:
    """A charger can be added by id; bad and duplicate ids are caught."""
    flow = hass.config_entries.subentries
    result = await flow.async_init((central.entry_id, "charger"), context={"source": "user"})
    result = await flow.async_configure(result["flow_id"], {CONF_CP_ID: "bad id!"})
    assert result["errors"] == {CONF_CP_ID: "invalid_cp_id"}
    result = await flow.async_configure(result["flow_id"], {CONF_CP_ID: " NEW-2 "})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    subentry = next(s for s in central.subentries.values() if s.unique_id == "NEW-2")
    assert subentry.data == {
        CONF_CP_ID: "NEW-2",
        CONF_MAX_CURRENT: 32,
        CONF_PHASES: 3,
        CONF_VOLTAGE: 230,
        CONF_OCPP_VERSION: "auto",
    }

    result = await flow.async_init((central.entry_id, "charger"), context={"source": "user"})
    result = await flow.async_configure(result["flow_id"], {CONF_CP_ID: "CP1"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reconfigure_charger_subentry(hass: HomeAssistant, central: MockConfigEntry) -> None:
    """A charger's settings can be changed later."""
    (subentry,) = central.subentries.values()
    result = await central.start_subentry_reconfigure_flow(hass, "charger", subentry.subentry_id)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_MAX_CURRENT: 16}
    )
    assert result["reason"] == "reconfigure_successful"
    assert central.subentries[subentry.subentry_id].data[CONF_MAX_CURRENT] == 16


async def test_removing_charger_removes_its_device(
    hass: HomeAssistant, central: MockConfigEntry
) -> None:
    """Deleting the subentry removes the device and entities without a reload."""
    from homeassistant.helpers import device_registry as dr

    server = central.runtime_data.server
    (subentry,) = central.subentries.values()
    assert dr.async_get(hass).async_get_device(identifiers={(DOMAIN, "CP1")})
    assert hass.config_entries.async_remove_subentry(central, subentry.subentry_id)
    await hass.async_block_till_done()
    assert dr.async_get(hass).async_get_device(identifiers={(DOMAIN, "CP1")}) is None
    assert hass.states.get("sensor.cp1_status") is None
    assert central.runtime_data.server is server
    assert not central.runtime_data.is_known("CP1")


async def test_discovery_for_existing_charger_aborts(
    hass: HomeAssistant, central: MockConfigEntry
) -> None:
    """A discovery for an id that is already a subentry aborts."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": "integration_discovery"},
        data={"entry_id": central.entry_id, CONF_CP_ID: "CP1"},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_confirm_after_charger_added_elsewhere(
    hass: HomeAssistant, central: MockConfigEntry
) -> None:
    """If the charger was added by hand meanwhile, confirming aborts cleanly."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": "integration_discovery"},
        data={"entry_id": central.entry_id, CONF_CP_ID: "LATE", "vendor": "V", "model": "M"},
    )
    assert result["step_id"] == "confirm"
    assert result["description_placeholders"]["cp_id"] == "LATE"
    from types import MappingProxyType

    from homeassistant.config_entries import ConfigSubentry

    data = charger_subentry("LATE")
    hass.config_entries.async_add_subentry(
        central,
        ConfigSubentry(
            data=MappingProxyType(data["data"]),
            subentry_type="charger",
            title="LATE",
            unique_id="LATE",
        ),
    )
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert not flows  # the open discovery was dismissed when the charger was added


async def test_tags_home_assistant_knows_can_be_allowed(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A tag scanned in Home Assistant is offered by name in the options, and then charges."""
    hass.states.async_set(
        "tag.front_door_card",
        "2025-01-01T00:00:00+00:00",
        {
            "tag_id": "04A1B2C3",
            "friendly_name": "Front door card",
        },
    )
    result = await hass.config_entries.options.async_init(central.entry_id)
    selector = next(
        value for key, value in result["data_schema"].schema.items() if key == CONF_ALLOWED_TAGS
    )
    assert {"value": "04A1B2C3", "label": "Front door card (04A1B2C3)"} in selector.config[
        "options"
    ]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_AUTH_POLICY: AUTH_LISTED_ONLY, CONF_ALLOWED_TAGS: ["04A1B2C3"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    async with connect_booted(hass, port, "CP1") as cp:
        result = await cp.call(call.Authorize(id_tag="04a1b2c3"))
        assert result.id_tag_info["status"] == "Accepted"


@pytest.mark.parametrize("chargers", [[]])
async def test_discovery_of_a_charger_ignored_or_added_meanwhile(
    hass: HomeAssistant, central: MockConfigEntry
) -> None:
    """Offering a charger ignored here, or confirming one added meanwhile, only aborts."""
    data = {"entry_id": central.entry_id, "cp_id": "LATE-2", "vendor": "V", "model": "M"}
    context = {"source": SOURCE_INTEGRATION_DISCOVERY}
    result = await hass.config_entries.flow.async_init(DOMAIN, context=context, data=data)
    assert result["step_id"] == "confirm"
    hass.config_entries.async_add_subentry(
        central,
        ConfigSubentry(
            data=MappingProxyType({"cp_id": "LATE-2"}),
            subentry_type="charger",
            title="LATE-2",
            unique_id="LATE-2",
        ),
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "already_configured")

    ignored = {**data, "cp_id": "IGNORED-1"}
    await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_IGNORE}, data={"unique_id": "IGNORED-1", "title": "x"}
    )
    result = await hass.config_entries.flow.async_init(DOMAIN, context=context, data=ignored)
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "already_configured")


async def test_allowed_tags_home_assistant_does_not_know_stay_offered(
    hass: HomeAssistant, central: MockConfigEntry
) -> None:
    """A tag typed in before is offered as it is the next time the options open."""
    hass.config_entries.async_update_entry(central, options={CONF_ALLOWED_TAGS: ["CARD-7"]})
    result = await hass.config_entries.options.async_init(central.entry_id)
    selector = next(
        value for key, value in result["data_schema"].schema.items() if key == CONF_ALLOWED_TAGS
    )
    assert {"value": "CARD-7", "label": "CARD-7"} in selector.config["options"]
