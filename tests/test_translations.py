"""Every string of translations/en.json is one the frontend can render.

The frontend formats translations as ICU messages (intl-messageformat) and shows
"Translation error: INVALID_TAG" for anything that looks like an HTML tag, and
"INVALID_ARGUMENT_TYPE" for a brace that is not a simple ``{placeholder}``. These checks read
each string the same way: placeholders are ``{name}`` only, braces balance, no ``<tag>``, and
no apostrophe that ICU would take as the start of quoted text.
"""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
import re
from typing import Any

import pytest
import yaml

TRANSLATIONS = Path(__file__).parent.parent / "custom_components/ocpp_csms/translations/en.json"
PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")
TAG = re.compile(r"</?[A-Za-z][^<>]*>")
# ICU starts quoted text at an apostrophe right before a brace (or a '#' in plurals).
QUOTING_APOSTROPHE = re.compile(r"'[{}#]")


def strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, f"{path}.{key}" if path else key)
    elif isinstance(node, str):
        yield path, node


ALL = list(strings(json.loads(TRANSLATIONS.read_text())))


def problems(text: str) -> list[str]:
    """What the frontend would stumble over in one message."""
    found = []
    if TAG.search(text):
        found.append("an HTML-like tag")
    if QUOTING_APOSTROPHE.search(text):
        found.append("an apostrophe that quotes a brace")
    rest = PLACEHOLDER.sub("", text)
    if "{" in rest or "}" in rest:
        found.append("a brace that is not a {placeholder}")
    return found


@pytest.mark.parametrize(("path", "text"), ALL, ids=[path for path, _ in ALL])
def test_every_string_renders(path: str, text: str) -> None:
    assert problems(text) == [], f"{path}: {text!r}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chargers connect to ws://<Home Assistant>:<port>/<charge point id>.", "tag"),
        ("a list of {start, end (optional), price}", "brace"),
        ("Charger {cp_id} is not connected.", None),
        ("It's the charger's id.", None),
        ("'{cp_id}' in quotes", "apostrophe"),
    ],
)
def test_the_checks_catch_what_the_frontend_cannot_render(text: str, expected: str | None) -> None:
    found = " ".join(problems(text))
    assert (expected in found) if expected else found == ""


def test_every_action_has_a_slug_a_translation_and_an_icon() -> None:
    """As hassfest checks: action names are slugs, each translated and given an icon."""
    folder = TRANSLATIONS.parent.parent
    actions = yaml.safe_load((folder / "services.yaml").read_text())
    translated = json.loads(TRANSLATIONS.read_text())["services"]
    icons = json.loads((folder / "icons.json").read_text())["services"]
    for action, description in actions.items():
        assert re.fullmatch(r"[a-z0-9_]+", action), action
        assert action in translated, action
        assert action in icons, action
        for field in (description or {}).get("fields", {}):
            assert field in translated[action]["fields"], f"{action}.{field}"


def test_selector_option_keys_are_translation_keys() -> None:
    """As hassfest checks: every selector option key is lower case, digits, '-' and '_'."""
    selectors = json.loads(TRANSLATIONS.read_text())["selector"]
    for name, selector in selectors.items():
        for key in selector["options"]:
            assert re.fullmatch(r"[a-z0-9-_]+", key), f"{name}: {key}"
