"""What hassfest and HACS check, offline: manifest, hacs.json, services, translations, icons.

The GitHub workflows run the real validators (.github/workflows/validate.yaml); these tests
hold the same rules on every ``scripts/test`` run, without a network.
"""

from __future__ import annotations

from collections.abc import Iterator
import importlib
import json
from pathlib import Path
import re
import struct
from typing import Any

from awesomeversion import AwesomeVersion, AwesomeVersionStrategy
from homeassistant.helpers import config_validation as cv, selector
from homeassistant.helpers.entity import EntityDescription
from packaging.requirements import Requirement
import pytest
import voluptuous as vol
import yaml

from custom_components.ocpp_csms.const import DOMAIN
from custom_components.ocpp_csms.core.measurands import MEASURAND_NAMES, measurand_key
from custom_components.ocpp_csms.measurand_sensors import measurand_description

ROOT = Path(__file__).parent.parent
COMPONENT = ROOT / "custom_components" / DOMAIN
MANIFEST = json.loads((COMPONENT / "manifest.json").read_text())
TRANSLATIONS = json.loads((COMPONENT / "translations" / "en.json").read_text())
ICONS = json.loads((COMPONENT / "icons.json").read_text())
SERVICES = yaml.safe_load((COMPONENT / "services.yaml").read_text())
PLATFORMS = ("binary_sensor", "button", "number", "sensor", "switch", "time")
KEY = re.compile(r"[a-z0-9-_]+")
ICON = re.compile(r"mdi:[a-z0-9-]+")

# hassfest's manifest rules for a custom integration
MANIFEST_SCHEMA = vol.Schema(
    {
        vol.Required("domain"): DOMAIN,
        vol.Required("name"): str,
        vol.Required("codeowners"): [vol.Match(r"^@[A-Za-z0-9-_/]+$")],
        vol.Required("config_flow"): bool,
        vol.Required("dependencies"): [str],
        vol.Required("documentation"): vol.All(cv.url, vol.Match(r"^https://")),
        vol.Required("integration_type"): vol.In(
            ["device", "entity", "hardware", "helper", "hub", "service", "system", "virtual"]
        ),
        vol.Required("iot_class"): vol.In(
            [
                "assumed_state",
                "calculated",
                "cloud_polling",
                "cloud_push",
                "local_polling",
                "local_push",
            ]
        ),
        vol.Required("issue_tracker"): vol.All(cv.url, vol.Match(r"^https://")),
        vol.Required("loggers"): [str],
        vol.Required("quality_scale"): vol.In(["bronze", "silver", "gold", "platinum"]),
        vol.Required("requirements"): [str],
        vol.Optional("after_dependencies"): [str],
        vol.Optional("single_config_entry"): bool,
        vol.Required("version"): str,
    }
)

# HACS's hacs.json keys
HACS_SCHEMA = vol.Schema(
    {
        vol.Required("name"): str,
        vol.Optional("content_in_root"): bool,
        vol.Optional("country"): vol.Any(str, [str]),
        vol.Optional("filename"): str,
        vol.Optional("hacs"): str,
        vol.Optional("hide_default_branch"): bool,
        vol.Optional("homeassistant"): str,
        vol.Optional("persistent_directory"): str,
        vol.Optional("render_readme"): bool,
        vol.Optional("zip_release"): bool,
    }
)

# hassfest's services.yaml rules (names and descriptions live in the translations)
FIELD_SCHEMA = vol.Schema(
    {
        vol.Optional("example"): object,
        vol.Optional("default"): object,
        vol.Optional("required"): bool,
        vol.Optional("advanced"): bool,
        vol.Optional("selector"): selector.validate_selector,
        vol.Optional("filter"): dict,
    }
)
SERVICE_SCHEMA = vol.Schema(
    {
        vol.Optional("target"): vol.Any(selector.TargetSelector.CONFIG_SCHEMA, None),
        vol.Optional("fields"): vol.Schema({cv.slug: FIELD_SCHEMA}),
        vol.Optional("response"): {vol.Optional("optional"): bool},
    }
)
SERVICES_SCHEMA = vol.Schema({cv.slug: vol.Any(None, SERVICE_SCHEMA)})

# The quality scale's rules by tier (developers.home-assistant.io, integration quality scale)
RULES = {
    "bronze": {
        "action-setup",
        "appropriate-polling",
        "brands",
        "common-modules",
        "config-flow-test-coverage",
        "config-flow",
        "dependency-transparency",
        "docs-actions",
        "docs-high-level-description",
        "docs-installation-instructions",
        "docs-removal-instructions",
        "entity-event-setup",
        "entity-unique-id",
        "has-entity-name",
        "runtime-data",
        "test-before-configure",
        "test-before-setup",
        "unique-config-entry",
    },
    "silver": {
        "action-exceptions",
        "config-entry-unloading",
        "docs-configuration-parameters",
        "docs-installation-parameters",
        "entity-unavailable",
        "integration-owner",
        "log-when-unavailable",
        "parallel-updates",
        "reauthentication-flow",
        "test-coverage",
    },
    "gold": {
        "devices",
        "diagnostics",
        "discovery-update-info",
        "discovery",
        "docs-data-update",
        "docs-examples",
        "docs-known-limitations",
        "docs-supported-devices",
        "docs-supported-functions",
        "docs-troubleshooting",
        "docs-use-cases",
        "dynamic-devices",
        "entity-category",
        "entity-device-class",
        "entity-disabled-by-default",
        "entity-translations",
        "exception-translations",
        "icon-translations",
        "reconfiguration-flow",
        "repair-issues",
        "stale-devices",
    },
    "platinum": {"async-dependency", "inject-websession", "strict-typing"},
}
TIERS = list(RULES)


def test_manifest() -> None:
    """The keys hassfest wants, in its order: domain, name, then alphabetical."""
    MANIFEST_SCHEMA(MANIFEST)
    keys = list(MANIFEST)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert AwesomeVersion(MANIFEST["version"]).strategy in {
        AwesomeVersionStrategy.SEMVER,
        AwesomeVersionStrategy.CALVER,
        AwesomeVersionStrategy.SIMPLEVER,
        AwesomeVersionStrategy.PEP440,
    }
    for requirement in MANIFEST["requirements"]:
        Requirement(requirement)


def test_hacs_json() -> None:
    """hacs.json has only keys HACS knows, and asks for a Home Assistant we test with."""
    hacs = json.loads((ROOT / "hacs.json").read_text())
    HACS_SCHEMA(hacs)
    pinned = re.search(
        r"^homeassistant==(\S+)$", (ROOT / "requirements_test.txt").read_text(), re.MULTILINE
    )
    assert pinned is not None
    assert AwesomeVersion(hacs["homeassistant"]) <= AwesomeVersion(pinned[1])
    for required in ("README.md", "LICENSE"):
        assert (ROOT / required).is_file(), required
    assert [p.name for p in (ROOT / "custom_components").iterdir() if p.is_dir()] == [DOMAIN]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_brand_images() -> None:
    """As the brands guidelines size them, light and dark.

    Icons are square, 256 px (512 at @2x); a logo's shortest side is 128 to 256 px (256 to 512
    at @2x).
    """
    brand = COMPONENT / "brand"
    for prefix in ("", "dark_"):
        assert png_size(brand / f"{prefix}icon.png") == (256, 256)
        assert png_size(brand / f"{prefix}icon@2x.png") == (512, 512)
        assert 128 <= min(png_size(brand / f"{prefix}logo.png")) <= 256
        assert 256 <= min(png_size(brand / f"{prefix}logo@2x.png")) <= 512


def test_services_yaml() -> None:
    """Slugs for names, valid selectors, and no names or descriptions (they are translated)."""
    SERVICES_SCHEMA(SERVICES)


def selectors() -> Iterator[tuple[str, dict[str, Any]]]:
    for action, description in SERVICES.items():
        for field, spec in ((description or {}).get("fields") or {}).items():
            if "selector" in spec:
                yield f"{action}.{field}", spec["selector"]


def test_translated_select_options() -> None:
    """A select selector with a translation key has a translated label for every option."""
    for where, spec in selectors():
        select = spec.get("select") or {}
        if key := select.get("translation_key"):
            labels = TRANSLATIONS["selector"][key]["options"]
            values = [o if isinstance(o, str) else o["value"] for o in select["options"]]
            assert set(values) <= labels.keys(), where


def keys(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key
            yield from keys(value, f"{path}.{key}" if path else key)


def test_translation_keys() -> None:
    """Every key is lower case, digits, '-' and '_'; no string is empty or padded."""
    for path, key in keys(TRANSLATIONS):
        assert KEY.fullmatch(key), f"{path}: {key!r}"

    def strings(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for value in node.values():
                yield from strings(value)
        else:
            yield node

    for text in strings(TRANSLATIONS):
        assert isinstance(text, str)
        assert text
        assert text == text.strip(), text
        assert "[%key:" not in text, text  # resolved only when core builds its strings


def test_icons_json() -> None:
    """Icons are mdi: names, for entities and actions that exist."""
    for platform, entities in ICONS["entity"].items():
        assert platform in PLATFORMS, platform
        for key, icons in entities.items():
            assert key in TRANSLATIONS["entity"][platform], f"{platform}.{key}"
            assert ICON.fullmatch(icons["default"]), f"{platform}.{key}"
            for state, icon in icons.get("state", {}).items():
                assert KEY.fullmatch(state), f"{platform}.{key}.{state}"
                assert ICON.fullmatch(icon), f"{platform}.{key}.{state}"
    assert ICONS["services"].keys() == SERVICES.keys()
    for action, icon in ICONS["services"].items():
        assert ICON.fullmatch(icon if isinstance(icon, str) else icon["service"]), action


def descriptions() -> Iterator[tuple[str, EntityDescription]]:
    """Every entity the integration can create: the platform tables and every measurand."""
    for platform in PLATFORMS:
        module = importlib.import_module(f"custom_components.{DOMAIN}.{platform}")
        for value in vars(module).values():
            found = value if isinstance(value, tuple) else (value,)
            for description in found:
                if isinstance(description, EntityDescription):
                    yield platform, description
    for measurand in (*MEASURAND_NAMES, "Energy.Apparent.Import.Register"):
        key = measurand_key(measurand)
        for phase in (None, "L1"):
            yield "sensor", measurand_description(key, measurand, phase, None, "kWh")


def test_every_entity_is_named_and_has_an_icon() -> None:
    """A translated name, and an icon: from the device class or icons.json."""
    seen = 0
    for platform, description in descriptions():
        seen += 1
        key = description.translation_key
        where = f"{platform}.{description.key}"
        if key is None:
            assert description.device_class is not None, where  # named after its class
            continue
        assert TRANSLATIONS["entity"][platform][key]["name"], where
        if description.device_class is None:
            assert key in ICONS["entity"].get(platform, {}), f"{where}: no icon"
    assert seen > 60


def test_quality_scale() -> None:
    """Every rule named once with a valid status; the manifest's tier is really met."""
    rules = yaml.safe_load((COMPONENT / "quality_scale.yaml").read_text())["rules"]
    assert rules.keys() == set().union(*RULES.values())
    met = []
    for tier in TIERS:
        statuses = {}
        for rule in RULES[tier]:
            value = rules[rule]
            status = value if isinstance(value, str) else value["status"]
            assert status in {"done", "todo", "exempt"}, rule
            if status == "exempt":
                assert isinstance(value, dict), rule
                assert value.get("comment"), f"{rule}: an exemption says why"
            statuses[rule] = status
        if all(status != "todo" for status in statuses.values()):
            met.append(tier)
        else:
            break
    assert met, "not even bronze"
    assert MANIFEST["quality_scale"] == met[-1], f"claims {MANIFEST['quality_scale']}, meets {met}"


def test_ocpp_is_tested_at_both_ends_of_its_range() -> None:
    """The suite runs on the newest release the manifest admits and, in CI, on the lowest."""
    (requirement,) = (
        Requirement(r) for r in MANIFEST["requirements"] if Requirement(r).name == "ocpp"
    )
    lowest = next(s.version for s in requirement.specifier if s.operator == ">=")
    pinned = re.search(r"^ocpp==(\S+)$", (ROOT / "requirements_test.txt").read_text(), re.MULTILINE)
    assert pinned is not None
    assert pinned[1] in requirement.specifier
    assert lowest != pinned[1]
    workflow = (ROOT / ".github" / "workflows" / "tests.yaml").read_text()
    assert f"ocpp=={lowest}" in workflow


@pytest.mark.parametrize("workflow", ["validate.yaml", "tests.yaml"], ids=["validate", "tests"])
def test_github_workflows(workflow: str) -> None:
    """The validators HACS integrations run, and the suite, on every push."""
    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / workflow).read_text())["jobs"]
    uses = {step.get("uses", "").split("@")[0] for job in jobs.values() for step in job["steps"]}
    runs = " ".join(step.get("run", "") for job in jobs.values() for step in job["steps"])
    if workflow == "validate.yaml":
        assert {"home-assistant/actions/hassfest", "hacs/action"} <= uses
    else:
        assert ".ci/run" in runs
