"""What the central system asks of a charger and what it answers, whatever its OCPP version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from ..smart_charging.profile import ChargingSchedule, ProfilePurpose
from .incoming import AuthStatus

# A JSON value as a charger sends it (2.0.1 DataTransfer data may be any JSON).
type JsonValue = str | int | float | bool | None | list[JsonValue] | dict[str, JsonValue]


class TriggerableMessage(StrEnum):
    """Messages a charger can be asked to send now (OCPP 1.6 names; adapters translate)."""

    BOOT_NOTIFICATION = "BootNotification"
    DIAGNOSTICS_STATUS_NOTIFICATION = "DiagnosticsStatusNotification"
    FIRMWARE_STATUS_NOTIFICATION = "FirmwareStatusNotification"
    HEARTBEAT = "Heartbeat"
    METER_VALUES = "MeterValues"
    STATUS_NOTIFICATION = "StatusNotification"


@dataclass(slots=True, frozen=True)
class LocalListEntry:
    """An id tag in the charger's local authorization list; no status removes it."""

    id_tag: str
    status: AuthStatus | None = None
    expiry_date: datetime | None = None
    parent_id_tag: str | None = None


@dataclass(slots=True, frozen=True)
class Reservation:
    """A connector (0 = any) held for an id tag until ``expiry_date``."""

    reservation_id: int
    connector_id: int
    expiry_date: datetime
    id_tag: str
    parent_id_tag: str | None = None


@dataclass(slots=True, frozen=True)
class ProfileFilter:
    """Which charging profiles to remove: those matching every criterion given."""

    profile_id: int | None = None
    connector_id: int | None = None
    purpose: ProfilePurpose | None = None
    stack_level: int | None = None


@dataclass(slots=True, frozen=True)
class FirmwareUpdate:
    """Firmware to download from ``location`` from ``retrieve_date`` on, and install."""

    location: str
    retrieve_date: datetime
    retries: int | None = None
    retry_interval: int | None = None  # seconds


@dataclass(slots=True, frozen=True)
class DiagnosticsUpload:
    """Diagnostics (2.0.1: the diagnostics log) to upload to ``location``."""

    location: str
    retries: int | None = None
    retry_interval: int | None = None  # seconds
    start_time: datetime | None = None
    stop_time: datetime | None = None


@dataclass(slots=True, frozen=True)
class MeterSettings:
    """Heartbeat and meter sample intervals (seconds) and sampled measurands; None: unchanged."""

    heartbeat_interval: int | None = None
    meter_interval: int | None = None
    measurands: Sequence[str] | None = None

    def by_key(self, heartbeat_key: str, meter_key: str, measurands_key: str) -> dict[str, str]:
        """The settings given, as configuration values under a version's keys."""
        values = {
            heartbeat_key: self.heartbeat_interval,
            meter_key: self.meter_interval,
            measurands_key: None if self.measurands is None else ",".join(self.measurands),
        }
        return {key: str(value) for key, value in values.items() if value is not None}


@dataclass(slots=True, frozen=True)
class ConfigurationRead:
    """Configuration keys read from a charger."""

    configuration: dict[str, str | None]
    readonly: list[str] = field(default_factory=list)
    unknown_keys: list[str] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class DataTransferAnswer:
    """A charger's answer to vendor data."""

    status: str
    data: JsonValue = None


@dataclass(slots=True, frozen=True)
class DiagnosticsAnswer:
    """A charger's answer to a diagnostics upload: the file it will upload, if it says."""

    status: str
    file_name: str | None = None


@dataclass(slots=True, frozen=True)
class CompositeSchedule:
    """The schedule a connector will follow, as the charger composed it."""

    status: str
    connector_id: int
    schedule_start: datetime | None = None
    schedule: ChargingSchedule | None = None
