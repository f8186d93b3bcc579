"""A simulated OCPP 1.6 or 2.0.1 charge point, to try the central system without hardware.

    scripts/simulate --url ws://localhost:9000 --id SIM-1 [--ocpp 2.0.1]

It boots (waiting while the central system answers Pending), reports status, plugs in a car,
charges with realistic 3-phase meter values and answers the central system's commands:
remote start/stop, reset, unlock, availability, charging profiles (the whole schedule is
followed, with stack levels and the station maximum), configuration and trigger messages.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
import logging
import math
from typing import Any
import uuid

from ocpp.routing import on
from ocpp.v16 import ChargePoint as ChargePoint16, call as call16, call_result as result16
from ocpp.v16.enums import Action as Action16
from ocpp.v201 import ChargePoint as ChargePoint201, call as call201, call_result as result201
from ocpp.v201.enums import Action as Action201
import websockets
from websockets.headers import build_authorization_basic

_LOGGER = logging.getLogger("simulator")
VOLTAGE = 230.0
PHASES = 3


def now() -> str:
    """OCPP timestamp."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass
class Car:
    """A car plugged into connector 1."""

    capacity_kwh: float = 60.0
    soc: float = 35.0


@dataclass
class Profile:
    """A charging profile as the simulated charger applies it."""

    purpose: str  # 1.6 names; 2.0.1's ChargingStationMaxProfile is stored as ChargePointMaxProfile
    stack_level: int
    start: datetime  # when period 0 begins
    periods: list[tuple[int, float]]  # (seconds from start, limit in A)
    duration: int | None = None

    def limit_at(self, moment: datetime) -> float | None:
        """The limit at ``moment``, or None outside the schedule."""
        elapsed = (moment - self.start).total_seconds()
        if elapsed < 0 or (self.duration is not None and elapsed >= self.duration):
            return None
        return next((limit for offset, limit in reversed(self.periods) if offset <= elapsed), None)

    @classmethod
    def from_ocpp(cls, profile: dict[str, Any], schedule: dict[str, Any]) -> Profile:
        """From a (snake_cased) profile and its schedule, limits converted to amps."""
        watts = schedule["charging_rate_unit"] == "W"
        start = _parse_time(schedule.get("start_schedule")) or datetime.now(UTC)
        purpose = profile["charging_profile_purpose"].replace("ChargingStation", "ChargePoint")
        return cls(
            purpose=purpose,
            stack_level=profile["stack_level"],
            start=start,
            periods=[
                (
                    int(period["start_period"]),
                    float(period["limit"]) / (PHASES * VOLTAGE)
                    if watts
                    else float(period["limit"]),
                )
                for period in schedule["charging_schedule_period"]
            ],
            duration=schedule.get("duration"),
        )


@dataclass
class SimState:
    """What the simulated charger remembers."""

    connectors: int = 1
    max_current: float = 16.0
    register_wh: float = 10_000.0
    transaction_id: int | str | None = None
    profiles: dict[int, Profile] = field(default_factory=dict)
    accepted: asyncio.Event = field(default_factory=asyncio.Event)
    start_requested: asyncio.Event = field(default_factory=asyncio.Event)
    stop_requested: asyncio.Event = field(default_factory=asyncio.Event)
    configuration: dict[str, str] = field(default_factory=dict)

    def limit_a(self, moment: datetime) -> float:
        """What the profiles allow now: the top transaction profile, under the maximum."""
        limit = self.max_current
        tx_purposes = (
            ("TxProfile", "TxDefaultProfile") if self.transaction_id else ("TxDefaultProfile",)
        )
        for purposes in (("ChargePointMaxProfile",), tx_purposes):
            active = [
                (purposes.index(p.purpose), -p.stack_level, value)
                for p in self.profiles.values()
                if p.purpose in purposes and (value := p.limit_at(moment)) is not None
            ]
            if active:
                limit = min(limit, min(active)[2])
        return limit

    def set_profile(self, profile_id: int, profile: Profile) -> None:
        """Install a profile, replacing one with the same id."""
        self.profiles[profile_id] = profile
        _LOGGER.info("Profile %s (%s): now %.1f A", profile_id, profile.purpose, self.current_limit)

    def clear_profiles(self, profile_id: int | None) -> None:
        """Remove one profile, or all of them."""
        if profile_id is None:
            self.profiles.clear()
        else:
            self.profiles.pop(profile_id, None)

    @property
    def current_limit(self) -> float:
        """The limit right now."""
        return self.limit_a(datetime.now(UTC))

    def amps(self, car: Car) -> float:
        """Charging current: the car tapers above 80 % and the limit caps it."""
        current = self.current_limit
        if car.soc > 80:  # noqa: PLR2004
            current *= max(0.2, (100 - car.soc) / 20)
        return round(current, 1)

    def readings(self, car: Car, interval: float) -> list[dict[str, Any]]:
        """One sample's readings: energy, power, 3-phase current and voltage, offered, SoC."""
        amps = self.amps(car)
        power_w = PHASES * VOLTAGE * amps
        self.register_wh += power_w * interval / 3600
        car.soc = min(100.0, car.soc + power_w * interval / 3600 / 10 / car.capacity_kwh)
        return [
            _reading(round(self.register_wh), "Energy.Active.Import.Register", "Wh"),
            _reading(round(power_w), "Power.Active.Import", "W"),
            _reading(self.current_limit, "Current.Offered", "A"),
            *(_reading(amps, "Current.Import", "A", phase=p) for p in ("L1", "L2", "L3")),
            *(
                _reading(round(VOLTAGE + math.sin(i) * 2, 1), "Voltage", "V", phase=f"{p}-N")
                for i, p in enumerate(("L1", "L2", "L3"))
            ),
            _reading(round(car.soc), "SoC", "Percent", location="EV"),
        ]


def registered(state: SimState, status: str) -> str:
    """Note a boot's answer; an Accepted one ends the wait for the user."""
    if status == "Accepted":
        state.accepted.set()
    return status


def _reading(value: float, measurand: str, unit: str, **extra: str) -> dict[str, Any]:
    return {"value": value, "measurand": measurand, "unit": unit, **extra}


class Simulated16(ChargePoint16):
    """The simulated charger speaking OCPP 1.6."""

    subprotocol = "ocpp1.6"

    def __init__(self, cp_id: str, connection: Any, state: SimState) -> None:
        """Wrap a connection."""
        super().__init__(cp_id, connection, response_timeout=30)
        self.state = state
        state.configuration.update(
            {
                "NumberOfConnectors": str(state.connectors),
                "MeterValueSampleInterval": "10",
                "SupportedFeatureProfiles": "Core,SmartCharging,RemoteTrigger,Reservation",
                "ChargingScheduleAllowedChargingRateUnit": "Current,Power",
                "ChargeProfileMaxStackLevel": "8",
                "ChargingScheduleMaxPeriods": "24",
            }
        )

    # Commands from the central system

    @on(Action16.trigger_message)
    def on_trigger_message(self, requested_message: str, **_: Any) -> result16.TriggerMessage:
        """Boot again when asked (that is how a Pending charger gets accepted at once)."""
        if requested_message == "BootNotification":
            asyncio.get_running_loop().create_task(self.boot())
        return result16.TriggerMessage(status="Accepted")

    @on(Action16.get_configuration)
    def on_get_configuration(self, key: list[str] | None = None) -> result16.GetConfiguration:
        """Report configuration keys."""
        keys = key or list(self.state.configuration)
        return result16.GetConfiguration(
            configuration_key=[
                {"key": k, "readonly": False, "value": self.state.configuration[k]}
                for k in keys
                if k in self.state.configuration
            ],
            unknown_key=[k for k in keys if k not in self.state.configuration] or None,
        )

    @on(Action16.change_configuration)
    def on_change_configuration(self, key: str, value: str) -> result16.ChangeConfiguration:
        """Store a configuration value."""
        self.state.configuration[key] = value
        return result16.ChangeConfiguration(status="Accepted")

    @on(Action16.remote_start_transaction)
    def on_remote_start(self, id_tag: str, **_: Any) -> result16.RemoteStartTransaction:
        """Start charging when asked."""
        self.state.start_requested.set()
        return result16.RemoteStartTransaction(status="Accepted")

    @on(Action16.remote_stop_transaction)
    def on_remote_stop(self, transaction_id: int) -> result16.RemoteStopTransaction:
        """Stop charging when asked."""
        if transaction_id != self.state.transaction_id:
            return result16.RemoteStopTransaction(status="Rejected")
        self.state.stop_requested.set()
        return result16.RemoteStopTransaction(status="Accepted")

    @on(Action16.set_charging_profile)
    def on_set_charging_profile(
        self, connector_id: int, cs_charging_profiles: dict[str, Any]
    ) -> result16.SetChargingProfile:
        """Follow the profile's schedule."""
        profile = cs_charging_profiles
        schedule = profile["charging_schedule"]
        self.state.set_profile(profile["charging_profile_id"], Profile.from_ocpp(profile, schedule))
        return result16.SetChargingProfile(status="Accepted")

    @on(Action16.clear_charging_profile)
    def on_clear_charging_profile(self, **kwargs: Any) -> result16.ClearChargingProfile:
        """Forget a profile (all of them without an id)."""
        self.state.clear_profiles(kwargs.get("id"))
        return result16.ClearChargingProfile(status="Accepted")

    @on(Action16.reset)
    def on_reset(self, **kwargs: Any) -> result16.Reset:
        """Pretend to reboot."""
        _LOGGER.info("%s reset requested", kwargs["type"])
        return result16.Reset(status="Accepted")

    @on(Action16.unlock_connector)
    def on_unlock(self, connector_id: int) -> result16.UnlockConnector:
        """Unlock."""
        return result16.UnlockConnector(status="Unlocked")

    @on(Action16.change_availability)
    def on_change_availability(self, **_: Any) -> result16.ChangeAvailability:
        """Accept availability changes."""
        return result16.ChangeAvailability(status="Accepted")

    # What the charger sends

    async def boot(self) -> str:
        """BootNotification; returns the registration status."""
        result = await self.call(
            call16.BootNotification(
                charge_point_vendor="OCPP CSMS",
                charge_point_model="Simulator",
                charge_point_serial_number=f"SIM-{self.id}",
                firmware_version="1.0.0",
            )
        )
        return registered(self.state, str(result.status))

    async def status(self, connector_id: int, status: str) -> None:
        """StatusNotification (1.6 statuses)."""
        await self.call(
            call16.StatusNotification(
                connector_id=connector_id, error_code="NoError", status=status, timestamp=now()
            )
        )

    async def start_session(self, id_tag: str) -> None:
        """Authorize, StartTransaction, Charging."""
        await self.status(1, "Preparing")
        await self.call(call16.Authorize(id_tag=id_tag))
        result = await self.call(
            call16.StartTransaction(
                connector_id=1,
                id_tag=id_tag,
                meter_start=round(self.state.register_wh),
                timestamp=now(),
            )
        )
        self.state.transaction_id = result.transaction_id
        await self.status(1, "Charging")

    async def report_paused(self, paused: bool) -> None:
        """The charger holds the car back (its limit is 0), or lets it charge again."""
        await self.status(1, "SuspendedEVSE" if paused else "Charging")

    async def send_meter_values(self, readings: list[dict[str, Any]]) -> None:
        """MeterValues of the running transaction."""
        sampled = [
            {**reading, "value": str(reading["value"]), "context": "Sample.Periodic"}
            for reading in readings
        ]
        await self.call(
            call16.MeterValues(
                connector_id=1,
                transaction_id=self.state.transaction_id,
                meter_value=[{"timestamp": now(), "sampledValue": sampled}],
            )
        )

    async def stop_session(self, id_tag: str, reason: str) -> None:
        """StopTransaction, then the connector frees up."""
        await self.call(
            call16.StopTransaction(
                meter_stop=round(self.state.register_wh),
                timestamp=now(),
                transaction_id=self.state.transaction_id,
                reason=reason,
                id_tag=id_tag,
            )
        )
        self.state.transaction_id = None
        await self.status(1, "Finishing")
        await self.status(1, "Available")

    async def report_available(self) -> None:
        """The charger and its connectors are available."""
        for connector_id in range(self.state.connectors + 1):
            await self.status(connector_id, "Available")


# A 2.0.1 station's device model: (component, variable) → value
DEVICE_MODEL_201 = {
    ("SmartChargingCtrlr", "Enabled"): "true",
    ("SmartChargingCtrlr", "ProfileStackLevel"): "8",
    ("SmartChargingCtrlr", "RateUnit"): "A,W",
    ("SmartChargingCtrlr", "PeriodsPerSchedule"): "24",
    ("SampledDataCtrlr", "TxUpdatedInterval"): "10",
    ("SampledDataCtrlr", "TxUpdatedMeasurands"): "Energy.Active.Import.Register",
    ("ReservationCtrlr", "Enabled"): "true",
}


class Simulated201(ChargePoint201):
    """The simulated charger speaking OCPP 2.0.1 (one EVSE with one connector)."""

    subprotocol = "ocpp2.0.1"

    def __init__(self, cp_id: str, connection: Any, state: SimState) -> None:
        """Wrap a connection."""
        super().__init__(cp_id, connection, response_timeout=30)
        self.state = state
        self.variables = dict(DEVICE_MODEL_201)
        self.seq_no = 0
        self.remote_start_id: int | None = None

    # Commands from the central system

    @on(Action201.trigger_message)
    def on_trigger_message(self, requested_message: str, **_: Any) -> result201.TriggerMessage:
        """Boot again when asked."""
        if requested_message == "BootNotification":
            asyncio.get_running_loop().create_task(self.boot())
        return result201.TriggerMessage(status="Accepted")

    @on(Action201.get_base_report)
    def on_get_base_report(self, request_id: int, report_base: str) -> result201.GetBaseReport:
        """Report the device model (sent right after the answer)."""
        asyncio.get_running_loop().create_task(self._report(request_id))
        return result201.GetBaseReport(status="Accepted")

    async def _report(self, request_id: int) -> None:
        await asyncio.sleep(0)  # let the answer go first
        data = [
            {
                "component": {"name": component},
                "variable": {"name": variable},
                "variable_attribute": [{"value": value, "mutability": "ReadWrite"}],
            }
            for (component, variable), value in self.variables.items()
        ]
        data.append(
            {
                "component": {"name": "EVSE", "evse": {"id": 1}},
                "variable": {"name": "Power"},
                "variable_attribute": [{"value": "11040", "mutability": "ReadOnly"}],
            }
        )
        await self.call(
            call201.NotifyReport(
                request_id=request_id, generated_at=now(), seq_no=0, report_data=data
            )
        )

    @on(Action201.get_variables)
    def on_get_variables(self, get_variable_data: list[dict[str, Any]]) -> result201.GetVariables:
        """Read device model variables."""
        results = []
        for item in get_variable_data:
            key = (item["component"]["name"], item["variable"]["name"])
            found = key in self.variables
            results.append(
                {
                    "attribute_status": "Accepted" if found else "UnknownVariable",
                    "component": item["component"],
                    "variable": item["variable"],
                    **({"attribute_value": self.variables[key]} if found else {}),
                }
            )
        return result201.GetVariables(get_variable_result=results)

    @on(Action201.set_variables)
    def on_set_variables(self, set_variable_data: list[dict[str, Any]]) -> result201.SetVariables:
        """Write device model variables."""
        results = []
        for item in set_variable_data:
            self.variables[(item["component"]["name"], item["variable"]["name"])] = item[
                "attribute_value"
            ]
            results.append(
                {
                    "attribute_status": "Accepted",
                    "component": item["component"],
                    "variable": item["variable"],
                }
            )
        return result201.SetVariables(set_variable_result=results)

    @on(Action201.request_start_transaction)
    def on_request_start(
        self, id_token: dict[str, Any], remote_start_id: int, **_: Any
    ) -> result201.RequestStartTransaction:
        """Start charging when asked."""
        self.remote_start_id = remote_start_id
        self.state.start_requested.set()
        return result201.RequestStartTransaction(status="Accepted")

    @on(Action201.request_stop_transaction)
    def on_request_stop(self, transaction_id: str) -> result201.RequestStopTransaction:
        """Stop charging when asked."""
        if transaction_id != self.state.transaction_id:
            return result201.RequestStopTransaction(status="Rejected")
        self.state.stop_requested.set()
        return result201.RequestStopTransaction(status="Accepted")

    @on(Action201.set_charging_profile)
    def on_set_charging_profile(
        self, evse_id: int, charging_profile: dict[str, Any]
    ) -> result201.SetChargingProfile:
        """Follow the profile's (first) schedule."""
        schedule = charging_profile["charging_schedule"][0]
        self.state.set_profile(
            charging_profile["id"], Profile.from_ocpp(charging_profile, schedule)
        )
        return result201.SetChargingProfile(status="Accepted")

    @on(Action201.clear_charging_profile)
    def on_clear_charging_profile(self, **kwargs: Any) -> result201.ClearChargingProfile:
        """Forget a profile (all of them without an id)."""
        self.state.clear_profiles(kwargs.get("charging_profile_id"))
        return result201.ClearChargingProfile(status="Accepted")

    @on(Action201.reset)
    def on_reset(self, type: str, **_: Any) -> result201.Reset:  # noqa: A002 - the field's name
        """Pretend to reboot."""
        _LOGGER.info("%s reset requested", type)
        return result201.Reset(status="Accepted")

    @on(Action201.unlock_connector)
    def on_unlock(self, evse_id: int, connector_id: int) -> result201.UnlockConnector:
        """Unlock."""
        return result201.UnlockConnector(status="Unlocked")

    @on(Action201.change_availability)
    def on_change_availability(self, **_: Any) -> result201.ChangeAvailability:
        """Accept availability changes."""
        return result201.ChangeAvailability(status="Accepted")

    # What the station sends

    async def boot(self) -> str:
        """BootNotification; returns the registration status."""
        result = await self.call(
            call201.BootNotification(
                charging_station={
                    "vendor_name": "OCPP CSMS",
                    "model": "Simulator 2.0.1",
                    "serial_number": f"SIM-{self.id}",
                    "firmware_version": "2.0.1",
                },
                reason="PowerUp",
            )
        )
        return registered(self.state, str(result.status))

    async def status(self, connector_status: str) -> None:
        """StatusNotification of EVSE 1 (2.0.1 statuses)."""
        await self.call(
            call201.StatusNotification(
                timestamp=now(), connector_status=connector_status, evse_id=1, connector_id=1
            )
        )

    async def _event(self, event_type: str, trigger: str, **fields: Any) -> Any:
        info = {"transaction_id": self.state.transaction_id, **fields.pop("info", {})}
        self.seq_no += 1
        return await self.call(
            call201.TransactionEvent(
                event_type=event_type,
                timestamp=now(),
                trigger_reason=trigger,
                seq_no=self.seq_no - 1,
                transaction_info=info,
                **fields,
            )
        )

    def _meter(self, readings: list[dict[str, Any]], context: str) -> list[dict[str, Any]]:
        sampled = [
            {
                **{k: v for k, v in reading.items() if k != "unit"},
                "unit_of_measure": {"unit": reading["unit"]},
                "context": context,
            }
            for reading in readings
        ]
        return [{"timestamp": now(), "sampled_value": sampled}]

    async def start_session(self, id_tag: str) -> None:
        """Plug in, TransactionEvent Started with the token, then Charging."""
        await self.status("Occupied")
        self.state.transaction_id = uuid.uuid4().hex[:16]
        self.seq_no = 0
        register = [_reading(round(self.state.register_wh), "Energy.Active.Import.Register", "Wh")]
        remote_start = {"remote_start_id": self.remote_start_id} if self.remote_start_id else {}
        self.remote_start_id = None
        await self._event(
            "Started",
            "RemoteStart" if remote_start else "Authorized",
            info={"charging_state": "EVConnected", **remote_start},
            evse={"id": 1, "connector_id": 1},
            id_token={"id_token": id_tag, "type": "ISO14443"},
            meter_value=self._meter(register, "Transaction.Begin"),
        )
        await self._event("Updated", "ChargingStateChanged", info={"charging_state": "Charging"})

    async def report_paused(self, paused: bool) -> None:
        """The station holds the car back (its limit is 0), or lets it charge again."""
        charging_state = "SuspendedEVSE" if paused else "Charging"
        await self._event(
            "Updated", "ChargingStateChanged", info={"charging_state": charging_state}
        )

    async def send_meter_values(self, readings: list[dict[str, Any]]) -> None:
        """TransactionEvent Updated with the readings."""
        await self._event(
            "Updated", "MeterValuePeriodic", meter_value=self._meter(readings, "Sample.Periodic")
        )

    async def stop_session(self, id_tag: str, reason: str) -> None:
        """TransactionEvent Ended, then the car is unplugged."""
        register = [_reading(round(self.state.register_wh), "Energy.Active.Import.Register", "Wh")]
        await self._event(
            "Ended",
            "RemoteStop" if reason == "Remote" else "EVCommunicationLost",
            info={"charging_state": "EVConnected", "stopped_reason": reason},
            meter_value=self._meter(register, "Transaction.End"),
        )
        self.state.transaction_id = None
        await self.status("Available")

    async def report_available(self) -> None:
        """The EVSE is available."""
        await self.status("Available")


type Simulated = Simulated16 | Simulated201
PROTOCOLS: dict[str, type[Simulated16 | Simulated201]] = {
    "1.6": Simulated16,
    "2.0.1": Simulated201,
}


async def boot_until_accepted(charger: Simulated) -> None:
    """Boot, and again when the central system's interval passes, until Accepted."""
    while (status := await charger.boot()) != "Accepted":
        _LOGGER.info("%s boot: %s; accept the charger in Home Assistant", charger.id, status)
        try:
            await asyncio.wait_for(charger.state.accepted.wait(), 60)
        except TimeoutError:
            continue
        return
    _LOGGER.info("%s boot: Accepted", charger.id)


async def charge(charger: Simulated, id_tag: str, duration: float, interval: float) -> float:
    """One session: plug in, start, meter values, stop. Returns kWh."""
    state = charger.state
    car = Car()
    state.stop_requested.clear()
    meter_start = state.register_wh
    await charger.start_session(id_tag)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + duration
    paused = False
    while loop.time() < deadline and not state.stop_requested.is_set():
        if (state.current_limit <= 0) != paused:
            paused = not paused
            await charger.report_paused(paused)
        await charger.send_meter_values(state.readings(car, interval))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(state.stop_requested.wait(), interval)
    reason = "Remote" if state.stop_requested.is_set() else "EVDisconnected"
    await charger.stop_session(id_tag, reason)
    return (round(state.register_wh) - round(meter_start)) / 1000


async def simulate(
    url: str,
    cp_id: str,
    *,
    sessions: int = 1,
    duration: float = 300,
    interval: float = 10,
    id_tag: str = "SIM-TAG",
    wait_for_remote_start: bool = False,
    password: str | None = None,
    ocpp: str = "1.6",
) -> float:
    """Connect, boot, run the sessions; return the energy charged in kWh.

    With a ``password`` it authenticates with HTTP Basic (OCPP security profile 1 or 2).
    """
    state = SimState()
    kind = PROTOCOLS[ocpp]
    headers = {}
    if password is not None:
        headers["Authorization"] = build_authorization_basic(cp_id, password)
    async with websockets.connect(
        f"{url.rstrip('/')}/{cp_id}",
        subprotocols=[websockets.Subprotocol(kind.subprotocol)],
        additional_headers=headers,
    ) as ws:
        charger = kind(cp_id, ws, state)
        listener = asyncio.create_task(charger.start())
        try:
            await boot_until_accepted(charger)
            await charger.report_available()
            energy = 0.0
            for _ in range(sessions):
                if wait_for_remote_start:
                    _LOGGER.info("Waiting for a remote start (turn on the Charging switch)")
                    await state.start_requested.wait()
                    state.start_requested.clear()
                energy += await charge(charger, id_tag, duration, interval)
            return energy
        finally:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="ws://localhost:9000", help="central system URL")
    parser.add_argument("--id", default="SIM-1", help="charge point id")
    parser.add_argument("--ocpp", choices=sorted(PROTOCOLS), default="1.6", help="OCPP version")
    parser.add_argument("--sessions", type=int, default=1, help="charging sessions to run")
    parser.add_argument("--duration", type=float, default=300, help="seconds per session")
    parser.add_argument("--interval", type=float, default=10, help="seconds between samples")
    parser.add_argument("--id-tag", default="SIM-TAG", help="RFID tag the driver presents")
    parser.add_argument("--password", help="HTTP Basic password the charger connects with")
    parser.add_argument(
        "--wait-for-remote-start",
        action="store_true",
        help="start each session only when Home Assistant asks",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    energy = asyncio.run(
        simulate(
            args.url,
            args.id,
            sessions=args.sessions,
            duration=args.duration,
            interval=args.interval,
            id_tag=args.id_tag,
            wait_for_remote_start=args.wait_for_remote_start,
            password=args.password,
            ocpp=args.ocpp,
        )
    )
    print(f"Charged {energy:.3f} kWh")


if __name__ == "__main__":
    main()
