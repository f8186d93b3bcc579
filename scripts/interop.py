"""An independent OCPP client against a live central system: scripts/interop.

Starts a fresh Home Assistant (``scripts/develop``) with a central system that accepts new
chargers, then runs ``scripts/ocpp_rpc/ocpp_rpc_client.js`` for OCPP 1.6 and for 2.0.1. That
client is ocpp-rpc (Node.js) in strict mode: it validates every message, both ways, against
the official OCPP JSON schemas, a different implementation from the Python ``ocpp`` library
the test suite uses. It boots, reports status, authorizes, charges with meter values, receives
commands sent by Home Assistant actions, and checks the entities. Exits non-zero on any
failure.
"""

from __future__ import annotations

import asyncio
import os
import sys

import aiohttp
from live import ROOT, free_port, home_assistant

CLIENT = ROOT / "scripts" / "ocpp_rpc" / "ocpp_rpc_client.js"
CHARGERS = (("RPC-16", "1.6"), ("RPC-201", "2.0.1"))


async def run() -> int:
    """Both versions against one central system; the number of clients that failed."""
    ocpp_port = free_port()
    failed = 0
    async with aiohttp.ClientSession() as http, home_assistant(http) as api:
        created = await api.flow(
            "ocpp_csms", {"host": "127.0.0.1", "port": ocpp_port, "auto_accept": True}
        )
        print(f"central system: {created['title']}")
        env = {**os.environ, "HA_URL": api.base, "HA_TOKEN": api.tokens["access_token"]}
        for cp_id, version in CHARGERS:
            client = await asyncio.create_subprocess_exec(
                "node", str(CLIENT), f"ws://127.0.0.1:{ocpp_port}", cp_id, version, env=env
            )
            failed += await client.wait() != 0
    return failed


def main() -> None:
    """Command line entry point."""
    failed = asyncio.run(run())
    print("interop: all passed" if not failed else f"interop: {failed} client(s) failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
