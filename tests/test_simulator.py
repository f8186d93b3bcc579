"""The bundled simulator charges through the integration from Pending to a finished session."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
import importlib.util
from pathlib import Path
import sys
from types import ModuleType

from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.ocpp_csms.const import CONF_PASSWORD, DOMAIN, EVENT_TRANSACTION_STOPPED

from .test_planning import device_id


def load_simulator() -> ModuleType:
    """The simulator package, as ``scripts/simulate`` runs it."""
    scripts = str(Path(__file__).parent.parent / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    return importlib.import_module("simulator")


@pytest.mark.parametrize("chargers", [[]])
@pytest.mark.parametrize("ocpp", ["1.6", "2.0.1"])
async def test_simulator_session(
    hass: HomeAssistant, central: MockConfigEntry, port: int, ocpp: str
) -> None:
    """Pending → accepted by the user → a session with meter values → stopped."""
    simulator = load_simulator()
    stopped = async_capture_events(hass, EVENT_TRANSACTION_STOPPED)
    changes = async_capture_events(hass, EVENT_STATE_CHANGED)
    run = asyncio.create_task(
        simulator.simulate(f"ws://127.0.0.1:{port}", "SIM-1", duration=0.5, interval=0.1, ocpp=ocpp)
    )
    async with asyncio.timeout(10):
        while not hass.config_entries.flow.async_progress_by_handler(DOMAIN):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    energy = await asyncio.wait_for(run, 10)
    await hass.async_block_till_done()

    assert energy > 0
    assert [round(e.data["energy_kwh"], 3) for e in stopped] == [round(energy, 3)]
    seen = {
        (e.data["entity_id"], e.data["new_state"].state) for e in changes if e.data["new_state"]
    }
    assert ("sensor.sim_1_power_active_import", "11040.0") in seen
    assert ("sensor.sim_1_current_import_l3", "16.0") in seen
    assert ("sensor.sim_1_status", "charging") in seen
    last_energy = [s for e, s in seen if e == "sensor.sim_1_session_energy"]
    assert pytest.approx(energy) in [float(v) for v in last_energy if v[0].isdigit()]


@pytest.mark.parametrize("chargers", [["SIM-1"]])
@pytest.mark.parametrize("charger_data", [{CONF_PASSWORD: "simulated secret"}])
async def test_simulator_with_password(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """--password lets the simulator in where the charger needs one."""
    simulator = load_simulator()
    energy = await asyncio.wait_for(
        simulator.simulate(
            f"ws://127.0.0.1:{port}",
            "SIM-1",
            duration=0.2,
            interval=0.1,
            password="simulated secret",
        ),
        10,
    )
    assert energy > 0


def test_simulator_follows_whole_schedules() -> None:
    """The simulated charger applies every period, the top stack level and the maximum."""
    simulator = load_simulator()
    state = simulator.SimState(max_current=32)
    start = datetime(2030, 1, 1, 22, tzinfo=UTC)
    schedule = {
        "start_schedule": "2030-01-01T22:00:00.000Z",
        "charging_rate_unit": "A",
        "duration": 7200,
        "charging_schedule_period": [
            {"start_period": 0, "limit": 0.0},
            {"start_period": 3600, "limit": 16.0},
        ],
    }
    plan = {"charging_profile_purpose": "TxDefaultProfile", "stack_level": 1}
    limit = {"charging_profile_purpose": "TxDefaultProfile", "stack_level": 0}
    cap = {"charging_profile_purpose": "ChargingStationMaxProfile", "stack_level": 0}
    state.set_profile(2001, simulator.Profile.from_ocpp(plan, schedule))
    state.set_profile(
        1001,
        simulator.Profile.from_ocpp(
            limit,
            {
                "charging_rate_unit": "W",
                "charging_schedule_period": [{"start_period": 0, "limit": 13800}],
            },
        ),
    )
    assert state.limit_a(start + timedelta(minutes=30)) == 0.0
    assert state.limit_a(start + timedelta(minutes=90)) == 16.0
    assert state.limit_a(start + timedelta(hours=3)) == pytest.approx(20.0)  # plan over: 13.8 kW
    state.set_profile(
        1,
        simulator.Profile.from_ocpp(
            cap,
            {
                "charging_rate_unit": "A",
                "charging_schedule_period": [{"start_period": 0, "limit": 10}],
            },
        ),
    )
    assert state.limit_a(start + timedelta(minutes=90)) == 10.0


@pytest.mark.parametrize("chargers", [["SIM-1"]])
@pytest.mark.parametrize("ocpp", ["1.6", "2.0.1"])
async def test_simulator_reports_a_pause(
    hass: HomeAssistant, central: MockConfigEntry, port: int, ocpp: str
) -> None:
    """Held at 0 A by a limit, the simulator says so (SuspendedEVSE), as real chargers do."""
    simulator = load_simulator()
    changes = async_capture_events(hass, EVENT_STATE_CHANGED)
    run = asyncio.create_task(
        simulator.simulate(
            f"ws://127.0.0.1:{port}",
            "SIM-1",
            duration=0.3,
            interval=0.1,
            ocpp=ocpp,
            wait_for_remote_start=True,
        )
    )
    async with asyncio.timeout(10):
        while (state := hass.states.get("switch.sim_1_charging")) is None or (  # noqa: ASYNC110
            state.state == "unavailable"
        ):
            await asyncio.sleep(0.05)
    await hass.services.async_call(
        DOMAIN,
        "set_charging_profile",
        {"device_id": device_id(hass, "SIM-1"), "limit": 0, "unit": "A"},
        blocking=True,
    )
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.sim_1_charging"}, blocking=True
    )
    assert await asyncio.wait_for(run, 10) == 0
    await hass.async_block_till_done()
    statuses = [
        e.data["new_state"].state
        for e in changes
        if e.data["entity_id"] == "sensor.sim_1_status" and e.data["new_state"]
    ]
    assert "suspended_evse" in statuses
