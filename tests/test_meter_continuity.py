"""Energy registers never go backwards; replayed offline messages are applied in order."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from datetime import UTC, datetime, timedelta
import logging

from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from ocpp.v16 import call
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.ocpp_csms.const import EVENT_TRANSACTION_STARTED, EVENT_TRANSACTION_STOPPED
from custom_components.ocpp_csms.core.protocol.wire import format_timestamp, utc_now
from custom_components.ocpp_csms.core.register import Register

from .charge_point import DAY, ClientChargePoint, connect
from .chargers import connect_booted

REGISTER = "sensor.cp1_energy_active_import_register"
T0 = datetime(2025, 1, 1, 12, tzinfo=UTC)
MAX_KW = 44.0


def numeric_states(hass: HomeAssistant, entity_id: str = REGISTER) -> list[float]:
    """Every numeric state an entity takes from now on."""
    seen: list[float] = []

    @callback
    def record(event: Event) -> None:
        state = event.data["new_state"]
        if event.data["entity_id"] == entity_id and state is not None:
            with suppress(ValueError):  # unavailable/unknown is not a value
                seen.append(float(state.state))

    hass.bus.async_listen(EVENT_STATE_CHANGED, record)
    return seen


async def send_register(cp: ClientChargePoint, wh: int, minute: int, tx: int | None = None) -> None:
    """One Energy.Active.Import.Register reading at 12:<minute>."""
    await cp.meter(
        1,
        [{"value": str(wh), "measurand": "Energy.Active.Import.Register", "unit": "Wh"}],
        transaction_id=tx,
        timestamp=f"{DAY}T12:{minute:02d}:00Z",
    )


def test_register_holds_one_implausible_reading_then_continues() -> None:
    """A glitch is ignored; a reset continues from the last value; jitter is rounding."""
    register = Register()

    def update(reading: float, minute: int) -> float | None:
        at = T0 + timedelta(minutes=minute)
        return register.update(reading, at, at, MAX_KW)

    assert update(10.0, 0) == 10.0
    assert update(0.0, 1) is None  # maybe a glitch: held back
    assert update(10.2, 2) == 10.2  # it was
    assert update(10.195, 3) == 10.2  # rounding noise
    assert update(0.0, 4) is None
    assert update(0.5, 5) == 10.7  # a reset: 10.2 + 0.5
    assert update(1.0, 6) == 11.2
    assert update(4294967.295, 7) is None  # a 32-bit overflow: held back
    assert update(1.1, 8) == 11.3  # and forgotten
    assert update(float("inf"), 9) is None
    assert Register.from_dict(register.as_dict()) == register


@pytest.mark.parametrize(
    ("readings_wh", "shown_kwh"),
    [
        ([10_000, 0, 10_200], [10.0, 10.2]),  # a stray 0 between real readings
        (  # a 32-bit overflow, then the 31-bit kind (still 2 GWh too much)
            [10_000, 4_294_967_295_000, 2_147_483_647, 10_100, 10_300],
            [10.0, 10.1, 10.3],
        ),
    ],
    ids=["stray-zero", "overflow-spike"],
)
async def test_glitches_never_reach_the_sensor(
    hass: HomeAssistant,
    central: MockConfigEntry,
    port: int,
    readings_wh: list[int],
    shown_kwh: list[float],
) -> None:
    """A glitch read once is dropped: no drop, no spike, no offset left behind."""
    seen = numeric_states(hass)
    async with connect_booted(hass, port, "CP1") as cp:
        for minute, wh in enumerate(readings_wh, start=1):
            await send_register(cp, wh, minute)
        await hass.async_block_till_done()
    assert seen == shown_kwh


async def test_session_relative_meter_keeps_counting(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A charger whose register starts at 0 each session still gives a rising total."""
    stopped = async_capture_events(hass, EVENT_TRANSACTION_STOPPED)
    seen = numeric_states(hass)
    async with connect_booted(hass, port, "CP1") as cp:
        for start_minute in (0, 30):
            tx, _ = await cp.start_transaction(
                1, "CARD", 0, timestamp=f"{DAY}T12:{start_minute:02d}:00Z"
            )
            await send_register(cp, 1000, start_minute + 10, tx)
            await send_register(cp, 2000, start_minute + 20, tx)
            await cp.call(
                call.StopTransaction(
                    meter_stop=3000,
                    timestamp=f"{DAY}T12:{start_minute + 25:02d}:00Z",
                    transaction_id=tx,
                )
            )
        await hass.async_block_till_done()
    assert [e.data["energy_kwh"] for e in stopped] == [3.0, 3.0]
    assert seen == sorted(seen)
    assert seen[-1] == 6.0
    assert hass.states.get("sensor.cp1_session_energy").state == "3.0"


async def test_offline_queue_is_replayed_in_order(
    hass: HomeAssistant, central: MockConfigEntry, port: int, caplog: pytest.LogCaptureFixture
) -> None:
    """Queued messages with past timestamps are all answered; newer state stays newer."""
    started = async_capture_events(hass, EVENT_TRANSACTION_STARTED)
    stopped = async_capture_events(hass, EVENT_TRANSACTION_STOPPED)
    seen = numeric_states(hass)
    async with connect_booted(hass, port, "CP1") as cp:
        # Back online at 12:50: the charger first reports its register now…
        await send_register(cp, 7000, 50)
        # …then flushes what it queued while offline, oldest first.
        tx, status = await cp.start_transaction(1, "CARD", 5000, timestamp=f"{DAY}T12:10:00Z")
        assert status == "Accepted"
        await send_register(cp, 6000, 20, tx)
        await cp.call(
            call.StopTransaction(
                meter_stop=7000,
                timestamp=f"{DAY}T12:30:00Z",
                transaction_id=tx,
                transaction_data=[
                    {
                        "timestamp": f"{DAY}T12:25:00Z",
                        "sampledValue": [{"value": "6500", "unit": "Wh"}],
                    }
                ],
            )
        )
        # A MeterValues for a transaction this central system never saw: answered, logged once.
        for _ in range(3):
            await send_register(cp, 7000, 51, tx=424242)
        await hass.async_block_till_done()

    assert seen == [7.0]  # the replayed 5, 6 and 6.5 kWh never overwrote 7
    assert started[0].data["started_at"] == f"{DAY}T12:10:00.000Z"
    assert [e.data["energy_kwh"] for e in stopped] == [2.0]
    assert stopped[0].data["stopped_at"] == f"{DAY}T12:30:00.000Z"
    assert hass.states.get("sensor.cp1_session_energy").state == "2.0"
    assert hass.states.get("sensor.cp1_session_duration").attributes  # the session is shown
    unknown = [r for r in caplog.records if "unknown transaction 424242" in r.message]
    assert len(unknown) == 1
    assert unknown[0].levelno == logging.WARNING


def right_now() -> str:
    """The time on a charger whose clock is right."""
    return format_timestamp(utc_now())


async def test_a_wrong_clock_freezes_nothing(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A reading stamped 9999-12-31 (or 1970) counts as now; later readings still show."""
    seen = numeric_states(hass)
    async with connect_booted(hass, port, "CP1") as cp:
        await cp.meter(1, [{"value": "10000", "unit": "Wh"}], timestamp=right_now())
        for stamp in ("9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z"):
            await cp.meter(
                1,
                [
                    {"value": "10050", "unit": "Wh"},
                    {"value": "7", "measurand": "Current.Import", "unit": "A"},
                ],
                timestamp=stamp,
            )
        await asyncio.sleep(0.01)
        await cp.meter(
            1,
            [
                {"value": "10100", "unit": "Wh"},
                {"value": "16", "measurand": "Current.Import", "unit": "A"},
            ],
            timestamp=right_now(),
        )
        await hass.async_block_till_done()
        assert hass.states.get("sensor.cp1_current_import").state == "16.0"
    assert seen == [10.0, 10.05, 10.1]
    stored = hass.config_entries.async_get_entry(central.entry_id)
    assert stored is not None
    sample = stored.runtime_data.known_station("CP1").charger.connectors[1].meter["current_import"]
    assert sample.timestamp.year < 9999


async def test_huge_values_break_nothing(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """1e308 twice, a negative register and 1e308 kW leave the sensors and the store whole."""
    seen = numeric_states(hass)
    async with connect_booted(hass, port, "CP1") as cp:
        await send_register(cp, 10_000, 1)
        for _ in range(2):
            await cp.meter(1, [{"value": "1e308", "unit": "Wh"}])
        await cp.meter(1, [{"value": "-5", "unit": "Wh"}])
        await cp.meter(
            1,
            [
                {"value": "1e308", "measurand": "Power.Active.Import", "unit": "kW"},
                {"value": "230", "measurand": "Voltage", "unit": "V"},
            ],
        )
        await hass.async_block_till_done()
        assert hass.states.get("sensor.cp1_voltage").state == "230.0"
        assert hass.states.get("sensor.cp1_power_active_import") is None

    assert await hass.config_entries.async_reload(central.entry_id)
    await hass.async_block_till_done()
    async with connect(port, "CP1") as cp:
        await cp.call(call.Heartbeat())
        await send_register(cp, 10_200, 30)
        await hass.async_block_till_done()
    assert seen == sorted(seen)  # (the reload shows 10.0 again)
    assert set(seen) == {10.0, 10.2}


async def test_session_energy_follows_the_register_model(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """10, 12, 0, 14 kWh make a session of 0, 2, 2, 4 kWh; a whole-Wh stop never lowers it.

    (The stray 0 is held back, so the sensor never shows it; 14000 Wh at the stop is rounding
    below the last reading of 14000.4 Wh.)
    """
    energies = numeric_states(hass, "sensor.cp1_session_energy")
    stopped = async_capture_events(hass, EVENT_TRANSACTION_STOPPED)
    async with connect_booted(hass, port, "CP1") as cp:
        tx, _ = await cp.start_transaction(1, "CARD", 10_000, timestamp=f"{DAY}T12:00:00Z")
        for wh, minute in ((12_000, 15), (0, 20), (14_000.4, 30)):
            await cp.meter(
                1,
                [{"value": str(wh), "measurand": "Energy.Active.Import.Register", "unit": "Wh"}],
                transaction_id=tx,
                timestamp=f"{DAY}T12:{minute:02d}:00Z",
            )
        await cp.call(
            call.StopTransaction(meter_stop=14_000, timestamp=f"{DAY}T12:31:00Z", transaction_id=tx)
        )
        await hass.async_block_till_done()
    assert energies == [0.0, 2.0, 4.0004]
    assert stopped[0].data["energy_kwh"] == 4.0004
    assert stopped[0].data["meter_stop_wh"] == 14_000
