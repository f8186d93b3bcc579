"""What each action sends a charger of either OCPP version, and what it answers."""

from __future__ import annotations

from typing import Any

from .charge_point import DAY

type Case = tuple[str, dict[str, Any], str, dict[str, Any], dict[str, Any]]


def limit_request(limit: float, connector_id: int = 1) -> dict[str, Any]:
    """The SetChargingProfile a 1.6 connector gets for a current limit (its TxDefaultProfile)."""
    return {
        "connector_id": connector_id,
        "cs_charging_profiles": {
            "charging_profile_id": 1000 + connector_id,
            "stack_level": 0,
            "charging_profile_purpose": "TxDefaultProfile",
            "charging_profile_kind": "Relative",
            "charging_schedule": {
                "charging_rate_unit": "A",
                "charging_schedule_period": [{"start_period": 0, "limit": limit}],
            },
        },
    }


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

# Calls whose service data (and answer) are the same for every OCPP version.
COMPOSITE_CALL = ("get_composite_schedule", {"connector_id": 1, "duration": 3600, "unit": "A"})
COMPOSITE_ANSWER = {
    "status": "Accepted",
    "connector_id": 1,
    "schedule_start": f"{DAY}T12:00:00+00:00",
    "charging_schedule": {
        "duration": 3600,
        "charging_rate_unit": "A",
        "charging_schedule_period": [{"start_period": 0, "limit": 16.0}],
    },
}
FIRMWARE_CALL = (
    "update_firmware",
    {
        "location": "https://example.com/fw.bin",
        "retrieve_date": "2030-02-01T10:00:00+00:00",
        "retries": 3,
        "retry_interval": 60,
    },
)
DIAGNOSTICS_CALL = (
    "get_diagnostics",
    {
        "location": "ftp://example.com/diag/",
        "start_time": "2025-01-01T00:00:00Z",
        "stop_time": "2025-01-02T00:00:00Z",
    },
)
RESERVATION_CALL = (
    "reserve_now",
    {
        "connector_id": 1,
        "expiry_date": "2030-01-01T13:00:00Z",
        "id_tag": "CARD-1",
        "reservation_id": 42,
        "parent_id_tag": "FLEET",
    },
)

# Requests that are the same in both versions.
COMMON_CASES: list[Case] = [
    ("clear_cache", {}, "ClearCache", {}, ACCEPTED),
    (
        "data_transfer",
        {"vendor_id": "com.acme", "message_id": "ping", "data": {"n": 1}},
        "DataTransfer",
        {"vendor_id": "com.acme", "message_id": "ping", "data": '{"n": 1}'},
        {"status": "Accepted", "data": "pong"},
    ),
    (
        "cancel_reservation",
        {"reservation_id": 42},
        "CancelReservation",
        {"reservation_id": 42},
        ACCEPTED,
    ),
    ("get_local_list_version", {}, "GetLocalListVersion", {}, {"list_version": 7}),
]

# service, service data, OCPP action the charger receives, its payload, the action's response
CASES_16: list[Case] = [
    *COMMON_CASES,
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
        limit_request(10.0),
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
        *COMPOSITE_CALL,
        "GetCompositeSchedule",
        {"connector_id": 1, "duration": 3600, "charging_rate_unit": "A"},
        COMPOSITE_ANSWER,
    ),
    (
        *FIRMWARE_CALL,
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
        *DIAGNOSTICS_CALL,
        "GetDiagnostics",
        {
            "location": "ftp://example.com/diag/",
            "start_time": "2025-01-01T00:00:00.000Z",
            "stop_time": "2025-01-02T00:00:00.000Z",
        },
        {"status": "Accepted", "file_name": "diagnostics.zip"},
    ),
    (
        *RESERVATION_CALL,
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
]

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

# The same for a 2.0.1 station.
CASES_201: list[Case] = [
    *COMMON_CASES,
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
        *COMPOSITE_CALL,
        "GetCompositeSchedule",
        {"evse_id": 1, "duration": 3600, "charging_rate_unit": "A"},
        COMPOSITE_ANSWER,
    ),
    (
        *FIRMWARE_CALL,
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
        *DIAGNOSTICS_CALL,
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
        *RESERVATION_CALL,
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
]

# Ids the central system picks itself (remoteStartId, requestId) are checked separately.
GENERATED = ("remote_start_id", "request_id")
