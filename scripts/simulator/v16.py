"""The simulated charger speaking OCPP 1.6."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from ocpp.routing import on
from ocpp.v16 import ChargePoint as ChargePoint16, call as call16, call_result as result16
from ocpp.v16.enums import Action as Action16

from .state import Profile, SimState, now, registered

_LOGGER = logging.getLogger("simulator")


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
