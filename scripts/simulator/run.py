"""Running the simulated charger: boot until accepted, then charge sessions."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

import websockets
from websockets.headers import build_authorization_basic

from .state import Car, SimState
from .v16 import Simulated16
from .v201 import Simulated201

_LOGGER = logging.getLogger("simulator")

type Simulated = Simulated16 | Simulated201
PROTOCOLS: dict[str, type[Simulated16 | Simulated201]] = {
    "1.6": Simulated16,
    "2.0.1": Simulated201,
}


async def boot_until_accepted(charger: Simulated) -> None:
    """Boot, and again when the central system's interval passes, until Accepted."""
    while (status := await charger.boot()) != "Accepted":
        _LOGGER.info("%s boot: %s; accept the charger in Home Assistant", charger.id, status)
        try:
            await asyncio.wait_for(charger.state.accepted.wait(), 60)
        except TimeoutError:
            continue
        return
    _LOGGER.info("%s boot: Accepted", charger.id)


async def charge(charger: Simulated, id_tag: str, duration: float, interval: float) -> float:
    """One session: plug in, start, meter values, stop. Returns kWh."""
    state = charger.state
    car = Car()
    state.stop_requested.clear()
    meter_start = state.register_wh
    await charger.start_session(id_tag)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + duration
    paused = False
    while loop.time() < deadline and not state.stop_requested.is_set():
        if (state.current_limit <= 0) != paused:
            paused = not paused
            await charger.report_paused(paused)
        await charger.send_meter_values(state.readings(car, interval))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(state.stop_requested.wait(), interval)
    reason = "Remote" if state.stop_requested.is_set() else "EVDisconnected"
    await charger.stop_session(id_tag, reason)
    return (round(state.register_wh) - round(meter_start)) / 1000


async def simulate(
    url: str,
    cp_id: str,
    *,
    sessions: int = 1,
    duration: float = 300,
    interval: float = 10,
    id_tag: str = "SIM-TAG",
    wait_for_remote_start: bool = False,
    password: str | None = None,
    ocpp: str = "1.6",
) -> float:
    """Connect, boot, run the sessions; return the energy charged in kWh.

    With a ``password`` it authenticates with HTTP Basic (OCPP security profile 1 or 2).
    """
    state = SimState()
    kind = PROTOCOLS[ocpp]
    headers = {}
    if password is not None:
        headers["Authorization"] = build_authorization_basic(cp_id, password)
    async with websockets.connect(
        f"{url.rstrip('/')}/{cp_id}",
        subprotocols=[websockets.Subprotocol(kind.subprotocol)],
        additional_headers=headers,
    ) as ws:
        charger = kind(cp_id, ws, state)
        listener = asyncio.create_task(charger.start())
        try:
            await boot_until_accepted(charger)
            await charger.report_available()
            energy = 0.0
            for _ in range(sessions):
                if wait_for_remote_start:
                    _LOGGER.info("Waiting for a remote start (turn on the Charging switch)")
                    await state.start_requested.wait()
                    state.start_requested.clear()
                energy += await charge(charger, id_tag, duration, interval)
            return energy
        finally:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        prog="scripts/simulate",
        description="A simulated OCPP 1.6 or 2.0.1 charge point, to try the central system.",
    )
    parser.add_argument("--url", default="ws://localhost:9000", help="central system URL")
    parser.add_argument("--id", default="SIM-1", help="charge point id")
    parser.add_argument("--ocpp", choices=sorted(PROTOCOLS), default="1.6", help="OCPP version")
    parser.add_argument("--sessions", type=int, default=1, help="charging sessions to run")
    parser.add_argument("--duration", type=float, default=300, help="seconds per session")
    parser.add_argument("--interval", type=float, default=10, help="seconds between samples")
    parser.add_argument("--id-tag", default="SIM-TAG", help="RFID tag the driver presents")
    parser.add_argument("--password", help="HTTP Basic password the charger connects with")
    parser.add_argument(
        "--wait-for-remote-start",
        action="store_true",
        help="start each session only when Home Assistant asks",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    energy = asyncio.run(
        simulate(
            args.url,
            args.id,
            sessions=args.sessions,
            duration=args.duration,
            interval=args.interval,
            id_tag=args.id_tag,
            wait_for_remote_start=args.wait_for_remote_start,
            password=args.password,
            ocpp=args.ocpp,
        )
    )
    print(f"Charged {energy:.3f} kWh")
