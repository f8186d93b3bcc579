"""Every action works on a 2.0.1 station: the same call, the 2.0.1 request on the wire."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .charge_point import DAY
from .charge_point_201 import booted201, connect201
from .test_actions import (
    ABSOLUTE_PROFILE,
    CASES as CASES_16,
    TX_PROFILE_CAMEL,
    call_action,
    charger_device_id,
)
from .test_session import state

ACCEPTED = {"status": "Accepted"}
SCHEDULE_RECEIVED = {
    "id": 12,
    "duration": 7200,
    "start_schedule": "2030-01-01T22:00:00.000Z",
    "charging_rate_unit": "A",
    "charging_schedule_period": [
        {"start_period": 0, "limit": 16.0, "number_phases": 3},
        {"start_period": 3600, "limit": 6.5},
    ],
    "min_charging_rate": 6.0,
}

# service, service data, OCPP action the station receives, its payload, the action's response
CASES: list[tuple[str, dict[str, Any], str, dict[str, Any], dict[str, Any]]] = [
    (
        "remote_start",
        {"connector_id": 1, "id_tag": "CARD-1"},
        "RequestStartTransaction",
        {"id_token": {"id_token": "CARD-1", "type": "Central"}, "evse_id": 1},
        ACCEPTED,
    ),
    (
        "remote_start",
        {"charging_profile": TX_PROFILE_CAMEL},
        "RequestStartTransaction",
        {
            "id_token": {"id_token": "HomeAssistant", "type": "Central"},
            "evse_id": 1,
            "charging_profile": {
                "id": 7,
                "stack_level": 2,
                "charging_profile_purpose": "TxProfile",
                "charging_profile_kind": "Relative",
                "charging_schedule": [
                    {
                        "id": 7,
                        "charging_rate_unit": "A",
                        "charging_schedule_period": [{"start_period": 0, "limit": 10.0}],
                    }
                ],
            },
        },
        ACCEPTED,
    ),
    (
        "remote_stop",
        {"transaction_id": "0042"},
        "RequestStopTransaction",
        {"transaction_id": "0042"},
        ACCEPTED,
    ),
    ("reset", {"type": "hard"}, "Reset", {"type": "Immediate"}, ACCEPTED),
    ("reset", {}, "Reset", {"type": "OnIdle"}, ACCEPTED),
    (
        "unlock_connector",
        {},
        "UnlockConnector",
        {"evse_id": 1, "connector_id": 1},
        {"status": "Unlocked"},
    ),
    (
        "change_availability",
        {"type": "inoperative"},
        "ChangeAvailability",
        {"operational_status": "Inoperative"},
        ACCEPTED,
    ),
    (
        "change_availability",
        {"connector_id": 1, "type": "operative"},
        "ChangeAvailability",
        {"operational_status": "Operative", "evse": {"id": 1}},
        ACCEPTED,
    ),
    (
        "change_configuration",
        {"key": "SampledDataCtrlr.TxUpdatedInterval", "value": 30},
        "SetVariables",
        {
            "set_variable_data": [
                {
                    "attribute_value": "30",
                    "component": {"name": "SampledDataCtrlr"},
                    "variable": {"name": "TxUpdatedInterval"},
                }
            ]
        },
        ACCEPTED,
    ),
    (
        "change_configuration",
        {"key": "OCPPCommCtrlr[Default].MessageTimeout", "value": "45"},
        "SetVariables",
        {
            "set_variable_data": [
                {
                    "attribute_value": "45",
                    "component": {"name": "OCPPCommCtrlr", "instance": "Default"},
                    "variable": {"name": "MessageTimeout"},
                }
            ]
        },
        ACCEPTED,
    ),
    (
        "get_configuration",
        {"keys": ["EVSE[1].Power", "SmartChargingCtrlr.RateUnit", "Nope.Nothing"]},
        "GetVariables",
        {
            "get_variable_data": [
                {"component": {"name": "EVSE", "evse": {"id": 1}}, "variable": {"name": "Power"}},
                {"component": {"name": "SmartChargingCtrlr"}, "variable": {"name": "RateUnit"}},
                {"component": {"name": "Nope"}, "variable": {"name": "Nothing"}},
            ]
        },
        {
            "configuration": {"EVSE[1].Power": "22000", "SmartChargingCtrlr.RateUnit": "A,W"},
            "readonly": [],
            "unknown_keys": ["Nope.Nothing"],
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
        {"requested_message": "StatusNotification", "connector_id": 1},
        "TriggerMessage",
        {"requested_message": "StatusNotification", "evse": {"id": 1, "connector_id": 1}},
        ACCEPTED,
    ),
    (
        "trigger_message",
        {"requested_message": "DiagnosticsStatusNotification"},
        "TriggerMessage",
        {"requested_message": "LogStatusNotification"},
        ACCEPTED,
    ),
    (
        "set_charging_profile",
        {"limit": 10},  # the whole station: the limit of its one EVSE
        "SetChargingProfile",
        {
            "evse_id": 1,
            "charging_profile": {
                "id": 1001,
                "stack_level": 0,
                "charging_profile_purpose": "TxDefaultProfile",
                "charging_profile_kind": "Relative",
                "charging_schedule": [
                    {
                        "id": 1001,
                        "charging_rate_unit": "A",
                        "charging_schedule_period": [{"start_period": 0, "limit": 10.0}],
                    }
                ],
            },
        },
        ACCEPTED,
    ),
    (
        "set_charging_profile",
        {"connector_id": 1, "charging_profile": ABSOLUTE_PROFILE},
        "SetChargingProfile",
        {
            "evse_id": 1,
            "charging_profile": {
                "id": 12,
                "stack_level": 3,
                "charging_profile_purpose": "TxDefaultProfile",
                "charging_profile_kind": "Absolute",
                "valid_to": "2030-01-01T23:00:00.000Z",
                "charging_schedule": [SCHEDULE_RECEIVED],
            },
        },
        ACCEPTED,
    ),
    (
        "set_charging_profile",
        {
            "charging_profile": {
                **ABSOLUTE_PROFILE,
                "charging_profile_purpose": "ChargePointMaxProfile",
            }
        },
        "SetChargingProfile",
        {
            "evse_id": 0,
            "charging_profile": {
                "id": 12,
                "stack_level": 3,
                "charging_profile_purpose": "ChargingStationMaxProfile",
                "charging_profile_kind": "Absolute",
                "valid_to": "2030-01-01T23:00:00.000Z",
                "charging_schedule": [SCHEDULE_RECEIVED],
            },
        },
        ACCEPTED,
    ),
    (
        "clear_charging_profile",
        {"id": 1000},
        "ClearChargingProfile",
        {"charging_profile_id": 1000},
        ACCEPTED,
    ),
    (
        "clear_charging_profile",
        {"connector_id": 1, "purpose": "TxDefaultProfile", "stack_level": 1},
        "ClearChargingProfile",
        {
            "charging_profile_criteria": {
                "evse_id": 1,
                "charging_profile_purpose": "TxDefaultProfile",
                "stack_level": 1,
            }
        },
        ACCEPTED,
    ),
    (
        "get_composite_schedule",
        {"connector_id": 1, "duration": 3600, "unit": "A"},
        "GetCompositeSchedule",
        {"evse_id": 1, "duration": 3600, "charging_rate_unit": "A"},
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
            "firmware": {
                "location": "https://example.com/fw.bin",
                "retrieve_date_time": "2030-02-01T10:00:00.000Z",
            },
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
        "GetLog",
        {
            "log_type": "DiagnosticsLog",
            "log": {
                "remote_location": "ftp://example.com/diag/",
                "oldest_timestamp": "2025-01-01T00:00:00.000Z",
                "latest_timestamp": "2025-01-02T00:00:00.000Z",
            },
        },
        {"status": "Accepted", "file_name": "log.zip"},
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
            "id": 42,
            "expiry_date_time": "2030-01-01T13:00:00.000Z",
            "id_token": {"id_token": "CARD-1", "type": "Central"},
            "evse_id": 1,
            "group_id_token": {"id_token": "FLEET", "type": "Central"},
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
                {
                    "id_tag": "CARD-3",
                    "id_tag_info": {
                        "status": "Blocked",
                        "expiry_date": "2031-01-01T00:00:00Z",
                        "parent_id_tag": "FLEET",
                    },
                },
            ],
        },
        "SendLocalList",
        {
            "version_number": 3,
            "update_type": "Full",
            "local_authorization_list": [
                {
                    "id_token": {"id_token": "CARD-1", "type": "Central"},
                    "id_token_info": {"status": "Accepted"},
                },
                {
                    "id_token": {"id_token": "CARD-3", "type": "Central"},
                    "id_token_info": {
                        "status": "Blocked",
                        "cache_expiry_date_time": "2031-01-01T00:00:00.000Z",
                        "group_id_token": {"id_token": "FLEET", "type": "Central"},
                    },
                },
            ],
        },
        ACCEPTED,
    ),
    (
        "send_local_list",
        {"list_version": 4, "update_type": "differential", "local_authorization_list": []},
        "SendLocalList",
        {"version_number": 4, "update_type": "Differential"},
        ACCEPTED,
    ),
    ("get_local_list_version", {}, "GetLocalListVersion", {}, {"list_version": 7}),
]

# Ids the central system picks itself (remoteStartId, requestId) are checked separately.
_GENERATED = ("remote_start_id", "request_id")


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
    """The station receives exactly the 2.0.1 request; the caller gets its answer."""
    async with connect201(port, "CP1") as station:
        await booted201(hass, station)
        before = len(station.calls(action))
        response = await call_action(hass, service, {"device_id": charger_device_id(hass), **data})
        received = station.calls(action)[before:]
        generated = [{key: sent.pop(key) for key in _GENERATED if key in sent} for sent in received]
        assert received == [payload]
        assert all(isinstance(value, int) and value > 0 for value in generated[0].values())
        assert response == expected


async def test_every_action_is_covered() -> None:
    """The 2.0.1 table covers the same actions as the 1.6 one."""
    assert {case[0] for case in CASES} == {case[0] for case in CASES_16}


async def test_configuration_report_and_errors(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """All keys come from the station's report; refusals and bad keys are translated errors."""
    async with connect201(port, "CP1") as station:
        await booted201(hass, station)
        device_id = charger_device_id(hass)
        response = await call_action(hass, "get_configuration", {"device_id": device_id})
        assert response["configuration"]["Connector[1,1].ConnectorType"] == "cType2"
        assert response["configuration"]["OCPPCommCtrlr[Default].MessageTimeout"] == "30"
        assert "SmartChargingCtrlr.RateUnit" in response["readonly"]
        assert "SampledDataCtrlr.TxUpdatedInterval" not in response["readonly"]
        assert station.calls("GetBaseReport")[-1]["report_base"] == "ConfigurationInventory"

        with pytest.raises(HomeAssistantError, match="Rejected") as refused:
            await call_action(
                hass,
                "change_configuration",
                {"device_id": device_id, "key": "SmartChargingCtrlr.RateUnit", "value": "W"},
            )
        assert refused.value.translation_key == "command_rejected"

        with pytest.raises(ServiceValidationError, match="Component.Variable") as bad_key:
            await call_action(
                hass,
                "change_configuration",
                {"device_id": device_id, "key": "HeartbeatInterval", "value": "60"},
            )
        assert bad_key.value.translation_key == "invalid_request"

        station.answer_in_reverse = True
        response = await call_action(
            hass,
            "get_configuration",
            {"device_id": device_id, "keys": ["EVSE[1].Power", "SmartChargingCtrlr.RateUnit"]},
        )
        assert response["configuration"] == {
            "EVSE[1].Power": "22000",
            "SmartChargingCtrlr.RateUnit": "A,W",
        }

        station.replies["SetVariables"] = "RebootRequired"
        response = await call_action(
            hass,
            "change_configuration",
            {"device_id": device_id, "key": "OCPPCommCtrlr[Default].MessageTimeout", "value": 5},
        )
        assert response == {"status": "RebootRequired"}


async def test_remote_start_ties_the_session_to_its_id_tag(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """The station's transaction carries our remoteStartId: the session gets the id tag.

    A token the station already used keeps its type in later commands.
    """
    async with connect201(port, "CP1") as station:
        await booted201(hass, station)
        device_id = charger_device_id(hass)
        await call_action(hass, "remote_start", {"device_id": device_id, "id_tag": "APP-1"})
        request = station.calls("RequestStartTransaction")[-1]
        await station.transaction_event(
            "Started",
            "tx-r",
            evse=1,
            trigger_reason="RemoteStart",
            remote_start_id=request["remote_start_id"],
        )
        await hass.async_block_till_done()
        assert state(hass, "sensor", "CP1/1/id_tag").state == "APP-1"

        await call_action(hass, "remote_stop", {"device_id": device_id})
        assert station.calls("RequestStopTransaction")[-1] == {"transaction_id": "tx-r"}

        await station.transaction_event("Updated", "tx-r", id_token="CARD-5", token_type="KeyCode")
        await call_action(
            hass,
            "reserve_now",
            {"device_id": device_id, "expiry_date": "2030-01-01T13:00:00Z", "id_tag": "CARD-5"},
        )
        assert station.calls("ReserveNow")[-1]["id_token"] == {
            "id_token": "CARD-5",
            "type": "KeyCode",
        }
