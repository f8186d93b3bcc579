"""Stored state is read field by field: what a newer release adds never breaks an older one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings, strategies as st

from custom_components.ocpp_csms.core.capabilities import BootInfo, Capabilities
from custom_components.ocpp_csms.core.model import Charger
from custom_components.ocpp_csms.core.transaction import MeterSample, Transaction

T0 = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
ENERGY = "Energy.Active.Import.Register"


def stored_charger() -> dict[str, Any]:
    """A charger with something in every part that is stored."""
    charger = Charger(
        "CP1",
        boot=BootInfo("Acme", "Wallbox 11", serial_number="SN-1", firmware_version="1.2.3"),
        protocol="ocpp1.6",
        last_heartbeat=T0,
        number_of_connectors=2,
        layout_known=True,
        capabilities=Capabilities(max_stack_level=8, max_periods=24, meter_interval=60),
    )
    connector = charger.connector(1)
    connector.status = "charging"
    connector.current_limit = 16.0
    connector.transaction = Transaction(7, 1, "TAG", T0, 1000.0, energy_start_kwh=1.0)
    connector.apply_samples(
        [
            MeterSample("energy_active_import_register", ENERGY, 1.25, "kWh", T0),
            MeterSample("soc", "SoC", 40, "%", T0),
        ],
        T0,
        22.0,
    )
    charger.connector(2).status = "available"
    return charger.as_dict()


def paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every object (dict) in a stored document, by where it is."""
    found = []
    if isinstance(node, dict):
        found.append(path)
        for key, value in node.items():
            found += paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*path, index))
    return found


def at(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        node = node[step]
    return node


def is_map(path: tuple[Any, ...]) -> bool:
    """Objects keyed by data, not by field: registers and readings by measurand, settings."""
    return path[-1:] in (("registers",), ("configuration",)) or (
        len(path) == 3 and path[0] == "connectors" and path[2] == "meter"
    )


DOCUMENT = stored_charger()
OBJECTS = [path for path in paths(DOCUMENT) if not is_map(path)]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(OBJECTS),
            st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12),
            st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.integers())),
        ),
        max_size=8,
    )
)
def test_fields_a_newer_release_adds_are_left_aside(
    additions: list[tuple[tuple[Any, ...], str, Any]],
) -> None:
    """Unknown keys anywhere in a charger's record: it loads as it would without them."""
    expected = Charger.from_dict(DOCUMENT).as_dict()
    document: dict[str, Any] = Charger.from_dict(DOCUMENT).as_dict()
    for path, key, value in additions:
        target = at(document, path)
        if key not in at(DOCUMENT, path):  # a field this release does not know
            target[key] = value
    assert Charger.from_dict(document).as_dict() == expected


def test_the_document_has_every_part() -> None:
    """The record above exercises boot, capabilities, connectors, session and meter."""
    assert DOCUMENT["boot"]["vendor"] == "Acme"
    assert DOCUMENT["capabilities"]["max_stack_level"] == 8
    assert DOCUMENT["connectors"][0]["transaction"]["id"] == 7
    assert len(OBJECTS) > 10
