"""Every action sends the exact OCPP request to a real charge point and returns its answer."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ocpp_csms.const import DOMAIN

from .action_cases import CASES_16, CASES_201, GENERATED
from .chargers import connect_booted


def charger_device_id(hass: HomeAssistant, identifier: str = "CP1") -> str:
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, identifier)})
    assert device is not None
    return device.id


async def call_action(
    hass: HomeAssistant, service: str, data: dict[str, Any], *, response: bool = True
) -> Any:
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=response
    )


VERSION_CASES = [("1.6", *case) for case in CASES_16] + [("2.0.1", *case) for case in CASES_201]


@pytest.mark.parametrize(
    ("version", "service", "data", "action", "payload", "expected"),
    VERSION_CASES,
    ids=[f"{case[0]}-{case[1]}-{index}" for index, case in enumerate(VERSION_CASES)],
)
async def test_action(
    hass: HomeAssistant,
    central: MockConfigEntry,
    port: int,
    version: str,
    service: str,
    data: dict[str, Any],
    action: str,
    payload: dict[str, Any],
    expected: dict[str, Any],
) -> None:
    """The charger receives exactly its version's OCPP request; the caller gets its answer."""
    async with connect_booted(hass, port, "CP1", version) as cp:
        before = len(cp.calls(action))
        response = await call_action(hass, service, {"device_id": charger_device_id(hass), **data})
        received = cp.calls(action)[before:]
        generated = [{key: sent.pop(key) for key in GENERATED if key in sent} for sent in received]
        assert received == [payload]
        assert all(isinstance(value, int) and value > 0 for value in generated[0].values())
        assert response == expected


async def test_every_version_covers_every_action() -> None:
    """The 2.0.1 table covers the same actions as the 1.6 one."""
    assert {case[0] for case in CASES_201} == {case[0] for case in CASES_16}


async def test_every_action_is_registered(hass: HomeAssistant, central: MockConfigEntry) -> None:
    """All OCPP 1.6 central-system commands are actions, with descriptions and icons."""
    services = hass.services.async_services_for_domain(DOMAIN)
    ocpp_16_commands = {
        "cancel_reservation",
        "change_availability",
        "change_configuration",
        "clear_cache",
        "clear_charging_profile",
        "data_transfer",
        "get_composite_schedule",
        "get_configuration",
        "get_diagnostics",
        "get_local_list_version",
        "remote_start",
        "remote_stop",
        "reserve_now",
        "reset",
        "send_local_list",
        "set_charging_profile",
        "trigger_message",
        "unlock_connector",
        "update_firmware",
    }
    assert ocpp_16_commands <= services.keys()
    assert {case[0] for case in CASES_16} == ocpp_16_commands


async def test_status_only_when_asked(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Actions that only command answer with their status when the caller asks for it."""
    async with connect_booted(hass, port, "CP1") as cp:
        device_id = charger_device_id(hass)
        assert (
            await call_action(hass, "clear_cache", {"device_id": device_id}, response=False) is None
        )
        assert cp.calls("ClearCache") == [{}]


async def test_generated_reservation_id(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Without a reservation id one is chosen and returned, so it can be cancelled later."""
    async with connect_booted(hass, port, "CP1") as cp:
        response = await call_action(
            hass,
            "reserve_now",
            {
                "device_id": charger_device_id(hass),
                "expiry_date": "2030-01-01T13:00:00Z",
                "id_tag": "CARD-1",
            },
        )
        (request,) = cp.calls("ReserveNow")
        assert response == {"status": "Accepted", "reservation_id": request["reservation_id"]}
        assert request["connector_id"] == 1


async def test_remote_stop_by_connector(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """remote_stop with a connector stops the session running there."""
    async with connect_booted(hass, port, "CP1") as cp:
        transaction_id, _ = await cp.start_transaction(1, "CARD-1", 0)
        await hass.async_block_till_done()
        await call_action(
            hass, "remote_stop", {"device_id": charger_device_id(hass), "connector_id": 1}
        )
        assert cp.calls("RemoteStopTransaction") == [{"transaction_id": transaction_id}]


@pytest.mark.parametrize("chargers", [["CP1"]])
async def test_limit_shortcut_updates_the_slider(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A limit in amps for one connector is the slider's profile, and the slider follows."""
    async with connect_booted(hass, port, "CP1") as cp:
        await call_action(
            hass,
            "set_charging_profile",
            {"device_id": charger_device_id(hass), "connector_id": 1, "limit": 14},
            response=False,
        )
        request = cp.calls("SetChargingProfile")[-1]
        assert request["cs_charging_profiles"]["charging_profile_id"] == 1001
        await hass.async_block_till_done()
        assert hass.states.get("number.cp1_max_current").state == "14.0"


async def test_profile_fitted_to_the_charger(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Profiles go out in a unit the charger takes, within its stack levels and periods."""
    async with connect_booted(
        hass,
        port,
        "CP1",
        configuration={"ChargeProfileMaxStackLevel": "2", "ChargingScheduleMaxPeriods": "2"},
    ) as cp:
        device_id = charger_device_id(hass)
        profile = {
            "charging_profile_id": 3,
            "stack_level": 2,
            "charging_profile_purpose": "TxDefaultProfile",
            "charging_profile_kind": "Relative",
            "charging_schedule": {
                "charging_rate_unit": "W",
                "charging_schedule_period": [
                    {"start_period": 0, "limit": 11040},
                    {"start_period": 60, "limit": 4140},
                ],
            },
        }
        await call_action(
            hass, "set_charging_profile", {"device_id": device_id, "charging_profile": profile}
        )
        sent = cp.calls("SetChargingProfile")[-1]["cs_charging_profiles"]["charging_schedule"]
        assert sent["charging_rate_unit"] == "A"
        assert sent["charging_schedule_period"] == [
            {"start_period": 0, "limit": 16.0},
            {"start_period": 60, "limit": 6.0},
        ]

        for change, key in (
            ({"stack_level": 3}, "too_many_stack_level"),
            (
                {
                    "charging_schedule": profile["charging_schedule"]
                    | {
                        "charging_schedule_period": [
                            {"start_period": 60 * i, "limit": 6000} for i in range(3)
                        ]
                    }
                },
                "too_many_periods",
            ),
        ):
            with pytest.raises(ServiceValidationError) as err:
                await call_action(
                    hass,
                    "set_charging_profile",
                    {"device_id": device_id, "charging_profile": profile | change},
                )
            assert err.value.translation_key == key
        assert len(cp.calls("SetChargingProfile")) == 1


async def test_connector_devices(hass: HomeAssistant, central: MockConfigEntry, port: int) -> None:
    """On a two-connector charger a connector's device targets that connector."""
    async with connect_booted(hass, port, "CP1", connectors=2) as cp:
        await call_action(hass, "unlock_connector", {"device_id": charger_device_id(hass, "CP1/2")})
        assert cp.calls("UnlockConnector") == [{"connector_id": 2}]
        with pytest.raises(ServiceValidationError) as err:
            await call_action(hass, "unlock_connector", {"device_id": charger_device_id(hass)})
        assert err.value.translation_key == "connector_required"
        # Charger-wide commands sent to a connector's device go to its charger.
        await call_action(hass, "reset", {"device_id": charger_device_id(hass, "CP1/1")})
        assert cp.calls("Reset") == [{"type": "Soft"}]
