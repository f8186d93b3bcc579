"""OCPP 2.0.1 device model variables written as one configuration key, and back.

A 2.0.1 charger has no flat configuration keys: each setting is a variable of a component,
either of which may have an instance, and a component may belong to an EVSE or a connector.
Actions name one as a single key::

    Component[instance].Variable[instance]

* ``SampledDataCtrlr.TxUpdatedInterval``: the common case, no instances;
* ``OCPPCommCtrlr[Default].MessageTimeout``, ``Connector.Type[Plug]``: instances;
* ``EVSE[1].Power``: the ``EVSE`` component of EVSE 1 (for ``EVSE`` the bracket is its id);
* ``Connector[1,2].Available``: the ``Connector`` component of EVSE 1, connector 2
  (``Connector[1]`` is connector 1 of EVSE 1);
* ``TxCtrlr@2.EVConnectionTimeOut``: any other component scoped to EVSE 2 (``@2,1``: its
  connector 1), with or without an instance before the ``@``.

Reports (NotifyReport) are keyed the same way, so a key read with ``get_configuration`` can be
written back with ``change_configuration``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import re
from typing import Any

_NAME = r"[A-Za-z0-9*_=:+|-]+"  # component and variable names (no dots, brackets or @)
_KEY = re.compile(
    rf"^(?P<component>{_NAME})(?:\[(?P<component_instance>[^\[\]]+)\])?"
    r"(?:@(?P<evse>\d+)(?:,(?P<connector>\d+))?)?"
    rf"\.(?P<variable>{_NAME})(?:\[(?P<variable_instance>[^\[\]]+)\])?$"
)
_EVSE_COMPONENTS = frozenset({"EVSE", "Connector"})
MAX_NAME_LENGTH = 50
# A device model larger than this is cut short (a real charger has a few hundred variables).
MAX_REPORTED_VARIABLES = 5000


class DeviceModelKeyError(ValueError):
    """A configuration key that does not name a 2.0.1 component variable."""


@dataclass(frozen=True, slots=True)
class VariableRef:
    """One variable of one component, as GetVariables and SetVariables name it."""

    component: str
    variable: str
    component_instance: str | None = None
    variable_instance: str | None = None
    evse_id: int | None = None
    connector_id: int | None = None

    @classmethod
    def parse(cls, key: str) -> VariableRef:
        """The variable a key names (DeviceModelKeyError when it names none)."""
        match = _KEY.match(key.strip())
        if match is None:
            raise DeviceModelKeyError(
                f"{key!r} is not a 2.0.1 variable; write it as Component.Variable "
                "(e.g. SampledDataCtrlr.TxUpdatedInterval)"
            )
        component, instance = match["component"], match["component_instance"]
        evse_id = _int_or_none(match["evse"])
        connector_id = _int_or_none(match["connector"])
        if component in _EVSE_COMPONENTS and instance is not None and evse_id is None:
            evse_id, connector_id, instance = _evse_address(component, instance, key)
        ref = cls(
            component=component,
            variable=match["variable"],
            component_instance=instance,
            variable_instance=match["variable_instance"],
            evse_id=evse_id,
            connector_id=connector_id,
        )
        for name in (ref.component, ref.variable, ref.component_instance, ref.variable_instance):
            if name is not None and len(name) > MAX_NAME_LENGTH:
                raise DeviceModelKeyError(f"{name!r} is longer than {MAX_NAME_LENGTH} characters")
        return ref

    @classmethod
    def from_wire(cls, component: dict[str, Any], variable: dict[str, Any]) -> VariableRef:
        """The variable a charger names (snake_cased ComponentType and VariableType)."""
        evse = component.get("evse") or {}
        return cls(
            component=str(component["name"]),
            variable=str(variable["name"]),
            component_instance=component.get("instance"),
            variable_instance=variable.get("instance"),
            evse_id=evse.get("id"),
            connector_id=evse.get("connector_id"),
        )

    @property
    def key(self) -> str:
        """The configuration key users read and write."""
        component = self.component
        evse_component = self.component in _EVSE_COMPONENTS and self.component_instance is None
        if evse_component and self.evse_id is not None:
            address = [str(self.evse_id)]
            if self.component == "Connector" or self.connector_id is not None:
                address.append(str(self.connector_id or 1))
            component += f"[{','.join(address)}]"
        else:
            if self.component_instance is not None:
                component += f"[{self.component_instance}]"
            if self.evse_id is not None:
                component += f"@{self.evse_id}"
                if self.connector_id is not None:
                    component += f",{self.connector_id}"
        variable = self.variable
        if self.variable_instance is not None:
            variable += f"[{self.variable_instance}]"
        return f"{component}.{variable}"

    def component_type(self) -> dict[str, Any]:
        """The ComponentType on the wire (snake case; the library camelCases it)."""
        component: dict[str, Any] = {"name": self.component}
        if self.component_instance is not None:
            component["instance"] = self.component_instance
        if self.evse_id is not None:
            evse: dict[str, Any] = {"id": self.evse_id}
            if self.connector_id is not None:
                evse["connector_id"] = self.connector_id
            component["evse"] = evse
        return component

    def variable_type(self) -> dict[str, Any]:
        """The VariableType on the wire."""
        variable: dict[str, Any] = {"name": self.variable}
        if self.variable_instance is not None:
            variable["instance"] = self.variable_instance
        return variable


def _evse_address(component: str, address: str, key: str) -> tuple[int, int | None, None]:
    parts = [part.strip() for part in address.split(",")]
    if not all(part.isdigit() for part in parts) or len(parts) > 2:  # noqa: PLR2004
        raise DeviceModelKeyError(
            f"{key!r}: {component}[...] takes an EVSE id (and a connector id), e.g. EVSE[1]"
        )
    evse_id = int(parts[0])
    connector_id = int(parts[1]) if len(parts) > 1 else None
    if component == "Connector" and connector_id is None:
        connector_id = 1
    return evse_id, connector_id, None


def _int_or_none(value: str | None) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True, slots=True)
class ReportedValue:
    """A variable's actual value as a report gave it."""

    value: str | None
    readonly: bool


class Report:
    """The NotifyReport messages answering one GetBaseReport, keyed by configuration key."""

    def __init__(self) -> None:
        """Start empty; ``complete`` is set by the last message of the series."""
        self.values: dict[str, ReportedValue] = {}
        self.evse_ids: set[int] = set()  # the EVSEs the report describes (1 and up)
        self.complete = asyncio.Event()

    def add(self, report_data: list[dict[str, Any]], *, last: bool) -> None:
        """Take one NotifyReport's data (snake_cased); only Actual values are kept."""
        for item in report_data:
            if len(self.values) >= MAX_REPORTED_VARIABLES:
                break
            attributes = item.get("variable_attribute") or []
            actual = next((a for a in attributes if a.get("type", "Actual") == "Actual"), None)
            if actual is None:
                continue
            ref = VariableRef.from_wire(item["component"], item["variable"])
            if ref.component == "EVSE" and ref.evse_id is not None and ref.evse_id > 0:
                self.evse_ids.add(ref.evse_id)
            self.values[ref.key] = ReportedValue(
                value=actual.get("value"), readonly=actual.get("mutability") == "ReadOnly"
            )
        if last:
            self.complete.set()
