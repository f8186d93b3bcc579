"""One charger's OCPP-J session on top of the ``ocpp`` library's ChargePoint.

The library routes CALLs to ``@on`` handlers, validates payloads against the OCPP schemas and
matches CALLRESULTs to our CALLs. This layer adds what a server facing real chargers needs:
every malformed frame is answered with the right CALLERROR instead of being dropped, a charger
that is not accepted may only boot, stray CALLRESULTs are ignored without piling up, and
outbound calls raise the neutral :mod:`.interface` errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import json
import logging
from typing import Any, Literal
import uuid

from ocpp.exceptions import (
    FormatViolationError,
    OCPPError,
    SecurityError,
    UnknownCallErrorCodeError,
)
from ocpp.messages import Call, CallError, MessageType, unpack, validate_payload
from websockets.exceptions import ConnectionClosed

from ..capabilities import BootInfo
from . import schemas
from .errors import (
    ChargerCallError,
    ChargerDisconnectedError,
    ChargerTimeoutError,
    CommandRejectedError,
    InvalidRequestError,
)
from .interface import ChargePointCommands, ChargePointHandler
from .ocpp_library import LibraryChargePoint, call_payload, on
from .outgoing import DataTransferAnswer
from .wire import format_timestamp, utc_now

_LOGGER = logging.getLogger(__name__)

# OCPP-J: when the message id of a frame cannot be read, answer with this id.
UNKNOWN_MESSAGE_ID = "-1"

# Told about every frame, in and out (for the charger's diagnostics).
type FrameObserver = Callable[[Literal["received", "sent"], str | bytes], None]


class OcppSession(LibraryChargePoint, ChargePointCommands):
    """Base of the per-version adapters; ``handler`` is the central system's side."""

    boot_action = "BootNotification"

    def __init__(
        self,
        cp_id: str,
        connection: Any,
        handler: ChargePointHandler,
        *,
        response_timeout: float,
        on_frame: FrameObserver,
        log: logging.Logger | logging.LoggerAdapter[logging.Logger] = _LOGGER,
    ) -> None:
        """Bind a connection to the handler that applies its messages.

        ``log`` is what the ocpp library logs frames and failures through (it logs every frame
        at INFO): the central system hands in one that keeps frames at DEBUG and redacted.
        """
        super().__init__(cp_id, connection, response_timeout=response_timeout, logger=log)
        self.handler = handler
        self._websocket = connection
        self._on_frame = on_frame
        self._outstanding: set[str] = set()  # ids of our CALLs waiting for an answer
        self._closed = asyncio.Event()

    async def start(self) -> None:
        """Serve the connection until it closes; calls still waiting for an answer fail then."""
        try:
            await super().start()
        finally:
            self._closed.set()

    @classmethod
    def read_schemas(cls) -> None:
        """Read the schemas of every CALL the adapter takes (blocking: run it in a thread).

        Afterwards validating a CALL in the event loop never reads a file.
        """
        actions = (getattr(getattr(cls, name), "_on_action", None) for name in dir(cls))
        schemas.compile_calls(cls.ocpp_version, [action for action in actions if action])

    async def route_message(self, raw_msg: str | bytes) -> None:
        """Route one frame; answer anything unroutable with a CALLERROR."""
        self._on_frame("received", raw_msg)
        try:
            msg = unpack(raw_msg)
        except OCPPError as error:
            await self._answer_unparseable(raw_msg, error)
            return
        except RecursionError:
            too_deep = FormatViolationError(description="Message is nested too deeply")
            await self._answer_unparseable(raw_msg, too_deep)
            return

        if msg.message_type_id == MessageType.Call:
            await self._route_call(msg)
        elif isinstance(msg.unique_id, str) and msg.unique_id in self._outstanding:
            self.deliver_answer(msg)
        else:
            # A late answer, or one to nothing we asked: ignored, as OCPP-J says.
            self.logger.debug("ignoring an answer to no pending call: %.200s", raw_msg)

    async def _route_call(self, msg: Call) -> None:
        if not (isinstance(msg.unique_id, str) and msg.unique_id and isinstance(msg.action, str)):
            await self._send_error(
                _message_id(msg.unique_id),
                FormatViolationError(description="Message id and action must be strings"),
            )
            return
        if not isinstance(msg.payload, dict):
            await self._send_error(
                msg.unique_id, FormatViolationError(description="Payload must be an object")
            )
            return
        if msg.action != self.boot_action and not self.handler.accepted:
            await self._send_error(
                msg.unique_id,
                SecurityError(description="Charge point is not accepted; send a BootNotification"),
            )
            return
        self.handler.heard(msg.action)
        try:
            if self.handles(msg.action):
                # Validated here, in the event loop, with schemas compiled beforehand
                # (read_schemas): see .schemas.
                schemas.check_call(self.ocpp_version, msg.action, msg.payload)
            self.check_call(msg.action, msg.payload)
            await self.dispatch_call(msg)
        except OCPPError as error:
            _LOGGER.debug("%s: %s rejected: %s", self.id, msg.action, error)
            await self._send_error(msg.unique_id, error)

    async def _answer_unparseable(self, raw_msg: str | bytes, error: OCPPError) -> None:
        self.logger.debug("unparseable frame (%s): %.200s", error, raw_msg)
        message_id = UNKNOWN_MESSAGE_ID
        try:
            frame = json.loads(raw_msg)
        except (ValueError, RecursionError):
            frame = None
        if isinstance(frame, list) and frame:
            if frame[0] in (MessageType.CallResult, MessageType.CallError):
                return  # a broken answer is never answered (OCPP-J)
            if len(frame) > 1:
                message_id = _message_id(frame[1])
            if frame[0] != MessageType.Call:
                error = self.message_type_error(frame[0])
        await self._send_error(message_id, error)

    def sending(self, message: str) -> None:
        """Every frame out goes to the observer (the charger's diagnostics)."""
        self._on_frame("sent", message)

    def boot_answer(self, info: BootInfo) -> dict[str, Any]:
        """The fields of a BootNotification answer, the same in every version."""
        status, interval = self.handler.boot(info)
        return {"current_time": format_timestamp(utc_now()), "interval": interval, "status": status}

    @on("Heartbeat")
    def on_heartbeat(self) -> Any:
        """A Heartbeat: the charger is alive; the answer is the central system's time."""
        self.handler.heartbeat()
        return self.results.Heartbeat(current_time=format_timestamp(utc_now()))

    def check_call(self, action: str, payload: dict[str, Any]) -> None:
        """Raise the OCPPError for a CALL the adapter refuses before it is handled."""

    def message_type_error(self, message_type: Any) -> OCPPError:
        """Error for an unknown MessageTypeId; OCPP versions name it differently."""
        return FormatViolationError(description=f"MessageTypeId {message_type!r} is not valid")

    async def _send_error(self, message_id: str, error: OCPPError) -> None:
        # The library puts the whole offending message into the details; send the cause only.
        details = {"cause": error.details["cause"]} if "cause" in (error.details or {}) else {}
        await self.send_frame(
            CallError(message_id, error.code, error.description[:255], details).to_json()
        )

    async def send_call(self, payload: Any) -> Any:
        """Send a CALL and return its result, raising neutral errors for failures.

        The request is checked against the schema first, so a bad request (our caller's
        fault) is told apart from a CALLERROR or an invalid answer (the charger's).
        """
        request = Call(
            unique_id=UNKNOWN_MESSAGE_ID,
            action=type(payload).__name__,
            payload=call_payload(payload),
        )
        try:
            await validate_payload(request, self.ocpp_version)
        except OCPPError as err:
            raise InvalidRequestError(str(err.description)) from err
        try:
            return await self._call_while_connected(payload)
        except TimeoutError as err:
            raise ChargerTimeoutError(str(err)) from err
        except OCPPError as err:
            raise ChargerCallError(err.code, str(err.description)) from err
        except UnknownCallErrorCodeError as err:
            raise ChargerCallError("UnknownErrorCode", str(err)) from err

    async def call_for_status(self, payload: Any, *accepted: str) -> str:
        """Send a CALL whose answer is a status; return it when it is one of ``accepted``."""
        result = await self.send_call(payload)
        return self.expect(result.status, *accepted)

    async def _call_while_connected(self, payload: Any) -> Any:
        """The library's call, cut short when the connection closes (not at the timeout)."""
        if self._closed.is_set():
            raise ChargerDisconnectedError(self.id)
        unique_id = str(uuid.uuid4())
        self._outstanding.add(unique_id)
        answer = asyncio.ensure_future(self.call(payload, suppress=False, unique_id=unique_id))
        # When the connection closes first, how the abandoned call ended does not matter.
        answer.add_done_callback(_ignore_outcome)
        closed = asyncio.ensure_future(self._closed.wait())
        try:
            await asyncio.wait((answer, closed), return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._outstanding.discard(unique_id)
            closed.cancel()
            if not answer.done():
                answer.cancel()
        if not answer.done():
            raise ChargerDisconnectedError(self.id)
        try:
            return answer.result()
        except ConnectionClosed as err:  # it closed while the CALL was being sent
            raise ChargerDisconnectedError(self.id) from err

    # Commands whose messages are the same in every OCPP version

    async def clear_cache(self) -> str:
        """ClearCache."""
        return await self.call_for_status(self.requests.ClearCache())

    async def data_transfer(
        self, vendor_id: str, message_id: str | None, data: str | None
    ) -> DataTransferAnswer:
        """DataTransfer."""
        result = await self.send_call(
            self.requests.DataTransfer(vendor_id=vendor_id, message_id=message_id, data=data)
        )
        return DataTransferAnswer(self.expect(result.status), result.data)

    async def cancel_reservation(self, reservation_id: int) -> str:
        """CancelReservation."""
        return await self.call_for_status(
            self.requests.CancelReservation(reservation_id=reservation_id)
        )

    @staticmethod
    def expect(status: str, *accepted: str) -> str:
        """Return ``status`` when it is one of ``accepted``, else raise."""
        if status not in (accepted or ("Accepted",)):
            raise CommandRejectedError(str(status))
        return str(status)

    @property
    def remote_address(self) -> str:
        """Where the charger connects from."""
        return str(self._websocket.remote_address)

    async def close(self) -> None:
        """Close the WebSocket connection."""
        await self._websocket.close()


def _ignore_outcome(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


def _message_id(value: Any) -> str:
    return value if isinstance(value, str) and value else UNKNOWN_MESSAGE_ID
