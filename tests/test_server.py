"""The listener: subprotocols, paths, many chargers, reconnects and unload."""

from __future__ import annotations

import asyncio
import socket

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from ocpp.v16 import call
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from custom_components.ocpp_csms.core.server import charge_point_id_from_path

from .charge_point import connect


@pytest.mark.parametrize(
    ("path", "cp_id"),
    [
        ("/CP1", "CP1"),
        ("/ocpp/CP1", "CP1"),
        ("/ocpp/CP1/", "CP1"),
        ("/steve/websocket/CentralSystemService/EVB-P1234", "EVB-P1234"),
        ("/ocpp/CP%2D7?token=x", "CP-7"),
        ("/", None),
        ("/ocpp/has space", None),
        ("/ocpp/" + "x" * 49, None),
        ("/ocpp/a:b", None),
    ],
)
def test_charge_point_id_from_path(path: str, cp_id: str | None) -> None:
    """The id is the last path segment, and only plain ids are accepted."""
    assert charge_point_id_from_path(path) == cp_id


async def test_ocpp_prefix_path(hass: HomeAssistant, central: MockConfigEntry, port: int) -> None:
    """/ocpp/<id> works like /<id>."""
    async with connect(port, "CP1", path="/ocpp") as cp:
        assert await cp.boot() == "Accepted"


async def test_no_subprotocol_means_16(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A charger that offers no subprotocol is served as OCPP 1.6."""
    async with connect(port, "CP1", subprotocols=()) as cp:
        assert await cp.boot() == "Accepted"
        assert cp.connection.subprotocol is None


async def test_charger_preference_wins(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Among several offered subprotocols the first supported one is chosen."""
    async with connect(port, "CP1", subprotocols=("ocpp2.1", "ocpp1.6")) as cp:
        assert cp.connection.subprotocol == "ocpp1.6"


async def test_unsupported_subprotocol_refused(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Only unsupported versions offered: the handshake is refused with 400."""
    with pytest.raises(InvalidStatus) as err:
        await websockets.connect(f"ws://127.0.0.1:{port}/CP1", subprotocols=["ocpp1.2"])
    assert err.value.response.status_code == 400


async def test_invalid_path_refused(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A path without a usable charge point id is refused with 404."""
    with pytest.raises(InvalidStatus) as err:
        await websockets.connect(f"ws://127.0.0.1:{port}/", subprotocols=["ocpp1.6"])
    assert err.value.response.status_code == 404


async def test_reconnect_replaces_old_connection(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """The same id connecting again closes the old connection; the new one is served."""
    async with connect(port, "CP1") as old:
        assert await old.boot() == "Accepted"
        async with connect(port, "CP1") as new:
            await asyncio.wait_for(old.connection.wait_closed(), 5)
            assert await new.boot() == "Accepted"
            await hass.async_block_till_done()
            assert hass.states.get("binary_sensor.cp1_connectivity").state == "on"
            with pytest.raises(ConnectionClosed):
                await old.call(call.Heartbeat())
        await hass.async_block_till_done()
        assert hass.states.get("binary_sensor.cp1_connectivity").state == "off"


@pytest.mark.parametrize("chargers", [[f"CP{n}" for n in range(1, 21)]])
async def test_many_chargers_at_once(
    hass: HomeAssistant, central: MockConfigEntry, port: int, chargers: list[str]
) -> None:
    """Twenty chargers boot and report concurrently; each gets its own state."""

    async def session(cp_id: str, n: int) -> None:
        async with connect(port, cp_id) as cp:
            assert await cp.boot() == "Accepted"
            await cp.status(1, "Charging")
            await cp.meter(1, [{"value": str(1000 * n), "unit": "Wh"}])
            await hass.async_block_till_done()
            assert hass.states.get(
                f"sensor.{cp_id.lower()}_energy_active_import_register"
            ).state == str(float(n))

    await asyncio.gather(*(session(cp_id, n) for n, cp_id in enumerate(chargers, 1)))


async def test_unload_closes_connections_and_frees_port(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Unloading closes every connection and the port can be bound again."""
    async with connect(port, "CP1") as cp:
        assert await cp.boot() == "Accepted"
        assert await hass.config_entries.async_unload(central.entry_id)
        await hass.async_block_till_done()
        assert central.state is ConfigEntryState.NOT_LOADED
        await asyncio.wait_for(cp.connection.wait_closed(), 5)
    with socket.socket() as sock:
        # As any server would (asyncio does): closed connections may linger in TIME_WAIT.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen()


async def test_port_in_use_retries_setup(hass: HomeAssistant, port: int) -> None:
    """A port taken by something else leaves the entry in setup retry with a clear reason."""
    from homeassistant.const import CONF_HOST, CONF_PORT

    from custom_components.ocpp_csms.const import DOMAIN

    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", port))
        blocker.listen()
        entry = MockConfigEntry(domain=DOMAIN, data={CONF_HOST: "127.0.0.1", CONF_PORT: port})
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.SETUP_RETRY
        assert str(port) in (entry.reason or "")
        await hass.config_entries.async_unload(entry.entry_id)
