"""Unique ids and device identifiers, collision-free by construction.

A charge point id never contains ``/`` (it is the last segment of a URL path, and
``server.CHARGE_POINT_ID`` allows no ``/``), and neither does an entity key. So ``/`` separates
the parts: ``CP1/status`` (charger), ``CP1/1/status`` (connector 1), ``CP1/1`` (the device of
connector 1). No two charge point ids, connectors or keys can produce the same string: charger
``A`` with connector 1 is ``A/1/status`` and a charger named ``A_1`` is ``A_1/status``.

Version 1 of the config entry joined the parts with ``_``, which collided; :func:`legacy_scope`
reads those ids back for the migration.
"""

from __future__ import annotations

import re

from .const import DOMAIN

SEPARATOR = "/"

_LEGACY_CONNECTOR_KEY = re.compile(r"(?P<connector>\d+)_(?P<key>.+)")


def unique_id(cp_id: str, connector_id: int, key: str) -> str:
    """The unique id of an entity of a charger (connector 0) or one of its connectors."""
    if connector_id == 0:
        return f"{cp_id}{SEPARATOR}{key}"
    return f"{cp_id}{SEPARATOR}{connector_id}{SEPARATOR}{key}"


def charger_identifier(cp_id: str) -> tuple[str, str]:
    """Device identifier of a charger."""
    return (DOMAIN, cp_id)


def connector_identifier(cp_id: str, connector_id: int) -> tuple[str, str]:
    """Device identifier of a connector's child device."""
    return (DOMAIN, f"{cp_id}{SEPARATOR}{connector_id}")


def device_scope(identifier: str) -> tuple[str, int | None]:
    """Charge point id and connector (None: the charger itself) of a device identifier."""
    cp_id, separator, connector = identifier.partition(SEPARATOR)
    if separator and connector.isdecimal():
        return cp_id, int(connector)
    return identifier, None


def legacy_scope(cp_id: str, legacy_unique_id: str) -> tuple[int, str] | None:
    """Connector id and key of a version 1 unique id (``CP_status``, ``CP_1_status``).

    Entity keys never start with a digit, so a leading number after the charge point id is
    the connector. None when the id does not belong to ``cp_id``.
    """
    prefix = f"{cp_id}_"
    if not legacy_unique_id.startswith(prefix) or len(legacy_unique_id) == len(prefix):
        return None
    rest = legacy_unique_id[len(prefix) :]
    if (match := _LEGACY_CONNECTOR_KEY.fullmatch(rest)) is not None:
        return int(match["connector"]), match["key"]
    return 0, rest


def legacy_connector(cp_id: str, legacy_identifier: str) -> int | None:
    """The connector of a version 1 connector device identifier (``CP_1``), if it is one."""
    prefix = f"{cp_id}_"
    rest = legacy_identifier[len(prefix) :]
    if legacy_identifier.startswith(prefix) and rest.isdecimal():
        return int(rest)
    return None
