"""The WebSocket listener: TLS, OCPP subprotocol negotiation and charge point ids from paths."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from http import HTTPStatus
import logging
import re
import ssl
from urllib.parse import unquote, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.frames import CloseCode
from websockets.http11 import Request, Response
from websockets.typing import Subprotocol

from .admission import Admission
from .const import MAX_FRAME_BYTES, PING_INTERVAL, PING_TIMEOUT
from .credentials import Refused
from .frame_log import QuietFrames
from .headers import basic_challenge, parse_subprotocols

_LOGGER = logging.getLogger(__name__)

# Ids end up in entity ids, unique ids and Basic-auth user names: keep them short and plain.
CHARGE_POINT_ID = re.compile(r"[A-Za-z0-9._~*+@|-]{1,48}")

# A charger's id and connection, and what to call when it boots (for ids nobody added).
type ConnectionHandler = Callable[[str, ServerConnection, Callable[[], None]], Awaitable[None]]
# (charge point id, Authorization headers, remote address) → None, or how to refuse it
type Authenticator = Callable[[str, list[str], str], Refused | None]
# charge point id → the only subprotocol it may speak, or None for its own preference
type VersionPin = Callable[[str], str | None]
# charge point id → the name of the other central system that serves it, if one does
type OtherCentral = Callable[[str], str | None]


def charge_point_id_from_path(path: str) -> str | None:
    """Return the charge point id (last path segment) or None when it is not acceptable."""
    segment = unquote(urlsplit(path).path.rstrip("/").rsplit("/", 1)[-1])
    return segment if CHARGE_POINT_ID.fullmatch(segment) else None


def _address(connection: ServerConnection) -> str:
    return str(connection.remote_address[0]) if connection.remote_address else "?"


def _offered_subprotocols(request: Request) -> list[str]:
    offered: list[str] = []
    for value in request.headers.get_all("Sec-WebSocket-Protocol"):
        try:
            offered.extend(parse_subprotocols(value))
        except ValueError:
            continue  # an empty or broken header offers nothing: treated as 1.6
    return offered


# The TLS 1.2 suites OCPP security profiles 2 and 3 require (A00.FR.318, A00.FR.421), and no
# others: the two ECDSA ones for an EC certificate, the two RSA ones for an RSA certificate.
OCPP_TLS12_CIPHERS = (
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "AES128-GCM-SHA256:AES256-GCM-SHA384"
)


def create_ssl_context(certfile: str, keyfile: str | None) -> ssl.SSLContext:
    """Server TLS context from PEM files (blocking: run it in the executor).

    TLS 1.2 with the suites OCPP requires, or TLS 1.3.
    """
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(OCPP_TLS12_CIPHERS)
    context.load_cert_chain(certfile, keyfile or None)
    return context


class OcppServer:
    """Accepts charger connections on one host/port and hands each to ``on_connection``."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        subprotocols: Sequence[str],
        default_subprotocol: str,
        on_connection: ConnectionHandler,
        authenticate: Authenticator,
        pinned_version: VersionPin,
        served_elsewhere: OtherCentral,
        is_known: Callable[[str], bool],
    ) -> None:
        """Describe the listener; nothing is bound until :meth:`async_start`."""
        self.host = host
        self.port = port
        self._subprotocols = [Subprotocol(name) for name in subprotocols]
        self._default_subprotocol = default_subprotocol
        self._on_connection = on_connection
        self._authenticate = authenticate
        self._pinned_version = pinned_version
        self._served_elsewhere = served_elsewhere
        self._admission = Admission(is_known)
        self._closing: set[asyncio.Task[None]] = set()
        self._warned_elsewhere: set[str] = set()
        self._server: Server | None = None

    async def async_start(self, ssl_context: ssl.SSLContext | None = None) -> None:
        """Bind and listen (TLS when given a context); OSError when the port is taken."""
        self._server = await serve(
            self._handle,
            self.host or None,
            self.port,
            subprotocols=self._subprotocols,
            select_subprotocol=self._select_subprotocol,
            process_request=self._check_request,
            ping_interval=PING_INTERVAL,
            ping_timeout=PING_TIMEOUT,
            max_size=MAX_FRAME_BYTES,
            compression=None,
            ssl=ssl_context,
            logger=QuietFrames(logging.getLogger("websockets.server")),
        )
        _LOGGER.info(
            "OCPP central system listening on %s://%s:%s",
            "wss" if ssl_context else "ws",
            self.host,
            self.port,
        )

    async def async_stop(self) -> None:
        """Close every connection and free the port."""
        if self._server is None:
            return
        self._server.close()
        await self._server.wait_closed()
        self._server = None

    def _select_subprotocol(
        self, connection: ServerConnection, offered: Sequence[Subprotocol]
    ) -> Subprotocol | None:
        cp_id = charge_point_id_from_path(connection.request.path)  # type: ignore[union-attr]
        return self._first_supported(offered, cp_id and self._pinned_version(cp_id))

    def _first_supported(self, offered: Sequence[str], pinned: str | None) -> Subprotocol | None:
        # The charger's preference order wins, unless the user pinned its version.
        supported: Sequence[str] = self._subprotocols
        if pinned is not None:
            supported = (pinned,)
        return next((Subprotocol(name) for name in offered if name in supported), None)

    def _refuse_version(
        self, connection: ServerConnection, offered: list[str], pinned: str | None
    ) -> bool:
        """Whether the charger offers nothing it may speak (offering nothing means 1.6)."""
        if not offered:
            return pinned not in (None, self._default_subprotocol)
        return self._first_supported(offered, pinned) is None

    async def _check_request(
        self, connection: ServerConnection, request: Request
    ) -> Response | None:
        """Refuse bad paths, unsupported versions and bad credentials before the handshake."""
        if (cp_id := charge_point_id_from_path(request.path)) is None:
            _LOGGER.warning(
                "Refused %s: no valid charge point id in path %.100r",
                connection.remote_address,
                request.path,
            )
            return connection.respond(HTTPStatus.NOT_FOUND, "Unknown charge point path\n")
        if (refusal := self._refusal(connection, request, cp_id)) is not None:
            return refusal
        return await self._check_credentials(connection, request, cp_id)

    def _refusal(
        self, connection: ServerConnection, request: Request, cp_id: str
    ) -> Response | None:
        """A charger served elsewhere, in a version it may not speak, or one too many."""
        if (other := self._served_elsewhere(cp_id)) is not None:
            self._refuse_elsewhere(connection, cp_id, other)
            return connection.respond(HTTPStatus.NOT_FOUND, "Unknown charge point\n")
        offered = _offered_subprotocols(request)
        pinned = self._pinned_version(cp_id)
        if self._refuse_version(connection, offered, pinned):
            _LOGGER.warning(
                "Refused %s (%s): it speaks %s; %s",
                connection.remote_address,
                cp_id,
                ", ".join(offered) or self._default_subprotocol,
                f"it is set to speak {pinned}"
                if pinned
                else f"supported: {', '.join(self._subprotocols)}",
            )
            return connection.respond(HTTPStatus.BAD_REQUEST, "Unsupported OCPP version\n")
        if not self._admission.has_room(cp_id, _address(connection)):
            return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, "Too many connections\n")
        return None

    async def _check_credentials(
        self, connection: ServerConnection, request: Request, cp_id: str
    ) -> Response | None:
        authorization = request.headers.get_all("Authorization")
        if (refused := self._authenticate(cp_id, authorization, _address(connection))) is None:
            return None
        await asyncio.sleep(refused.delay)  # repeated guesses from one address slow down
        if refused.status == HTTPStatus.BAD_REQUEST:
            return connection.respond(HTTPStatus.BAD_REQUEST, "Malformed Authorization\n")
        response = connection.respond(HTTPStatus.UNAUTHORIZED, "Unauthorized\n")
        response.headers["WWW-Authenticate"] = basic_challenge("OCPP")
        return response

    def _refuse_elsewhere(self, connection: ServerConnection, cp_id: str, other: str) -> None:
        # Once per charger: it retries every few seconds. (The ids are of configured chargers.)
        log = _LOGGER.debug if cp_id in self._warned_elsewhere else _LOGGER.warning
        self._warned_elsewhere.add(cp_id)
        log(
            "Refused %s (%s) on port %s: it is a charger of %s, and a charge point is served "
            "by one central system only",
            connection.remote_address,
            cp_id,
            self.port,
            other,
        )

    async def _handle(self, connection: ServerConnection) -> None:
        cp_id = charge_point_id_from_path(connection.request.path)  # type: ignore[union-attr]
        assert cp_id is not None  # checked during the handshake  # noqa: S101
        place = self._admission.opened(
            cp_id, _address(connection), lambda: self._close_soon(connection)
        )
        if place is None:
            await connection.close(CloseCode.TRY_AGAIN_LATER, "Too many connections")
            return
        try:
            await self._on_connection(cp_id, connection, place.boot)
        finally:
            self._admission.closed(place)

    def _close_soon(self, connection: ServerConnection) -> None:
        """Close a connection pushed out to make room (it may connect again later)."""
        task = asyncio.get_running_loop().create_task(
            connection.close(CloseCode.TRY_AGAIN_LATER, "Room made for another charger")
        )
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def subprotocol_of(self, connection: ServerConnection) -> str:
        """The negotiated OCPP version of a connection."""
        return connection.subprotocol or self._default_subprotocol
