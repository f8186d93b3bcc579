"""services.yaml, translations, icons and the action schemas describe the same actions."""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.helpers.service import async_get_all_descriptions
from homeassistant.util.yaml import load_yaml_dict
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.ocpp_csms.actions import ACTIONS
from custom_components.ocpp_csms.const import DOMAIN

COMPONENT = Path(__file__).parent.parent / "custom_components" / "ocpp_csms"


def test_descriptions_match_the_schemas() -> None:
    """Every action field is described, translated and nothing else is."""
    described = {
        name: value
        for name, value in load_yaml_dict(str(COMPONENT / "services.yaml")).items()
        if not name.startswith(".")
    }
    translations = json.loads((COMPONENT / "translations" / "en.json").read_text())["services"]
    icons = json.loads((COMPONENT / "icons.json").read_text())["services"]
    assert described.keys() == ACTIONS.keys() == translations.keys() == icons.keys()
    for name, action in ACTIONS.items():
        fields = {"device_id"} | {str(marker.schema) for marker in action.fields}
        assert set(described[name]["fields"]) == fields, name
        assert set(translations[name]["fields"]) == fields, name
        assert translations[name]["name"]
        assert translations[name]["description"]
        required = {str(m.schema) for m in action.fields if isinstance(m, vol.Required)}
        for field, description in described[name]["fields"].items():
            if field in required or field == "device_id":
                assert description.get("required") is True, (name, field)


async def test_home_assistant_reads_the_descriptions(
    hass: HomeAssistant, central: MockConfigEntry
) -> None:
    """The UI gets every action's fields and the device selector for this integration."""
    descriptions = (await async_get_all_descriptions(hass))[DOMAIN]
    assert descriptions.keys() == ACTIONS.keys()
    reset = descriptions["reset"]
    assert reset["name"] == "Reset"
    assert reset["fields"]["device_id"]["selector"] == {"device": {"integration": DOMAIN}}
    assert reset["fields"]["type"]["selector"]["select"]["options"] == ["soft", "hard"]
