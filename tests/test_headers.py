"""The handshake headers the server reads itself: Basic credentials and subprotocols."""

from __future__ import annotations

import base64

from hypothesis import given, strategies as st
import pytest

from custom_components.ocpp_csms.core.headers import (
    InvalidCredentialsError,
    basic_challenge,
    parse_basic_credentials,
    parse_subprotocols,
)


def basic(raw: bytes, scheme: str = "Basic") -> str:
    return f"{scheme} {base64.b64encode(raw).decode()}"


@given(user=st.text().filter(lambda u: ":" not in u), password=st.text())
def test_any_utf8_credentials_read_back(user: str, password: str) -> None:
    """Whatever a charger's id and password, they are read as sent (the password may hold ':')."""
    assert parse_basic_credentials(basic(f"{user}:{password}".encode())) == (user, password)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer abc",
        "Basic",
        "Basic !!!notbase64",
        basic(b"no colon here"),
        "",
    ],
)
def test_what_is_not_basic_credentials(header: str) -> None:
    with pytest.raises(InvalidCredentialsError):
        parse_basic_credentials(header)


def test_scheme_is_case_insensitive() -> None:
    assert parse_basic_credentials(basic(b"CP1:pw", "bAsIc")) == ("CP1", "pw")


def test_credentials_that_are_not_utf8() -> None:
    with pytest.raises(UnicodeDecodeError):
        parse_basic_credentials(basic(b"CP1:\xff\xfe"))


@pytest.mark.parametrize(
    ("header", "offered"),
    [
        ("ocpp2.0.1, ocpp1.6", ["ocpp2.0.1", "ocpp1.6"]),
        ("ocpp1.6", ["ocpp1.6"]),
        ("  ocpp1.6  ,ocpp2.0.1", ["ocpp1.6", "ocpp2.0.1"]),
    ],
)
def test_subprotocols(header: str, offered: list[str]) -> None:
    assert parse_subprotocols(header) == offered


@pytest.mark.parametrize("header", ["", ",", "ocpp1.6,,ocpp2.0.1", "ocpp 1.6", "ocpp1.6;q=1"])
def test_malformed_subprotocols(header: str) -> None:
    with pytest.raises(ValueError, match="malformed"):
        parse_subprotocols(header)


def test_challenge() -> None:
    assert basic_challenge("OCPP") == 'Basic realm="OCPP", charset="UTF-8"'
