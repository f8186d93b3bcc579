"""Energy registers never go backwards; replayed offline messages are applied in order."""

from __future__ import annotations

from contextlib import suppress
import logging

from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from ocpp.v16 import call
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.ocpp_csms.const import EVENT_TRANSACTION_STARTED, EVENT_TRANSACTION_STOPPED
from custom_components.ocpp_csms.model import Register

from .charge_point import ClientChargePoint, booted, connect

REGISTER = "sensor.cp1_energy_active_import_register"


def register_states(hass: HomeAssistant) -> list[float]:
    """Every numeric state the register sensor takes from now on."""
    seen: list[float] = []

    @callback
    def record(event: Event) -> None:
        state = event.data["new_state"]
        if event.data["entity_id"] == REGISTER and state is not None:
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
        timestamp=f"2025-01-01T12:{minute:02d}:00Z",
    )


def test_register_holds_one_lower_reading_then_continues() -> None:
    """A glitch is ignored; a reset continues from the last value; jitter is rounding."""
    register = Register()
    assert register.continued(10.0) == 10.0
    assert register.continued(0.0) is None  # maybe a glitch: held back
    assert register.continued(10.2) == 10.2  # it was
    assert register.continued(10.1995) == 10.2  # rounding noise
    assert register.continued(0.0) is None
    assert register.continued(0.5) == 10.7  # a reset: 10.2 + 0.5
    assert register.continued(1.0) == 11.2
    assert Register.from_dict(register.as_dict()) == register


async def test_stray_zero_does_not_reach_the_sensor(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A charger sending 0 once between real readings makes no drop and no spike."""
    seen = register_states(hass)
    async with connect(port, "CP1") as cp:
        await booted(hass, cp)
        await send_register(cp, 10_000, 1)
        await send_register(cp, 0, 2)
        await send_register(cp, 10_200, 3)
        await hass.async_block_till_done()
    assert seen == [10.0, 10.2]


async def test_session_relative_meter_keeps_counting(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A charger whose register starts at 0 each session still gives a rising total."""
    stopped = async_capture_events(hass, EVENT_TRANSACTION_STOPPED)
    seen = register_states(hass)
    async with connect(port, "CP1") as cp:
        await booted(hass, cp)
        for start_minute in (0, 30):
            tx, _ = await cp.start_transaction(
                1, "CARD", 0, timestamp=f"2025-01-01T12:{start_minute:02d}:00Z"
            )
            await send_register(cp, 1000, start_minute + 10, tx)
            await send_register(cp, 2000, start_minute + 20, tx)
            await cp.call(
                call.StopTransaction(
                    meter_stop=3000,
                    timestamp=f"2025-01-01T12:{start_minute + 25:02d}:00Z",
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
    seen = register_states(hass)
    async with connect(port, "CP1") as cp:
        await booted(hass, cp)
        # Back online at 12:50: the charger first reports its register now…
        await send_register(cp, 7000, 50)
        # …then flushes what it queued while offline, oldest first.
        tx, status = await cp.start_transaction(1, "CARD", 5000, timestamp="2025-01-01T12:10:00Z")
        assert status == "Accepted"
        await send_register(cp, 6000, 20, tx)
        await cp.call(
            call.StopTransaction(
                meter_stop=7000,
                timestamp="2025-01-01T12:30:00Z",
                transaction_id=tx,
                transaction_data=[
                    {
                        "timestamp": "2025-01-01T12:25:00Z",
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
    assert started[0].data["started_at"] == "2025-01-01T12:10:00.000Z"
    assert [e.data["energy_kwh"] for e in stopped] == [2.0]
    assert stopped[0].data["stopped_at"] == "2025-01-01T12:30:00.000Z"
    assert hass.states.get("sensor.cp1_session_energy").state == "2.0"
    assert hass.states.get("sensor.cp1_session_duration").attributes  # the session is shown
    unknown = [r for r in caplog.records if "unknown transaction 424242" in r.message]
    assert len(unknown) == 1
    assert unknown[0].levelno == logging.WARNING
