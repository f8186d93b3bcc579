"""Every action sends the exact OCPP request to a real charge point and returns its answer."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ocpp_csms.const import DOMAIN

from .charge_point import DAY, booted, connect

TX_PROFILE_CAMEL = {
    "chargingProfileId": 7,
    "stackLevel": 2,
    "chargingProfilePurpose": "TxProfile",
    "chargingProfileKind": "Relative",
    "chargingSchedule": {
        "chargingRateUnit": "A",
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 10}],
    },
}
TX_PROFILE_RECEIVED = {
    "charging_profile_id": 7,
    "stack_level": 2,
    "charging_profile_purpose": "TxProfile",
    "charging_profile_kind": "Relative",
    "charging_schedule": {
        "charging_rate_unit": "A",
        "charging_schedule_period": [{"start_period": 0, "limit": 10.0}],
    },
}
ABSOLUTE_PROFILE = {
    "charging_profile_id": 12,
    "stack_level": 3,
    "charging_profile_purpose": "TxDefaultProfile",
    "charging_profile_kind": "Absolute",
    "valid_to": "2030-01-02T00:00:00+01:00",
    "charging_schedule": {
        "charging_rate_unit": "A",
        "start_schedule": "2030-01-01T22:00:00Z",
        "duration": 7200,
        "charging_schedule_period": [
            {"start_period": 0, "limit": 16, "number_phases": 3},
            {"start_period": 3600, "limit": 6.5},
        ],
        "min_charging_rate": 6,
    },
}
ABSOLUTE_PROFILE_RECEIVED = {
    "charging_profile_id": 12,
    "stack_level": 3,
    "charging_profile_purpose": "TxDefaultProfile",
    "charging_profile_kind": "Absolute",
    "valid_to": "2030-01-01T23:00:00.000Z",
    "charging_schedule": {
        "duration": 7200,
        "start_schedule": "2030-01-01T22:00:00.000Z",
        "charging_rate_unit": "A",
        "charging_schedule_period": [
            {"start_period": 0, "limit": 16.0, "number_phases": 3},
            {"start_period": 3600, "limit": 6.5},
        ],
        "min_charging_rate": 6.0,
    },
}

ACCEPTED = {"status": "Accepted"}

# service, service data, OCPP action the charger receives, its payload, the action's response
CASES: list[tuple[str, dict[str, Any], str, dict[str, Any], dict[str, Any]]] = [
    (
        "remote_start",
        {"connector_id": 1, "id_tag": "CARD-1"},
        "RemoteStartTransaction",
        {"connector_id": 1, "id_tag": "CARD-1"},
        ACCEPTED,
    ),
    (
        "remote_start",
        {"charging_profile": TX_PROFILE_CAMEL},
        "RemoteStartTransaction",
        {"connector_id": 1, "id_tag": "HomeAssistant", "charging_profile": TX_PROFILE_RECEIVED},
        ACCEPTED,
    ),
    (
        "remote_stop",
        {"transaction_id": 5},
        "RemoteStopTransaction",
        {"transaction_id": 5},
        ACCEPTED,
    ),
    ("reset", {"type": "hard"}, "Reset", {"type": "Hard"}, ACCEPTED),
    ("reset", {}, "Reset", {"type": "Soft"}, ACCEPTED),
    ("unlock_connector", {}, "UnlockConnector", {"connector_id": 1}, {"status": "Unlocked"}),
    (
        "change_availability",
        {"type": "inoperative"},
        "ChangeAvailability",
        {"connector_id": 0, "type": "Inoperative"},
        ACCEPTED,
    ),
    (
        "change_availability",
        {"connector_id": 1, "type": "operative"},
        "ChangeAvailability",
        {"connector_id": 1, "type": "Operative"},
        ACCEPTED,
    ),
    (
        "change_configuration",
        {"key": "HeartbeatInterval", "value": 60},
        "ChangeConfiguration",
        {"key": "HeartbeatInterval", "value": "60"},
        ACCEPTED,
    ),
    (
        "change_configuration",
        {"key": "LocalAuthorizeOffline", "value": True},
        "ChangeConfiguration",
        {"key": "LocalAuthorizeOffline", "value": "true"},
        ACCEPTED,
    ),
    (
        "get_configuration",
        {"keys": ["MeterValueSampleInterval", "ChargeProfileMaxStackLevel", "Nope"]},
        "GetConfiguration",
        {"key": ["MeterValueSampleInterval", "ChargeProfileMaxStackLevel", "Nope"]},
        {
            "configuration": {"MeterValueSampleInterval": "60", "ChargeProfileMaxStackLevel": "8"},
            "readonly": ["ChargeProfileMaxStackLevel"],
            "unknown_keys": ["Nope"],
        },
    ),
    ("clear_cache", {}, "ClearCache", {}, ACCEPTED),
    (
        "data_transfer",
        {"vendor_id": "com.acme", "message_id": "ping", "data": {"n": 1}},
        "DataTransfer",
        {"vendor_id": "com.acme", "message_id": "ping", "data": '{"n": 1}'},
        {"status": "Accepted", "data": "pong"},
    ),
    (
        "trigger_message",
        {"requested_message": "MeterValues", "connector_id": 1},
        "TriggerMessage",
        {"requested_message": "MeterValues", "connector_id": 1},
        ACCEPTED,
    ),
    (
        "trigger_message",
        {"requested_message": "Heartbeat"},
        "TriggerMessage",
        {"requested_message": "Heartbeat"},
        ACCEPTED,
    ),
    (
        "set_charging_profile",
        {"limit": 10},  # the whole charger: the limit of its one connector
        "SetChargingProfile",
        {
            "connector_id": 1,
            "cs_charging_profiles": {
                "charging_profile_id": 1001,
                "stack_level": 0,
                "charging_profile_purpose": "TxDefaultProfile",
                "charging_profile_kind": "Relative",
                "charging_schedule": {
                    "charging_rate_unit": "A",
                    "charging_schedule_period": [{"start_period": 0, "limit": 10.0}],
                },
            },
        },
        ACCEPTED,
    ),
    (
        "set_charging_profile",
        {"connector_id": 1, "charging_profile": ABSOLUTE_PROFILE},
        "SetChargingProfile",
        {"connector_id": 1, "cs_charging_profiles": ABSOLUTE_PROFILE_RECEIVED},
        ACCEPTED,
    ),
    (
        "set_charging_profile",
        {"connector_id": 1, "charging_profile": {**TX_PROFILE_CAMEL, "transactionId": "5"}},
        "SetChargingProfile",
        {"connector_id": 1, "cs_charging_profiles": {**TX_PROFILE_RECEIVED, "transaction_id": 5}},
        ACCEPTED,
    ),
    (
        "clear_charging_profile",
        {"id": 1000},
        "ClearChargingProfile",
        {"id": 1000},
        ACCEPTED,
    ),
    (
        "clear_charging_profile",
        {"connector_id": 1, "purpose": "TxDefaultProfile", "stack_level": 1},
        "ClearChargingProfile",
        {"connector_id": 1, "charging_profile_purpose": "TxDefaultProfile", "stack_level": 1},
        ACCEPTED,
    ),
    (
        "get_composite_schedule",
        {"connector_id": 1, "duration": 3600, "unit": "A"},
        "GetCompositeSchedule",
        {"connector_id": 1, "duration": 3600, "charging_rate_unit": "A"},
        {
            "status": "Accepted",
            "connector_id": 1,
            "schedule_start": f"{DAY}T12:00:00+00:00",
            "charging_schedule": {
                "duration": 3600,
                "charging_rate_unit": "A",
                "charging_schedule_period": [{"start_period": 0, "limit": 16.0}],
            },
        },
    ),
    (
        "update_firmware",
        {
            "location": "https://example.com/fw.bin",
            "retrieve_date": "2030-02-01T10:00:00+00:00",
            "retries": 3,
            "retry_interval": 60,
        },
        "UpdateFirmware",
        {
            "location": "https://example.com/fw.bin",
            "retrieve_date": "2030-02-01T10:00:00.000Z",
            "retries": 3,
            "retry_interval": 60,
        },
        ACCEPTED,
    ),
    (
        "get_diagnostics",
        {
            "location": "ftp://example.com/diag/",
            "start_time": "2025-01-01T00:00:00Z",
            "stop_time": "2025-01-02T00:00:00Z",
        },
        "GetDiagnostics",
        {
            "location": "ftp://example.com/diag/",
            "start_time": "2025-01-01T00:00:00.000Z",
            "stop_time": "2025-01-02T00:00:00.000Z",
        },
        {"status": "Accepted", "file_name": "diagnostics.zip"},
    ),
    (
        "reserve_now",
        {
            "connector_id": 1,
            "expiry_date": "2030-01-01T13:00:00Z",
            "id_tag": "CARD-1",
            "reservation_id": 42,
            "parent_id_tag": "FLEET",
        },
        "ReserveNow",
        {
            "connector_id": 1,
            "expiry_date": "2030-01-01T13:00:00.000Z",
            "id_tag": "CARD-1",
            "reservation_id": 42,
            "parent_id_tag": "FLEET",
        },
        {"status": "Accepted", "reservation_id": 42},
    ),
    (
        "cancel_reservation",
        {"reservation_id": 42},
        "CancelReservation",
        {"reservation_id": 42},
        ACCEPTED,
    ),
    (
        "send_local_list",
        {
            "list_version": 3,
            "local_authorization_list": [
                "CARD-1",
                {"idTag": "CARD-2", "idTagInfo": {"status": "Blocked"}},
                {
                    "id_tag": "CARD-3",
                    "id_tag_info": {
                        "status": "Accepted",
                        "expiry_date": "2031-01-01T00:00:00Z",
                        "parent_id_tag": "FLEET",
                    },
                },
            ],
        },
        "SendLocalList",
        {
            "list_version": 3,
            "update_type": "Full",
            "local_authorization_list": [
                {"id_tag": "CARD-1", "id_tag_info": {"status": "Accepted"}},
                {"id_tag": "CARD-2", "id_tag_info": {"status": "Blocked"}},
                {
                    "id_tag": "CARD-3",
                    "id_tag_info": {
                        "status": "Accepted",
                        "expiry_date": "2031-01-01T00:00:00.000Z",
                        "parent_id_tag": "FLEET",
                    },
                },
            ],
        },
        ACCEPTED,
    ),
    (
        "send_local_list",
        {
            "list_version": 4,
            "update_type": "differential",
            "local_authorization_list": [{"id_tag": "CARD-2"}],
        },
        "SendLocalList",
        {
            "list_version": 4,
            "update_type": "Differential",
            "local_authorization_list": [{"id_tag": "CARD-2"}],
        },
        ACCEPTED,
    ),
    ("get_local_list_version", {}, "GetLocalListVersion", {}, {"list_version": 7}),
]


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


@pytest.mark.parametrize(
    ("service", "data", "action", "payload", "expected"),
    CASES,
    ids=[f"{case[0]}-{index}" for index, case in enumerate(CASES)],
)
async def test_action(
    hass: HomeAssistant,
    central: MockConfigEntry,
    port: int,
    service: str,
    data: dict[str, Any],
    action: str,
    payload: dict[str, Any],
    expected: dict[str, Any],
) -> None:
    """The charger receives exactly the OCPP request; the caller gets its answer."""
    async with connect(port, "CP1") as cp:
        await booted(hass, cp)
        before = len(cp.calls(action))
        response = await call_action(hass, service, {"device_id": charger_device_id(hass), **data})
        assert cp.calls(action)[before:] == [payload]
        assert response == expected


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
    assert {case[0] for case in CASES} == ocpp_16_commands


async def test_status_only_when_asked(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Actions that only command answer with their status when the caller asks for it."""
    async with connect(port, "CP1") as cp:
        await booted(hass, cp)
        device_id = charger_device_id(hass)
        assert (
            await call_action(hass, "clear_cache", {"device_id": device_id}, response=False) is None
        )
        assert cp.calls("ClearCache") == [{}]


async def test_generated_reservation_id(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Without a reservation id one is chosen and returned, so it can be cancelled later."""
    async with connect(port, "CP1") as cp:
        await booted(hass, cp)
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
    async with connect(port, "CP1") as cp:
        await booted(hass, cp)
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
    async with connect(port, "CP1") as cp:
        await booted(hass, cp)
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
    async with connect(port, "CP1") as cp:
        cp.configuration["ChargeProfileMaxStackLevel"] = "2"
        cp.configuration["ChargingScheduleMaxPeriods"] = "2"
        await booted(hass, cp)
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
    async with connect(port, "CP1") as cp:
        cp.configuration["NumberOfConnectors"] = "2"
        await booted(hass, cp, connectors=2)
        await call_action(hass, "unlock_connector", {"device_id": charger_device_id(hass, "CP1/2")})
        assert cp.calls("UnlockConnector") == [{"connector_id": 2}]
        with pytest.raises(ServiceValidationError) as err:
            await call_action(hass, "unlock_connector", {"device_id": charger_device_id(hass)})
        assert err.value.translation_key == "connector_required"
        # Charger-wide commands sent to a connector's device go to its charger.
        await call_action(hass, "reset", {"device_id": charger_device_id(hass, "CP1/1")})
        assert cp.calls("Reset") == [{"type": "Soft"}]
