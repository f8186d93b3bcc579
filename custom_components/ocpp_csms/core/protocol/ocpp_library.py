"""The ``ocpp`` library, reached only here where it offers no public hook.

The sessions route frames themselves (every malformed frame gets its CALLERROR), validate with
schemas compiled ahead (no file read in the event loop) and watch every frame. The library has
no public way to do those, so this module holds each private part used, under a name that says
what it is for. ``tests/test_ocpp_library.py`` pins how each behaves, so a release of the
library that changes one fails there, by name, instead of somewhere in routing.
"""

from __future__ import annotations

from collections.abc import Callable
import functools
from types import ModuleType
from typing import Any, ClassVar

from ocpp import routing
from ocpp.charge_point import (
    ChargePoint,
    camel_to_snake_case,
    remove_nones,
    serialize_as_dict,
    snake_to_camel_case,
)
from ocpp.messages import Call, CallError, CallResult

# ``@on(action)`` for the adapters' handlers: the sessions validate CALLs (and the library
# would validate the answers again with schemas it reads from disk), so the library does not.
on: Callable[[Any], Callable[[Any], Any]] = functools.partial(
    routing.on, skip_schema_validation=True
)


def call_payload(request: Any) -> dict[str, Any]:
    """A request dataclass as the library puts it on the wire: camelCase, no empty fields."""
    payload: dict[str, Any] = remove_nones(snake_to_camel_case(serialize_as_dict(request)))
    return payload


def snake_case_keys(value: dict[str, Any]) -> dict[str, Any]:
    """An OCPP object written in camelCase, with snake_case keys (nested ones too)."""
    converted: dict[str, Any] = camel_to_snake_case(value)
    return converted


class LibraryChargePoint(ChargePoint):
    """The library's ChargePoint, with the private parts the sessions need given names."""

    # "1.6" or "2.0.1": the schemas the library validates outbound CALLs against.
    ocpp_version: ClassVar[str]
    # The version's ``call`` and ``call_result`` modules: requests to send, answers to read.
    requests: ClassVar[ModuleType]
    results: ClassVar[ModuleType]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Tell the library what a subclass speaks.

        It reads the private ``_ocpp_version`` and ``_call_result`` to validate and parse.
        """
        super().__init_subclass__(**kwargs)
        if "ocpp_version" in cls.__dict__:
            cls._ocpp_version = cls.ocpp_version
        if "results" in cls.__dict__:
            cls._call_result = cls.results

    def handles(self, action: str) -> bool:
        """Whether an ``@on`` handler takes this action."""
        return action in self.route_map

    async def dispatch_call(self, msg: Call) -> None:
        """Run the ``@on`` handler of a CALL and send its answer (OCPPError if it fails)."""
        await self._handle_call(msg)

    def deliver_answer(self, msg: CallResult | CallError) -> None:
        """Hand an answer to the ``call()`` waiting for it."""
        self._response_queue.put_nowait(msg)

    async def send_frame(self, message: str) -> None:
        """Send one frame the way the library sends its own (through ``sending``)."""
        await self._send(message)

    async def _send(self, message: str) -> None:
        self.sending(message)
        await super()._send(message)

    def sending(self, message: str) -> None:
        """Told about every frame before it goes out, the library's own included."""
