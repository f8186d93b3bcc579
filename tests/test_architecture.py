"""Imports run one way: platforms → entity → central system → station → core.

Read from the source (every import, also those only for type checking), so a circle or a
reach upwards fails here before anyone has to untangle it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "custom_components" / "ocpp_csms"
BASE = "custom_components.ocpp_csms"

# Layers, lowest first; a module may import its own layer and those below it, never above.
LAYERS: dict[str, int] = {
    "core": 0,
    # What Home Assistant's side shares: names, ids, settings, storage, registries, repairs.
    "const": 1,
    "identifiers": 1,
    "errors": 1,
    "events": 1,
    "settings": 1,
    "repairs": 1,
    "subentries": 1,
    "store": 1,
    "devices": 1,
    "discoveries": 1,
    "migration": 1,
    # A charger (station); what its connection and its plans do with it; the central system.
    "station": 2,
    "acceptance": 2,
    "charger_link": 3,
    "plans": 3,
    "dashboard_plans": 3,
    "entity_factory": 3,
    "charger_setup": 3,
    "connections": 4,
    "live_settings": 4,
    "central": 5,
    # Entities, then what Home Assistant loads: platforms, actions, flows, diagnostics.
    "entity": 6,
    "sensor_descriptions": 6,
    "measurand_sensors": 6,
    "__init__": 7,
    "binary_sensor": 7,
    "button": 7,
    "config_flow": 7,
    "config_forms": 6,
    "diagnostics": 7,
    "number": 7,
    "sensor": 7,
    "actions": 7,
    "switch": 7,
    "time": 7,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, by absolute name (``from .x import y`` also gives x.y)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    here = [BASE, *(package.split(".") if package and package != "__init__" else [])]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                module = node.module or ""
            else:
                anchor = here[: len(here) - (node.level - 1)]
                module = ".".join([*anchor, *([node.module] if node.module else [])])
            if node.module is not None:  # ``from . import x`` imports x, not the package
                yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def graph() -> dict[str, set[str]]:
    """Which package modules each package module imports."""
    edges: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        targets = set()
        for imported in imports(path):
            if not imported.startswith(BASE + "."):
                continue
            target = imported[len(BASE) + 1 :]
            # A name imported from a module stands for that module.
            while target not in MODULES and "." in target:
                target = target.rpartition(".")[0]
            if target in MODULES and target != name:
                targets.add(target)
        edges[name] = targets
    return edges


def layer(name: str) -> int:
    top = name.split(".")[0]
    assert top in LAYERS, f"{name}: put it in a layer (tests/test_architecture.py)"
    return LAYERS[top]


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("core")))
def test_core_needs_no_home_assistant(name: str) -> None:
    """The core could be published on its own: no homeassistant, nothing outside core."""
    for imported in imports(MODULES[name]):
        assert not imported.startswith("homeassistant"), f"{name} imports {imported}"
        if imported.startswith(BASE + "."):
            assert imported.startswith(f"{BASE}.core"), f"{name} imports {imported}"


def test_imports_run_one_way() -> None:
    """No module imports a layer above its own."""
    wrong = [
        f"{name} (layer {layer(name)}) imports {target} (layer {layer(target)})"
        for name, targets in graph().items()
        for target in targets
        if layer(target) > layer(name)
    ]
    assert wrong == []


def test_no_circles() -> None:
    """No module reaches itself through its imports (type-checking imports included)."""
    edges = graph()
    circles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(edges[name]):
            if state.get(target) == 1:
                circles.append(" → ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert circles == []


def test_the_graph_is_read() -> None:
    """The checks above see the package's real imports (a broken reader would pass anything)."""
    edges = graph()
    assert "core.capabilities" in edges["core.protocol.interface"]
    assert "core.protocol.wire" in edges["core.journal"]
    assert "entity" in edges["sensor"]
    assert "core.protocol" in edges["central"] or "core.protocol.interface" in edges["central"]
