"""What the central system does with each message one connected charger sends.

This is the :class:`~.protocol.interface.ChargePointHandler` of a connection: it applies the
version-neutral messages to the model, keeps transactions, fires the integration's events and
wakes exactly the listeners of the part that changed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
import logging
from typing import Protocol

from . import events
from .core.capabilities import BootInfo
from .core.measurands import normalize_sample
from .core.model import Charger, Connector
from .core.protocol.incoming import (
    OCCUPIED,
    AuthStatus,
    KnownTransaction,
    Registration,
    StatusReport,
    TransactionStart,
    TransactionStop,
)
from .core.protocol.wire import utc_now
from .core.transaction import MeterSample, Transaction
from .entity_factory import EntityFactory
from .plans import ChargingPlans
from .station import Station
from .store import METER_SAVE_DELAY, SAVE_DELAY

_LOGGER = logging.getLogger(__name__)

# How often a message other than Heartbeat moves the charger's last sign of life on.
HEARD_EVERY = timedelta(minutes=1)
# The reason of a session closed because the charger started another one without stopping it.
NEVER_STOPPED = "NeverStopped"

# Statuses of a connector with a vehicle plugged in.
_OCCUPIED_STATUSES = frozenset(
    {"preparing", "charging", "suspended_ev", "suspended_evse", "finishing"}
)


class LinkHost(Protocol):
    """What a connection's handler needs from its central system."""

    plans: ChargingPlans
    entities: EntityFactory

    def is_known(self, cp_id: str) -> bool: ...  # noqa: D102
    def register_boot(self, cp_id: str, info: BootInfo) -> tuple[Registration, int]: ...  # noqa: D102
    def charger_heard(self, cp_id: str, action: str) -> None: ...  # noqa: D102
    def authorize(self, cp_id: str, id_tag: str, *, starting: bool = ...) -> AuthStatus: ...  # noqa: D102
    def next_transaction_id(self) -> int: ...  # noqa: D102
    def fire(self, event_type: str, data: dict[str, object]) -> None: ...  # noqa: D102
    def save(self, delay: float = ...) -> None: ...  # noqa: D102


class ChargerLink:
    """Applies one charger's messages to the central system."""

    def __init__(self, central: LinkHost, station: Station, on_boot: Callable[[], None]) -> None:
        """Bind a connection's station to its central system (``on_boot``: when it boots)."""
        self._central = central
        self._on_boot = on_boot
        self.station = station
        self.cp_id = station.id
        self._unknown_transactions: set[int | str] = set()
        self.booted = False  # whether this connection sent a BootNotification

    @property
    def charger(self) -> Charger:
        """The model this connection updates."""
        return self.station.charger

    @property
    def accepted(self) -> bool:
        """Known chargers may send anything; others only BootNotification."""
        return self._central.is_known(self.cp_id)

    def boot(self, info: BootInfo) -> tuple[Registration, int]:
        """Record what the charger says about itself and decide on its registration."""
        self.booted = True
        self._on_boot()
        return self._central.register_boot(self.cp_id, info)

    def heard(self, action: str) -> None:
        """The charger is alive and, unless it boots, still counts itself accepted.

        Any message is a sign of life (OCPP), so ``last_heartbeat`` moves on with each, at
        most once a minute: a busy charger costs no state write per message.
        """
        self._central.charger_heard(self.cp_id, action)
        charger, now = self.charger, utc_now()
        if charger.last_heartbeat is None or now - charger.last_heartbeat >= HEARD_EVERY:
            self._noted_alive(now)

    def heartbeat(self) -> None:
        """Note the heartbeat."""
        self._noted_alive(utc_now())

    def _noted_alive(self, now: datetime) -> None:
        self.charger.last_heartbeat = now
        self.charger.notify(0)

    def status(self, report: StatusReport) -> None:
        """Update a connector's status (connector 0 is the charger)."""
        connector = self._connector(report.connector_id)
        status = report.status
        if status == OCCUPIED:
            status = connector.status if connector.status in _OCCUPIED_STATUSES else "preparing"
        connector.status = status
        if (transaction := connector.transaction) is not None:
            self._follow_idle(transaction, report)
        connector.error_code = report.error_code
        connector.status_info = report.info
        connector.vendor_error_code = report.vendor_error_code
        self._changed(report.connector_id)

    def _follow_idle(self, transaction: Transaction, report: StatusReport) -> None:
        """A connector said free while its session is open: show it as not running."""
        if transaction.follow_idle(report.idle, report.timestamp or utc_now()):
            _LOGGER.info(
                "%s: connector %s is free, but transaction %s was never stopped; it is closed "
                "when the charger stops it or starts the next one",
                self.cp_id,
                report.connector_id,
                transaction.id,
            )

    def authorize(self, id_tag: str) -> AuthStatus:
        """Check an id tag against the user's policy and tell automations."""
        status = self._central.authorize(self.cp_id, id_tag)
        self._central.fire(*events.authorized(self.cp_id, id_tag, status))
        return status

    def start_transaction(self, start: TransactionStart) -> tuple[int | str, AuthStatus | None]:
        """Open a transaction; a charger's own id is kept, others get a fresh, persistent one."""
        status = None
        if start.id_tag is not None:
            status = self._central.authorize(self.cp_id, start.id_tag, starting=True)
        if start.transaction_id is not None and self._seen_before(start):
            return start.transaction_id, status
        connector = self._connector(start.connector_id)
        running = connector.transaction
        if (
            running is not None
            and start.transaction_id is None
            and running.is_start(start.id_tag, start.meter_start_wh, start.timestamp)
        ):
            return running.id, status  # sent again: its answer was lost
        transaction_id = start.transaction_id or self._central.next_transaction_id()
        if running is not None:
            _LOGGER.warning(
                "%s: connector %s started transaction %s while %s was open; closing the old one",
                self.cp_id,
                start.connector_id,
                transaction_id,
                running.id,
            )
            self._close(connector, start.timestamp, None, NEVER_STOPPED)
        transaction = connector.transaction = Transaction(
            id=transaction_id,
            connector_id=start.connector_id,
            id_tag=start.id_tag,
            started_at=start.timestamp,
            meter_start_wh=start.meter_start_wh,
        )
        if start.meter_start_wh is not None:
            self._record_register(connector, start.meter_start_wh, start)
        elif (reading := connector.energy_reading(before=start.timestamp)) is not None:
            # No start reading: the session counts from the register's last reading.
            transaction.meter_start_wh = round(reading * 1000, 6)
            max_kw = self.station.max_power_kw
            transaction.track(reading, start.timestamp, utc_now(), max_kw)
        self._central.fire(*events.transaction_started(self.cp_id, transaction))
        self._changed(start.connector_id, save_in=0)
        return transaction_id, status

    def _seen_before(self, start: TransactionStart) -> bool:
        """A start sent again, or a late one for a finished session: nothing to open."""
        known = self.known_transaction(start.transaction_id or "")
        if known is None:
            return False
        transaction = self.charger.connector(known.connector_id).transaction
        if transaction is not None and transaction.id_tag is None and start.id_tag:
            transaction.id_tag = start.id_tag  # authorized after it started
            self._changed(known.connector_id, save_in=0)
        return True

    def stop_transaction(self, stop: TransactionStop) -> AuthStatus | None:
        """Close a transaction; unknown ids are answered and logged once."""
        status = self._central.authorize(self.cp_id, stop.id_tag) if stop.id_tag else None
        connector = self.charger.find_transaction(stop.transaction_id)
        if connector is None or connector.transaction is None:
            if self.known_transaction(stop.transaction_id) is None:
                self._log_unknown_transaction(stop.transaction_id, "StopTransaction")
            return status
        self._apply_samples(connector, list(stop.samples))
        if stop.meter_stop_wh is not None:
            self._record_register(connector, stop.meter_stop_wh, stop)
        self._close(connector, stop.timestamp, stop.meter_stop_wh, stop.reason)
        return status

    def _close(
        self, connector: Connector, at: datetime, meter_stop_wh: float | None, reason: str | None
    ) -> None:
        transaction = connector.end_session(at, meter_stop_wh, reason)
        self._central.fire(*events.transaction_stopped(self.cp_id, transaction))
        self._changed(connector.id, save_in=0)
        self._central.plans.session_ended(self.station, connector.id)

    def known_transaction(self, transaction_id: int | str) -> KnownTransaction | None:
        """Where a transaction runs or ran, if it is known."""
        place = self.charger.transaction_place(transaction_id)
        return None if place is None else KnownTransaction(*place)

    def meter_values(
        self, connector_id: int, transaction_id: int | str | None, samples: list[MeterSample]
    ) -> None:
        """Record samples; new measurands get their sensors on the fly."""
        connector = self._connector(connector_id)
        if transaction_id is not None and self.known_transaction(transaction_id) is None:
            self._log_unknown_transaction(transaction_id, "MeterValues")
        self._apply_samples(connector, samples)
        self._changed(connector_id, save_in=METER_SAVE_DELAY)

    def data_transfer(self, vendor_id: str, message_id: str | None, data: str | None) -> str:
        """No vendor extensions are known; say so (OCPP: UnknownVendorId)."""
        _LOGGER.debug("%s: DataTransfer %s/%s: %.200s", self.cp_id, vendor_id, message_id, data)
        return "UnknownVendorId"

    def firmware_status(self, status: str) -> None:
        """Record firmware update progress."""
        self.charger.firmware_status = status
        self._changed(0)

    def diagnostics_status(self, status: str) -> None:
        """Record diagnostics upload progress."""
        self.charger.diagnostics_status = status
        self._changed(0)

    def security_event(self, kind: str, timestamp: datetime, info: str | None) -> None:
        """Log a security event and tell automations (tampering, failed updates...)."""
        _LOGGER.warning("%s: security event %s: %s", self.cp_id, kind, info or "")
        self._central.fire(*events.security_event(self.cp_id, kind, timestamp, info))

    # Helpers

    def _connector(self, connector_id: int) -> Connector:
        charger = self.charger
        if connector_id in charger.connectors:
            return charger.connectors[connector_id]
        connector = charger.connector(connector_id)
        self._central.entities.connector_added(self.station, connector_id)
        return connector

    def _apply_samples(self, connector: Connector, samples: list[MeterSample]) -> None:
        max_kw = self.station.max_power_kw
        if new_keys := connector.apply_samples(samples, utc_now(), max_kw):
            self._central.entities.measurands_added(self.station, connector.id, new_keys)

    def _record_register(
        self, connector: Connector, wh: float, message: TransactionStart | TransactionStop
    ) -> None:
        # Start/stop meter readings are register readings too; they keep the register sensor
        # right for chargers that send no MeterValues.
        sample = normalize_sample(value=wh, unit="Wh", timestamp=message.timestamp)
        if sample is not None:
            self._apply_samples(connector, [sample])

    def _changed(self, connector_id: int, *, save_in: float = SAVE_DELAY) -> None:
        self.charger.notify(connector_id)
        self._central.save(save_in)

    def _log_unknown_transaction(self, transaction_id: int | str, action: str) -> None:
        if transaction_id not in self._unknown_transactions:
            self._unknown_transactions.add(transaction_id)
            _LOGGER.warning("%s: %s for unknown transaction %s", self.cp_id, action, transaction_id)
