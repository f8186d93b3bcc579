"""A charger that floods, stalls, answers late or sends huge frames harms only itself."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import timedelta
from http import HTTPStatus
import json
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from ocpp.routing import on
from ocpp.v16 import call, call_result
from ocpp.v16.enums import Action
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.frames import CloseCode

from custom_components.ocpp_csms.charger_setup import BOOT_SETTLE
from custom_components.ocpp_csms.connections import BOOT_DEADLINE
from custom_components.ocpp_csms.core import admission
from custom_components.ocpp_csms.core.admission import PER_ADDRESS
from custom_components.ocpp_csms.core.const import MAX_FRAME_BYTES
from custom_components.ocpp_csms.core.journal import (
    KNOWN_BUDGET,
    MAX_UNKNOWN_JOURNALS,
    UNKNOWN_BUDGET,
)

from .charge_point import ClientChargePoint, booted, connect, connect_raw
from .chargers import connect_booted
from .test_action_errors import expect_error
from .test_actions import call_action, charger_device_id

# Long enough for a loaded CI machine; it proves an answer, not a speed.
ANSWERED_WITHIN = 10


async def heartbeats_answered(cp: ClientChargePoint, count: int) -> None:
    """The charger gets every heartbeat answered, one after another."""
    async with asyncio.timeout(ANSWERED_WITHIN):
        for _ in range(count):
            result = await cp.call(call.Heartbeat())
            assert result.current_time.endswith("Z")


@pytest.mark.parametrize("chargers", [["GOOD", "BAD"]])
async def test_huge_frame_closes_only_that_connection(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A frame over the limit closes its connection with 1009; other chargers carry on."""
    async with connect(port, "GOOD") as good, connect_raw(port, "BAD", max_size=None) as bad:
        assert await good.boot() == "Accepted"
        huge = json.dumps([2, "big", "Heartbeat", {"pad": "x" * (3 * MAX_FRAME_BYTES)}])
        await bad.send(huge)
        with pytest.raises(ConnectionClosed):
            async with asyncio.timeout(ANSWERED_WITHIN):
                await bad.recv()
        assert bad.close_code == 1009  # message too big
        await heartbeats_answered(good, 5)


@pytest.mark.parametrize("chargers", [["GOOD", "BAD"]])
async def test_flood_does_not_starve_another_charger(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """A charger that sends thousands of frames and reads no answer slows only itself."""
    async with connect(port, "GOOD") as good, connect_raw(port, "BAD", max_size=None) as bad:
        assert await good.boot() == "Accepted"
        frame = json.dumps([2, "hb", "Heartbeat", {}])

        async def flood() -> None:
            for _ in range(5_000):
                await bad.send(frame)

        flooding = asyncio.create_task(flood())
        await asyncio.sleep(0.05)
        await heartbeats_answered(good, 20)
        assert not flooding.done() or flooding.exception() is None
        flooding.cancel()
        await asyncio.gather(flooding, return_exceptions=True)
        bad.transport.abort()  # no closing handshake behind thousands of queued frames


async def test_late_answer_is_dropped(
    hass: HomeAssistant, central: MockConfigEntry, port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer after the timeout is ignored and not mistaken for the next call's."""
    monkeypatch.setattr("custom_components.ocpp_csms.connections.CALL_TIMEOUT", 0.5)
    async with connect_booted(hass, port, "CP1") as cp:
        device_id = charger_device_id(hass)
        cp.ignored.add("GetLocalListVersion")
        await expect_error(
            hass, "get_local_list_version", {"device_id": device_id}, "charger_timeout"
        )
        cp.ignored.clear()
        cp.replies["GetLocalListVersion"] = {"list_version": 2}
        late = json.dumps([3, cp.unanswered_ids["GetLocalListVersion"], {"listVersion": 1}])
        await cp.connection.send(late)
        answer = await call_action(hass, "get_local_list_version", {"device_id": device_id})
        assert answer == {"list_version": 2}


async def test_duplicate_connections_leak_no_tasks(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """Reconnecting many times with the same id leaves one session and no stray tasks."""
    async with connect(port, "CP1") as cp:
        await booted(hass, cp)
    await hass.async_block_till_done()
    baseline = len(asyncio.all_tasks())
    for _ in range(10):
        async with connect(port, "CP1") as cp:
            await cp.call(call.Heartbeat())
            async with connect(port, "CP1") as again:
                await asyncio.wait_for(cp.connection.wait_closed(), ANSWERED_WITHIN)
                await again.call(call.Heartbeat())
    await hass.async_block_till_done(wait_background_tasks=True)
    await asyncio.sleep(0.1)  # let closed connections finish their closing handshakes
    assert len(asyncio.all_tasks()) <= baseline
    assert central.runtime_data.session("CP1") is None


class SlowToConfigure(ClientChargePoint):
    """A charger that takes 0.2 s to answer GetConfiguration."""

    @on(Action.get_configuration)
    async def on_get_configuration(self, **kwargs: Any) -> call_result.GetConfiguration:
        await asyncio.sleep(0.2)
        return super().on_get_configuration(**kwargs)


async def test_a_boot_storm_never_holds_up_an_action(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """30 boots in a burst: the configuration is read once after them, not 30 times.

    Queued one after another, 30 slow reads would keep the reset waiting for 6 seconds.
    """
    async with connect(port, "CP1", client=SlowToConfigure) as cp:
        for _ in range(30):
            assert await cp.boot() == "Accepted"
        async with asyncio.timeout(2):
            await hass.services.async_call(
                "button", "press", {"entity_id": "button.cp1_restart"}, blocking=True
            )
        assert cp.calls("Reset") == [{"type": "Soft"}]
        # Once the boots settle, the charger is read (again): a few reads in all, not 30.
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=BOOT_SETTLE + 1))
        await hass.async_block_till_done(wait_background_tasks=True)
        assert 1 <= len(cp.calls("GetConfiguration")) <= 3


async def test_unknown_ids_that_never_boot_are_closed(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """An id nobody added that sends no BootNotification is closed; a known charger is not."""
    async with connect_raw(port, "SILENT") as silent, connect(port, "CP1") as known:
        await known.call(call.Heartbeat())
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=BOOT_DEADLINE + 1))
        await hass.async_block_till_done(wait_background_tasks=True)
        with pytest.raises(ConnectionClosed):
            async with asyncio.timeout(5):
                await silent.recv()
        await known.call(call.Heartbeat())  # still served


async def test_connections_of_unknown_ids_are_capped_per_address(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """At most 8 connections of ids nobody added from one address; known chargers still get in."""
    async with AsyncExitStack() as stack:
        for number in range(PER_ADDRESS):
            await stack.enter_async_context(
                connect_raw(port, f"NEW-{number}", local_addr=("127.0.0.9", 0))
            )
        with pytest.raises(InvalidStatus) as refused:
            await connect_raw(port, "NEW-X", local_addr=("127.0.0.9", 0))
        assert refused.value.response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        async with connect_raw(port, "NEW-Y", local_addr=("127.0.0.10", 0)):
            pass  # another address has room
        async with connect(port, "CP1") as cp:  # a known charger is never counted
            assert await cp.boot() == "Accepted"


async def test_silent_connections_make_room_for_new_chargers(
    hass: HomeAssistant, central: MockConfigEntry, port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Places of unknown ids all held by silent connections: a new charger still gets in.

    The oldest connection that never booted goes; one that booted keeps its place.
    """
    monkeypatch.setattr(admission, "IN_TOTAL", 2)
    monkeypatch.setattr(admission, "SILENT_GRACE", 0.3)
    async with AsyncExitStack() as stack:
        silent = [
            await stack.enter_async_context(
                connect_raw(port, f"SILENT-{number}", local_addr=(f"127.0.0.{20 + number}", 0))
            )
            for number in range(2)
        ]
        with pytest.raises(InvalidStatus) as refused:  # silent, but only just connected
            await connect_raw(port, "TOO-EARLY", local_addr=("127.0.0.30", 0))
        assert refused.value.response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        await asyncio.sleep(0.4)
        for number, pushed_out in enumerate(silent):
            new = await stack.enter_async_context(connect(port, f"NEW-{number}"))
            assert await new.boot() == "Pending"
            with pytest.raises(ConnectionClosed):
                async with asyncio.timeout(5):
                    await pushed_out.recv()
            assert pushed_out.close_code == CloseCode.TRY_AGAIN_LATER
        with pytest.raises(InvalidStatus) as refused:  # both places held by booted chargers
            await connect_raw(port, "THIRD", local_addr=("127.0.0.31", 0))
        assert refused.value.response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        async with connect(port, "CP1") as cp:  # a known charger is never counted
            assert await cp.boot() == "Accepted"


async def test_journals_of_unknown_ids_are_bounded(
    hass: HomeAssistant, central: MockConfigEntry, port: int
) -> None:
    """100 ids nobody added send 2 KB frames: the journals keep a bounded amount of them."""
    big = json.dumps([2, "x", "Heartbeat", {"pad": "y" * 1900}])
    for number in range(100):
        async with connect_raw(port, f"NOISY-{number}") as noisy:
            for _ in range(20):
                await noisy.send(big)
                await noisy.recv()
    async with connect(port, "CP1") as cp:
        await cp.call(call.Heartbeat())
    journals = central.runtime_data.journals
    assert journals.chars <= MAX_UNKNOWN_JOURNALS * UNKNOWN_BUDGET + KNOWN_BUDGET
    assert central.runtime_data.journal("CP1").frames  # a known charger keeps its own
