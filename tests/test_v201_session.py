"""Charging sessions told by a real OCPP 2.0.1 station: the same entities and events as 1.6."""

from __future__ import annotations

import logging

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from ocpp.exceptions import OccurrenceConstraintViolationError
from ocpp.v201 import call
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.ocpp_csms.const import (
    DOMAIN,
    EVENT_AUTHORIZE,
    EVENT_SECURITY,
    EVENT_TRANSACTION_STARTED,
    EVENT_TRANSACTION_STOPPED,
)

from .charge_point import DAY
from .charge_point_201 import connect201
from .chargers import connect_booted
from .test_session import state

EARLIER = f"{DAY}T11:00:00.000Z"


def status(hass: HomeAssistant, scope: str = "CP1/1") -> str:
    return str(state(hass, "sensor", f"{scope}/status").state)


async def test_session_end_to_end(hass: HomeAssistant, central: MockConfigEntry, port: int) -> None:
    """Boot, status, transaction events and meter values fill the same entities as 1.6."""
    started = async_capture_events(hass, EVENT_TRANSACTION_STARTED)
    stopped = async_capture_events(hass, EVENT_TRANSACTION_STOPPED)
    authorized = async_capture_events(hass, EVENT_AUTHORIZE)
    async with connect_booted(hass, port, "CP1", "2.0.1") as station:
        device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, "CP1")})
        assert device is not None
        assert (device.manufacturer, device.model, device.serial_number, device.sw_version) == (
            "Acme",
            "Wallbox 22",
            "SN-201",
            "2.0.1-fw",
        )
        assert status(hass) == "available"
        assert status(hass, "CP1") == "available"
        assert state(hass, "sensor", "CP1/1/error_code").state == "no_error"

        result = await station.call(
            call.Authorize(id_token={"id_token": "CARD-1", "type": "ISO14443"})
        )
        assert result.id_token_info == {"status": "Accepted"}
        assert authorized[-1].data == {"cp_id": "CP1", "id_tag": "CARD-1", "status": "Accepted"}

        await station.status(1, "Occupied")
        await hass.async_block_till_done()
        assert status(hass) == "preparing"

        result = await station.transaction_event(
            "Started",
            "tx-a1",
            evse=1,
            id_token="CARD-1",
            charging_state="EVConnected",
            energy_wh=1000,
            context="Transaction.Begin",
        )
        assert result.id_token_info == {"status": "Accepted"}
        await hass.async_block_till_done()
        assert status(hass) == "preparing"
        assert state(hass, "sensor", "CP1/1/transaction_id").state == "tx-a1"
        assert state(hass, "sensor", "CP1/1/id_tag").state == "CARD-1"
        assert started[-1].data["transaction_id"] == "tx-a1"
        assert started[-1].data["meter_start_wh"] == 1000

        await station.transaction_event(
            "Updated", "tx-a1", trigger_reason="ChargingStateChanged", charging_state="Charging"
        )
        await hass.async_block_till_done()
        assert status(hass) == "charging"

        await station.transaction_event(
            "Updated", "tx-a1", trigger_reason="MeterValuePeriodic", energy_wh=4500
        )
        await station.transaction_event(
            "Updated", "tx-a1", trigger_reason="ChargingStateChanged", charging_state="SuspendedEV"
        )
        await hass.async_block_till_done()
        assert status(hass) == "suspended_ev"
        assert float(state(hass, "sensor", "CP1/1/session_energy").state) == 3.5
        assert float(state(hass, "sensor", "CP1/1/energy_active_import_register").state) == 4.5

        await station.transaction_event(
            "Ended",
            "tx-a1",
            trigger_reason="EVCommunicationLost",
            charging_state="EVConnected",
            energy_wh=6000,
            context="Transaction.End",
            stopped_reason="EVDisconnected",
        )
        await hass.async_block_till_done()
        assert status(hass) == "finishing"
        assert state(hass, "sensor", "CP1/1/transaction_id").state == "unknown"
        assert float(state(hass, "sensor", "CP1/1/session_energy").state) == 5.0
        assert stopped[-1].data | {"started_at": None, "stopped_at": None} == {
            "cp_id": "CP1",
            "connector_id": 1,
            "transaction_id": "tx-a1",
            "id_tag": "CARD-1",
            "started_at": None,
            "stopped_at": None,
            "meter_start_wh": 1000,
            "meter_stop_wh": 6000,
            "energy_kwh": 5.0,
            "reason": "EVDisconnected",
        }

        await station.status(1, "Available")
        await hass.async_block_till_done()
        assert status(hass) == "available"
    assert len(started) == len(stopped) == 1


async def test_resent_and_missing_events(
    hass: HomeAssistant,
    central: MockConfigEntry,
    port: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A resent event changes nothing; events that never came are named when it ends."""
    started = async_capture_events(hass, EVENT_TRANSACTION_STARTED)
    stopped = async_capture_events(hass, EVENT_TRANSACTION_STOPPED)
    async with connect_booted(hass, port, "CP1", "2.0.1") as station:
        await station.transaction_event("Started", "tx-2", seq_no=0, evse=1, id_token="CARD-1")
        await station.transaction_event("Started", "tx-2", seq_no=0, evse=1, id_token="CARD-1")
        await station.transaction_event("Updated", "tx-2", seq_no=1, energy_wh=100)
        await station.transaction_event("Updated", "tx-2", seq_no=4, energy_wh=400)
        with caplog.at_level(logging.WARNING):
            await station.transaction_event("Ended", "tx-2", seq_no=5, energy_wh=500)
            # Late and resent events of a finished transaction do not open it again.
            await station.transaction_event("Updated", "tx-2", seq_no=3, energy_wh=300)
            await station.transaction_event("Ended", "tx-2", seq_no=5, energy_wh=500)
        await hass.async_block_till_done()
    assert len(started) == len(stopped) == 1
    assert "transaction tx-2 ended, but its events 2, 3 never arrived" in caplog.text
    assert state(hass, "sensor", "CP1/1/transaction_id").state == "unknown"
    # No start reading: the session counts from the first reading after it started.
    assert stopped[0].data["energy_kwh"] == 0.4


async def test_offline_transaction_replayed(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A whole transaction queued offline is recorded with its times; the live status stays."""
    stopped = async_capture_events(hass, EVENT_TRANSACTION_STOPPED)
    async with connect_booted(hass, port, "CP1", "2.0.1") as station:
        for event_type, energy, state_name, minute in (
            ("Started", 2000, "Charging", 0),
            ("Updated", 3000, "Charging", 10),
            ("Ended", 4500, "EVConnected", 20),
        ):
            await station.transaction_event(
                event_type,
                "offline-1",
                evse=1 if event_type == "Started" else None,
                id_token="CARD-9",
                charging_state=state_name,
                energy_wh=energy,
                timestamp=f"{DAY}T11:{minute:02d}:00.000Z",
                offline=True,
            )
        await hass.async_block_till_done()
        assert status(hass) == "available"
    assert stopped[0].data["transaction_id"] == "offline-1"
    assert stopped[0].data["started_at"] == f"{DAY}T11:00:00.000Z"
    assert stopped[0].data["energy_kwh"] == 2.5


async def test_evse_needed_to_start(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """The first event of an unknown transaction must name its EVSE (OCPP: evse in Started)."""
    async with connect_booted(hass, port, "CP1", "2.0.1") as station:
        with pytest.raises(OccurrenceConstraintViolationError):
            await station.transaction_event("Started", "tx-x", id_token="CARD-1")
        await station.transaction_event("Started", "tx-x", evse=1, id_token="CARD-1")
        await station.transaction_event("Updated", "tx-x", energy_wh=10)
        await hass.async_block_till_done()
        assert state(hass, "sensor", "CP1/1/transaction_id").state == "tx-x"


async def test_authorized_after_start(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A transaction started by plugging in gets its id tag when the card is shown."""
    async with connect_booted(hass, port, "CP1", "2.0.1") as station:
        result = await station.transaction_event(
            "Started", "tx-p", evse=1, trigger_reason="CablePluggedIn"
        )
        assert result.id_token_info is None
        await hass.async_block_till_done()
        assert state(hass, "sensor", "CP1/1/id_tag").state == "unknown"
        result = await station.transaction_event("Updated", "tx-p", id_token="CARD-7")
        assert result.id_token_info == {"status": "Accepted"}
        await hass.async_block_till_done()
        assert state(hass, "sensor", "CP1/1/id_tag").state == "CARD-7"


async def test_station_notifications(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Firmware and log progress, security events, device events, vendor data, main meter."""

    security = async_capture_events(hass, EVENT_SECURITY)
    async with connect_booted(hass, port, "CP1", "2.0.1") as station:
        await station.call(call.FirmwareStatusNotification(status="Downloading", request_id=1))
        await station.call(call.LogStatusNotification(status="Uploading", request_id=2))
        await station.call(
            call.SecurityEventNotification(
                type="TamperDetectionActivated", timestamp=EARLIER, tech_info="lid open"
            )
        )
        await station.call(
            call.NotifyEvent(
                generated_at=EARLIER,
                seq_no=0,
                event_data=[
                    {
                        "event_id": 1,
                        "timestamp": EARLIER,
                        "trigger": "Alerting",
                        "actual_value": "true",
                        "event_notification_type": "HardWiredNotification",
                        "component": {"name": "Connector", "evse": {"id": 1, "connector_id": 1}},
                        "variable": {"name": "Problem"},
                    }
                ],
            )
        )
        result = await station.call(call.DataTransfer(vendor_id="com.acme", data={"a": 1}))
        assert result.status == "UnknownVendorId"
        await station.meter(
            0, [{"value": 7.5, "unit_of_measure": {"unit": "kWh", "multiplier": 3}}]
        )
        await station.call(
            call.ReservationStatusUpdate(reservation_id=5, reservation_update_status="Expired")
        )
        await hass.async_block_till_done()
        charger = central.runtime_data.station("CP1").charger  # sensors disabled by default
        assert (charger.firmware_status, charger.diagnostics_status) == (
            "downloading",
            "uploading",
        )
        # 7.5 kWh with multiplier 3: 7500 kWh
        assert float(state(hass, "sensor", "CP1/energy_active_import_register").state) == 7500
    assert security[0].data == {
        "cp_id": "CP1",
        "type": "TamperDetectionActivated",
        "timestamp": f"{DAY}T11:00:00.000Z",
        "tech_info": "lid open",
    }


async def test_reconnect_mid_session(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """After a reconnect, Occupied keeps the charging state already known; the session goes on."""
    stopped = async_capture_events(hass, EVENT_TRANSACTION_STOPPED)
    async with connect_booted(hass, port, "CP1", "2.0.1") as station:
        await station.status(1, "Occupied")
        await station.transaction_event(
            "Started", "tx-long", evse=1, id_token="CARD-1", charging_state="Charging", energy_wh=0
        )
        await hass.async_block_till_done()
        assert status(hass) == "charging"
    async with connect201(port, "CP1") as station:
        assert await station.boot() == "Accepted"
        await station.status(1, "Occupied")  # this connection knows no charging state yet
        await hass.async_block_till_done()
        assert status(hass) == "charging"
        await station.transaction_event("Updated", "tx-long", seq_no=7, energy_wh=2500)
        await station.transaction_event(
            "Updated", "tx-long", seq_no=8, charging_state="SuspendedEVSE"
        )
        await hass.async_block_till_done()
        assert status(hass) == "suspended_evse"
        await station.transaction_event("Ended", "tx-long", seq_no=9, energy_wh=3000)
        await hass.async_block_till_done(wait_background_tasks=True)  # its report, too
        assert status(hass) == "finishing"
    async with connect_booted(hass, port, "CP1", "2.0.1") as station:
        # Its answer was lost, so the station sends the Ended event again on a new connection.
        await station.transaction_event("Ended", "tx-long", seq_no=9, energy_wh=3000)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert status(hass) == "available"
    assert len(stopped) == 1
    assert stopped[0].data["energy_kwh"] == 3.0


async def test_unplugged_before_the_end_event(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Unplugged first, ended after: the next car plugged in is preparing, not finishing."""
    async with connect_booted(hass, port, "CP1", "2.0.1") as station:
        await station.status(1, "Occupied")
        await station.transaction_event(
            "Started", "tx-u", evse=1, id_token="CARD-1", charging_state="Charging"
        )
        await station.status(1, "Available")
        await station.transaction_event("Ended", "tx-u", trigger_reason="EVDeparted")
        await hass.async_block_till_done()
        assert status(hass) == "available"
        await station.status(1, "Occupied")
        await hass.async_block_till_done()
        assert status(hass) == "preparing"
