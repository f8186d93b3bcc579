"""The version-neutral contract between an OCPP adapter and the central system.

An adapter parses its version's messages and calls a :class:`ChargePointHandler`; the central
system commands a charger through :class:`ChargePointCommands`. Neither side sees the other's
OCPP version: what they exchange is in :mod:`.incoming` and :mod:`.outgoing`, how a command
fails in :mod:`.errors`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from ..capabilities import BootInfo, Capabilities
from ..smart_charging.profile import ChargingProfile, RateUnit
from ..transaction import MeterSample
from .incoming import (
    AuthStatus,
    KnownTransaction,
    Registration,
    StatusReport,
    TransactionStart,
    TransactionStop,
)
from .outgoing import (
    CompositeSchedule,
    ConfigurationRead,
    DataTransferAnswer,
    DiagnosticsAnswer,
    DiagnosticsUpload,
    FirmwareUpdate,
    LocalListEntry,
    MeterSettings,
    ProfileFilter,
    Reservation,
    TriggerableMessage,
)


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


class ChargePointCommands(Protocol):
    """What the central system can ask of a connected charger, whatever its OCPP version.

    Commands return the charger's status (or the data it sent) on success and raise a
    :class:`.errors.CommandError` otherwise.
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

    async def get_configuration(self, keys: Sequence[str] | None = None) -> ConfigurationRead:
        """Read configuration keys (all of them when none are given)."""

    async def read_capabilities(self) -> Capabilities:
        """Read what the charger supports."""

    async def apply_settings(self, settings: MeterSettings) -> None:
        """Write the heartbeat and meter settings that are given."""

    async def clear_cache(self) -> str:
        """Clear the authorization cache."""

    async def data_transfer(
        self, vendor_id: str, message_id: str | None, data: str | None
    ) -> DataTransferAnswer:
        """Send vendor data."""

    async def trigger_message(
        self, message: TriggerableMessage, connector_id: int | None = None
    ) -> str:
        """Ask the charger to send a message now."""

    async def set_charging_profile(self, connector_id: int, profile: ChargingProfile) -> str:
        """Install a charging profile on a connector (0 = the whole charger)."""

    async def clear_charging_profile(self, which: ProfileFilter) -> str:
        """Remove the charging profiles matching every given criterion."""

    async def get_composite_schedule(
        self, connector_id: int, duration: int, unit: RateUnit | None = None
    ) -> CompositeSchedule:
        """The schedule a connector will follow for ``duration`` seconds."""

    async def update_firmware(self, update: FirmwareUpdate) -> str:
        """Download and install firmware."""

    async def get_diagnostics(self, upload: DiagnosticsUpload) -> DiagnosticsAnswer:
        """Upload diagnostics."""

    async def reserve_now(self, reservation: Reservation) -> str:
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
