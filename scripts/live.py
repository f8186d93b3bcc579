"""A real Home Assistant for scripts: started with scripts/develop, onboarded, driven over its API.

``scripts/screenshots`` and ``scripts/interop`` use it to try the integration as a user would.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import tempfile
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
CLIENT_ID = "http://127.0.0.1/"
# Day-ahead prices are a European thing: times as Europe reads them.
LOCALE = {
    "language": "en",
    "number_format": "language",
    "time_format": "24",
    "date_format": "DMY",
    "time_zone": "local",
    "first_weekday": "monday",
}
CONFIGURATION = """\
frontend:
config:
history:
logbook:
energy:
recorder:
system_health:
http:
  server_host: 127.0.0.1
  server_port: {port}
logger:
  default: warning
"""


def free_port() -> int:
    """A port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def wait_for(what: str, check: Callable[[], Awaitable[Any]], seconds: float = 120) -> Any:
    """Poll ``check`` until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        with contextlib.suppress(aiohttp.ClientError, KeyError, StopIteration):
            if result := await check():
                return result
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"waited {seconds:.0f} s for {what}")
        await asyncio.sleep(1)


@contextlib.asynccontextmanager
async def process(name: str, *args: str, env: dict[str, str] | None = None) -> AsyncIterator[None]:
    """Run a script for the duration of the block; its output goes to a log file."""
    log = Path(tempfile.gettempdir()) / f"ocpp-live-{name}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: ASYNC220, S603 - our own scripts, stopped below
            args, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=out
        )
        print(f"{name}: started (log: {log})")
        try:
            yield
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


class HomeAssistantApi:
    """Just enough of Home Assistant's REST API to onboard and drive it."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        """Talk to the Home Assistant at ``base``."""
        self.http = http
        self.base = base
        self.tokens: dict[str, Any] = {}

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """One REST call, with the owner's token once there is one; the decoded answer."""
        headers = {}
        if self.tokens:
            headers["Authorization"] = f"Bearer {self.tokens['access_token']}"
        async with self.http.request(
            method, f"{self.base}{path}", headers=headers, **kwargs
        ) as response:
            response.raise_for_status()
            if response.content_type == "application/json":
                return await response.json()
            return await response.text()

    async def onboard(self) -> None:
        """Create the owner, log in and finish every onboarding step."""
        user = await self.request(
            "POST",
            "/api/onboarding/users",
            json={
                "client_id": CLIENT_ID,
                "name": "Owner",
                "username": "owner",
                "password": "screenshots",
                "language": "en",
            },
        )
        self.tokens = await self.request(
            "POST",
            "/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": user["auth_code"],
                "client_id": CLIENT_ID,
            },
        )
        await self.request("POST", "/api/onboarding/core_config")
        await self.request("POST", "/api/onboarding/analytics")
        await self.request(
            "POST",
            "/api/onboarding/integration",
            json={"client_id": CLIENT_ID, "redirect_uri": CLIENT_ID},
        )
        await self.command({"type": "frontend/set_user_data", "key": "language", "value": LOCALE})

    async def flow(self, handler: str, data: dict[str, Any]) -> dict[str, Any]:
        """Run a one-step config flow."""
        started = await self.request(
            "POST", "/api/config/config_entries/flow", json={"handler": handler}
        )
        result: dict[str, Any] = await self.request(
            "POST", f"/api/config/config_entries/flow/{started['flow_id']}", json=data
        )
        return result

    async def command(self, message: dict[str, Any]) -> Any:
        """One command over the WebSocket API (what the REST API does not offer)."""
        async with self.http.ws_connect(f"{self.base}/api/websocket") as ws:
            await ws.receive_json()  # auth_required
            await ws.send_json({"type": "auth", "access_token": self.tokens["access_token"]})
            await ws.receive_json()  # auth_ok
            await ws.send_json({"id": 1, **message})
            answer = await ws.receive_json()
            if not answer["success"]:
                raise RuntimeError(f"{message['type']}: {answer['error']}")
            return answer["result"]

    async def discovered(self) -> str | None:
        """The flow id offering the simulated charger, once it is there."""
        flows = await self.command({"type": "config_entries/flow/progress"})
        return next(
            (
                flow["flow_id"]
                for flow in flows
                if flow["handler"] == "ocpp_csms"
                and flow["context"].get("source") == "integration_discovery"
            ),
            None,
        )

    async def state(self, entity_id: str) -> dict[str, Any] | None:
        """An entity's state, or None while it does not exist."""
        with contextlib.suppress(aiohttp.ClientResponseError):
            state: dict[str, Any] = await self.request("GET", f"/api/states/{entity_id}")
            return state
        return None

    async def template(self, template: str) -> str:
        """Render a template (how the REST API tells a device's id)."""
        rendered: str = await self.request("POST", "/api/template", json={"template": template})
        return rendered


@contextlib.asynccontextmanager
async def home_assistant(http: aiohttp.ClientSession) -> AsyncIterator[HomeAssistantApi]:
    """A fresh, onboarded Home Assistant in a temporary configuration directory."""
    port = free_port()
    config = Path(tempfile.mkdtemp(prefix="ocpp-live-"))
    (config / "configuration.yaml").write_text(CONFIGURATION.format(port=port))
    try:
        async with process("home-assistant", "scripts/develop", env={"CONFIG_DIR": str(config)}):
            api = HomeAssistantApi(http, f"http://127.0.0.1:{port}")
            await wait_for("Home Assistant", lambda: api.request("GET", "/api/onboarding"), 300)
            await api.onboard()
            yield api
    finally:
        shutil.rmtree(config, ignore_errors=True)
