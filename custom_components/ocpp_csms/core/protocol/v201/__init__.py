"""OCPP 2.0.1 adapter: 2.0.1 messages in and out of the version-neutral model.

EVSEs are the connectors of the model: EVSE 1 is connector 1, and so on (the charging
station itself is 0). An EVSE with several connectors (say a Type 2 socket and a tethered
cable) is one connector device showing its most significant connector (:mod:`..evse`);
commands that need a connector of an EVSE use connector 1.
"""

from __future__ import annotations

from .commands import ChargePoint201

__all__ = ["ChargePoint201"]
