"""Id tags are checked against the user's policy."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from ocpp.v16 import call
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.ocpp_csms.const import (
    AUTH_LISTED_ONLY,
    CONF_ALLOWED_TAGS,
    CONF_AUTH_POLICY,
    CONF_BLOCKED_TAGS,
    CONF_EXPIRED_TAGS,
    EVENT_AUTHORIZE,
)
from custom_components.ocpp_csms.core.protocol.incoming import AuthStatus
from custom_components.ocpp_csms.settings import auth_policy

from .charge_point import ClientChargePoint, booted, connect
from .chargers import connect_booted


def test_accept_all_by_default() -> None:
    """Without options every tag may charge."""
    assert auth_policy({}).check("anything") is AuthStatus.ACCEPTED


def test_listed_only_and_blocked() -> None:
    """Listed-only refuses unknown tags; blocked always wins; case does not matter."""
    policy = auth_policy(
        {
            CONF_AUTH_POLICY: AUTH_LISTED_ONLY,
            CONF_ALLOWED_TAGS: ["AbCd", "blocked-too"],
            CONF_BLOCKED_TAGS: ["BLOCKED-TOO"],
        }
    )
    assert policy.check("abcd") is AuthStatus.ACCEPTED
    assert policy.check("other") is AuthStatus.INVALID
    assert policy.check("blocked-too") is AuthStatus.BLOCKED
    # The remote-start tag is no pass of its own (a start the central system asked for is).
    assert policy.check("HomeAssistant") is AuthStatus.INVALID


@pytest.mark.parametrize(
    "options",
    [{CONF_AUTH_POLICY: AUTH_LISTED_ONLY, CONF_ALLOWED_TAGS: ["GOOD"], CONF_BLOCKED_TAGS: ["BAD"]}],
)
async def test_charger_gets_verdicts(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Authorize and StartTransaction answers follow the policy; events report it."""
    events = async_capture_events(hass, EVENT_AUTHORIZE)
    async with connect(port, "CP1") as cp:
        assert await cp.boot() == "Accepted"
        verdicts = [
            (await cp.call(call.Authorize(id_tag=tag))).id_tag_info["status"]
            for tag in ("GOOD", "BAD", "STRANGER")
        ]
        assert verdicts == ["Accepted", "Blocked", "Invalid"]
        _, status = await cp.start_transaction(1, "STRANGER", 0)
        assert status == "Invalid"
    await hass.async_block_till_done()
    assert [e.data["status"] for e in events] == ["Accepted", "Blocked", "Invalid"]


@pytest.mark.parametrize("chargers", [["CP1", "CP2"]])
@pytest.mark.parametrize("options", [{CONF_AUTH_POLICY: AUTH_LISTED_ONLY}])
async def test_the_remote_start_tag_is_no_pass(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """'HomeAssistant' works for the start Home Assistant asked for, at that charger, once."""

    async def verdict(cp: ClientChargePoint) -> str:
        return str((await cp.call(call.Authorize(id_tag="HomeAssistant"))).id_tag_info["status"])

    async with connect(port, "CP1") as cp, connect(port, "CP2") as other:
        await booted(hass, cp)
        await booted(hass, other)
        assert await verdict(cp) == "Invalid"  # typed on a PIN pad: no
        await hass.services.async_call(
            "switch", "turn_on", {"entity_id": "switch.cp1_charging"}, blocking=True
        )
        assert cp.calls("RemoteStartTransaction")[0]["id_tag"] == "HomeAssistant"
        assert await verdict(cp) == "Accepted"  # the start Home Assistant asked for
        assert await verdict(other) == "Invalid"  # not at another charger
        transaction_id, status = await cp.start_transaction(1, "HomeAssistant", 0)
        assert status == "Accepted"
        await cp.stop_transaction(transaction_id, 10)
        _, status = await cp.start_transaction(1, "HomeAssistant", 10)
        assert status == "Invalid"  # used up


async def test_changed_tags_reach_the_chargers_cache(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Blocking or expiring a tag clears connected chargers' caches; expired tags say so."""
    async with connect_booted(hass, port, "CP1") as cp:
        hass.config_entries.async_update_entry(
            central,
            options={**central.options, CONF_BLOCKED_TAGS: ["LOST"], CONF_EXPIRED_TAGS: ["OLD"]},
        )
        await hass.async_block_till_done(wait_background_tasks=True)
        assert len(cp.calls("ClearCache")) == 1
        answers = [
            (await cp.call(call.Authorize(id_tag=tag))).id_tag_info["status"]
            for tag in ("LOST", "OLD", "NEW")
        ]
        assert answers == ["Blocked", "Expired", "Accepted"]
        # Another option changing leaves the cache alone.
        hass.config_entries.async_update_entry(
            central, options={**central.options, "heartbeat_interval": 120}
        )
        await hass.async_block_till_done(wait_background_tasks=True)
        assert len(cp.calls("ClearCache")) == 1
