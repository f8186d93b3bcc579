"""Version-neutral state of a charge point: what the entities read and the adapters fill.

Nothing here knows Home Assistant or a particular OCPP version. Listeners are plain callbacks
keyed by connector id (0 for charger-level data), so an update wakes only the entities
that read the part that changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from .capabilities import BootInfo, Capabilities
from .register import Register
from .smart_charging.plan import ChargingPlan
from .transaction import MeterSample, Transaction

type Listener = Callable[[], None]

ENERGY_REGISTER_KEY = "energy_active_import_register"
# A reading stamped before the one shown is a replay, unless the one shown arrived this long
# ago: then the charger's clock went back, and its readings must not be ignored for ever.
REPLAY_WINDOW = timedelta(minutes=10)


@dataclass(slots=True)
class PlanSettings:
    """The dashboard's planning inputs of a connector: used whenever smart charging re-plans."""

    enabled: bool = False
    energy_kwh: float = 20.0
    ready_by: time = time(7, 0)

    def as_dict(self) -> dict[str, Any]:
        """Serialise for storage."""
        return {
            "enabled": self.enabled,
            "energy_kwh": self.energy_kwh,
            "ready_by": self.ready_by.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanSettings:
        """Restore from storage."""
        return cls(
            enabled=data["enabled"],
            energy_kwh=data["energy_kwh"],
            ready_by=time.fromisoformat(data["ready_by"]),
        )


@dataclass(slots=True)
class Connector:
    """A connector (OCPP 1.6) or single-connector EVSE (OCPP 2.0.1); id 0 is the charger."""

    id: int
    status: str | None = None
    error_code: str | None = None
    status_info: str | None = None
    vendor_error_code: str | None = None
    transaction: Transaction | None = None
    last_transaction: Transaction | None = None
    current_limit: float | None = None
    plan: ChargingPlan | None = None
    plan_settings: PlanSettings = field(default_factory=PlanSettings)
    meter: dict[str, MeterSample] = field(default_factory=dict)
    registers: dict[str, Register] = field(default_factory=dict)

    @property
    def running(self) -> Transaction | None:
        """The session running on the connector, as far as the charger says."""
        transaction = self.transaction
        return None if transaction is None or transaction.idle_since else transaction

    @property
    def session(self) -> Transaction | None:
        """The running session, else the last one (its values stay visible)."""
        return self.transaction or self.last_transaction

    def end_session(
        self, at: datetime, meter_stop_wh: float | None, reason: str | None
    ) -> Transaction:
        """Close the open session, which stays visible as the last one."""
        if (transaction := self.transaction) is None:
            raise ValueError(f"connector {self.id} has no open session")
        transaction.close(at, meter_stop_wh, reason)
        self.transaction = None
        self.last_transaction = transaction
        return transaction

    def apply_samples(
        self, samples: list[MeterSample], received: datetime, max_kw: float
    ) -> set[str]:
        """Keep the newest sample per key; return keys seen for the first time.

        Registers follow :class:`~.register.Register` (``max_kw``: the most the charger can
        deliver), and the running session counts its energy on the energy register. Other
        measurands keep the newest reading: one stamped before the shown one is a replay.
        """
        new_keys: set[str] = set()
        for sample in samples:
            sample.received = received
            current = self.meter.get(sample.key)
            if sample.key == ENERGY_REGISTER_KEY and self.transaction is not None:
                self.transaction.track(sample.value, sample.timestamp, received, max_kw)
            if sample.measurand.endswith(".Register"):
                if (value := self._continue_register(sample, received, max_kw)) is None:
                    continue
                sample.value = value
            elif current is not None and _is_replay(sample, current, received):
                continue
            if current is None:
                new_keys.add(sample.key)
            self.meter[sample.key] = sample
        return new_keys

    def _continue_register(
        self, sample: MeterSample, received: datetime, max_kw: float
    ) -> float | None:
        if (register := self.registers.get(sample.key)) is None:
            register = self.registers[sample.key] = Register()
        return register.update(sample.value, sample.timestamp, received, max_kw)

    def energy_reading(self, before: datetime) -> float | None:
        """The charger's last energy register reading (kWh), if it was taken by ``before``."""
        register = self.registers.get(ENERGY_REGISTER_KEY)
        if register is None or register.last is None or register.last.at > before:
            return None
        return register.last.reading

    def as_dict(self) -> dict[str, Any]:
        """Serialise for storage."""
        return {
            "id": self.id,
            "status": self.status,
            "error_code": self.error_code,
            "status_info": self.status_info,
            "vendor_error_code": self.vendor_error_code,
            "transaction": self.transaction.as_dict() if self.transaction else None,
            "last_transaction": (
                self.last_transaction.as_dict() if self.last_transaction else None
            ),
            "current_limit": self.current_limit,
            "plan": self.plan.as_dict() if self.plan else None,
            "plan_settings": self.plan_settings.as_dict(),
            "meter": {key: sample.as_dict() for key, sample in self.meter.items()},
            "registers": {key: register.as_dict() for key, register in self.registers.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Connector:
        """Restore from storage."""
        tx = data.get("transaction")
        last = data.get("last_transaction")
        plan = data.get("plan")
        settings = data.get("plan_settings")
        return cls(
            id=data["id"],
            status=data.get("status"),
            error_code=data.get("error_code"),
            status_info=data.get("status_info"),
            vendor_error_code=data.get("vendor_error_code"),
            transaction=Transaction.from_dict(tx) if tx else None,
            last_transaction=Transaction.from_dict(last) if last else None,
            current_limit=data.get("current_limit"),
            plan=ChargingPlan.from_dict(plan) if plan else None,
            plan_settings=PlanSettings.from_dict(settings) if settings else PlanSettings(),
            meter={k: MeterSample.from_dict(v) for k, v in data.get("meter", {}).items()},
            registers={k: Register.from_dict(v) for k, v in data.get("registers", {}).items()},
        )


def _is_replay(sample: MeterSample, current: MeterSample, received: datetime) -> bool:
    if sample.timestamp >= current.timestamp or current.received is None:
        return False
    return received - current.received < REPLAY_WINDOW


@dataclass(slots=True)
class Charger:
    """A charge point: identity, connection state and its connectors."""

    id: str
    boot: BootInfo | None = None
    protocol: str | None = None
    connected: bool = False
    accepted: bool = False
    last_heartbeat: datetime | None = None
    firmware_status: str | None = None
    diagnostics_status: str | None = None
    number_of_connectors: int = 0
    # Whether the charger said how many connectors it has (or could not be asked): their
    # entities wait for it, so that a second connector never moves the first one's.
    layout_known: bool = False
    capabilities: Capabilities = field(default_factory=Capabilities)
    connectors: dict[int, Connector] = field(default_factory=dict)
    _listeners: dict[int, list[Listener]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def connector_count(self) -> int:
        """Number of real connectors (connector 0 is the charger itself)."""
        seen = max((cid for cid in self.connectors if cid > 0), default=0)
        return max(self.number_of_connectors, seen)

    def connector(self, connector_id: int) -> Connector:
        """Return the connector, creating it the first time it is mentioned."""
        if (connector := self.connectors.get(connector_id)) is None:
            connector = self.connectors[connector_id] = Connector(connector_id)
        return connector

    def find_transaction(self, transaction_id: int | str) -> Connector | None:
        """Return the connector running the given transaction, if any."""
        for connector in self.connectors.values():
            if connector.transaction is not None and connector.transaction.id == transaction_id:
                return connector
        return None

    def transaction_place(self, transaction_id: int | str) -> tuple[int, bool] | None:
        """The connector a transaction runs (True) or last ran (False) on, if it is known."""
        if (connector := self.find_transaction(transaction_id)) is not None:
            return connector.id, True
        for connector in self.connectors.values():
            if connector.last_transaction and connector.last_transaction.id == transaction_id:
                return connector.id, False
        return None

    def subscribe(self, connector_id: int, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` when a connector's (0: the charger's own) data changes."""
        listeners = self._listeners.setdefault(connector_id, [])
        listeners.append(listener)
        return lambda: listeners.remove(listener)

    def notify(self, connector_id: int = 0) -> None:
        """Wake the listeners of one part of the charger."""
        for listener in list(self._listeners.get(connector_id, ())):
            listener()

    def notify_all(self) -> None:
        """Wake every listener (connection state changes affect all entities)."""
        for connector_id in list(self._listeners):
            self.notify(connector_id)

    def as_dict(self) -> dict[str, Any]:
        """Serialise what must survive a restart."""
        return {
            "id": self.id,
            "boot": self.boot.as_dict() if self.boot else None,
            "protocol": self.protocol,
            "last_heartbeat": self.last_heartbeat.isoformat() if self.last_heartbeat else None,
            "firmware_status": self.firmware_status,
            "diagnostics_status": self.diagnostics_status,
            "number_of_connectors": self.number_of_connectors,
            "layout_known": self.layout_known,
            "capabilities": self.capabilities.as_dict(),
            "connectors": [c.as_dict() for c in self.connectors.values()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Charger:
        """Restore from storage."""
        heartbeat = data.get("last_heartbeat")
        boot = data.get("boot")
        return cls(
            id=data["id"],
            boot=BootInfo.from_dict(boot) if boot else None,
            protocol=data.get("protocol"),
            last_heartbeat=datetime.fromisoformat(heartbeat) if heartbeat else None,
            firmware_status=data.get("firmware_status"),
            diagnostics_status=data.get("diagnostics_status"),
            number_of_connectors=data.get("number_of_connectors", 0),
            layout_known=data.get("layout_known", bool(data.get("connectors"))),
            capabilities=Capabilities.from_dict(data.get("capabilities", {})),
            connectors={c["id"]: Connector.from_dict(c) for c in data.get("connectors", [])},
        )
