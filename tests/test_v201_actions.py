"""Actions on a 2.0.1 station beyond the request each sends (see test_actions)."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .chargers import connect_booted
from .test_actions import call_action, charger_device_id
from .test_session import state


async def test_configuration_report_and_errors(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """All keys come from the station's report; refusals and bad keys are translated errors."""
    async with connect_booted(hass, port, "CP1", "2.0.1") as station:
        device_id = charger_device_id(hass)
        response = await call_action(hass, "get_configuration", {"device_id": device_id})
        assert response["configuration"]["Connector[1,1].ConnectorType"] == "cType2"
        assert response["configuration"]["OCPPCommCtrlr[Default].MessageTimeout"] == "30"
        assert "SmartChargingCtrlr.RateUnit" in response["readonly"]
        assert "SampledDataCtrlr.TxUpdatedInterval" not in response["readonly"]
        assert station.calls("GetBaseReport")[-1]["report_base"] == "ConfigurationInventory"

        with pytest.raises(HomeAssistantError, match="Rejected") as refused:
            await call_action(
                hass,
                "change_configuration",
                {"device_id": device_id, "key": "SmartChargingCtrlr.RateUnit", "value": "W"},
            )
        assert refused.value.translation_key == "command_rejected"

        with pytest.raises(ServiceValidationError, match="Component.Variable") as bad_key:
            await call_action(
                hass,
                "change_configuration",
                {"device_id": device_id, "key": "HeartbeatInterval", "value": "60"},
            )
        assert bad_key.value.translation_key == "invalid_request"

        station.answer_in_reverse = True
        response = await call_action(
            hass,
            "get_configuration",
            {"device_id": device_id, "keys": ["EVSE[1].Power", "SmartChargingCtrlr.RateUnit"]},
        )
        assert response["configuration"] == {
            "EVSE[1].Power": "22000",
            "SmartChargingCtrlr.RateUnit": "A,W",
        }

        station.replies["SetVariables"] = "RebootRequired"
        response = await call_action(
            hass,
            "change_configuration",
            {"device_id": device_id, "key": "OCPPCommCtrlr[Default].MessageTimeout", "value": 5},
        )
        assert response == {"status": "RebootRequired"}


async def test_remote_start_ties_the_session_to_its_id_tag(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """The station's transaction carries our remoteStartId: the session gets the id tag.

    A token the station already used keeps its type in later commands.
    """
    async with connect_booted(hass, port, "CP1", "2.0.1") as station:
        device_id = charger_device_id(hass)
        await call_action(hass, "remote_start", {"device_id": device_id, "id_tag": "APP-1"})
        request = station.calls("RequestStartTransaction")[-1]
        await station.transaction_event(
            "Started",
            "tx-r",
            evse=1,
            trigger_reason="RemoteStart",
            remote_start_id=request["remote_start_id"],
        )
        await hass.async_block_till_done()
        assert state(hass, "sensor", "CP1/1/id_tag").state == "APP-1"

        await call_action(hass, "remote_stop", {"device_id": device_id})
        assert station.calls("RequestStopTransaction")[-1] == {"transaction_id": "tx-r"}

        await station.transaction_event("Updated", "tx-r", id_token="CARD-5", token_type="KeyCode")
        await call_action(
            hass,
            "reserve_now",
            {"device_id": device_id, "expiry_date": "2030-01-01T13:00:00Z", "id_tag": "CARD-5"},
        )
        assert station.calls("ReserveNow")[-1]["id_token"] == {
            "id_token": "CARD-5",
            "type": "KeyCode",
        }
