"""Accepted chargers, open sessions and transaction ids survive a reload."""

from __future__ import annotations

from homeassistant import loader
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from ocpp.v16 import call
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_test_home_assistant,
)

from custom_components.ocpp_csms.const import DOMAIN, EVENT_TRANSACTION_STOPPED

from .charge_point import DAY, ClientChargePoint, connect
from .chargers import connect_booted
from .conftest import charger_subentry

LATER = f"{DAY}T12:10:00Z"


async def resume_and_stop(
    hass: HomeAssistant, cp: ClientChargePoint, transaction_id: int, stop_wh: int, at: str
) -> int:
    """Back after the restart: the open session (1 kWh to 1.5 kWh) shows; stop it, start anew.

    Returns the new session's transaction id.
    """
    await cp.call(call.Heartbeat())
    await hass.async_block_till_done()
    assert hass.states.get("sensor.cp1_energy_active_import_register").state == "1.5"
    assert hass.states.get("sensor.cp1_session_energy").state == "0.5"
    assert hass.states.get("sensor.cp1_transaction_id").state == str(transaction_id)
    stop = call.StopTransaction(meter_stop=stop_wh, timestamp=at, transaction_id=transaction_id)
    await cp.call(stop)
    next_id, _ = await cp.start_transaction(1, "CARD", stop_wh)
    await hass.async_block_till_done()
    return int(next_id)


async def test_session_survives_reload(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A session started before a reload is stopped after it with the right energy."""
    stopped = async_capture_events(hass, EVENT_TRANSACTION_STOPPED)
    async with connect(port, "CP1") as cp:
        assert await cp.boot() == "Accepted"
        first_id, _ = await cp.start_transaction(1, "CARD", 1000)
        await cp.meter(
            1,
            [{"value": "1500", "unit": "Wh"}],
            transaction_id=first_id,
            timestamp=f"{DAY}T12:10:00Z",
        )
        await hass.async_block_till_done()

    assert await hass.config_entries.async_reload(central.entry_id)
    await hass.async_block_till_done()

    async with connect(port, "CP1") as cp:
        second_id = await resume_and_stop(hass, cp, first_id, 3000, f"{DAY}T13:00:00Z")
    assert [e.data["energy_kwh"] for e in stopped] == [2.0]
    assert second_id == first_id + 1
    assert hass.states.get("sensor.cp1_session_energy").state == "0.0"


async def test_unknown_transaction_is_answered(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """StopTransaction and MeterValues for ids never seen are answered, not crashed on."""
    async with connect(port, "CP1") as cp:
        assert await cp.boot() == "Accepted"
        result = await cp.call(
            call.StopTransaction(
                meter_stop=1, timestamp=f"{DAY}T13:00:00Z", transaction_id=999, id_tag="CARD"
            )
        )
        assert result.id_tag_info == {"status": "Accepted"}
        await cp.meter(1, [{"value": "5"}], transaction_id=999)
        await cp.call(call.Heartbeat())


async def test_session_survives_a_home_assistant_restart(hass: HomeAssistant, port: int) -> None:
    """Home Assistant stops and a new instance starts on the same storage: nothing is lost."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={CONF_HOST: "127.0.0.1", CONF_PORT: port},
        subentries_data=[charger_subentry("CP1")],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    async with connect_booted(hass, port, "CP1") as cp:
        transaction_id, _ = await cp.start_transaction(1, "CARD", 1000)
        await cp.meter(1, [{"value": "1500"}], transaction_id=transaction_id, timestamp=LATER)
        await hass.async_block_till_done()
    await hass.async_stop()  # no unload: the stored state is written at the final write

    async with async_test_home_assistant(config_dir=hass.config.config_dir) as restarted:
        restarted.data.pop(loader.DATA_CUSTOM_COMPONENTS)
        stopped = async_capture_events(restarted, EVENT_TRANSACTION_STOPPED)
        again = MockConfigEntry(
            domain=DOMAIN,
            entry_id=entry.entry_id,
            data=dict(entry.data),
            subentries_data=[
                {**charger_subentry("CP1"), "subentry_id": next(iter(entry.subentries))}
            ],
        )
        again.add_to_hass(restarted)
        assert await restarted.config_entries.async_setup(again.entry_id)
        await restarted.async_block_till_done()
        async with connect(port, "CP1") as cp:
            next_id = await resume_and_stop(restarted, cp, transaction_id, 2500, f"{DAY}T12:20:00Z")
        assert [e.data["energy_kwh"] for e in stopped] == [1.5]
        assert next_id == transaction_id + 1
        await restarted.config_entries.async_unload(again.entry_id)
        await restarted.async_stop(force=True)
