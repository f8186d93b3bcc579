"""No secret reaches the log: frames are at DEBUG on their own logger, redacted even there."""

from __future__ import annotations

import logging

from homeassistant.core import HomeAssistant
from ocpp.v16 import call
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ocpp_csms.charger_link import ChargerLink
from custom_components.ocpp_csms.core.protocol.incoming import AuthStatus

from .charge_point_201 import booted201, connect201, variable
from .chargers import connect_booted
from .test_actions import call_action, charger_device_id


def central_system_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What Home Assistant and the integration logged.

    Left out: the test chargers' own clients, and the test harness's storage stand-in, which
    logs every write in full (Home Assistant's own storage does not).
    """
    others = ("tests.charger", "websockets.client", "pytest_homeassistant_custom_component")
    return [record for record in caplog.records if not record.name.startswith(others)]


SECRETS = ("TAG-AUTHORIZE-1", "TAG-START-2", "TAG-FAILING-3", "KEY-4-abcdef", "PW-5-abcdef")


async def test_no_secret_in_any_log_line(
    hass: HomeAssistant,
    central: MockConfigEntry,
    port: int,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Id tags, a charger key and a station password pass every path; no log line has one."""
    caplog.set_level(logging.DEBUG)
    authorize = ChargerLink.authorize

    def failing_authorize(self: ChargerLink, id_tag: str) -> AuthStatus:
        if id_tag == "TAG-FAILING-3":
            raise RuntimeError("the handler broke")
        return authorize(self, id_tag)

    monkeypatch.setattr(ChargerLink, "authorize", failing_authorize)
    async with connect_booted(hass, port, "CP1") as cp:
        await cp.call(call.Authorize(id_tag="TAG-AUTHORIZE-1"))
        await cp.start_transaction(1, "TAG-START-2", 0)
        with pytest.raises(Exception, match="InternalError|handler"):
            await cp.call(call.Authorize(id_tag="TAG-FAILING-3"), suppress=False)
        await call_action(
            hass,
            "change_configuration",
            {
                "device_id": charger_device_id(hass),
                "key": "AuthorizationKey",
                "value": "KEY-4-abcdef",
            },
        )
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(central.entry_id)

    leaks = [
        (record.name, record.levelname, record.getMessage())
        for record in central_system_records(caplog)
        if any(secret in record.getMessage() for secret in SECRETS)
    ]
    assert leaks == []
    frames = [r for r in caplog.records if r.name == "custom_components.ocpp_csms.frames"]
    assert frames
    assert all(r.levelno == logging.DEBUG for r in frames)
    assert any("**REDACTED**" in r.getMessage() for r in frames)
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage().split(" (message ")[0] for r in failures] == ["CP1: handling Authorize"]
    assert not [r for r in caplog.records if r.name == "ocpp"]  # nothing on the library's own


async def test_no_station_password_in_any_log_line(
    hass: HomeAssistant, central: MockConfigEntry, port: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A 2.0.1 BasicAuthPassword set through change_configuration is in no log line."""
    caplog.set_level(logging.DEBUG)
    async with connect201(port, "CP1") as station:
        station.device_model.append(
            variable("SecurityCtrlr", "BasicAuthPassword", "old-password", writable=True)
        )
        await booted201(hass, station)
        await call_action(
            hass,
            "change_configuration",
            {
                "device_id": charger_device_id(hass),
                "key": "SecurityCtrlr.BasicAuthPassword",
                "value": "PW-5-abcdef",
            },
        )
    assert station.calls("SetVariables")
    assert not [r for r in central_system_records(caplog) if "PW-5-abcdef" in r.getMessage()]
