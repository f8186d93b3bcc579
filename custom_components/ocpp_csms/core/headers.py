"""The HTTP headers of the WebSocket handshake the server reads and writes itself.

Basic credentials (RFC 7617), the offered subprotocols (RFC 6455 §4.1) and the challenge of a
401. Written here rather than taken from ``websockets.headers``, which is not public API.
"""

from __future__ import annotations

import base64
import binascii
import re

# RFC 7230 token: what a subprotocol name may consist of.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


class InvalidCredentialsError(ValueError):
    """Not Basic credentials: another scheme, broken base64, or no ``user:password``."""


def parse_basic_credentials(header: str) -> tuple[str, str]:
    """User name and password of a Basic ``Authorization`` header.

    Raises InvalidCredentialsError for anything but Basic credentials, and UnicodeDecodeError for
    credentials that are not UTF-8.
    """
    scheme, _, token = header.strip().partition(" ")
    if scheme.casefold() != "basic" or not token.strip():
        raise InvalidCredentialsError("not Basic credentials")
    try:
        decoded = base64.b64decode(token.strip(), validate=True)
    except binascii.Error as err:
        raise InvalidCredentialsError("credentials are not base64") from err
    user, colon, password = decoded.decode().partition(":")
    if not colon:
        raise InvalidCredentialsError("credentials have no user:password")
    return user, password


def parse_subprotocols(header: str) -> list[str]:
    """The subprotocols one ``Sec-WebSocket-Protocol`` header offers, in order.

    Raises ValueError for an empty or malformed header.
    """
    offered = [item.strip() for item in header.split(",")]
    if not offered or not all(_TOKEN.fullmatch(item) for item in offered):
        raise ValueError(f"malformed Sec-WebSocket-Protocol: {header!r}")
    return offered


def basic_challenge(realm: str) -> str:
    """The ``WWW-Authenticate`` value asking for Basic credentials in UTF-8."""
    return f'Basic realm="{realm}", charset="UTF-8"'
