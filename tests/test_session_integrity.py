"""Sessions are never duplicated, lost or given an id twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from homeassistant.core import HomeAssistant
from hypothesis import given, settings, strategies as st
from ocpp.v16 import call
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.ocpp_csms.const import EVENT_TRANSACTION_STARTED, EVENT_TRANSACTION_STOPPED
from custom_components.ocpp_csms.core.protocol.wire import utc_now
from custom_components.ocpp_csms.core.transaction import TransactionIds, clock_transaction_id

from .charge_point import DAY
from .chargers import connect_booted


async def test_resent_start_gets_the_same_transaction(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A charger that lost the answer sends the same start again: one session, one id."""
    started = async_capture_events(hass, EVENT_TRANSACTION_STARTED)
    stopped = async_capture_events(hass, EVENT_TRANSACTION_STOPPED)
    async with connect_booted(hass, port, "CP1") as cp:
        first, _ = await cp.start_transaction(1, "CARD", 1000)
        again, status = await cp.start_transaction(1, "CARD", 1000)
        assert (again, status) == (first, "Accepted")
        await cp.meter(1, [{"value": "2000", "unit": "Wh"}], transaction_id=first)
        await cp.stop_transaction(first, 2500)
        await hass.async_block_till_done()
    assert [e.data["transaction_id"] for e in started] == [first]
    assert [(e.data["transaction_id"], e.data["energy_kwh"]) for e in stopped] == [(first, 1.5)]


async def test_session_never_stopped_is_closed_with_an_event(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A crashed charger starts the next session: the old one ends with its energy, said so."""
    stopped = async_capture_events(hass, EVENT_TRANSACTION_STOPPED)
    async with connect_booted(hass, port, "CP1") as cp:
        lost, _ = await cp.start_transaction(1, "CARD", 1000, timestamp=f"{DAY}T12:00:00Z")
        await cp.meter(
            1,
            [{"value": "3000", "unit": "Wh"}],
            transaction_id=lost,
            timestamp=f"{DAY}T12:30:00Z",
        )
        assert await cp.boot() == "Accepted"  # it crashed and came back
        following, _ = await cp.start_transaction(1, "CARD", 3000, timestamp=f"{DAY}T13:00:00Z")
        await hass.async_block_till_done()
        assert following != lost
        assert hass.states.get("sensor.cp1_transaction_id").state == str(following)
    assert len(stopped) == 1
    assert stopped[0].data | {"started_at": None} == {
        "cp_id": "CP1",
        "connector_id": 1,
        "transaction_id": lost,
        "id_tag": "CARD",
        "started_at": None,
        "meter_start_wh": 1000,
        "stopped_at": f"{DAY}T13:00:00.000Z",
        "meter_stop_wh": 3000,
        "energy_kwh": 2.0,
        "reason": "NeverStopped",
    }


async def test_transaction_ids_stay_new_without_the_store(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Ids never go below the seconds since 2020, so a lost store cannot hand out old ones."""
    floor = clock_transaction_id(utc_now())
    async with connect_booted(hass, port, "CP1") as cp:
        first, _ = await cp.start_transaction(1, "CARD", 0)
        await cp.stop_transaction(first, 10)
        second, _ = await cp.start_transaction(1, "CARD", 10)
        await cp.call(call.Heartbeat())
    assert first >= floor
    assert second > first
    assert second < 2**31  # a 1.6 transactionId is a 32-bit integer on many chargers


async def test_a_crashed_session_shows_as_not_running(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """The connector is free after a crash: no session shows; its late stop still counts."""
    stopped = async_capture_events(hass, EVENT_TRANSACTION_STOPPED)
    async with connect_booted(hass, port, "CP1") as cp:
        lost, _ = await cp.start_transaction(1, "CARD", 1000, timestamp=f"{DAY}T12:00:00Z")
        await cp.status(1, "Charging")
        await hass.async_block_till_done()
        assert hass.states.get("sensor.cp1_transaction_id").state == str(lost)
        assert hass.states.get("switch.cp1_charging").state == "on"

        assert await cp.boot() == "Accepted"  # it crashed and came back
        await cp.status(1, "Available")
        await hass.async_block_till_done()
        assert hass.states.get("sensor.cp1_transaction_id").state == "unknown"
        assert hass.states.get("sensor.cp1_id_tag").state == "unknown"
        assert hass.states.get("switch.cp1_charging").state == "off"
        assert not stopped

        # Its queued StopTransaction arrives after all: the session ends with its energy.
        await cp.call(
            call.StopTransaction(meter_stop=3000, timestamp=f"{DAY}T12:30:00Z", transaction_id=lost)
        )
        await hass.async_block_till_done()
    assert [(e.data["transaction_id"], e.data["energy_kwh"]) for e in stopped] == [(lost, 2.0)]


@settings(max_examples=200, deadline=None)
@given(
    stored=st.integers(min_value=1, max_value=2**31 - 1),
    steps=st.lists(st.integers(min_value=-(10**8), max_value=10**8), max_size=40),
)
def test_transaction_ids_never_repeat_whatever_the_clock(stored: int, steps: list[int]) -> None:
    """A clock that jumps back and forth never makes an id come again or fall below its floor."""
    ids = TransactionIds(stored)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    taken: list[int] = []
    for step in steps:
        now += timedelta(seconds=step)
        taken.append(ids.take(now))
        assert taken[-1] >= clock_transaction_id(now)
    assert taken == sorted(set(taken))
    assert all(value >= stored for value in taken)
