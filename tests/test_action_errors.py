"""Actions fail with translated errors that name the charger, and never disturb other chargers."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.ocpp_csms.const import DOMAIN, EVENT_TRANSACTION_STARTED

from .charge_point import booted, connect
from .chargers import connect_booted
from .test_actions import call_action, charger_device_id


async def expect_error(
    hass: HomeAssistant,
    service: str,
    data: dict[str, Any],
    key: str,
    error: type[HomeAssistantError] = HomeAssistantError,
) -> dict[str, str]:
    with pytest.raises(error) as caught:
        await call_action(hass, service, data)
    assert caught.value.translation_key == key
    assert caught.value.translation_domain == DOMAIN
    return caught.value.translation_placeholders or {}


@pytest.mark.parametrize(
    ("service", "data", "action", "reply"),
    [
        ("reset", {}, "Reset", "Rejected"),
        ("unlock_connector", {}, "UnlockConnector", "NotSupported"),
        ("reserve_now", {"expiry_date": "2030-01-01", "id_tag": "A"}, "ReserveNow", "Occupied"),
        ("change_configuration", {"key": "K", "value": "1"}, "ChangeConfiguration", "NotSupported"),
        ("send_local_list", {"list_version": 1}, "SendLocalList", "VersionMismatch"),
        ("data_transfer", {"vendor_id": "x"}, "DataTransfer", "UnknownVendorId"),
        ("get_composite_schedule", {}, "GetCompositeSchedule", "Rejected"),
        ("cancel_reservation", {"reservation_id": 1}, "CancelReservation", "Rejected"),
        ("remote_start", {}, "RemoteStartTransaction", "Rejected"),
    ],
)
async def test_rejected(
    hass: HomeAssistant,
    central: MockConfigEntry,
    port: int,
    service: str,
    data: dict[str, Any],
    action: str,
    reply: str,
) -> None:
    """A status other than success is an error naming the charger and the status."""
    async with connect_booted(hass, port, "CP1") as cp:
        cp.replies[action] = reply
        placeholders = await expect_error(
            hass, service, {"device_id": charger_device_id(hass), **data}, "command_rejected"
        )
        assert placeholders == {"cp_id": "CP1", "status": reply}


async def test_not_matching_profile_is_not_an_error(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """ClearChargingProfile answered Unknown (nothing matched) is reported, not raised."""
    async with connect_booted(hass, port, "CP1") as cp:
        cp.replies["ClearChargingProfile"] = "Unknown"
        response = await call_action(
            hass, "clear_charging_profile", {"device_id": charger_device_id(hass), "id": 9}
        )
        assert response == {"status": "Unknown"}


async def test_call_error(hass: HomeAssistant, central: MockConfigEntry, port: int) -> None:
    """A CALLERROR is an error naming the charger and the OCPP error code."""
    async with connect_booted(hass, port, "CP1") as cp:
        cp.route_map.pop("ClearCache")
        placeholders = await expect_error(
            hass, "clear_cache", {"device_id": charger_device_id(hass)}, "charger_call_error"
        )
        assert placeholders["cp_id"] == "CP1"
        assert placeholders["code"] == "NotImplemented"


async def test_timeout(
    hass: HomeAssistant, central: MockConfigEntry, port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A charger that never answers is a timeout error; the charger stays usable."""
    monkeypatch.setattr("custom_components.ocpp_csms.connections.CALL_TIMEOUT", 1.0)
    async with connect_booted(hass, port, "CP1") as cp:
        device_id = charger_device_id(hass)
        cp.ignored.add("GetLocalListVersion")
        placeholders = await expect_error(
            hass, "get_local_list_version", {"device_id": device_id}, "charger_timeout"
        )
        assert placeholders == {"cp_id": "CP1"}
        assert await call_action(hass, "reset", {"device_id": device_id}) == {"status": "Accepted"}


async def test_disconnect_while_waiting(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A charger that drops the connection before answering fails the action at once."""
    async with connect_booted(hass, port, "CP1") as cp:
        device_id = charger_device_id(hass)
        cp.ignored.add("Reset")
        pending = hass.async_create_task(
            expect_error(hass, "reset", {"device_id": device_id}, "charger_disconnected")
        )
        await cp.wait_for_unanswered("Reset")
    # The connection is closed here; the CALL_TIMEOUT (30 s) is far away.
    async with asyncio.timeout(5):
        assert await pending == {"cp_id": "CP1"}


async def test_offline_and_unloaded(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A charger that is not connected, or a central system that is not running, is named."""
    async with connect(port, "CP1") as cp:
        await booted(hass, cp)
    await hass.async_block_till_done()
    device_id = charger_device_id(hass)
    placeholders = await expect_error(hass, "reset", {"device_id": device_id}, "charger_offline")
    assert placeholders == {"cp_id": "CP1"}

    await hass.config_entries.async_unload(central.entry_id)
    await hass.async_block_till_done()
    await expect_error(
        hass, "reset", {"device_id": device_id}, "not_loaded", ServiceValidationError
    )


async def test_bad_targets(hass: HomeAssistant, central: MockConfigEntry, port: int) -> None:
    """Unknown devices and connectors the charger does not have are refused before sending."""
    await expect_error(
        hass, "reset", {"device_id": "no-such-device"}, "unknown_device", ServiceValidationError
    )
    other = dr.async_get(hass).async_get_or_create(
        config_entry_id=central.entry_id, identifiers={("other", "x")}
    )
    await expect_error(
        hass, "reset", {"device_id": other.id}, "unknown_device", ServiceValidationError
    )
    async with connect_booted(hass, port, "CP1") as cp:
        device_id = charger_device_id(hass)
        placeholders = await expect_error(
            hass,
            "unlock_connector",
            {"device_id": device_id, "connector_id": 2},
            "invalid_connector",
            ServiceValidationError,
        )
        assert placeholders == {"cp_id": "CP1", "connector_id": "2", "count": "1"}
        await expect_error(
            hass,
            "unlock_connector",
            {"device_id": device_id, "connector_id": 0},
            "invalid_connector",
            ServiceValidationError,
        )
        assert not cp.calls("UnlockConnector")


async def test_bad_requests(hass: HomeAssistant, central: MockConfigEntry, port: int) -> None:
    """Requests OCPP would refuse never reach the charger."""
    async with connect_booted(hass, port, "CP1") as cp:
        device_id = charger_device_id(hass)
        profile = {
            "charging_profile_id": 1,
            "stack_level": 0,
            "charging_profile_purpose": "TxDefaultProfile",
            "charging_profile_kind": "Relative",
            "charging_schedule": {
                "charging_rate_unit": "A",
                "charging_schedule_period": [{"start_period": 0, "limit": 10.25}],
            },
        }
        placeholders = await expect_error(
            hass,
            "set_charging_profile",
            {"device_id": device_id, "charging_profile": profile},
            "invalid_request",
            ServiceValidationError,
        )
        assert placeholders["cp_id"] == "CP1"
        await expect_error(
            hass,
            "set_charging_profile",
            {"device_id": device_id},
            "profile_or_limit",
            ServiceValidationError,
        )
        await expect_error(
            hass,
            "remote_start",
            {"device_id": device_id, "charging_profile": profile | {"stack_level": 1}},
            "tx_profile_required",
            ServiceValidationError,
        )
        await expect_error(
            hass, "remote_stop", {"device_id": device_id}, "no_session", ServiceValidationError
        )
        with pytest.raises(vol.Invalid):
            await call_action(
                hass,
                "set_charging_profile",
                {"device_id": device_id, "charging_profile": {"stack_level": "high"}},
            )
        with pytest.raises(vol.Invalid):
            await call_action(hass, "reset", {"device_id": device_id, "type": "gentle"})
        assert not cp.calls("SetChargingProfile")
        assert not cp.calls("RemoteStartTransaction")
        assert not cp.calls("Reset")


@pytest.mark.parametrize("chargers", [["CP1", "CP2"]])
async def test_chargers_in_parallel(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A slow charger does not hold up commands to another one."""
    async with connect(port, "CP1") as slow, connect(port, "CP2") as fast:
        await booted(hass, slow)
        await booted(hass, fast)
        release = asyncio.Event()
        real_answer = slow.route_map["Reset"]["_on_action"]

        async def answer_later(**kwargs: Any) -> Any:
            await release.wait()
            return real_answer(**kwargs)

        slow.route_map["Reset"]["_on_action"] = answer_later
        slow_reset = hass.async_create_task(
            call_action(hass, "reset", {"device_id": charger_device_id(hass, "CP1")})
        )
        await slow.wait_for_call("GetConfiguration")  # the slow charger is connected and booted
        fast_result = await call_action(
            hass, "reset", {"device_id": charger_device_id(hass, "CP2")}
        )
        assert fast_result == {"status": "Accepted"}
        assert not slow_reset.done()
        release.set()
        assert await slow_reset == {"status": "Accepted"}


async def test_command_from_an_event_listener(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """An automation reacting to a charger's message can command that charger at once."""
    answers: list[Any] = []

    async def on_started(event: Event) -> None:
        answers.append(
            await call_action(
                hass,
                "get_configuration",
                {"device_id": charger_device_id(hass), "keys": ["MeterValueSampleInterval"]},
            )
        )

    hass.bus.async_listen(EVENT_TRANSACTION_STARTED, on_started)
    async with connect_booted(hass, port, "CP1") as cp:
        async with asyncio.timeout(5):
            await cp.start_transaction(1, "CARD-1", 0)
            await hass.async_block_till_done()
        assert answers == [
            {
                "configuration": {"MeterValueSampleInterval": "60"},
                "readonly": [],
                "unknown_keys": [],
            }
        ]
