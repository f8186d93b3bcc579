"""wss:// with the configured certificate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from pathlib import Path
import ssl
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from ocpp.v16 import call
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import websockets
from websockets.exceptions import InvalidStatus
from websockets.headers import build_authorization_basic

from custom_components.ocpp_csms.const import CONF_SSL, CONF_SSL_CERTFILE, CONF_SSL_KEYFILE, DOMAIN

from .charge_point import ClientChargePoint
from .conftest import charger_subentry


def make_certificate(folder: Path, kind: str = "ec") -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, with an EC or an RSA key."""
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey = (
        ec.generate_private_key(ec.SECP256R1())
        if kind == "ec"
        else rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


async def test_wss(hass: HomeAssistant, port: int, tmp_path: Path) -> None:
    """Security profile 2: over wss:// with its password a charger boots; without, it is refused."""
    cert, key = await hass.async_add_executor_job(make_certificate, tmp_path)
    entry = await start_tls_central(hass, port, cert, key, password="correct horse battery")

    client_context = ssl.create_default_context(cafile=str(cert))
    with pytest.raises(InvalidStatus) as refused:
        await websockets.connect(
            f"wss://127.0.0.1:{port}/CP1", subprotocols=["ocpp1.6"], ssl=client_context
        )
    assert refused.value.response.status_code == HTTPStatus.UNAUTHORIZED
    async with websockets.connect(
        f"wss://127.0.0.1:{port}/CP1",
        subprotocols=["ocpp1.6"],
        ssl=client_context,
        additional_headers={
            "Authorization": build_authorization_basic("CP1", "correct horse battery")
        },
    ) as ws:
        cp = ClientChargePoint("CP1", ws)
        listener = hass.async_create_background_task(cp.start(), "client")
        result = await cp.call(
            call.BootNotification(charge_point_vendor="V", charge_point_model="M")
        )
        assert result.status == "Accepted"
        listener.cancel()
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_broken_certificate_fails_setup(
    hass: HomeAssistant, port: int, tmp_path: Path
) -> None:
    """A certificate that no longer loads stops setup with a clear error instead of retrying."""
    bogus = tmp_path / "cert.pem"
    bogus.write_text("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")
    entry = tls_entry(port, bogus)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR


def tls_entry(
    port: int, cert: Path, key: Path | None = None, *subentries: dict[str, Any]
) -> MockConfigEntry:
    """A central system on wss:// with these certificate and key files and chargers."""
    data: dict[str, Any] = {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: port,
        CONF_SSL: True,
        CONF_SSL_CERTFILE: str(cert),
    }
    if key is not None:
        data[CONF_SSL_KEYFILE] = str(key)
    return MockConfigEntry(domain=DOMAIN, data=data, subentries_data=list(subentries))


async def start_tls_central(
    hass: HomeAssistant, port: int, cert: Path, key: Path, **charger_data: Any
) -> MockConfigEntry:
    """A central system on wss:// with charger CP1 (``charger_data``: its settings)."""
    entry = tls_entry(port, cert, key, charger_subentry("CP1", **charger_data))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def tls12_client(cert: Path, suite: str) -> ssl.SSLContext:
    """A charger that speaks TLS 1.2 with one cipher suite only."""
    context = ssl.create_default_context(cafile=str(cert))
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(suite)
    return context


@pytest.mark.parametrize(
    ("kind", "suite"),
    [
        ("ec", "ECDHE-ECDSA-AES128-GCM-SHA256"),
        ("ec", "ECDHE-ECDSA-AES256-GCM-SHA384"),
        ("rsa", "AES128-GCM-SHA256"),
        ("rsa", "AES256-GCM-SHA384"),
    ],
)
async def test_every_suite_ocpp_requires(
    hass: HomeAssistant, port: int, tmp_path: Path, kind: str, suite: str
) -> None:
    """A charger limited to one of OCPP's four TLS 1.2 suites connects with it."""
    cert, key = await hass.async_add_executor_job(make_certificate, tmp_path, kind)
    entry = await start_tls_central(hass, port, cert, key)
    client = await hass.async_add_executor_job(tls12_client, cert, suite)
    async with websockets.connect(
        f"wss://127.0.0.1:{port}/CP1", subprotocols=["ocpp1.6"], ssl=client
    ) as ws:
        cipher = ws.transport.get_extra_info("cipher")
        assert cipher[0] == suite
        assert cipher[1] == "TLSv1.2"
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_suites_ocpp_does_not_name_are_refused(
    hass: HomeAssistant, port: int, tmp_path: Path
) -> None:
    """A TLS 1.2 charger offering only suites outside OCPP's list cannot connect."""
    cert, key = await hass.async_add_executor_job(make_certificate, tmp_path, "rsa")
    entry = await start_tls_central(hass, port, cert, key)
    # As in production: asyncio reports a refused handshake to the loop only in debug mode.
    hass.loop.set_debug(False)
    try:
        for suite in ("ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-CHACHA20-POLY1305"):
            client = await hass.async_add_executor_job(tls12_client, cert, suite)
            with pytest.raises((ssl.SSLError, ConnectionError)):  # refused in the handshake
                await websockets.connect(
                    f"wss://127.0.0.1:{port}/CP1", subprotocols=["ocpp1.6"], ssl=client
                )
    finally:
        hass.loop.set_debug(True)
    assert await hass.config_entries.async_unload(entry.entry_id)
