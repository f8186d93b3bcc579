"""A simulated OCPP 1.6 or 2.0.1 charge point, to try the central system without hardware.

    scripts/simulate --url ws://localhost:9000 --id SIM-1 [--ocpp 2.0.1]

It boots (waiting while the central system answers Pending), reports status, plugs in a car,
charges with realistic 3-phase meter values and answers the central system's commands:
remote start/stop, reset, unlock, availability, charging profiles (the whole schedule is
followed, with stack levels and the station maximum), configuration and trigger messages.
"""

from __future__ import annotations

from .run import PROTOCOLS, main, simulate
from .state import Profile, SimState

__all__ = ["PROTOCOLS", "Profile", "SimState", "main", "simulate"]
