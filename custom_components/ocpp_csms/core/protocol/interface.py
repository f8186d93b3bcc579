"""The version-neutral contract between an OCPP adapter and the central system.

An adapter parses its version's messages and calls a :class:`ChargePointHandler`; the central
system commands a charger through :class:`ChargePointCommands`. Neither side sees the other's
OCPP version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from ..capabilities import BootInfo, Capabilities
from ..smart_charging.profile import ChargingProfile, ProfilePurpose, RateUnit
from ..transaction import MeterSample

# The highest connector (1.6) or EVSE (2.0.1) id taken from a charger. Each one becomes a
# device with its entities, so a broken charger must not invent thousands.
MAX_CONNECTOR_ID = 64


class Registration(StrEnum):
    """Answer to a BootNotification."""

    ACCEPTED = "Accepted"
    PENDING = "Pending"
    REJECTED = "Rejected"


# A connector with a vehicle plugged in whose charging state the charger did not say (2.0.1
# reports "Occupied"): the central system keeps the precise state it knows, else "preparing".
OCCUPIED = "occupied"


class AuthStatus(StrEnum):
    """Authorization verdict for an id tag."""

    ACCEPTED = "Accepted"
    BLOCKED = "Blocked"
    EXPIRED = "Expired"
    INVALID = "Invalid"
    CONCURRENT_TX = "ConcurrentTx"


@dataclass(slots=True, frozen=True)
class StatusReport:
    """A connector (0 = the charger) reporting its status."""

    connector_id: int
    status: str
    error_code: str | None = None
    info: str | None = None
    vendor_error_code: str | None = None
    timestamp: datetime | None = None
    # The status says no session runs on the connector (OCPP 1.6 Available). A 2.0.1 EVSE
    # can be Available with a transaction waiting for its cable, so there it never says so.
    idle: bool = False


@dataclass(slots=True, frozen=True)
class TransactionStart:
    """A charger starting a transaction.

    ``transaction_id`` is set by chargers that number their own transactions (2.0.1); the
    central system numbers the others. A start the charger sends again changes nothing.
    Without ``meter_start_wh`` the session counts from the register's last reading.
    """

    connector_id: int
    id_tag: str | None
    meter_start_wh: float | None
    timestamp: datetime
    reservation_id: int | None = None
    transaction_id: str | None = None


@dataclass(slots=True, frozen=True)
class TransactionStop:
    """A charger stopping a transaction."""

    transaction_id: int | str
    meter_stop_wh: float | None  # None: the last reading of the session
    timestamp: datetime
    reason: str | None = None
    id_tag: str | None = None
    samples: tuple[MeterSample, ...] = ()


@dataclass(slots=True, frozen=True)
class KnownTransaction:
    """A transaction the central system has seen start."""

    connector_id: int
    running: bool


class ChargePointHandler(Protocol):
    """What the central system does with each message a charger sends."""

    @property
    def accepted(self) -> bool:
        """Whether the charger may send messages other than BootNotification."""

    def boot(self, info: BootInfo) -> tuple[Registration, int]:
        """Handle a BootNotification; return the verdict and the heartbeat/retry interval."""

    def heard(self, action: str) -> None:
        """The charger sent a CALL it may send (before it is handled)."""

    def heartbeat(self) -> None:
        """Handle a Heartbeat."""

    def status(self, report: StatusReport) -> None:
        """Handle a StatusNotification."""

    def authorize(self, id_tag: str) -> AuthStatus:
        """Authorize an id tag."""

    def start_transaction(self, start: TransactionStart) -> tuple[int | str, AuthStatus | None]:
        """Open a transaction; return its id and the id tag's status (None: no tag)."""

    def stop_transaction(self, stop: TransactionStop) -> AuthStatus | None:
        """Close a transaction; return the id tag's status when one was given."""

    def known_transaction(self, transaction_id: int | str) -> KnownTransaction | None:
        """Where a transaction runs or ran, if the central system knows it."""

    def meter_values(
        self, connector_id: int, transaction_id: int | str | None, samples: list[MeterSample]
    ) -> None:
        """Handle meter samples."""

    def data_transfer(self, vendor_id: str, message_id: str | None, data: str | None) -> str:
        """Handle a vendor DataTransfer; return its status."""

    def firmware_status(self, status: str) -> None:
        """Handle a FirmwareStatusNotification."""

    def diagnostics_status(self, status: str) -> None:
        """Handle a DiagnosticsStatusNotification (2.0.1: LogStatusNotification)."""

    def security_event(self, kind: str, timestamp: datetime, info: str | None) -> None:
        """Handle a SecurityEventNotification."""


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


class ChargePointCommands(Protocol):
    """What the central system can ask of a connected charger, whatever its OCPP version.

    Commands return the charger's status (or the data it sent) on success and raise a
    :class:`CommandError` otherwise.
    """

    async def remote_start(
        self, connector_id: int, id_tag: str, profile: ChargingProfile | None = None
    ) -> str:
        """Start a session, optionally under a TxProfile."""

    async def remote_stop(self, transaction_id: int | str) -> str:
        """Stop a session."""

    async def reset(self, *, hard: bool) -> str:
        """Reboot the charger."""

    async def unlock(self, connector_id: int) -> str:
        """Unlock a connector."""

    async def change_availability(self, connector_id: int, *, operative: bool) -> str:
        """Make a connector (0 = all) operative or inoperative."""

    async def change_configuration(self, key: str, value: str) -> str:
        """Write a configuration key."""

    async def get_configuration(self, keys: Sequence[str] | None = None) -> dict[str, Any]:
        """Read configuration keys: ``configuration``, ``readonly`` and ``unknown_keys``."""

    async def read_capabilities(self) -> Capabilities:
        """Read what the charger supports."""

    async def apply_settings(
        self,
        *,
        heartbeat_interval: int | None = None,
        meter_interval: int | None = None,
        measurands: Sequence[str] | None = None,
    ) -> None:
        """Set the heartbeat and meter sample intervals (seconds) and the sampled measurands."""

    async def clear_cache(self) -> str:
        """Clear the authorization cache."""

    async def data_transfer(
        self, vendor_id: str, message_id: str | None, data: str | None
    ) -> dict[str, Any]:
        """Send vendor data; return ``status`` and the charger's ``data``."""

    async def trigger_message(
        self, message: TriggerableMessage, connector_id: int | None = None
    ) -> str:
        """Ask the charger to send a message now."""

    async def set_charging_profile(self, connector_id: int, profile: ChargingProfile) -> str:
        """Install a charging profile on a connector (0 = the whole charger)."""

    async def clear_charging_profile(
        self,
        *,
        profile_id: int | None = None,
        connector_id: int | None = None,
        purpose: ProfilePurpose | None = None,
        stack_level: int | None = None,
    ) -> str:
        """Remove the charging profiles matching every given criterion."""

    async def get_composite_schedule(
        self, connector_id: int, duration: int, unit: RateUnit | None = None
    ) -> dict[str, Any]:
        """The schedule a connector will follow: ``status``, ``schedule_start``, ``schedule``."""

    async def update_firmware(
        self,
        location: str,
        retrieve_date: datetime,
        *,
        retries: int | None = None,
        retry_interval: int | None = None,
    ) -> str:
        """Download and install firmware."""

    async def get_diagnostics(
        self,
        location: str,
        *,
        retries: int | None = None,
        retry_interval: int | None = None,
        start_time: datetime | None = None,
        stop_time: datetime | None = None,
    ) -> dict[str, Any]:
        """Upload diagnostics to ``location``; return ``status`` and ``file_name``."""

    async def reserve_now(
        self,
        connector_id: int,
        expiry_date: datetime,
        id_tag: str,
        reservation_id: int,
        parent_id_tag: str | None = None,
    ) -> str:
        """Reserve a connector (0 = any) for an id tag."""

    async def cancel_reservation(self, reservation_id: int) -> str:
        """Cancel a reservation."""

    async def send_local_list(
        self, version: int, entries: Sequence[LocalListEntry], *, full: bool
    ) -> str:
        """Replace (full) or update (differential) the local authorization list."""

    async def get_local_list_version(self) -> int:
        """Version of the charger's local authorization list."""

    async def close(self) -> None:
        """Close the connection."""


class CommandError(Exception):
    """A command did not succeed; subclasses say why."""


class ChargerTimeoutError(CommandError):
    """The charger did not answer in time."""


class ChargerDisconnectedError(CommandError):
    """The connection closed before the charger answered."""


class ChargerCallError(CommandError):
    """The charger answered with a CALLERROR."""

    def __init__(self, code: str, description: str) -> None:
        """Keep the OCPP error code and description."""
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description


class InvalidRequestError(CommandError):
    """The request itself is not valid OCPP (the charger never saw it)."""


class CommandRejectedError(CommandError):
    """The charger answered with a status other than success (Rejected, NotSupported...)."""

    def __init__(self, status: str) -> None:
        """Keep the charger's status."""
        super().__init__(status)
        self.status = status
