"""A simulated OCPP 1.6 charge point, to try the central system without hardware.

    scripts/simulate --url ws://localhost:9000 --id SIM-1

It boots (waiting while the central system answers Pending), reports status, plugs in a car,
charges with realistic 3-phase meter values and answers the central system's commands:
remote start/stop, reset, unlock, availability, charging profiles (the current limit is
honoured), configuration and trigger messages.
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

from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
import websockets
from websockets.headers import build_authorization_basic

_LOGGER = logging.getLogger("simulator")
VOLTAGE = 230.0


def now() -> str:
    """OCPP timestamp."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class Car:
    """A car plugged into connector 1."""

    capacity_kwh: float = 60.0
    soc: float = 35.0


@dataclass
class SimState:
    """What the simulated charger remembers."""

    connectors: int = 1
    max_current: float = 16.0
    register_wh: float = 10_000.0
    limit_a: float | None = None
    transaction_id: int | None = None
    accepted: asyncio.Event = field(default_factory=asyncio.Event)
    start_requested: asyncio.Event = field(default_factory=asyncio.Event)
    stop_requested: asyncio.Event = field(default_factory=asyncio.Event)
    configuration: dict[str, str] = field(default_factory=dict)


class SimulatedChargePoint(ChargePoint):
    """The simulated charger: answers the central system, reports a charging session."""

    def __init__(self, cp_id: str, connection: Any, state: SimState) -> None:
        """Wrap a connection."""
        super().__init__(cp_id, connection, response_timeout=30)
        self.state = state
        state.configuration.update(
            {
                "NumberOfConnectors": str(state.connectors),
                "MeterValueSampleInterval": "10",
                "SupportedFeatureProfiles": "Core,SmartCharging,RemoteTrigger,Reservation",
                "ChargingScheduleAllowedChargingRateUnit": "Current",
                "ChargeProfileMaxStackLevel": "8",
                "ChargingScheduleMaxPeriods": "24",
            }
        )

    # Commands from the central system

    @on(Action.trigger_message)
    def on_trigger_message(self, requested_message: str, **_: Any) -> call_result.TriggerMessage:
        """Boot again when asked (that is how a Pending charger gets accepted at once)."""
        if requested_message == "BootNotification":
            asyncio.get_running_loop().create_task(self.boot())
        return call_result.TriggerMessage(status="Accepted")

    @on(Action.get_configuration)
    def on_get_configuration(self, key: list[str] | None = None) -> call_result.GetConfiguration:
        """Report configuration keys."""
        keys = key or list(self.state.configuration)
        return call_result.GetConfiguration(
            configuration_key=[
                {"key": k, "readonly": False, "value": self.state.configuration[k]}
                for k in keys
                if k in self.state.configuration
            ],
            unknown_key=[k for k in keys if k not in self.state.configuration] or None,
        )

    @on(Action.change_configuration)
    def on_change_configuration(self, key: str, value: str) -> call_result.ChangeConfiguration:
        """Store a configuration value."""
        self.state.configuration[key] = value
        return call_result.ChangeConfiguration(status="Accepted")

    @on(Action.remote_start_transaction)
    def on_remote_start(self, id_tag: str, **_: Any) -> call_result.RemoteStartTransaction:
        """Start charging when asked."""
        self.state.start_requested.set()
        return call_result.RemoteStartTransaction(status="Accepted")

    @on(Action.remote_stop_transaction)
    def on_remote_stop(self, transaction_id: int) -> call_result.RemoteStopTransaction:
        """Stop charging when asked."""
        if transaction_id != self.state.transaction_id:
            return call_result.RemoteStopTransaction(status="Rejected")
        self.state.stop_requested.set()
        return call_result.RemoteStopTransaction(status="Accepted")

    @on(Action.set_charging_profile)
    def on_set_charging_profile(
        self, connector_id: int, cs_charging_profiles: dict[str, Any]
    ) -> call_result.SetChargingProfile:
        """Honour the first period's limit of any profile (amps)."""
        periods = cs_charging_profiles["charging_schedule"]["charging_schedule_period"]
        self.state.limit_a = float(periods[0]["limit"])
        _LOGGER.info("Current limit on connector %s: %s A", connector_id, self.state.limit_a)
        return call_result.SetChargingProfile(status="Accepted")

    @on(Action.clear_charging_profile)
    def on_clear_charging_profile(self, **_: Any) -> call_result.ClearChargingProfile:
        """Forget the limit."""
        self.state.limit_a = None
        return call_result.ClearChargingProfile(status="Accepted")

    @on(Action.reset)
    def on_reset(self, **kwargs: Any) -> call_result.Reset:
        """Pretend to reboot."""
        _LOGGER.info("%s reset requested", kwargs["type"])
        return call_result.Reset(status="Accepted")

    @on(Action.unlock_connector)
    def on_unlock(self, connector_id: int) -> call_result.UnlockConnector:
        """Unlock."""
        return call_result.UnlockConnector(status="Unlocked")

    @on(Action.change_availability)
    def on_change_availability(self, **_: Any) -> call_result.ChangeAvailability:
        """Accept availability changes."""
        return call_result.ChangeAvailability(status="Accepted")

    # What the charger sends

    async def boot(self) -> str:
        """BootNotification; returns the registration status."""
        result = await self.call(
            call.BootNotification(
                charge_point_vendor="OCPP CSMS",
                charge_point_model="Simulator",
                charge_point_serial_number=f"SIM-{self.id}",
                firmware_version="1.0.0",
            )
        )
        _LOGGER.info("%s boot: %s", self.id, result.status)
        if result.status == "Accepted":
            self.state.accepted.set()
        return str(result.status)

    async def boot_until_accepted(self) -> None:
        """Boot, and again when the central system's interval passes, until Accepted."""
        while await self.boot() != "Accepted":
            _LOGGER.info("Waiting to be accepted (accept the charger in Home Assistant)")
            try:
                await asyncio.wait_for(self.state.accepted.wait(), 60)
            except TimeoutError:
                continue
            return

    async def status(self, connector_id: int, status: str) -> None:
        """StatusNotification."""
        await self.call(
            call.StatusNotification(
                connector_id=connector_id, error_code="NoError", status=status, timestamp=now()
            )
        )

    def current_a(self, car: Car) -> float:
        """Charging current: the car tapers above 80 % and the limit caps it."""
        current = self.state.max_current
        if self.state.limit_a is not None:
            current = min(current, self.state.limit_a)
        if car.soc > 80:  # noqa: PLR2004
            current *= max(0.2, (100 - car.soc) / 20)
        return round(current, 1)

    async def send_meter_values(self, car: Car, interval: float) -> None:
        """One MeterValues with energy, power, 3-phase current and voltage, SoC."""
        amps = self.current_a(car)
        power_w = 3 * VOLTAGE * amps
        self.state.register_wh += power_w * interval / 3600
        car.soc = min(100.0, car.soc + power_w * interval / 3600 / 10 / car.capacity_kwh)
        sampled = [
            _sample(round(self.state.register_wh), "Energy.Active.Import.Register", "Wh"),
            _sample(round(power_w), "Power.Active.Import", "W"),
            _sample(self.state.limit_a or self.state.max_current, "Current.Offered", "A"),
            *(_sample(amps, "Current.Import", "A", phase) for phase in ("L1", "L2", "L3")),
            *(
                _sample(round(VOLTAGE + math.sin(i) * 2, 1), "Voltage", "V", f"{phase}-N")
                for i, phase in enumerate(("L1", "L2", "L3"))
            ),
            {**_sample(round(car.soc), "SoC", "Percent"), "location": "EV"},
        ]
        await self.call(
            call.MeterValues(
                connector_id=1,
                transaction_id=self.state.transaction_id,
                meter_value=[{"timestamp": now(), "sampledValue": sampled}],
            )
        )

    async def charge(self, id_tag: str, duration: float, interval: float) -> float:
        """One session: plug in, authorize, start, meter values, stop. Returns kWh."""
        car = Car()
        await self.status(1, "Preparing")
        await self.call(call.Authorize(id_tag=id_tag))
        meter_start = round(self.state.register_wh)
        result = await self.call(
            call.StartTransaction(
                connector_id=1, id_tag=id_tag, meter_start=meter_start, timestamp=now()
            )
        )
        self.state.transaction_id = result.transaction_id
        self.state.stop_requested.clear()
        await self.status(1, "Charging")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + duration
        while loop.time() < deadline and not self.state.stop_requested.is_set():
            await self.send_meter_values(car, interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.state.stop_requested.wait(), interval)
        meter_stop = round(self.state.register_wh)
        await self.call(
            call.StopTransaction(
                meter_stop=meter_stop,
                timestamp=now(),
                transaction_id=self.state.transaction_id,
                reason="Remote" if self.state.stop_requested.is_set() else "EVDisconnected",
                id_tag=id_tag,
            )
        )
        self.state.transaction_id = None
        await self.status(1, "Finishing")
        await self.status(1, "Available")
        return (meter_stop - meter_start) / 1000


def _sample(value: float, measurand: str, unit: str, phase: str | None = None) -> dict[str, Any]:
    sample: dict[str, Any] = {
        "value": str(value),
        "measurand": measurand,
        "unit": unit,
        "context": "Sample.Periodic",
    }
    if phase:
        sample["phase"] = phase
    return sample


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
) -> float:
    """Connect, boot, run the sessions; return the energy charged in kWh.

    With a ``password`` it authenticates with HTTP Basic (OCPP security profile 1 or 2).
    """
    state = SimState()
    headers = {}
    if password is not None:
        headers["Authorization"] = build_authorization_basic(cp_id, password)
    async with websockets.connect(
        f"{url.rstrip('/')}/{cp_id}", subprotocols=["ocpp1.6"], additional_headers=headers
    ) as ws:
        charge_point = SimulatedChargePoint(cp_id, ws, state)
        listener = asyncio.create_task(charge_point.start())
        try:
            await charge_point.boot_until_accepted()
            for connector_id in range(state.connectors + 1):
                await charge_point.status(connector_id, "Available")
            energy = 0.0
            for _ in range(sessions):
                if wait_for_remote_start:
                    _LOGGER.info("Waiting for a remote start (turn on the Charging switch)")
                    await state.start_requested.wait()
                    state.start_requested.clear()
                energy += await charge_point.charge(id_tag, duration, interval)
            return energy
        finally:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="ws://localhost:9000", help="central system URL")
    parser.add_argument("--id", default="SIM-1", help="charge point id")
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
        )
    )
    print(f"Charged {energy:.3f} kWh")


if __name__ == "__main__":
    main()
