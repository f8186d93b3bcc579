"""What a 2.0.1 EVSE is doing, in the statuses the connector entities show.

OCPP 2.0.1 splits the 1.6 connector status in two: StatusNotification says whether a connector
is Available, Occupied, Reserved, Unavailable or Faulted, and TransactionEvent says how the
charging goes (``chargingState``). The entities show one status with the 1.6 values, so an
EVSE combines both:

* Occupied while charging, or suspended by the EV or the EVSE → ``charging``,
  ``suspended_ev``, ``suspended_evse``;
* Occupied before energy first flowed in the transaction (EVConnected, Idle) → ``preparing``;
  after it flowed (EVConnected again), or after the transaction ended → ``finishing``;
* Occupied with nothing known yet (just reconnected) → :data:`~.interface.OCCUPIED`, which
  keeps the precise status the central system already has.

An EVSE with several connectors shows its most significant one: Occupied, then Reserved,
Available, Faulted, Unavailable. So a cable in use makes the EVSE occupied while its other
socket reports Unavailable, and one broken socket does not hide a working one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .incoming import OCCUPIED

# Most significant first.
_PRECEDENCE = ("Occupied", "Reserved", "Available", "Faulted", "Unavailable")
_SIMPLE_STATUSES = {
    "Available": "available",
    "Reserved": "reserved",
    "Unavailable": "unavailable",
    "Faulted": "faulted",
}
_CHARGING_STATES = {
    "Charging": "charging",
    "SuspendedEV": "suspended_ev",
    "SuspendedEVSE": "suspended_evse",
}


@dataclass(slots=True)
class EvseState:
    """The connector statuses and the running transaction of one EVSE."""

    connectors: dict[int, str] = field(default_factory=dict)
    transaction_id: str | None = None
    charging_state: str | None = None
    charged: bool = False  # energy flowed in the running (or just ended) transaction
    ended: bool = False  # the transaction ended while a vehicle is still plugged in

    @property
    def connector_status(self) -> str | None:
        """The most significant status of the EVSE's connectors (2.0.1 names)."""
        known = self.connectors.values()
        return next((status for status in _PRECEDENCE if status in known), None)

    def connector_reported(self, connector_id: int, status: str) -> None:
        """A connector's status (2.0.1 names); unplugged, the next plug-in starts over."""
        self.connectors[connector_id] = status
        if self.connector_status == "Available":
            self.ended = False

    def started(self, transaction_id: str) -> None:
        """A transaction runs on this EVSE."""
        if self.transaction_id != transaction_id:
            self.transaction_id = transaction_id
            self.charging_state = None
            self.charged = self.ended = False

    def charging(self, state: str) -> None:
        """The charger reported the charging state of the running transaction."""
        self.charging_state = state
        self.charged = self.charged or state in _CHARGING_STATES

    def stopped(self) -> None:
        """The running transaction ended."""
        self.transaction_id = None
        self.charging_state = None
        self.ended = self.connector_status != "Available"  # still plugged in

    def status(self) -> str | None:
        """The status the connector entities show (1.6 values in snake case)."""
        connector_status = self.connector_status
        if connector_status is None and self.transaction_id is None:
            return None
        if connector_status in _SIMPLE_STATUSES:
            return _SIMPLE_STATUSES[connector_status]
        if self.transaction_id is None:
            return "finishing" if self.ended else OCCUPIED
        if self.charging_state in _CHARGING_STATES:
            return _CHARGING_STATES[self.charging_state]
        if self.charging_state is None:
            return OCCUPIED
        return "finishing" if self.charged else "preparing"


def station_status(evses: dict[int, EvseState]) -> str | None:
    """The charging station's own status: unavailable or faulted only when every EVSE is."""
    statuses = {evse.connector_status for evse in evses.values()} - {None}
    if not statuses:
        return None
    if statuses == {"Unavailable"}:
        return "unavailable"
    if statuses <= {"Faulted", "Unavailable"}:
        return "faulted"
    return "available"


@dataclass(slots=True)
class EventSequence:
    """The seqNo of one transaction's events: duplicates are spotted, gaps reported."""

    seen: set[int] = field(default_factory=set)

    def add(self, seq_no: int) -> bool:
        """Record an event; False when it was seen before (a resend)."""
        if seq_no in self.seen:
            return False
        self.seen.add(seq_no)
        return True

    def missing(self, limit: int = 20) -> list[int]:
        """The first numbers between the first and last event seen that never arrived."""
        if not self.seen:
            return []
        gaps: list[int] = []
        for number in range(min(self.seen), max(self.seen)):
            if number not in self.seen:
                gaps.append(number)
                if len(gaps) == limit:
                    break
        return gaps
