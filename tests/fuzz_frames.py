"""Frames a broken or hostile charger might send, and what OCPP-J says the answer must be."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

# CALLERROR codes of OCPP 1.6 (with its "FormationViolation" spelling) and 2.0.1.
ERROR_CODES = frozenset(
    {
        "NotImplemented",
        "NotSupported",
        "InternalError",
        "ProtocolError",
        "SecurityError",
        "FormatViolation",
        "FormationViolation",
        "PropertyConstraintViolation",
        "OccurenceConstraintViolation",
        "OccurrenceConstraintViolation",
        "TypeConstraintViolation",
        "GenericError",
        "MessageTypeNotSupported",
        "RpcFrameworkError",
    }
)

# Charger-to-central-system actions of OCPP 1.6 with their payload fields.
FIELDS: dict[str, tuple[str, ...]] = {
    "Authorize": ("idTag",),
    "BootNotification": ("chargePointVendor", "chargePointModel", "firmwareVersion", "iccid"),
    "DataTransfer": ("vendorId", "messageId", "data"),
    "DiagnosticsStatusNotification": ("status",),
    "FirmwareStatusNotification": ("status",),
    "Heartbeat": (),
    "MeterValues": ("connectorId", "transactionId", "meterValue"),
    "StartTransaction": ("connectorId", "idTag", "meterStart", "timestamp", "reservationId"),
    "StatusNotification": ("connectorId", "errorCode", "status", "timestamp", "info"),
    "StopTransaction": ("meterStop", "timestamp", "transactionId", "reason", "transactionData"),
}

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=20,
)
_message_ids = st.text(max_size=40) | json_values
_message_types = st.sampled_from([2, 3, 4]) | json_values


@st.composite
def _payloads(draw: st.DrawFn, action: str) -> Any:
    """Mostly the action's own fields with values of any type (often the wrong one)."""
    fields = FIELDS.get(action, ())
    if fields and draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(fields), unique=True))
        return {name: draw(json_values) for name in chosen}
    return draw(json_values)


@st.composite
def ocpp_shaped(draw: st.DrawFn) -> str:
    """Arrays that look like OCPP-J messages, each part possibly wrong."""
    action = draw(st.sampled_from(sorted(FIELDS)) | st.text(max_size=30))
    parts: list[Any] = [
        draw(_message_types),
        draw(_message_ids),
        action,
        draw(_payloads(action)),
        draw(json_values),
    ]
    return json.dumps(parts[: draw(st.integers(min_value=0, max_value=5))])


@st.composite
def answers(draw: st.DrawFn) -> str:
    """CALLRESULTs and CALLERRORs for calls nobody made."""
    if draw(st.booleans()):
        return json.dumps([3, draw(st.text(max_size=40)), draw(json_values)])
    return json.dumps(
        [4, draw(st.text(max_size=40)), draw(st.text()), draw(st.text()), draw(json_values)]
    )


@st.composite
def deep_nesting(draw: st.DrawFn) -> str:
    """Arrays or objects nested far deeper than any parser recursion limit."""
    depth = draw(st.integers(min_value=100, max_value=100_000))
    if draw(st.booleans()):
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


@st.composite
def huge_strings(draw: st.DrawFn) -> str:
    """A well-formed CALL whose fields are hundreds of kilobytes long."""
    size = draw(st.integers(min_value=10_000, max_value=250_000))
    action = draw(st.sampled_from(["Authorize", "DataTransfer", "x" * size]))
    fields = {"idTag": "é" * size, "vendorId": "x", "data": "x"}
    return json.dumps([2, "h" * min(size, 50_000), action, fields], ensure_ascii=False)


_connector_ids = st.integers(min_value=-3, max_value=2**31)
_timestamps = st.datetimes(timezones=st.timezones()).map(lambda t: t.isoformat()) | st.text(
    max_size=30
)
_sampled_value = st.fixed_dictionaries(
    {"value": st.text(max_size=12) | st.integers().map(str)},
    optional={
        "measurand": st.sampled_from(
            ["Energy.Active.Import.Register", "Power.Active.Import", "SoC", "Voltage"]
        ),
        "unit": st.sampled_from(["Wh", "kWh", "W", "kW", "V", "Percent"]),
        "phase": st.sampled_from(["L1", "L2", "L3", "L1-N"]),
        "context": st.sampled_from(["Sample.Periodic", "Transaction.Begin"]),
    },
)
_meter_value = st.fixed_dictionaries(
    {"timestamp": _timestamps, "sampledValue": st.lists(_sampled_value, min_size=1, max_size=4)}
)
_plausible_payloads: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "StatusNotification": st.fixed_dictionaries(
        {
            "connectorId": _connector_ids,
            "errorCode": st.sampled_from(["NoError", "GroundFailure", "OtherError"]),
            "status": st.sampled_from(["Available", "Preparing", "Charging", "Faulted"]),
        },
        optional={"timestamp": _timestamps, "info": st.text(max_size=50)},
    ),
    "MeterValues": st.fixed_dictionaries(
        {"connectorId": _connector_ids, "meterValue": st.lists(_meter_value, max_size=3)},
        optional={"transactionId": st.integers()},
    ),
    "StartTransaction": st.fixed_dictionaries(
        {
            "connectorId": _connector_ids,
            "idTag": st.text(max_size=20),
            "meterStart": st.integers(),
            "timestamp": _timestamps,
        }
    ),
    "StopTransaction": st.fixed_dictionaries(
        {"meterStop": st.integers(), "timestamp": _timestamps, "transactionId": st.integers()},
        optional={"idTag": st.text(max_size=20), "transactionData": st.lists(_meter_value)},
    ),
    "Authorize": st.fixed_dictionaries({"idTag": st.text(max_size=25)}),
    "DataTransfer": st.fixed_dictionaries(
        {"vendorId": st.text(max_size=255)}, optional={"data": st.text()}
    ),
}


_evse_ids = st.integers(min_value=-3, max_value=2**31)
_sampled_value_201 = st.fixed_dictionaries(
    {"value": st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(2**53), 2**53)},
    optional={
        "measurand": st.sampled_from(["Energy.Active.Import.Register", "Power.Active.Import"]),
        "unitOfMeasure": st.fixed_dictionaries(
            {},
            optional={
                "unit": st.sampled_from(["Wh", "kWh", "W", "A"]),
                "multiplier": st.integers(-400, 400),
            },
        ),
        "context": st.sampled_from(["Sample.Periodic", "Transaction.Begin", "Transaction.End"]),
    },
)
_meter_value_201 = st.fixed_dictionaries(
    {"timestamp": _timestamps, "sampledValue": st.lists(_sampled_value_201, min_size=1, max_size=3)}
)
_id_tokens = st.fixed_dictionaries(
    {"idToken": st.text(max_size=36), "type": st.sampled_from(["Central", "ISO14443", "KeyCode"])}
)
_transaction_ids = st.sampled_from(["tx-1", "tx-2"]) | st.text(min_size=1, max_size=36)
_plausible_payloads_201: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "StatusNotification": st.fixed_dictionaries(
        {
            "timestamp": _timestamps,
            "connectorStatus": st.sampled_from(
                ["Available", "Occupied", "Reserved", "Unavailable", "Faulted"]
            ),
            "evseId": _evse_ids,
            "connectorId": st.integers(-1, 4),
        }
    ),
    "MeterValues": st.fixed_dictionaries(
        {"evseId": _evse_ids, "meterValue": st.lists(_meter_value_201, min_size=1, max_size=3)}
    ),
    "TransactionEvent": st.fixed_dictionaries(
        {
            "eventType": st.sampled_from(["Started", "Updated", "Ended"]),
            "timestamp": _timestamps,
            "triggerReason": st.sampled_from(
                ["Authorized", "CablePluggedIn", "ChargingStateChanged", "MeterValuePeriodic"]
            ),
            "seqNo": st.integers(min_value=-5, max_value=2**40),
            "transactionInfo": st.fixed_dictionaries(
                {"transactionId": _transaction_ids},
                optional={
                    "chargingState": st.sampled_from(
                        ["Charging", "EVConnected", "SuspendedEV", "SuspendedEVSE", "Idle"]
                    ),
                    "stoppedReason": st.sampled_from(["Local", "EVDisconnected", "Remote"]),
                    "remoteStartId": st.integers(),
                },
            ),
        },
        optional={
            "evse": st.fixed_dictionaries(
                {"id": _evse_ids}, optional={"connectorId": st.integers(0, 3)}
            ),
            "idToken": _id_tokens,
            "meterValue": st.lists(_meter_value_201, min_size=1, max_size=2),
            "offline": st.booleans(),
        },
    ),
    "Authorize": st.fixed_dictionaries({"idToken": _id_tokens}),
    "NotifyReport": st.fixed_dictionaries(
        {"requestId": st.integers(), "generatedAt": _timestamps, "seqNo": st.integers(0, 5)},
        optional={
            "tbc": st.booleans(),
            "reportData": st.lists(
                st.fixed_dictionaries(
                    {
                        "component": st.fixed_dictionaries(
                            {"name": st.text(min_size=1, max_size=50)},
                            optional={"evse": st.fixed_dictionaries({"id": _evse_ids})},
                        ),
                        "variable": st.fixed_dictionaries(
                            {"name": st.text(min_size=1, max_size=50)}
                        ),
                        "variableAttribute": st.lists(
                            st.fixed_dictionaries({}, optional={"value": st.text(max_size=30)}),
                            min_size=1,
                            max_size=2,
                        ),
                    }
                ),
                min_size=1,
                max_size=3,
            ),
        },
    ),
    "SecurityEventNotification": st.fixed_dictionaries(
        {"type": st.text(max_size=50), "timestamp": _timestamps}
    ),
}


@st.composite
def plausible_calls(draw: st.DrawFn, payloads: dict[str, st.SearchStrategy[dict[str, Any]]]) -> str:
    """Well-formed CALLs with legal types but odd values: far connector ids, odd times."""
    action = draw(st.sampled_from(sorted(payloads)))
    payload = draw(payloads[action])
    return json.dumps([2, draw(st.uuids()).hex, action, payload], ensure_ascii=False)


_any_frames = (
    ocpp_shaped()
    | answers()
    | st.builds(json.dumps, json_values)
    | st.text(max_size=200)
    | st.binary(max_size=200)
    | deep_nesting()
    | huge_strings()
)
# Frames to try on a connection of each OCPP version.
FRAMES = {
    "ocpp1.6": plausible_calls(_plausible_payloads) | _any_frames,
    "ocpp2.0.1": plausible_calls(_plausible_payloads_201) | _any_frames,
}
BOOTS = {
    "ocpp1.6": {"chargePointVendor": "Fuzz", "chargePointModel": "Fuzz"},
    "ocpp2.0.1": {"chargingStation": {"vendorName": "Fuzz", "model": "Fuzz"}, "reason": "PowerUp"},
}


def expected_answer_id(frame: str | bytes) -> str | None:
    """The message id the answer must carry, or None when OCPP-J says not to answer."""
    try:
        parsed = json.loads(frame)
    except (ValueError, RecursionError):
        return "-1"
    if isinstance(parsed, list) and parsed:
        if parsed[0] in (3, 4) and not isinstance(parsed[0], bool):
            return None  # answers are never answered
        if len(parsed) > 1 and isinstance(parsed[1], str) and parsed[1]:
            return parsed[1]
    return "-1"
