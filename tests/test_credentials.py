"""Security profiles 1 and 2: HTTP Basic credentials at the WebSocket handshake."""

from __future__ import annotations

import asyncio
import base64
from http import HTTPStatus
import logging
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import issue_registry as ir
from ocpp.v16 import call
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import websockets
from websockets.exceptions import InvalidStatus
from websockets.headers import build_authorization_basic

from custom_components.ocpp_csms.const import (
    CONF_CP_ID,
    CONF_PASSWORD,
    CONF_REQUIRE_PASSWORD,
    DOMAIN,
)
from custom_components.ocpp_csms.core.credentials import (
    FAILURES_BEFORE_REPAIR,
    FIRST_DELAY,
    FREE_FAILURES,
    MAX_TRACKED_IDS,
)

from .charge_point import connect

PASSWORD = "0123456789abcdef-Ünïcødé"


async def refused_status(
    port: int, cp_id: str, authorization: str | None = None, source: str = "127.0.0.1"
) -> int:
    """Try to connect from ``source``; return the HTTP status of the refusal."""
    headers = {"Authorization": authorization} if authorization is not None else {}
    with pytest.raises(InvalidStatus) as refused:
        await websockets.connect(
            f"ws://127.0.0.1:{port}/{cp_id}",
            subprotocols=["ocpp1.6"],
            additional_headers=headers,
            local_addr=(source, 0),
        )
    response = refused.value.response
    assert response.headers["WWW-Authenticate"].startswith('Basic realm="OCPP"')
    assert b"password" not in response.body.lower()
    return response.status_code


@pytest.fixture
def charger_data() -> dict[str, Any]:
    """CP1 has a password."""
    return {CONF_PASSWORD: PASSWORD}


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        build_authorization_basic("CP1", "wrong"),
        build_authorization_basic("CP2", PASSWORD),
        build_authorization_basic("CP1", PASSWORD + "x"),
        "Basic not-base64!",
        "Bearer " + PASSWORD,
    ],
)
async def test_wrong_or_missing_credentials_are_refused(
    hass: HomeAssistant, central: MockConfigEntry, port: int, authorization: str | None
) -> None:
    """Every wrong answer gets the same 401, which names neither part."""
    assert await refused_status(port, "CP1", authorization) == HTTPStatus.UNAUTHORIZED


async def test_right_credentials_connect(
    hass: HomeAssistant, central: MockConfigEntry, port: int, caplog: pytest.LogCaptureFixture
) -> None:
    """The charge point id and its password let it in; the password is never logged."""
    caplog.set_level(logging.DEBUG)
    await refused_status(port, "CP1", build_authorization_basic("CP1", "guess"))
    async with connect(port, "CP1", password=PASSWORD) as cp:
        assert await cp.boot() == "Accepted"
    assert PASSWORD not in caplog.text
    assert "guess" not in caplog.text


async def test_chargers_without_password_connect_unless_required(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Without the option, an unknown charger still connects (and waits for acceptance)."""
    async with connect(port, "NEW1") as cp:
        assert await cp.boot() == "Pending"
    hass.config_entries.async_update_entry(central, options={CONF_REQUIRE_PASSWORD: True})
    await hass.async_block_till_done()
    assert await refused_status(port, "NEW1") == HTTPStatus.UNAUTHORIZED
    async with connect(port, "CP1", password=PASSWORD) as cp:
        assert await cp.boot() == "Accepted"


@pytest.mark.parametrize("chargers", [["CP1", "CP2"]])
@pytest.mark.parametrize("charger_data", [{}])
@pytest.mark.parametrize("options", [{CONF_REQUIRE_PASSWORD: True}])
async def test_required_password_refuses_a_charger_without_one(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A known charger without a password cannot connect when passwords are required."""
    assert await refused_status(port, "CP2") == HTTPStatus.UNAUTHORIZED
    assert await refused_status(port, "CP2", build_authorization_basic("CP2", "")) == 401


async def test_failures_are_logged_once_then_repaired(
    hass: HomeAssistant,
    central: MockConfigEntry,
    port: int,
    caplog: pytest.LogCaptureFixture,
    issue_registry: ir.IssueRegistry,
) -> None:
    """One warning per streak; a repair issue after repeated failures, gone once it connects."""
    issue_id = central.runtime_data.auth_repairs.issue_id("CP1")
    for attempt in range(1, FAILURES_BEFORE_REPAIR + 1):
        assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
        await refused_status(port, "CP1", build_authorization_basic("CP1", f"try {attempt}"))
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "CP1" in r.message]
    assert len(warnings) == 1
    assert "wrong credentials" in warnings[0].message
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {
        "cp_id": "CP1",
        "address": "127.0.0.1",
        "failures": str(FAILURES_BEFORE_REPAIR),
    }
    async with connect(port, "CP1", password=PASSWORD) as cp:
        assert await cp.boot() == "Accepted"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_unknown_ids_raise_no_repair(
    hass: HomeAssistant, central: MockConfigEntry, port: int, issue_registry: ir.IssueRegistry
) -> None:
    """Ids nobody added only reach the log: a scanner cannot fill Repairs."""
    hass.config_entries.async_update_entry(central, options={CONF_REQUIRE_PASSWORD: True})
    await hass.async_block_till_done()
    for _ in range(FAILURES_BEFORE_REPAIR + 1):
        await refused_status(port, "SCANNER")
    assert not [i for i in issue_registry.issues.values() if i.domain == DOMAIN]


async def test_new_password_closes_the_open_connection(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """After the user changes its password, a connected charger must log in again."""
    async with connect(port, "CP1", password=PASSWORD) as cp:
        assert await cp.boot() == "Accepted"
        subentry = next(iter(central.subentries.values()))
        hass.config_entries.async_update_subentry(
            central, subentry, data={**subentry.data, CONF_PASSWORD: "a brand new password"}
        )
        await hass.async_block_till_done()
        await cp.connection.wait_closed()
    assert await refused_status(port, "CP1", build_authorization_basic("CP1", PASSWORD)) == 401
    async with connect(port, "CP1", password="a brand new password") as cp:
        await cp.call(call.Heartbeat())


@pytest.mark.parametrize("chargers", [[]])
async def test_charger_added_with_a_password_in_the_ui(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Added by hand with its password, a charger gets in with it and not without."""
    hass.config_entries.async_update_entry(central, options={CONF_REQUIRE_PASSWORD: True})
    flow = hass.config_entries.subentries
    result = await flow.async_init((central.entry_id, "charger"), context={"source": "user"})
    with pytest.raises(InvalidData):
        await flow.async_configure(
            result["flow_id"], {CONF_CP_ID: "NEW-1", CONF_PASSWORD: "x" * 65}
        )
    result = await flow.async_configure(
        result["flow_id"], {CONF_CP_ID: "NEW-1", CONF_PASSWORD: PASSWORD}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert await refused_status(port, "NEW-1") == HTTPStatus.UNAUTHORIZED
    async with connect(port, "NEW-1", password=PASSWORD) as cp:
        assert await cp.boot() == "Accepted"


@pytest.mark.parametrize("chargers", [["CP1", "CP2"]])
async def test_options_change_keeps_unrelated_repairs(
    hass: HomeAssistant, central: MockConfigEntry, port: int, issue_registry: ir.IssueRegistry
) -> None:
    """Changing the heartbeat or a tag keeps a failing charger's repair; a new password ends it."""
    credentials = central.runtime_data.auth_repairs
    for cp_id, source in (("CP1", "127.0.0.1"), ("CP2", "127.0.0.2")):
        for attempt in range(FAILURES_BEFORE_REPAIR):
            guess = build_authorization_basic(cp_id, f"try {attempt}")
            await refused_status(port, cp_id, guess, source)
        assert issue_registry.async_get_issue(DOMAIN, credentials.issue_id(cp_id)) is not None

    hass.config_entries.async_update_entry(
        central, options={**central.options, "heartbeat_interval": 120}
    )
    await hass.async_block_till_done()
    for cp_id in ("CP1", "CP2"):
        assert issue_registry.async_get_issue(DOMAIN, credentials.issue_id(cp_id)) is not None

    subentry = next(s for s in central.subentries.values() if s.data["cp_id"] == "CP2")
    hass.config_entries.async_update_subentry(
        central, subentry, data={**subentry.data, CONF_PASSWORD: "a-new-password-1234"}
    )
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, credentials.issue_id("CP1")) is not None
    assert issue_registry.async_get_issue(DOMAIN, credentials.issue_id("CP2")) is None


async def test_malformed_authorization_is_a_bad_request(
    hass: HomeAssistant, central: MockConfigEntry, port: int, caplog: pytest.LogCaptureFixture
) -> None:
    """Two Authorization headers or credentials that are not UTF-8: 400, no error, one line."""
    right = build_authorization_basic("CP1", PASSWORD)
    not_utf8 = "Basic " + base64.b64encode(b"CP1:\xff\xfe").decode()
    for headers in (
        [("Authorization", right), ("Authorization", right)],
        [("Authorization", not_utf8)],
    ):
        with pytest.raises(InvalidStatus) as refused:
            await websockets.connect(
                f"ws://127.0.0.1:{port}/CP1", subprotocols=["ocpp1.6"], additional_headers=headers
            )
        assert refused.value.response.status_code == HTTPStatus.BAD_REQUEST
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "CP1" in r.message]
    assert len(warnings) == 1
    assert "malformed" in warnings[0].message


async def test_repeated_failures_from_one_address_slow_down(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Guesses from one address are answered ever more slowly; other addresses are not."""
    loop = asyncio.get_running_loop()
    took = []
    for attempt in range(FREE_FAILURES + 2):
        started = loop.time()
        guess = build_authorization_basic("CP1", f"guess {attempt}")
        assert await refused_status(port, "CP1", guess, "127.0.0.3") == HTTPStatus.UNAUTHORIZED
        took.append(loop.time() - started)
    assert took[FREE_FAILURES] >= FIRST_DELAY
    assert took[FREE_FAILURES + 1] >= 2 * FIRST_DELAY
    # The charger itself, from its own address, is not kept waiting.
    started = loop.time()
    async with connect(port, "CP1", password=PASSWORD) as cp:
        assert await cp.boot() == "Accepted"
    assert loop.time() - started < FIRST_DELAY


@pytest.mark.parametrize("options", [{CONF_REQUIRE_PASSWORD: True}])
async def test_unknown_ids_never_push_out_a_known_chargers_streak(
    hass: HomeAssistant, central: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    """Hundreds of random ids refused between its failures: the charger still gets its repair."""
    credentials = central.runtime_data.credentials
    wrong = [build_authorization_basic("CP1", "wrong")]
    for _ in range(FAILURES_BEFORE_REPAIR - 1):
        assert credentials.check("CP1", wrong, "192.0.2.1") is not None
    for number in range(MAX_TRACKED_IDS + 50):
        assert credentials.check(f"RANDOM-{number}", [], "192.0.2.99") is not None
    assert credentials.check("CP1", wrong, "192.0.2.1") is not None
    issue_id = central.runtime_data.auth_repairs.issue_id("CP1")
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
