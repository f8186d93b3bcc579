"""Version-neutral state of a charge point: what the entities read and the adapters fill.

Nothing here knows Home Assistant or a particular OCPP version. Listeners are plain callbacks
keyed by connector id (0 for charger-level data), so an update wakes only the entities
that read the part that changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
import math
from typing import Any

from .register import Register
from .smart_charging.plan import ChargingPlan
from .smart_charging.profile import RateUnit

type Listener = Callable[[], None]

ENERGY_REGISTER_KEY = "energy_active_import_register"
SMART_CHARGING = "SmartCharging"
# A reading stamped before the one shown is a replay, unless the one shown arrived this long
# ago: then the charger's clock went back, and its readings must not be ignored for ever.
REPLAY_WINDOW = timedelta(minutes=10)


@dataclass(slots=True)
class MeterSample:
    """One normalised meter reading, in the unit the entity exposes."""

    key: str
    measurand: str
    value: float
    unit: str | None
    timestamp: datetime
    phase: str | None = None
    location: str | None = None
    context: str | None = None
    received: datetime | None = None  # when the central system got it (None: not yet)

    def as_dict(self) -> dict[str, Any]:
        """Serialise for storage."""
        return {
            "received": None if self.received is None else self.received.isoformat(),
            "key": self.key,
            "measurand": self.measurand,
            "value": self.value,
            "unit": self.unit,
            "timestamp": self.timestamp.isoformat(),
            "phase": self.phase,
            "location": self.location,
            "context": self.context,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MeterSample:
        """Restore from storage."""
        received = data.get("received")
        value = float(data["value"])
        if not math.isfinite(value):
            raise ValueError(f"meter value {value!r}")
        return cls(
            key=str(data["key"]),
            measurand=str(data["measurand"]),
            value=value,
            unit=data.get("unit"),
            timestamp=_aware(datetime.fromisoformat(data["timestamp"])),
            phase=data.get("phase"),
            location=data.get("location"),
            context=data.get("context"),
            received=None if received is None else _aware(datetime.fromisoformat(received)),
        )


@dataclass(slots=True)
class Transaction:
    """A charging session as the charger reported it.

    ``meter_*_wh`` are the charger's own readings, as it sent them (for the events). The
    session's energy is counted on a register of its own (``register.py``), fed with the
    energy readings stamped within the session: a glitch or reset of the meter never shows in
    it, and a session replayed from an offline queue counts its own readings.
    """

    id: int | str
    connector_id: int
    id_tag: str | None
    started_at: datetime
    meter_start_wh: float | None  # None when the charger sent none
    meter_last_wh: float | None = None  # the last accepted reading of the session
    stopped_at: datetime | None = None
    meter_stop_wh: float | None = None
    reason: str | None = None
    energy_start_kwh: float | None = None  # the session register's first accepted value
    meter: Register = field(default_factory=Register)
    # When the charger said the connector is free although the session was never stopped (it
    # crashed): the session shows as not running; a late stop or the next start closes it.
    idle_since: datetime | None = None

    @property
    def energy_kwh(self) -> float:
        """Energy delivered so far (never negative, never going down)."""
        last = self.meter.value
        if self.energy_start_kwh is None or last is None:
            return 0.0
        return round(max(0.0, last - self.energy_start_kwh), 6)

    def track(self, reading_kwh: float, at: datetime, received: datetime, max_kw: float) -> None:
        """Count an energy register reading of the charger, if it falls within the session."""
        if at < self.started_at or (self.stopped_at is not None and at > self.stopped_at):
            return
        if (value := self.meter.update(reading_kwh, at, received, max_kw)) is None:
            return
        if self.energy_start_kwh is None:
            self.energy_start_kwh = value
        if (reading := self.meter.reading) is not None:
            self.meter_last_wh = round(reading * 1000, 6)

    def duration_s(self, now: datetime) -> float:
        """Seconds from start to stop (or to now while it runs)."""
        end = self.stopped_at or self.idle_since or now
        return max(0.0, (end - self.started_at).total_seconds())

    def as_dict(self) -> dict[str, Any]:
        """Serialise for storage."""
        return {
            "id": self.id,
            "connector_id": self.connector_id,
            "id_tag": self.id_tag,
            "started_at": self.started_at.isoformat(),
            "meter_start_wh": self.meter_start_wh,
            "meter_last_wh": self.meter_last_wh,
            "stopped_at": self.stopped_at.isoformat() if self.stopped_at else None,
            "meter_stop_wh": self.meter_stop_wh,
            "reason": self.reason,
            "energy_start_kwh": self.energy_start_kwh,
            "meter": self.meter.as_dict(),
            "idle_since": self.idle_since.isoformat() if self.idle_since else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transaction:
        """Restore from storage."""
        transaction_id = data["id"]
        if not isinstance(transaction_id, int | str) or isinstance(transaction_id, bool):
            raise TypeError(f"transaction id {transaction_id!r}")
        id_tag = data.get("id_tag")
        return cls(
            id=transaction_id,
            connector_id=int(data["connector_id"]),
            id_tag=None if id_tag is None else str(id_tag),
            started_at=_aware(datetime.fromisoformat(data["started_at"])),
            meter_start_wh=_finite_or_none(data.get("meter_start_wh")),
            meter_last_wh=_finite_or_none(data.get("meter_last_wh")),
            stopped_at=_time_or_none(data.get("stopped_at")),
            meter_stop_wh=_finite_or_none(data.get("meter_stop_wh")),
            reason=data.get("reason"),
            energy_start_kwh=_finite_or_none(data.get("energy_start_kwh")),
            meter=Register.from_dict(data["meter"]),
            idle_since=_aware(datetime.fromisoformat(idle))
            if (idle := data.get("idle_since"))
            else None,
        )


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive time {value.isoformat()}")
    return value


def _time_or_none(value: Any) -> datetime | None:
    return None if value is None else _aware(datetime.fromisoformat(value))


def _finite_or_none(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return number


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


@dataclass(slots=True)
class BootInfo:
    """What a charger says about itself when it boots."""

    vendor: str
    model: str
    serial_number: str | None = None
    firmware_version: str | None = None
    iccid: str | None = None
    imsi: str | None = None
    meter_type: str | None = None
    meter_serial_number: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Serialise for storage."""
        return {
            "vendor": self.vendor,
            "model": self.model,
            "serial_number": self.serial_number,
            "firmware_version": self.firmware_version,
            "iccid": self.iccid,
            "imsi": self.imsi,
            "meter_type": self.meter_type,
            "meter_serial_number": self.meter_serial_number,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BootInfo:
        """Restore from storage, field by field: what a newer release adds is left aside."""
        return cls(
            vendor=str(data["vendor"]),
            model=str(data["model"]),
            serial_number=data.get("serial_number"),
            firmware_version=data.get("firmware_version"),
            iccid=data.get("iccid"),
            imsi=data.get("imsi"),
            meter_type=data.get("meter_type"),
            meter_serial_number=data.get("meter_serial_number"),
        )


@dataclass(slots=True)
class Capabilities:
    """What a charger said about itself after connecting; ``None`` is "not known"."""

    feature_profiles: frozenset[str] | None = None
    number_of_connectors: int | None = None
    max_stack_level: int | None = None
    rate_units: frozenset[RateUnit] | None = None
    max_periods: int | None = None
    heartbeat_interval: int | None = None
    meter_interval: int | None = None
    sampled_measurands: tuple[str, ...] | None = None
    configuration: dict[str, str | None] = field(default_factory=dict)

    @property
    def smart_charging(self) -> bool:
        """Whether the charger takes charging profiles."""
        return self.feature_profiles is not None and SMART_CHARGING in self.feature_profiles

    def as_dict(self) -> dict[str, Any]:
        """Serialise for storage and diagnostics."""
        return {
            "feature_profiles": _sorted_or_none(self.feature_profiles),
            "number_of_connectors": self.number_of_connectors,
            "max_stack_level": self.max_stack_level,
            "rate_units": _sorted_or_none(self.rate_units),
            "max_periods": self.max_periods,
            "heartbeat_interval": self.heartbeat_interval,
            "meter_interval": self.meter_interval,
            "sampled_measurands": (
                None if self.sampled_measurands is None else list(self.sampled_measurands)
            ),
            "configuration": dict(self.configuration),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Capabilities:
        """Restore from storage."""
        profiles = data.get("feature_profiles")
        units = data.get("rate_units")
        measurands = data.get("sampled_measurands")
        return cls(
            feature_profiles=None if profiles is None else frozenset(profiles),
            number_of_connectors=data.get("number_of_connectors"),
            max_stack_level=data.get("max_stack_level"),
            rate_units=None if units is None else frozenset(RateUnit(u) for u in units),
            max_periods=data.get("max_periods"),
            heartbeat_interval=data.get("heartbeat_interval"),
            meter_interval=data.get("meter_interval"),
            sampled_measurands=None if measurands is None else tuple(measurands),
            configuration=dict(data.get("configuration", {})),
        )


def _is_replay(sample: MeterSample, current: MeterSample, received: datetime) -> bool:
    if sample.timestamp >= current.timestamp or current.received is None:
        return False
    return received - current.received < REPLAY_WINDOW


def _sorted_or_none(values: frozenset[str] | None) -> list[str] | None:
    return None if values is None else sorted(values)


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
