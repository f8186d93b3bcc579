"""Screenshots of what a user sees, taken in headless Chromium: scripts/screenshots [--out DIR].

Starts a fresh Home Assistant with ``scripts/develop`` (in a temporary configuration directory),
onboards it, sets up a central system, connects ``scripts/simulate``, and photographs the
setup dialog, the discovered charger and its acceptance dialog (submitted in the browser), the
device page, the charging plan and the action form. The images go to
``docs/images`` (the README shows them). A page that shows "Translation error" fails the run.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta
import json
from pathlib import Path
import shutil
import sys
import tempfile
from typing import Any

import aiohttp
from homeassistant.util import dt as dt_util
from live import CLIENT_ID, ROOT, HomeAssistantApi, free_port, home_assistant, process, wait_for
from playwright.async_api import Page, async_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CP_ID = "SIM-1"
VIEWPORT = {"width": 1280, "height": 1000}


async def log_in(page: Page, api: HomeAssistantApi) -> None:
    """Hand the browser the owner's tokens, as the login page would."""
    tokens = {
        **api.tokens,
        "hassUrl": api.base,
        "clientId": CLIENT_ID,
        "expires": (dt_util.utcnow() + timedelta(hours=1)).timestamp() * 1000,
    }
    await page.add_init_script(
        f"localStorage.setItem('hassTokens', {json.dumps(json.dumps(tokens))})"
    )


async def shoot(page: Page, path: str, out: Path, name: str, **options: Any) -> Path:
    """Open a page, let it settle and save it; fail on any translation error shown."""
    if path:
        await page.goto(path)
    await page.wait_for_load_state("networkidle")
    await page.wait_for_timeout(2500)
    image = out / f"{name}.png"
    await page.screenshot(path=str(image), **options)
    text = await page.evaluate(
        "() => { const seen = []; const walk = n => { if (n.shadowRoot) walk(n.shadowRoot);"
        " for (const c of n.childNodes) { if (c.nodeType === 3) seen.push(c.textContent);"
        " else walk(c); } }; walk(document.body); return seen.join(' '); }"
    )
    if "Translation error" in text:
        raise SystemExit(f"{name}: the page shows a translation error")
    print(f"{name}: {image.relative_to(ROOT) if image.is_relative_to(ROOT) else image}")
    return image


async def more_info(page: Page, entity_id: str) -> None:
    """Open an entity's more-info dialog, as a click on it would."""
    await page.evaluate(
        "entityId => document.querySelector('home-assistant').dispatchEvent(new CustomEvent("
        "'hass-more-info', {detail: {entityId}, bubbles: true, composed: true}))",
        entity_id,
    )


# A winter day-ahead curve (per kWh, by hour of day): cheap at night, dear at the evening peak.
DAY_AHEAD = [
    0.14, 0.12, 0.11, 0.10, 0.10, 0.12, 0.18, 0.27, 0.30, 0.25, 0.21, 0.19,
    0.18, 0.18, 0.20, 0.23, 0.29, 0.36, 0.38, 0.34, 0.28, 0.22, 0.18, 0.16,
]  # fmt: skip


def day_ahead_prices() -> list[dict[str, Any]]:
    """Hourly prices for the next 24 hours."""
    start = dt_util.now().replace(minute=0, second=0, microsecond=0)
    hours = [start + timedelta(hours=hour) for hour in range(24)]
    return [{"start": hour.isoformat(), "price": DAY_AHEAD[hour.hour]} for hour in hours]


async def take(out: Path) -> None:
    """Start Home Assistant, set it up as a new user would, and photograph it on the way."""
    ocpp_port = free_port()
    simulator = ("scripts/simulate", "--url", f"ws://127.0.0.1:{ocpp_port}", "--id", CP_ID)
    async with (
        aiohttp.ClientSession() as http,
        home_assistant(http) as api,
        async_playwright() as playwright,
    ):
        await api.flow("ocpp_csms", {"host": "127.0.0.1", "port": ocpp_port})
        browser = await playwright.chromium.launch(executable_path=CHROMIUM)
        page = await browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
        await log_in(page, api)
        integration = f"{api.base}/config/integrations/integration/ocpp_csms"
        await page.goto(integration)
        await page.get_by_role("button", name="Add hub").click()
        await shoot(page, "", out, "setup")
        await page.keyboard.press("Escape")

        async with process("simulator", *simulator, "--duration", "3600", "--interval", "5"):
            await wait_for("the discovered charger", api.discovered)
            await shoot(page, integration, out, "discovered")
            await page.get_by_role("button", name="Add", exact=True).click()
            await shoot(page, "", out, "accept")
            await page.get_by_role("button", name="Submit").click()
            await charging_pictures(page, api, out)
        await browser.close()


async def charging_pictures(page: Page, api: HomeAssistantApi, out: Path) -> None:
    """The accepted charger charging, a plan for tonight, and the action that made it."""
    status = f"sensor.{CP_ID.lower().replace('-', '_')}_status"
    await wait_for("the charger to charge", lambda: _charging(api, status), 180)
    device_id = await api.template(f"{{{{ device_id('{status}') }}}}")
    plan = {"device_id": device_id, "energy_kwh": 12, "ready_by": "07:00"}
    await api.request(
        "POST",
        "/api/services/ocpp_csms/plan_charging?return_response",
        json={**plan, "prices": day_ahead_prices()},
    )
    await page.wait_for_timeout(6000)  # a few meter values on the device page
    await page.set_viewport_size({"width": 1280, "height": 1500})
    await shoot(page, f"{api.base}/config/devices/device/{device_id}", out, "device")
    await page.set_viewport_size(VIEWPORT)  # type: ignore[arg-type]
    await more_info(page, status.replace("_status", "_charging_plan"))
    await page.wait_for_timeout(500)
    await page.get_by_text("Attributes").click()
    await shoot(page, "", out, "charging-plan")

    await page.evaluate(
        "data => localStorage.setItem('panel-dev-action-state-service-data', data)",
        json.dumps({"action": "ocpp_csms.plan_charging", "target": {}, "data": plan}),
    )
    await page.set_viewport_size({"width": 1280, "height": 1300})
    await shoot(page, f"{api.base}/developer-tools/action", out, "action")


async def _charging(api: HomeAssistantApi, entity_id: str) -> bool:
    state = await api.state(entity_id)
    return state is not None and state["state"] == "charging"


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs/images", help="where to save")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        asyncio.run(take(args.out.resolve()))
    except TimeoutError as err:
        sys.exit(f"scripts/screenshots: {err} (see the logs in {tempfile.gettempdir()})")


if __name__ == "__main__":
    main()
