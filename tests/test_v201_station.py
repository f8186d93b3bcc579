"""A 2.0.1 station end to end: version negotiation, its device model, controls, plans, bad input."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.components.button import DOMAIN as BUTTON, SERVICE_PRESS
from homeassistant.components.number import ATTR_VALUE, DOMAIN as NUMBER, SERVICE_SET_VALUE
from homeassistant.components.switch import DOMAIN as SWITCH
from homeassistant.config_entries import SOURCE_INTEGRATION_DISCOVERY
from homeassistant.const import CONF_HOST, CONF_PORT, SERVICE_TURN_OFF, SERVICE_TURN_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import websockets
from websockets.exceptions import InvalidStatus

from custom_components.ocpp_csms.const import DOMAIN

from .charge_point import DAY, NOW, connect
from .charge_point_201 import booted201, connect201, variable
from .chargers import connect_booted
from .conftest import charger_subentry
from .test_controls import act
from .test_planning import FULL_HOUR_KWH, HOUR, hourly_prices, plan_charging, this_hour
from .test_session import state


@pytest.fixture
def charger_data() -> dict[str, Any]:
    """A 16 A three-phase station."""
    return {"max_current": 16}


@pytest.mark.parametrize(
    ("offered", "negotiated"),
    [
        (("ocpp2.0.1", "ocpp1.6"), "ocpp2.0.1"),
        (("ocpp1.6", "ocpp2.0.1"), "ocpp1.6"),
        (("ocpp2.0.1",), "ocpp2.0.1"),
    ],
)
async def test_station_preference_wins(
    hass: HomeAssistant,
    central: MockConfigEntry,
    port: int,
    offered: tuple[str, ...],
    negotiated: str,
) -> None:
    """Of the versions a station offers, its first supported one is used."""
    async with connect(port, "CP1", subprotocols=offered) as station:
        assert station.connection.subprotocol == negotiated
        await hass.async_block_till_done()
        assert central.runtime_data.station("CP1").charger.protocol == negotiated


@pytest.mark.parametrize("charger_data", [{"ocpp_version": "ocpp1_6"}])
async def test_pinned_version(hass: HomeAssistant, central: MockConfigEntry, port: int) -> None:
    """A station pinned to 1.6 speaks 1.6 even when it prefers 2.0.1, or is refused."""
    async with connect(port, "CP1", subprotocols=("ocpp2.0.1", "ocpp1.6")) as station:
        assert station.connection.subprotocol == "ocpp1.6"
    with pytest.raises(InvalidStatus) as refused:
        await websockets.connect(
            f"ws://127.0.0.1:{port}/CP1", subprotocols=[websockets.Subprotocol("ocpp2.0.1")]
        )
    assert refused.value.response.status_code == 400


async def test_pinning_closes_a_connection_in_the_other_version(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Pinning a connected 2.0.1 station to 1.6 makes it connect again, in 1.6."""
    async with connect(port, "CP1", subprotocols=("ocpp2.0.1", "ocpp1.6")) as station:
        subentry = next(iter(central.subentries.values()))
        hass.config_entries.async_update_subentry(
            central, subentry, data={**subentry.data, "ocpp_version": "ocpp2_0_1"}
        )
        await hass.async_block_till_done(wait_background_tasks=True)
        assert not station.connection.close_code  # already the pinned version
        hass.config_entries.async_update_subentry(
            central, subentry, data={**subentry.data, "ocpp_version": "ocpp1_6"}
        )
        await hass.async_block_till_done()
        await station.connection.wait_closed()
    async with connect(port, "CP1", subprotocols=("ocpp2.0.1", "ocpp1.6")) as station:
        assert station.connection.subprotocol == "ocpp1.6"


async def test_device_model_capabilities(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """The full report (several NotifyReports) says what the station supports."""
    async with connect201(port, "CP1") as station:
        station.device_model += [variable("EVSE", "Power", "11000", evse={"id": 2})]
        await booted201(hass, station, evses=2)
        assert station.calls("GetBaseReport")[0]["report_base"] == "FullInventory"
        capabilities = central.runtime_data.station("CP1").charger.capabilities
        assert capabilities.smart_charging
        assert "Reservation" in capabilities.feature_profiles
        assert "LocalAuthListManagement" not in capabilities.feature_profiles
        assert (capabilities.max_stack_level, capabilities.max_periods) == (8, 24)
        assert capabilities.number_of_connectors == 2
        assert capabilities.configuration["EVSE[2].Power"] == "11000"
        assert central.runtime_data.station("CP1").charger.connector_count == 2
        assert state(hass, "number", "CP1/2/max_current") is not None


async def test_evse_zero_in_the_report_is_no_connector(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A report that also describes EVSE 0 (the station) leaves a one-EVSE station one EVSE."""
    async with connect201(port, "CP1") as station:
        station.device_model += [variable("EVSE", "Power", "22000", evse={"id": 0})]
        await booted201(hass, station)
        assert central.runtime_data.station("CP1").charger.connector_count == 1
        entities = er.async_entries_for_config_entry(er.async_get(hass), central.entry_id)
        assert not [e.entity_id for e in entities if e.unique_id.startswith("CP1/2/")]
        assert hass.states.get("sensor.cp1_status").state == "available"


@pytest.mark.parametrize("charger_data", [{"meter_interval": 15}])
async def test_capabilities_without_report(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A station refusing reports is read variable by variable; metering is set as chosen."""
    async with connect201(port, "CP1") as station:
        station.replies["GetBaseReport"] = "NotSupported"
        assert await station.boot() == "Accepted"
        await station.wait_for_call("SetVariables")
        await hass.async_block_till_done(wait_background_tasks=True)
        names = [
            item["variable"]["name"]
            for item in station.calls("GetVariables")[0]["get_variable_data"]
        ]
        assert "RateUnit" in names
        assert station.calls("SetVariables")[0]["set_variable_data"] == [
            {
                "attribute_value": "15",
                "component": {"name": "SampledDataCtrlr"},
                "variable": {"name": "TxUpdatedInterval"},
            }
        ]
        capabilities = central.runtime_data.station("CP1").charger.capabilities
        assert capabilities.smart_charging
        assert capabilities.meter_interval == 15


async def test_max_current_and_plan(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """The current limit and a price plan reach the station as 2.0.1 charging profiles."""
    async with connect_booted(hass, port, "CP1", "2.0.1") as station:
        await act(hass, NUMBER, SERVICE_SET_VALUE, "number.cp1_max_current", **{ATTR_VALUE: 13})
        limit = station.calls("SetChargingProfile")[-1]
        assert limit["evse_id"] == 1
        assert limit["charging_profile"]["charging_schedule"][0]["charging_schedule_period"] == [
            {"start_period": 0, "limit": 13.0}
        ]

        await station.transaction_event("Started", "tx-plan", evse=1, id_token="CARD-1")
        ready_by = this_hour() + 4 * HOUR
        response = await plan_charging(
            hass,
            energy_kwh=FULL_HOUR_KWH * 13 / 16,
            ready_by=ready_by.isoformat(),
            prices=hourly_prices(0.2, 0.1, 0.3, 0.3),
        )
        assert response["fully_met"] is True
        plan = station.calls("SetChargingProfile")[-1]
        profile = plan["charging_profile"]
        assert plan["evse_id"] == 1
        assert profile["charging_profile_purpose"] == "TxProfile"
        assert profile["transaction_id"] == "tx-plan"
        assert profile["charging_profile_kind"] == "Absolute"
        (schedule,) = profile["charging_schedule"]
        assert schedule["id"] == profile["id"]
        assert schedule["start_schedule"] == this_hour().strftime("%Y-%m-%dT%H:%M:%S.000Z")
        assert [p["limit"] for p in schedule["charging_schedule_period"]] == [0.0, 13.0, 0.0]

        await station.transaction_event("Ended", "tx-plan", stopped_reason="Local")
        cleared = await station.wait_for_call("ClearChargingProfile")
        assert cleared == {
            "charging_profile_id": profile["id"],
            "charging_profile_criteria": {"evse_id": 1},
        }


async def test_bad_input_gets_2_0_1_errors(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Out-of-range EVSEs, unknown message types and early messages get 2.0.1 CALLERRORs."""
    heartbeat = [2, "h1", "Heartbeat", {}]
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/STRANGER", subprotocols=[websockets.Subprotocol("ocpp2.0.1")]
    ) as ws:
        await ws.send(json.dumps(heartbeat))
        assert json.loads(await ws.recv())[2] == "SecurityError"
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/CP1", subprotocols=[websockets.Subprotocol("ocpp2.0.1")]
    ) as ws:

        async def exchange(frame: list[Any]) -> list[Any]:
            """Send a frame and return its answer (the central system's own CALLs are skipped)."""
            await ws.send(json.dumps(frame))
            while (answer := json.loads(await ws.recv()))[0] == 2:
                pass
            return list(answer)

        boot = {"chargingStation": {"model": "M", "vendorName": "V"}, "reason": "PowerUp"}
        assert (await exchange([2, "b1", "BootNotification", boot]))[2]["status"] == "Accepted"
        status = {
            "timestamp": f"{DAY}T12:00:00Z",
            "connectorStatus": "Available",
            "evseId": 99,
            "connectorId": 1,
        }
        assert (await exchange([2, "s1", "StatusNotification", status]))[2:4] == [
            "PropertyConstraintViolation",
            "evseId 99 is outside 1..64",
        ]
        assert (await exchange([7, "x1", "Heartbeat", {}]))[2] == "MessageTypeNotSupported"
        sampled = {"value": 1.5, "unitOfMeasure": {"unit": "Wh", "multiplier": 400}}
        meter = {"evseId": 1, "meterValue": [{"timestamp": NOW, "sampledValue": [sampled]}]}
        assert (await exchange([2, "m1", "MeterValues", meter]))[0] == 3  # unusable, answered
        assert (await exchange([2, "g1", "GetDisplayMessages", {"requestId": 1}]))[2] in (
            "NotImplemented",
            "NotSupported",
        )
        assert (await exchange(heartbeat))[0] == 3


@pytest.mark.parametrize("chargers", [[]])
async def test_unknown_station_waits_for_the_user(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """An unknown 2.0.1 station is Pending and discovered, as a 1.6 charger is."""
    async with connect201(port, "NEW-201") as station:
        assert await station.boot() == "Pending"
        await hass.async_block_till_done()
        flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        assert [flow["context"]["source"] for flow in flows] == [SOURCE_INTEGRATION_DISCOVERY]
        assert flows[0]["context"]["unique_id"] == "NEW-201"


async def test_switches_and_buttons(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """The dashboard controls send their 2.0.1 requests."""
    async with connect_booted(hass, port, "CP1", "2.0.1") as station:
        await act(hass, SWITCH, SERVICE_TURN_ON, "switch.cp1_charging")
        assert (
            station.calls("RequestStartTransaction")[-1]["id_token"]["id_token"] == "HomeAssistant"
        )
        await station.transaction_event("Started", "tx-sw", evse=1, id_token="HomeAssistant")
        await hass.async_block_till_done()
        assert hass.states.get("switch.cp1_charging").state == "on"
        await act(hass, SWITCH, SERVICE_TURN_OFF, "switch.cp1_charging")
        assert station.calls("RequestStopTransaction")[-1] == {"transaction_id": "tx-sw"}
        await act(hass, SWITCH, SERVICE_TURN_OFF, "switch.cp1_available")
        assert station.calls("ChangeAvailability")[-1] == {"operational_status": "Inoperative"}
        await act(hass, BUTTON, SERVICE_PRESS, "button.cp1_unlock")
        assert station.calls("UnlockConnector")[-1] == {"evse_id": 1, "connector_id": 1}
        await act(hass, BUTTON, SERVICE_PRESS, "button.cp1_restart")
        assert station.calls("Reset")[-1] == {"type": "OnIdle"}


async def test_a_pinned_version_from_before_is_migrated(hass: HomeAssistant, port: int) -> None:
    """Settings stored as OCPP names by an older release are kept, under selector keys."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        version=2,
        minor_version=1,
        data={CONF_HOST: "127.0.0.1", CONF_PORT: port},
        subentries_data=[
            charger_subentry(
                "CP1", ocpp_version="ocpp1.6", measurands=["Energy.Active.Import.Register"]
            )
        ],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    data = next(iter(entry.subentries.values())).data
    assert (data["ocpp_version"], data["measurands"]) == (
        "ocpp1_6",
        ["energy_active_import_register"],
    )
    async with connect(port, "CP1", subprotocols=("ocpp2.0.1", "ocpp1.6")) as station:
        assert station.connection.subprotocol == "ocpp1.6"
    await hass.config_entries.async_unload(entry.entry_id)
