"""OCPP 2.0.1 on the wire and in the model: device model variables, readings, profiles, results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ocpp.exceptions import (
    OCPPError,
)
from ocpp.v201 import call_result
from ocpp.v201.enums import (
    ChargingProfilePurposeEnumType,
    MessageTriggerEnumType,
)

from ...capabilities import SMART_CHARGING, Capabilities
from ...smart_charging.profile import (
    ChargingProfile,
    ChargingSchedule,
    ProfilePurpose,
    RateUnit,
    profile_as_dict,
    schedule_from_dict,
)
from ...transaction import MeterSample
from ..device_model import DeviceModelKeyError, VariableRef
from ..errors import InvalidRequestError
from ..incoming import AuthStatus
from ..meter import parse_meter_values
from ..outgoing import TriggerableMessage
from ..wire import (
    int_or_none,
    split_list,
    to_wire,
)

ENERGY_REGISTER = "Energy.Active.Import.Register"

# Device model variables that say what the station supports (read when it has no full report).
SMART_CHARGING_ENABLED = "SmartChargingCtrlr.Enabled"
STACK_LEVELS = "SmartChargingCtrlr.ProfileStackLevel"
RATE_UNITS = "SmartChargingCtrlr.RateUnit"
PERIODS = "SmartChargingCtrlr.PeriodsPerSchedule"
HEARTBEAT_INTERVAL = "OCPPCommCtrlr.HeartbeatInterval"
METER_INTERVAL = "SampledDataCtrlr.TxUpdatedInterval"
MEASURANDS = "SampledDataCtrlr.TxUpdatedMeasurands"
RESERVATION_ENABLED = "ReservationCtrlr.Enabled"
LOCAL_LIST_ENABLED = "LocalAuthListCtrlr.Enabled"
CAPABILITY_VARIABLES = (
    SMART_CHARGING_ENABLED,
    STACK_LEVELS,
    RATE_UNITS,
    PERIODS,
    HEARTBEAT_INTERVAL,
    METER_INTERVAL,
    MEASURANDS,
    RESERVATION_ENABLED,
    LOCAL_LIST_ENABLED,
)
# Functions every 2.0.1 station has, in the names 1.6 gives its feature profiles.
CORE_FEATURES = frozenset({"Core", "FirmwareManagement", "RemoteTrigger"})
OPTIONAL_FEATURES = {
    SMART_CHARGING_ENABLED: SMART_CHARGING,
    RESERVATION_ENABLED: "Reservation",
    LOCAL_LIST_ENABLED: "LocalAuthListManagement",
}

PURPOSES = {
    ProfilePurpose.CHARGER_MAX: ChargingProfilePurposeEnumType.charging_station_max_profile,
    ProfilePurpose.TX_DEFAULT: ChargingProfilePurposeEnumType.tx_default_profile,
    ProfilePurpose.TX: ChargingProfilePurposeEnumType.tx_profile,
}
TRIGGERS = {
    TriggerableMessage.BOOT_NOTIFICATION: MessageTriggerEnumType.boot_notification,
    TriggerableMessage.DIAGNOSTICS_STATUS_NOTIFICATION: (
        MessageTriggerEnumType.log_status_notification
    ),
    TriggerableMessage.FIRMWARE_STATUS_NOTIFICATION: (
        MessageTriggerEnumType.firmware_status_notification
    ),
    TriggerableMessage.HEARTBEAT: MessageTriggerEnumType.heartbeat,
    TriggerableMessage.METER_VALUES: MessageTriggerEnumType.meter_values,
    TriggerableMessage.STATUS_NOTIFICATION: MessageTriggerEnumType.status_notification,
}
UNITS_BY_NAME = {unit.value: unit for unit in RateUnit}
SET_VARIABLE_SUCCESS = ("Accepted", "RebootRequired")
UNKNOWN_VARIABLE = frozenset({"UnknownComponent", "UnknownVariable", "NotSupportedAttributeType"})


class MessageTypeNotSupportedError(OCPPError):
    """OCPP-J 2.0.1: a MessageTypeId this implementation does not know."""

    code = "MessageTypeNotSupported"
    default_description = "A message with a MessageTypeId that is not supported was received"


def read_value(sampled: dict[str, Any]) -> tuple[float, str | None] | None:
    """A 2.0.1 sampled value's number and unit, or None when it has no number."""
    unit = sampled.get("unit_of_measure") or {}
    value = sampled.get("value")
    if not isinstance(value, int | float):
        return None
    try:
        return value * 10.0 ** int(unit.get("multiplier", 0)), unit.get("unit")
    except OverflowError:  # a multiplier no meter has; the reading is unusable
        return None


def samples_of(meter_values: list[dict[str, Any]]) -> list[MeterSample]:
    """2.0.1 MeterValue objects (already snake_cased) as samples."""
    return parse_meter_values(meter_values, read_value)


def register_wh(samples: Sequence[MeterSample], context: str) -> float | None:
    """The energy register in Wh, preferably from a reading in ``context``."""
    registers = [s for s in samples if s.measurand == ENERGY_REGISTER and s.location != "Inlet"]
    preferred = [s for s in registers if s.context == context] or registers
    return None if not preferred else round(preferred[-1].value * 1000, 6)


# What a connection remembers per transaction, id token or remote start; the oldest go first.
MAX_REMEMBERED = 1000


def remember[K, V](memory: dict[K, V], key: K, value: V) -> V:
    """Keep ``value`` under ``key`` in a memory of at most MAX_REMEMBERED entries."""
    memory.pop(key, None)
    if len(memory) >= MAX_REMEMBERED:
        del memory[next(iter(memory))]
    memory[key] = value
    return value


def error_code(status: str) -> str:
    """2.0.1 reports faults as device model events: a faulted EVSE has "other" errors."""
    return "other_error" if status == "faulted" else "no_error"


def transaction_event_result(status: AuthStatus | None) -> call_result.TransactionEvent:
    """The answer to a TransactionEvent: the token's status when it carried one."""
    return call_result.TransactionEvent(
        id_token_info=None if status is None else {"status": status}
    )


def variable_ref(key: str) -> VariableRef:
    """A ``Component.Variable`` key as a reference; a malformed key is the caller's error."""
    try:
        return VariableRef.parse(key)
    except DeviceModelKeyError as err:
        raise InvalidRequestError(str(err)) from err


def profile_to_wire(profile: ChargingProfile) -> dict[str, Any]:
    """A 2.0.1 ChargingProfileType: one schedule, ids and purpose in 2.0.1 terms."""
    data = profile_as_dict(profile)
    schedule = data.pop("charging_schedule")
    data.pop("charging_profile_id")
    data["id"] = profile.id
    data["charging_profile_purpose"] = PURPOSES[profile.purpose].value
    if profile.transaction_id is not None:
        data["transaction_id"] = str(profile.transaction_id)
    data["charging_schedule"] = [{"id": profile.id, **schedule}]
    return to_wire(data)


def schedule_from_wire(data: dict[str, Any]) -> ChargingSchedule:
    """A CompositeScheduleType (already snake_cased and checked); its start is separate."""
    return schedule_from_dict({**data, "start_schedule": None})


def capabilities_from(values: dict[str, str | None], evse_count: int | None) -> Capabilities:
    """What the device model variables say about the station."""
    features = set(CORE_FEATURES)
    for key, feature in OPTIONAL_FEATURES.items():
        if (values.get(key) or "").lower() == "true":
            features.add(feature)
    units = split_list(values.get(RATE_UNITS))
    return Capabilities(
        feature_profiles=frozenset(features),
        number_of_connectors=evse_count,
        max_stack_level=int_or_none(values.get(STACK_LEVELS)),
        rate_units=None
        if units is None
        else frozenset(UNITS_BY_NAME[u] for u in units if u in UNITS_BY_NAME),
        max_periods=int_or_none(values.get(PERIODS)),
        heartbeat_interval=int_or_none(values.get(HEARTBEAT_INTERVAL)),
        meter_interval=int_or_none(values.get(METER_INTERVAL)),
        sampled_measurands=split_list(values.get(MEASURANDS)),
        configuration=values,
    )
