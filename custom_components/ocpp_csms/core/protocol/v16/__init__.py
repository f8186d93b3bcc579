"""OCPP 1.6J adapter: 1.6 messages in and out of the version-neutral model."""

from __future__ import annotations

from .commands import ChargePoint16

__all__ = ["ChargePoint16"]
