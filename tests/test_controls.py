"""Switches, buttons and the current limit send the right OCPP messages."""

from __future__ import annotations

from homeassistant.components.button import DOMAIN as BUTTON, SERVICE_PRESS
from homeassistant.components.number import ATTR_VALUE, DOMAIN as NUMBER, SERVICE_SET_VALUE
from homeassistant.components.switch import DOMAIN as SWITCH
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ocpp_csms.const import DOMAIN

from .action_cases import limit_request
from .charge_point import booted, connect
from .chargers import connect_booted


async def act(
    hass: HomeAssistant, domain: str, service: str, entity_id: str, **data: object
) -> None:
    await hass.services.async_call(
        domain, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


async def test_charging_switch_starts_and_stops(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """On sends RemoteStartTransaction; off sends RemoteStopTransaction for the session."""
    async with connect_booted(hass, port, "CP1") as cp:
        await act(hass, SWITCH, SERVICE_TURN_ON, "switch.cp1_charging")
        assert cp.calls("RemoteStartTransaction") == [
            {"connector_id": 1, "id_tag": "HomeAssistant"}
        ]

        with pytest.raises(ServiceValidationError) as err:
            await act(hass, SWITCH, SERVICE_TURN_OFF, "switch.cp1_charging")
        assert err.value.translation_key == "no_session"

        transaction_id, status = await cp.start_transaction(1, "HomeAssistant", 100)
        assert status == "Accepted"
        await hass.async_block_till_done()
        assert hass.states.get("switch.cp1_charging").state == "on"
        await act(hass, SWITCH, SERVICE_TURN_OFF, "switch.cp1_charging")
        assert cp.calls("RemoteStopTransaction") == [{"transaction_id": transaction_id}]


async def test_available_switch(hass: HomeAssistant, central: MockConfigEntry, port: int) -> None:
    """The availability switch sends ChangeAvailability for the whole charger."""
    async with connect_booted(hass, port, "CP1") as cp:
        assert hass.states.get("switch.cp1_available").state == "on"
        await act(hass, SWITCH, SERVICE_TURN_OFF, "switch.cp1_available")
        await act(hass, SWITCH, SERVICE_TURN_ON, "switch.cp1_available")
        assert cp.calls("ChangeAvailability") == [
            {"connector_id": 0, "type": "Inoperative"},
            {"connector_id": 0, "type": "Operative"},
        ]
        await cp.status(0, "Unavailable")
        await hass.async_block_till_done()
        assert hass.states.get("switch.cp1_available").state == "off"


async def test_buttons(hass: HomeAssistant, central: MockConfigEntry, port: int) -> None:
    """Restart sends a soft Reset; unlock sends UnlockConnector."""
    async with connect_booted(hass, port, "CP1") as cp:
        await act(hass, BUTTON, SERVICE_PRESS, "button.cp1_restart")
        await act(hass, BUTTON, SERVICE_PRESS, "button.cp1_unlock")
        assert cp.calls("Reset") == [{"type": "Soft"}]
        assert cp.calls("UnlockConnector") == [{"connector_id": 1}]


async def test_max_current(hass: HomeAssistant, central: MockConfigEntry, port: int) -> None:
    """The slider sends the connector's TxDefaultProfile and keeps the accepted value."""
    async with connect_booted(hass, port, "CP1") as cp:
        number = "number.cp1_max_current"
        assert hass.states.get(number).attributes["max"] == 32
        assert hass.states.get(number).state == "32.0"  # no limit of ours: the rated current
        await act(hass, NUMBER, SERVICE_SET_VALUE, number, **{ATTR_VALUE: 13})
        (request,) = cp.calls("SetChargingProfile")
        assert request == limit_request(13.0)
        await hass.async_block_till_done()
        assert hass.states.get(number).state == "13.0"

        cp.replies["SetChargingProfile"] = "Rejected"
        with pytest.raises(HomeAssistantError) as err:
            await act(hass, NUMBER, SERVICE_SET_VALUE, number, **{ATTR_VALUE: 20})
        assert err.value.translation_key == "command_rejected"
        assert err.value.translation_placeholders == {"cp_id": "CP1", "status": "Rejected"}
        assert hass.states.get(number).state == "13.0"


async def test_rejected_and_failing_commands(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Rejected answers and CALLERRORs become translated errors naming the charger."""
    async with connect_booted(hass, port, "CP1") as cp:
        cp.replies["Reset"] = "Rejected"
        with pytest.raises(HomeAssistantError) as err:
            await act(hass, BUTTON, SERVICE_PRESS, "button.cp1_restart")
        assert err.value.translation_key == "command_rejected"

        cp.route_map.pop("UnlockConnector")  # this charger does not implement it
        with pytest.raises(HomeAssistantError) as err:
            await act(hass, BUTTON, SERVICE_PRESS, "button.cp1_unlock")
        assert err.value.translation_key == "charger_call_error"
        assert err.value.translation_placeholders["code"] == "NotImplemented"


async def test_offline_charger(hass: HomeAssistant, central: MockConfigEntry, port: int) -> None:
    """Commands to a charger that is not connected fail with a clear error."""
    async with connect(port, "CP1") as cp:
        await booted(hass, cp)
    await hass.async_block_till_done()
    assert hass.states.get("button.cp1_restart").state == "unavailable"
    with pytest.raises(HomeAssistantError) as err:
        await central.runtime_data.station("CP1").command(lambda session: session.reset(hard=True))
    assert err.value.translation_key == "charger_offline"
    assert err.value.translation_placeholders == {"cp_id": "CP1"}


async def test_timeout(
    hass: HomeAssistant, central: MockConfigEntry, port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A charger that never answers yields a timeout error, and stays usable."""
    monkeypatch.setattr("custom_components.ocpp_csms.connections.CALL_TIMEOUT", 0.2)
    async with connect_booted(hass, port, "CP1") as cp:
        cp.ignored.add("Reset")
        with pytest.raises(HomeAssistantError) as err:
            await act(hass, BUTTON, SERVICE_PRESS, "button.cp1_restart")
        assert err.value.translation_key == "charger_timeout"
        await act(hass, BUTTON, SERVICE_PRESS, "button.cp1_unlock")
        assert cp.calls("UnlockConnector")


async def test_one_current_limit_per_connector(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """The slider and set_charging_profile's limit write the same profile of each connector."""
    async with connect_booted(hass, port, "CP1", connectors=2) as cp:
        sliders = (
            "number.cp1_connector_1_max_current",
            "number.cp1_connector_2_max_current",
        )
        await act(hass, NUMBER, SERVICE_SET_VALUE, sliders[0], **{ATTR_VALUE: 13})
        device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, "CP1")})
        assert device is not None
        await hass.services.async_call(
            DOMAIN, "set_charging_profile", {"device_id": device.id, "limit": 10}, blocking=True
        )
        await hass.async_block_till_done()
        installed = {
            (call["connector_id"], call["cs_charging_profiles"]["charging_profile_id"])
            for call in cp.calls("SetChargingProfile")
        }
        assert installed == {(1, 1001), (2, 1002)}  # one limit profile per connector, no other
        assert [hass.states.get(slider).state for slider in sliders] == ["10.0", "10.0"]


@pytest.mark.parametrize("chargers", [["CP1", "CP2"]])
@pytest.mark.parametrize("stalls", ["CP1", "CP2"])
async def test_a_stalled_charger_never_delays_another(
    hass: HomeAssistant, central: MockConfigEntry, port: int, stalls: str
) -> None:
    """One call for both chargers' controls: one never answers, the other acts at once anyway.

    (Both ways round, as Home Assistant takes the entities of one call in its own order.)
    """
    works = "CP2" if stalls == "CP1" else "CP1"
    async with connect(port, stalls) as stalled, connect(port, works) as other:
        await booted(hass, stalled)
        await booted(hass, other)
        stalled.ignored.update({"Reset", "SetChargingProfile"})
        both = [
            (BUTTON, SERVICE_PRESS, ["button.cp1_restart", "button.cp2_restart"], {}),
            (
                NUMBER,
                SERVICE_SET_VALUE,
                ["number.cp1_max_current", "number.cp2_max_current"],
                {ATTR_VALUE: 10},
            ),
        ]
        pending = []
        for domain, service, entity_ids, data in both:
            pending.append(
                hass.async_create_task(
                    hass.services.async_call(
                        domain, service, {ATTR_ENTITY_ID: entity_ids, **data}, blocking=True
                    )
                )
            )
        await stalled.wait_for_unanswered("Reset")
        # The other gets its commands within seconds, not after the 30 s the stalled one has.
        assert await other.wait_for_call("Reset") == {"type": "Soft"}
        await other.wait_for_call("SetChargingProfile")
    # The stalled one disconnected: the calls end with a translated error, not a wait.
    for task in pending:
        with pytest.raises(HomeAssistantError):
            await task
