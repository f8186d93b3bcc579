"""Which sensors a charger and its connectors have; measurands get theirs in measurand_sensors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    EntityCategory,
    UnitOfEnergy,
    UnitOfTime,
)
from homeassistant.util import dt as dt_util

from .core.model import Charger, Connector
from .entity import OcppEntityDescription, takes_profiles

CONNECTOR_STATUSES = [
    "available",
    "preparing",
    "charging",
    "suspended_evse",
    "suspended_ev",
    "finishing",
    "reserved",
    "unavailable",
    "faulted",
]
ERROR_CODES = [
    "no_error",
    "connector_lock_failure",
    "ev_communication_error",
    "ground_failure",
    "high_temperature",
    "internal_error",
    "local_list_conflict",
    "other_error",
    "over_current_failure",
    "over_voltage",
    "power_meter_failure",
    "power_switch_failure",
    "reader_failure",
    "reset_failure",
    "under_voltage",
    "weak_signal",
]


@dataclass(frozen=True, kw_only=True)
class OcppSensorDescription(OcppEntityDescription, SensorEntityDescription):
    """A sensor read from the model."""


def _session_duration(_charger: Charger, connector: Connector) -> float | None:
    if (session := connector.session) is None:
        return None
    return round(session.duration_s(dt_util.utcnow()))


def _running_transaction_id(_charger: Charger, connector: Connector) -> str | None:
    return str(connector.running.id) if connector.running else None


def _enum_sensor(
    key: str,
    translation_key: str,
    options: list[str],
    fallback: str | None,
    category: EntityCategory | None,
) -> OcppSensorDescription:
    """A connector's status or error code: one of ``options``, else ``fallback``."""

    def pick(_charger: Charger, connector: Connector) -> str | None:
        value: str | None = getattr(connector, key)
        return value if value is None or value in options else fallback

    return OcppSensorDescription(
        key=key,
        translation_key=translation_key,
        device_class=SensorDeviceClass.ENUM,
        options=options,
        entity_category=category,
        value_fn=pick,
    )


def _status_sensor(
    translation_key: str, category: EntityCategory | None = None
) -> OcppSensorDescription:
    return _enum_sensor("status", translation_key, CONNECTOR_STATUSES, None, category)


def _error_code_sensor(translation_key: str) -> OcppSensorDescription:
    return _enum_sensor(
        "error_code", translation_key, ERROR_CODES, "other_error", EntityCategory.DIAGNOSTIC
    )


CHARGER_SENSORS: tuple[OcppSensorDescription, ...] = (
    # Connector 0 (the charger itself): diagnostic, so that on a one-connector charger it is
    # not read as a second, contradicting status next to the connector's.
    _status_sensor("charger_status", EntityCategory.DIAGNOSTIC),
    _error_code_sensor("charger_error_code"),
    OcppSensorDescription(
        key="last_heartbeat",
        translation_key="last_heartbeat",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        always_available=True,
        value_fn=lambda charger, _connector: charger.last_heartbeat,
    ),
    OcppSensorDescription(
        key="firmware_version",
        translation_key="firmware_version",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda charger, _connector: charger.boot and charger.boot.firmware_version,
    ),
    OcppSensorDescription(
        key="firmware_status",
        translation_key="firmware_status",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda charger, _connector: charger.firmware_status,
    ),
    OcppSensorDescription(
        key="diagnostics_status",
        translation_key="diagnostics_status",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda charger, _connector: charger.diagnostics_status,
    ),
)

CONNECTOR_SENSORS: tuple[OcppSensorDescription, ...] = (
    _status_sensor("status"),
    _error_code_sensor("error_code"),
    OcppSensorDescription(
        key="session_energy",
        translation_key="session_energy",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda _charger, connector: connector.session and connector.session.energy_kwh,
    ),
    OcppSensorDescription(
        key="session_duration",
        translation_key="session_duration",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
        value_fn=_session_duration,
    ),
    OcppSensorDescription(
        key="transaction_id",
        translation_key="transaction_id",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_running_transaction_id,
    ),
    OcppSensorDescription(
        key="id_tag",
        translation_key="id_tag",
        value_fn=lambda _charger, connector: connector.running and connector.running.id_tag,
    ),
)


def _next_planned_start(_charger: Charger, connector: Connector) -> datetime | None:
    return connector.plan.next_start(dt_util.utcnow()) if connector.plan else None


CHARGING_PLAN = OcppSensorDescription(
    key="charging_plan",
    translation_key="charging_plan",
    device_class=SensorDeviceClass.TIMESTAMP,
    always_available=True,
    value_fn=_next_planned_start,
    exists_fn=takes_profiles,
)
