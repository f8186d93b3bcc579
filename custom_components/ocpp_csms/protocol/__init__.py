"""OCPP adapters: one module per protocol version, all filling the same neutral model."""

from __future__ import annotations

from collections.abc import Callable

from ..const import SUBPROTOCOL_OCPP16, SUBPROTOCOL_OCPP201
from .session import OcppSession
from .v16 import ChargePoint16
from .v201 import ChargePoint201

# Subprotocol → adapter, in the order the server prefers when a charger has no preference.
SESSION_CLASSES: dict[str, Callable[..., OcppSession]] = {
    SUBPROTOCOL_OCPP201: ChargePoint201,
    SUBPROTOCOL_OCPP16: ChargePoint16,
}
DEFAULT_SUBPROTOCOL = SUBPROTOCOL_OCPP16

__all__ = ["DEFAULT_SUBPROTOCOL", "SESSION_CLASSES", "OcppSession"]
