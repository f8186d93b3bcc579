"""Incoming CALLs checked against the OCPP JSON schemas, compiled to Python once.

The ``ocpp`` library checks every payload with a ``jsonschema`` validator, in a worker thread.
The same schema files compiled by ``fastjsonschema`` check a payload several times faster, so
it is done in the event loop (``benchmarks/load.py`` measures the difference). A payload the
schema refuses gets the CALLERROR the library would give: a wrong type or a string too long is
a TypeConstraintViolation, a missing field a ProtocolError, anything else a FormatViolation.
Like the library, no ``format`` (date-time, URI) is checked and no default is filled in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
import json
from pathlib import Path
from typing import Any

import fastjsonschema
import ocpp
from ocpp.exceptions import (
    FormatViolationError,
    OCPPError,
    ProtocolError,
    TypeConstraintViolationError,
)

type _Check = Callable[[Any], Any]

# Where the ocpp library keeps a CALL's schema, from its action.
_SCHEMA_FILES = {"1.6": "v16/schemas/{}.json", "2.0.1": "v201/schemas/{}Request.json"}

_compiled: dict[tuple[str, str], _Check] = {}


def compile_calls(ocpp_version: str, actions: Iterable[str]) -> None:
    """Compile the schemas of these CALLs (blocking: it reads files; run it in a thread)."""
    package = Path(ocpp.__file__).parent
    for action in actions:
        if (ocpp_version, action) in _compiled:
            continue
        path = package / _SCHEMA_FILES[ocpp_version].format(action)
        # The 2.0.1 files start with a byte order mark.
        schema = json.loads(path.read_text(encoding="utf-8-sig"))
        _compiled[ocpp_version, action] = fastjsonschema.compile(
            schema, use_default=False, use_formats=False
        )


def check_call(ocpp_version: str, action: str, payload: dict[str, Any]) -> None:
    """Raise the OCPPError for a payload its schema refuses.

    The schema must have been compiled (``compile_calls``); one that was not is a bug.
    """
    try:
        _compiled[ocpp_version, action](payload)
    except fastjsonschema.JsonSchemaValueException as error:
        raise _error_for(error) from None


def _error_for(error: fastjsonschema.JsonSchemaValueException) -> OCPPError:
    details = {"cause": error.message}
    if error.rule in ("type", "maxLength"):
        return TypeConstraintViolationError(details=details)
    if error.rule == "required":
        return ProtocolError(details=details)
    return FormatViolationError(details=details)
