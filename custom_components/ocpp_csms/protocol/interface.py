"""The version-neutral contract between an OCPP adapter and the central system.

An adapter parses its version's messages and calls a :class:`ChargePointHandler`; the central
system commands a charger through :class:`ChargePointCommands`. Neither side sees the other's
OCPP version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from ..model import BootInfo, MeterSample


class Registration(StrEnum):
    """Answer to a BootNotification."""

    ACCEPTED = "Accepted"
    PENDING = "Pending"
    REJECTED = "Rejected"


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


@dataclass(slots=True, frozen=True)
class TransactionStart:
    """A charger starting a transaction."""

    connector_id: int
    id_tag: str
    meter_start_wh: float
    timestamp: datetime
    reservation_id: int | None = None


@dataclass(slots=True, frozen=True)
class TransactionStop:
    """A charger stopping a transaction."""

    transaction_id: int | str
    meter_stop_wh: float
    timestamp: datetime
    reason: str | None = None
    id_tag: str | None = None
    samples: tuple[MeterSample, ...] = ()


class ChargePointHandler(Protocol):
    """What the central system does with each message a charger sends."""

    @property
    def accepted(self) -> bool:
        """Whether the charger may send messages other than BootNotification."""

    def boot(self, info: BootInfo) -> tuple[Registration, int]:
        """Handle a BootNotification; return the verdict and the heartbeat/retry interval."""

    def heartbeat(self) -> None:
        """Handle a Heartbeat."""

    def status(self, report: StatusReport) -> None:
        """Handle a StatusNotification."""

    def authorize(self, id_tag: str) -> AuthStatus:
        """Authorize an id tag."""

    def start_transaction(self, start: TransactionStart) -> tuple[int, AuthStatus]:
        """Open a transaction; return its id and the id tag's status."""

    def stop_transaction(self, stop: TransactionStop) -> AuthStatus | None:
        """Close a transaction; return the id tag's status when one was given."""

    def meter_values(
        self, connector_id: int, transaction_id: int | str | None, samples: list[MeterSample]
    ) -> None:
        """Handle meter samples."""

    def data_transfer(self, vendor_id: str, message_id: str | None, data: str | None) -> str:
        """Handle a vendor DataTransfer; return its status."""

    def firmware_status(self, status: str) -> None:
        """Handle a FirmwareStatusNotification."""

    def diagnostics_status(self, status: str) -> None:
        """Handle a DiagnosticsStatusNotification."""


class ChargePointCommands(Protocol):
    """What the central system can ask of a connected charger, whatever its OCPP version."""

    async def remote_start(self, connector_id: int, id_tag: str) -> str:
        """Start a session; return the charger's status."""

    async def remote_stop(self, transaction_id: int | str) -> str:
        """Stop a session."""

    async def reset(self, *, hard: bool) -> str:
        """Reboot the charger."""

    async def unlock(self, connector_id: int) -> str:
        """Unlock a connector."""

    async def change_availability(self, connector_id: int, *, operative: bool) -> str:
        """Make a connector (0 = all) operative or inoperative."""

    async def set_current_limit(self, connector_id: int, amps: float) -> str:
        """Cap a connector's charging current."""

    async def trigger_boot(self) -> str:
        """Ask the charger to send a BootNotification now."""

    async def get_configuration(self, keys: list[str] | None = None) -> dict[str, Any]:
        """Read configuration keys."""

    async def close(self) -> None:
        """Close the connection."""


class CommandError(Exception):
    """A command did not succeed; subclasses say why."""


class ChargerTimeoutError(CommandError):
    """The charger did not answer in time."""


class ChargerCallError(CommandError):
    """The charger answered with a CALLERROR."""

    def __init__(self, code: str, description: str) -> None:
        """Keep the OCPP error code and description."""
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description


class CommandRejectedError(CommandError):
    """The charger answered with a status other than success (Rejected, NotSupported...)."""

    def __init__(self, status: str) -> None:
        """Keep the charger's status."""
        super().__init__(status)
        self.status = status
