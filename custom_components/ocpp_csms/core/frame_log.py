"""What the OCPP and WebSocket libraries log about a connection, made safe and quiet.

The ``ocpp`` library logs every frame at INFO and, when a handler fails, the whole message at
ERROR: id tags and passwords would reach Home Assistant's log at its default level. Its logger
is replaced by :class:`OcppLibraryLog`:

* frames go to DEBUG on the ``custom_components.ocpp_csms.frames`` logger, with id tags,
  tokens and password settings redacted (``journal.redact_frame``), and are only formatted
  when that logger is enabled for DEBUG;
* a failing handler is logged with the charger, the action and the message id, never the
  payload;
* anything else the library says (CALLERROR answers, stray answers, which the session reports
  itself) goes to DEBUG, redacted.

The ``websockets`` library logs frames too when DEBUG is on; :class:`QuietFrames` drops those
lines, as the frames logger has them already, redacted.
"""

from __future__ import annotations

import logging
from typing import Any

from .journal import redact_frame

# Frames are logged under the integration's name (custom_components.ocpp_csms.frames), where
# users turn them on, not under the core's.
FRAMES = logging.getLogger(f"{__package__.rpartition('.')[0]}.frames")
_FAILURES = logging.getLogger(f"{__package__}.protocol.session")

# What the ocpp library says for a frame it received or sent, and for a failing handler.
_RECEIVED = "%s: receive message %s"
_SENT = "%s: send %s"
_HANDLER_FAILED = "Error while handling request '%s'"


class OcppLibraryLog(logging.LoggerAdapter[logging.Logger]):
    """The ``logger`` handed to the ocpp library's ChargePoint for one charger."""

    def __init__(self, cp_id: str) -> None:
        """Log on behalf of one charger."""
        super().__init__(FRAMES, {})
        self.cp_id = cp_id

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        """Route one line of the library (see the module's description)."""
        if msg in (_RECEIVED, _SENT) and len(args) == 2:  # noqa: PLR2004 - id and frame
            if FRAMES.isEnabledFor(logging.DEBUG):
                arrow = "<" if msg == _RECEIVED else ">"
                FRAMES.debug("%s %s %s", self.cp_id, arrow, _redacted(args[1]))
            return
        if msg == _HANDLER_FAILED and args:
            message = args[0]
            _FAILURES.error(
                "%s: handling %s (message %s) failed",
                self.cp_id,
                getattr(message, "action", "?"),
                getattr(message, "unique_id", "?"),
                exc_info=kwargs.get("exc_info"),
            )
            return
        if FRAMES.isEnabledFor(logging.DEBUG):
            text = str(msg) % args if args else str(msg)
            FRAMES.debug("%s: %s", self.cp_id, _redacted(text))


class QuietFrames(logging.LoggerAdapter[logging.Logger]):
    """The ``websockets`` server's logger without its frame lines."""

    def __init__(self, logger: logging.Logger) -> None:
        """Wrap the library's logger."""
        super().__init__(logger, {})

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        """Drop ``< frame`` and ``> frame`` lines; pass everything else on."""
        if msg in ("< %s", "> %s"):
            return
        super().log(level, msg, *args, **kwargs)


def _redacted(frame: object) -> str:
    text = frame.decode(errors="replace") if isinstance(frame, bytes) else str(frame)
    return redact_frame(text)
