"""Constants of the core: the OCPP-J subprotocols it speaks and the limits of its transport."""

from __future__ import annotations

from typing import Final

SUBPROTOCOL_OCPP16: Final = "ocpp1.6"
SUBPROTOCOL_OCPP201: Final = "ocpp2.0.1"
PING_INTERVAL: Final = 30.0
PING_TIMEOUT: Final = 30.0
MAX_FRAME_BYTES: Final = 1024 * 1024
