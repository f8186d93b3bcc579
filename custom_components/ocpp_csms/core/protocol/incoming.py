"""What a charger tells the central system, as values that do not depend on its OCPP version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

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
