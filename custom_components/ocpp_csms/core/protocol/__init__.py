"""OCPP adapters: one module per protocol version, all filling the same neutral model."""

from __future__ import annotations

from ..const import SUBPROTOCOL_OCPP16, SUBPROTOCOL_OCPP201
from .session import OcppSession
from .v16 import ChargePoint16
from .v201 import ChargePoint201

# Subprotocol → adapter, in the order the server prefers when a charger has no preference.
SESSION_CLASSES: dict[str, type[ChargePoint201 | ChargePoint16]] = {
    SUBPROTOCOL_OCPP201: ChargePoint201,
    SUBPROTOCOL_OCPP16: ChargePoint16,
}
DEFAULT_SUBPROTOCOL = SUBPROTOCOL_OCPP16


def read_schemas() -> None:
    """Read every adapter's CALL schemas (blocking: run it in a thread before serving)."""
    for session_class in SESSION_CLASSES.values():
        session_class.read_schemas()


__all__ = ["DEFAULT_SUBPROTOCOL", "SESSION_CLASSES", "OcppSession", "read_schemas"]
