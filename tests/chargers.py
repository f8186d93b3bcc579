"""Chargers of either OCPP version, connected and booted as the user accepted them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from homeassistant.core import HomeAssistant

from .charge_point import booted, connect
from .charge_point_201 import booted201, connect201, device_model


@asynccontextmanager
async def connect_booted(
    hass: HomeAssistant,
    port: int,
    cp_id: str = "CP1",
    version: str = "1.6",
    *,
    connectors: int = 1,
    configuration: dict[str, str] | None = None,
) -> AsyncIterator[Any]:
    """Connect and boot an accepted charger speaking ``version`` (1.6 or 2.0.1).

    It has ``connectors`` connectors (EVSEs) and, in 1.6, these ``configuration`` keys besides
    its defaults. Yields the client charge point (a 1.6 ``ClientChargePoint`` or a
    ``ClientChargePoint201``).
    """
    if version == "2.0.1":
        async with connect201(port, cp_id) as station:
            station.device_model = device_model(connectors)
            await booted201(hass, station, evses=connectors)
            yield station
        return
    async with connect(port, cp_id) as charger:
        charger.configuration.update(configuration or {})
        if connectors != 1:
            charger.configuration["NumberOfConnectors"] = str(connectors)
        await booted(hass, charger, connectors=connectors)
        yield charger
