"""plan_charging end to end: the profile a real charge point receives, and the plan's life."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
import shutil
import socket
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.ocpp_csms.const import DOMAIN

from .charge_point import minutes_after_now
from .chargers import connect_booted

HOUR = timedelta(hours=1)
FULL_HOUR_KWH = 11.04  # 16 A on three phases of 230 V for an hour


@pytest.fixture
def charger_data() -> dict[str, Any]:
    """A 16 A three-phase charger."""
    return {"max_current": 16}


def this_hour() -> datetime:
    """The start of the current UTC hour."""
    return dt_util.utcnow().replace(minute=0, second=0, microsecond=0)


def hourly_prices(*prices: float) -> list[dict[str, Any]]:
    """Generic price items for the hours from the current one."""
    start = this_hour()
    return [{"start": (start + i * HOUR).isoformat(), "price": p} for i, p in enumerate(prices)]


def device_id(hass: HomeAssistant, cp_id: str = "CP1") -> str:
    """The device of a charger."""
    device = dr.async_get(hass).async_get_device({(DOMAIN, cp_id)})
    assert device is not None
    return device.id


async def plan_charging(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    """Call plan_charging on CP1 and return its response."""
    response = await hass.services.async_call(
        DOMAIN,
        "plan_charging",
        {"device_id": device_id(hass), **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


async def plan_three_hours(hass: HomeAssistant) -> datetime:
    """Plan 5 kWh on CP1 over the next three priced hours; return the deadline."""
    ready_by = this_hour() + 3 * HOUR
    await plan_charging(
        hass, energy_kwh=5, ready_by=ready_by.isoformat(), prices=hourly_prices(0.2, 0.1, 0.3)
    )
    return ready_by


def planned_limits(profile: dict[str, Any]) -> list[tuple[datetime, float]]:
    """(absolute start, limit) of each period of a received profile."""
    schedule = profile["charging_schedule"]
    start = dt_util.parse_datetime(schedule["start_schedule"])
    assert start is not None
    return [
        (start + timedelta(seconds=p["start_period"]), p["limit"])
        for p in schedule["charging_schedule_period"]
    ]


async def test_plan_is_sent_as_an_absolute_profile(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """The cheapest hour is charged at 16 A; the rest of the window is 0; the limit stays."""
    async with connect_booted(hass, port, "CP1") as cp:
        ready_by = this_hour() + 6 * HOUR
        response = await plan_charging(
            hass,
            energy_kwh=FULL_HOUR_KWH,
            ready_by=ready_by.isoformat(),
            prices=hourly_prices(0.30, 0.25, 0.28, 0.05, 0.31, 0.40),
        )

        limit, plan = cp.calls("SetChargingProfile")
        assert limit["cs_charging_profiles"]["charging_profile_id"] == 1001
        assert limit["cs_charging_profiles"]["charging_schedule"]["charging_schedule_period"] == [
            {"start_period": 0, "limit": 16.0}
        ]
        assert plan["connector_id"] == 1
        profile = plan["cs_charging_profiles"]
        assert {k: v for k, v in profile.items() if k != "charging_schedule"} == {
            "charging_profile_id": 2001,
            "stack_level": 1,
            "charging_profile_purpose": "TxDefaultProfile",
            "charging_profile_kind": "Absolute",
        }
        schedule = profile["charging_schedule"]
        assert schedule["start_schedule"] == this_hour().strftime("%Y-%m-%dT%H:%M:%S.000Z")
        assert schedule["charging_rate_unit"] == "A"
        cheap = this_hour() + 3 * HOUR
        assert planned_limits(profile) == [
            (this_hour(), 0.0),
            (cheap, 16.0),
            (cheap + HOUR, 0.0),
        ]
        start = dt_util.parse_datetime(schedule["start_schedule"])
        assert start is not None
        assert start + timedelta(seconds=schedule["duration"]) == ready_by

        assert response["fully_met"] is True
        assert response["energy_kwh"] == pytest.approx(FULL_HOUR_KWH)
        assert response["estimated_cost"] == pytest.approx(FULL_HOUR_KWH * 0.05)
        assert response["schedule"][1] == {
            "start": cheap.isoformat(),
            "end": (cheap + HOUR).isoformat(),
            "limit": 16.0,
            "unit": "A",
        }

        state = hass.states.get("sensor.cp1_charging_plan")
        assert state is not None
        assert dt_util.parse_datetime(state.state) == cheap
        assert state.attributes["fully_met"] is True
        assert state.attributes["schedule"] == response["schedule"]


async def test_plan_in_a_session_is_a_tx_profile(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """During a transaction the plan goes out as its TxProfile; ending the session ends it."""
    async with connect_booted(hass, port, "CP1") as cp:
        transaction_id, _ = await cp.start_transaction(1, "CARD-1", 1000)
        await plan_charging(
            hass,
            energy_kwh=5,
            ready_by=(this_hour() + 4 * HOUR).isoformat(),
            prices=hourly_prices(0.2, 0.1, 0.3, 0.3),
        )
        profile = cp.calls("SetChargingProfile")[-1]["cs_charging_profiles"]
        assert profile["charging_profile_purpose"] == "TxProfile"
        assert profile["transaction_id"] == transaction_id

        await cp.stop_transaction(transaction_id, 6000)
        cleared = await cp.wait_for_call("ClearChargingProfile")
        assert cleared == {"id": 2001, "connector_id": 1}
        await hass.async_block_till_done()
        assert hass.states.get("sensor.cp1_charging_plan").state == "unknown"


async def test_plan_from_a_price_sensor(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Nord Pool's raw_today attribute is read; a time of day is its next occurrence."""
    start = this_hour()
    hass.states.async_set(
        "sensor.nordpool",
        "0.2",
        {
            "raw_today": [
                {"start": start + i * HOUR, "end": start + (i + 1) * HOUR, "value": p}
                for i, p in enumerate([0.2, 0.3, 0.1] + [0.5] * 21)
            ]
        },
    )
    async with connect_booted(hass, port, "CP1") as cp:
        ready_by = dt_util.as_local(start + 5 * HOUR)
        response = await plan_charging(
            hass,
            energy_kwh=FULL_HOUR_KWH,
            ready_by=ready_by.strftime("%H:%M"),
            price_entity="sensor.nordpool",
        )
        assert response["ready_by"] == (start + 5 * HOUR).isoformat()
        profile = cp.calls("SetChargingProfile")[-1]["cs_charging_profiles"]
        assert (start + 2 * HOUR, 16.0) in planned_limits(profile)


async def test_plan_survives_a_restart_and_is_sent_again(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """After Home Assistant restarts, the charger gets its plan again when it boots."""
    async with connect_booted(hass, port, "CP1") as cp:
        await plan_charging(
            hass,
            energy_kwh=5,
            ready_by=(this_hour() + 4 * HOUR).isoformat(),
            prices=hourly_prices(0.2, 0.1, 0.3, 0.3),
        )
        sent = cp.calls("SetChargingProfile")[-1]
    assert await hass.config_entries.async_reload(central.entry_id)
    await hass.async_block_till_done()

    async with connect_booted(hass, port, "CP1") as cp:
        assert cp.calls("SetChargingProfile") == [sent]
    assert hass.states.get("sensor.cp1_charging_plan").attributes["energy_kwh"] == 5


async def test_plan_ends_at_its_deadline(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """When the deadline passes the plan is forgotten and removed from the charger."""
    async with connect_booted(hass, port, "CP1") as cp:
        ready_by = await plan_three_hours(hass)
        async_fire_time_changed(hass, ready_by + timedelta(seconds=1))
        assert await cp.wait_for_call("ClearChargingProfile") == {"id": 2001, "connector_id": 1}
        await hass.async_block_till_done()
        state = hass.states.get("sensor.cp1_charging_plan")
        assert state.state == "unknown"
        assert "schedule" not in state.attributes


async def test_clear_charging_plan(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """clear_charging_plan removes the plan's profile and nothing else."""
    async with connect_booted(hass, port, "CP1") as cp:
        await plan_three_hours(hass)
        response = await hass.services.async_call(
            DOMAIN,
            "clear_charging_plan",
            {"device_id": device_id(hass)},
            blocking=True,
            return_response=True,
        )
        assert response == {"status": "Accepted"}
        assert cp.calls("ClearChargingProfile") == [{"id": 2001, "connector_id": 1}]
        assert hass.states.get("sensor.cp1_charging_plan").state == "unknown"


@pytest.mark.parametrize(
    ("data", "key", "message"),
    [
        ({}, "no_price_source", "Give a price sensor"),
        ({"price_entity": "sensor.missing"}, "price_entity_not_found", "sensor.missing"),
        ({"price_entity": "sensor.plain"}, "price_no_price_attributes", "friendly_name"),
        ({"prices": [{"start": "soon", "price": 1}]}, "price_bad_price_item", "not a time"),
        ({"prices": [], "price_entity": "sensor.plain"}, "one_price_source", "not both"),
        (
            {"prices": "PRICES", "ready_by": "2020-01-01T00:00:00Z"},
            "ready_by_passed",
            "already passed",
        ),
        ({"prices": "PRICES", "min_current": 20}, "cannot_plan", "power range"),
        ({"prices": "PRICES", "energy_kwh": -5}, "energy_not_positive", "-5.0 kWh"),
        ({"prices": "PRICES", "energy_kwh": 0}, "energy_not_positive", "0.0 kWh"),
        ({"prices": "PRICES", "ready_by": "NOW"}, "ready_by_passed", "already passed"),
        (
            {"prices": [{"start": "2020-01-01T00:00:00Z", "price": 1}]},
            "cannot_plan",
            "no prices between now and the deadline",
        ),
    ],
)
async def test_plan_errors(
    hass: HomeAssistant,
    central: MockConfigEntry,
    port: int,
    data: dict[str, Any],
    key: str,
    message: str,
) -> None:
    """Bad price sources and impossible goals are clear, translated errors; nothing is sent."""
    hass.states.async_set("sensor.plain", "0.2", {"friendly_name": "Plain"})
    if data.get("prices") == "PRICES":
        data["prices"] = hourly_prices(0.1, 0.2, 0.3)
    if data.get("ready_by") == "NOW":  # a window of no length
        data["ready_by"] = dt_util.utcnow().isoformat()
    async with connect_booted(hass, port, "CP1") as cp:
        with pytest.raises(ServiceValidationError) as caught:
            await plan_charging(
                hass,
                **{"energy_kwh": 5, "ready_by": (this_hour() + 3 * HOUR).isoformat(), **data},
            )
        assert caught.value.translation_key == key
        assert message in str(caught.value)
        assert cp.calls("SetChargingProfile") == []


async def test_charger_without_smart_charging(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A charger that takes no profiles is told apart, not sent a profile it rejects."""
    async with connect_booted(
        hass, port, "CP1", configuration={"SupportedFeatureProfiles": "Core,RemoteTrigger"}
    ):
        with pytest.raises(ServiceValidationError) as caught:
            await plan_charging(
                hass,
                energy_kwh=5,
                ready_by=(this_hour() + 3 * HOUR).isoformat(),
                prices=hourly_prices(0.1, 0.2, 0.3),
            )
        assert caught.value.translation_key == "smart_charging_unsupported"
    assert hass.states.get("sensor.cp1_charging_plan") is None
    assert hass.states.get("switch.cp1_smart_charging") is None


async def test_rejected_plan_is_not_kept(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A charger that rejects the profile: the error names it and no plan is stored."""
    async with connect_booted(hass, port, "CP1") as cp:
        await hass.services.async_call(
            "number",
            "set_value",
            {"entity_id": "number.cp1_max_current", "value": 10},
            blocking=True,
        )
        cp.replies["SetChargingProfile"] = "Rejected"
        with pytest.raises(Exception, match="Rejected"):
            await plan_charging(
                hass,
                energy_kwh=5,
                ready_by=(this_hour() + 3 * HOUR).isoformat(),
                prices=hourly_prices(0.1, 0.2, 0.3),
            )
        assert hass.states.get("sensor.cp1_charging_plan").state == "unknown"


async def smart_charging_inputs(hass: HomeAssistant, central: MockConfigEntry) -> None:
    """Choose sensor.prices (cheapest in the second hour), 4 h to go, one full hour to add."""
    subentry = next(iter(central.subentries.values()))
    hass.config_entries.async_update_subentry(
        central, subentry, data={**subentry.data, "price_entity": "sensor.prices"}
    )
    hass.states.async_set("sensor.prices", "0.2", {"prices": hourly_prices(0.3, 0.1, 0.3, 0.3)})
    deadline = dt_util.as_local(this_hour() + 4 * HOUR)
    await hass.services.async_call(
        "time",
        "set_value",
        {"entity_id": "time.cp1_ready_by", "time": deadline.strftime("%H:%M:%S")},
        blocking=True,
    )
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.cp1_plan_energy", "value": FULL_HOUR_KWH},
        blocking=True,
    )


async def test_smart_charging_switch(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """The dashboard's inputs plan; new prices plan again; turning it off clears the plan."""
    async with connect_booted(hass, port, "CP1") as cp:
        await smart_charging_inputs(hass, central)
        assert cp.calls("SetChargingProfile") == []  # smart charging is still off

        await hass.services.async_call(
            "switch", "turn_on", {"entity_id": "switch.cp1_smart_charging"}, blocking=True
        )
        profile = cp.calls("SetChargingProfile")[-1]["cs_charging_profiles"]
        assert (this_hour() + HOUR, 16.0) in planned_limits(profile)
        assert hass.states.get("switch.cp1_smart_charging").state == "on"

        # New prices arrive: the third hour is now the cheapest.
        count = len(cp.calls("SetChargingProfile"))
        hass.states.async_set(
            "sensor.prices", "0.2", {"prices": hourly_prices(0.3, 0.3, 0.05, 0.3)}
        )
        profile = (await cp.wait_for_call("SetChargingProfile", count + 1))["cs_charging_profiles"]
        assert (this_hour() + 2 * HOUR, 16.0) in planned_limits(profile)

        # The same prices again (the sensor's state moves on each hour): no new plan.
        hass.states.async_set(
            "sensor.prices", "0.3", {"prices": hourly_prices(0.3, 0.3, 0.05, 0.3)}
        )
        await hass.async_block_till_done(wait_background_tasks=True)
        assert len(cp.calls("SetChargingProfile")) == count + 1

        await hass.services.async_call(
            "switch", "turn_off", {"entity_id": "switch.cp1_smart_charging"}, blocking=True
        )
        assert cp.calls("ClearChargingProfile") == [{"id": 2001, "connector_id": 1}]
        assert hass.states.get("switch.cp1_smart_charging").state == "off"
        assert hass.states.get("sensor.cp1_charging_plan").state == "unknown"


async def test_smart_charging_needs_a_price_sensor(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Turning smart charging on without a price sensor says what is missing."""
    async with connect_booted(hass, port, "CP1"):
        with pytest.raises(ServiceValidationError) as caught:
            await hass.services.async_call(
                "switch", "turn_on", {"entity_id": "switch.cp1_smart_charging"}, blocking=True
            )
        assert caught.value.translation_key == "no_price_source"
        assert hass.states.get("switch.cp1_smart_charging").state == "off"


async def test_smart_charging_follows_the_session(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Re-plans count what the session delivered; after the session the next one is planned."""
    async with connect_booted(hass, port, "CP1") as cp:
        await smart_charging_inputs(hass, central)
        await hass.services.async_call(
            "switch", "turn_on", {"entity_id": "switch.cp1_smart_charging"}, blocking=True
        )
        transaction_id, _ = await cp.start_transaction(1, "CARD-1", 1000)
        # Half of the energy is in the car half an hour later, when new prices arrive.
        await cp.meter(
            1,
            [
                {
                    "value": str(1000 + FULL_HOUR_KWH * 500),
                    "measurand": "Energy.Active.Import.Register",
                }
            ],
            transaction_id=transaction_id,
            timestamp=minutes_after_now(30),
        )
        count = len(cp.calls("SetChargingProfile"))
        hass.states.async_set(
            "sensor.prices", "0.2", {"prices": hourly_prices(0.3, 0.3, 0.05, 0.3)}
        )
        profile = (await cp.wait_for_call("SetChargingProfile", count + 1))["cs_charging_profiles"]
        assert profile["charging_profile_purpose"] == "TxProfile"
        assert (this_hour() + 2 * HOUR, 8.0) in planned_limits(profile)

        await cp.stop_transaction(transaction_id, 7000)
        await cp.wait_for_call("ClearChargingProfile")
        profile = (await cp.wait_for_call("SetChargingProfile", count + 2))["cs_charging_profiles"]
        assert profile["charging_profile_purpose"] == "TxDefaultProfile"
        assert (this_hour() + 2 * HOUR, 16.0) in planned_limits(profile)


async def test_blueprint_plans_when_the_car_is_plugged_in(
    hass: HomeAssistant, central: MockConfigEntry, port: int, tmp_path: Path
) -> None:
    """The repository's blueprint, used as users would: plug in, and the plan goes out."""
    source = Path(__file__).parent.parent / "blueprints" / "automation" / "ocpp_csms"
    target = tmp_path / "blueprints" / "automation" / "ocpp_csms"
    shutil.copytree(source, target)
    hass.config.config_dir = str(tmp_path)
    hass.states.async_set("sensor.prices", "0.2", {"prices": hourly_prices(0.3, 0.1, 0.3, 0.3)})
    async with connect_booted(hass, port, "CP1") as cp:
        deadline = dt_util.as_local(this_hour() + 4 * HOUR)
        assert await async_setup_component(
            hass,
            "automation",
            {
                "automation": {
                    "use_blueprint": {
                        "path": "ocpp_csms/charge_cheapest_hours.yaml",
                        "input": {
                            "charger": device_id(hass),
                            "status": "sensor.cp1_status",
                            "price_sensor": "sensor.prices",
                            "session_energy": "sensor.cp1_session_energy",
                            "energy": FULL_HOUR_KWH,
                            "ready_by": deadline.strftime("%H:%M:%S"),
                        },
                    }
                }
            },
        )
        await cp.status(1, "Preparing")
        profile = (await cp.wait_for_call("SetChargingProfile", 2))["cs_charging_profiles"]
        assert profile["charging_profile_id"] == 2001
        assert (this_hour() + HOUR, 16.0) in planned_limits(profile)


async def test_removed_charger_leaves_no_plan_behind(
    hass: HomeAssistant, central: MockConfigEntry, port: int, caplog: pytest.LogCaptureFixture
) -> None:
    """Deleting a charger stops its plan: its deadline later finds nothing and brings none back."""
    async with connect_booted(hass, port, "CP1"):
        ready_by = await plan_three_hours(hass)
        subentry = next(iter(central.subentries))
        assert hass.config_entries.async_remove_subentry(central, subentry)
        await hass.async_block_till_done()
    async_fire_time_changed(hass, ready_by + timedelta(seconds=1))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert "CP1: the plan of connector 1 ended" not in caplog.text
    assert central.runtime_data.known_station("CP1") is None


async def test_unmeetable_need_over_gaps_delivers_the_most(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A charger of 2 periods, prices with a gap, too much asked: it charges all that fits."""
    async with connect_booted(hass, port, "CP1", configuration={"ChargingScheduleMaxPeriods": "2"}):
        prices = hourly_prices(0.3, 0.1, 0.2, 0.25, 0.15, 0.3, 0.1, 0.4, 0.2, 0.3, 0.2, 0.1)
        del prices[5]  # no price from 5 to 6 hours from now
        response = await plan_charging(
            hass, energy_kwh=500, ready_by=(this_hour() + 12 * HOUR).isoformat(), prices=prices
        )
    # Two periods: off until the gap is over, then on to the end: 6 hours at 16 A.
    assert response["fully_met"] is False
    assert response["energy_kwh"] == pytest.approx(6 * FULL_HOUR_KWH, rel=0.01)


async def test_cap_at_the_minimum_current_still_meets_the_need(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """6 A allowed and 6 A at least, starting inside an hour: the need that fits is met."""
    async with connect_booted(hass, port, "CP1"):
        response = await plan_charging(
            hass,
            energy_kwh=12.4,
            max_current=6,
            min_current=6,
            ready_by=(this_hour() + 10 * HOUR).isoformat(),
            prices=hourly_prices(0.3, 0.1, 0.2, 0.25, 0.15, 0.3, 0.1, 0.4, 0.2, 0.3),
        )
    assert response["fully_met"] is True
    assert 12.4 <= response["energy_kwh"] < 12.4 + 4.14
    assert {window["limit"] for window in response["schedule"]} <= {0.0, 6.0}


async def test_small_need_charges_part_of_a_slot(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """0.5 kWh at a 6 A minimum is 7 min 15 s at 6 A, not an hour: the profile says so."""
    # Prices from the next hour: the minutes left of this one never charge.
    prices = hourly_prices(0.0, 0.25, 0.28, 0.05, 0.31, 0.40)[1:]
    async with connect_booted(hass, port, "CP1") as cp:
        response = await plan_charging(
            hass, energy_kwh=0.5, ready_by=(this_hour() + 6 * HOUR).isoformat(), prices=prices
        )
        profile = (await cp.wait_for_call("SetChargingProfile", 2))["cs_charging_profiles"]
    assert response["fully_met"] is True
    assert 0.5 <= response["energy_kwh"] < 0.501
    cheap = this_hour() + 3 * HOUR
    limits = planned_limits(profile)
    assert (cheap, 6.0) in limits
    assert limits[limits.index((cheap, 6.0)) + 1] == (cheap + timedelta(minutes=7, seconds=15), 0.0)
    assert [limit for _, limit in limits].count(6.0) == 1


async def test_a_setup_that_fails_leaves_no_plan_timer(
    hass: HomeAssistant,
    central: MockConfigEntry,
    port: int,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Port busy at the next start: that attempt never ends the stored plan or saves over it."""
    async with connect_booted(hass, port, "CP1"):
        ready_by = await plan_three_hours(hass)
    assert await hass.config_entries.async_unload(central.entry_id)
    key = f"{DOMAIN}.{central.entry_id}"
    stored = hass_storage[key]["data"]["chargers"]["CP1"]
    assert stored["connectors"][1]["plan"] is not None

    with socket.socket() as blocker:
        blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT
        blocker.bind(("127.0.0.1", port))
        blocker.listen()
        await hass.config_entries.async_setup(central.entry_id)
        await hass.async_block_till_done()
        assert central.state is ConfigEntryState.SETUP_RETRY
        async_fire_time_changed(hass, ready_by + timedelta(seconds=1))
        await hass.async_block_till_done()
        assert "the plan of connector 1 ended" not in caplog.text
        assert hass_storage[key]["data"]["chargers"]["CP1"] == stored
        await hass.async_block_till_done(wait_background_tasks=True)
    # The port is free again: the next retry starts the central system, which ends the plan.
    async_fire_time_changed(hass, ready_by + timedelta(minutes=10))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert central.state is ConfigEntryState.LOADED
