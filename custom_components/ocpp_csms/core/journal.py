"""A charger's recent history for diagnostics: its connections and its last frames.

Kept in memory only and bounded, so a chatty charger costs a fixed amount. Frames are stored as
sent (cut to a length) and redacted only when diagnostics are downloaded, keeping the message
path cheap.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
import json
import re
from typing import Any, Literal

from .protocol.wire import format_timestamp, utc_now

MAX_CONNECTIONS = 20
MAX_FRAMES = 40
MAX_FRAME_CHARS = 2000
# Characters of frames a journal keeps: an added charger's last 40 frames fit; an id nobody
# added keeps a few, and only so many such ids are remembered.
KNOWN_BUDGET = MAX_FRAMES * MAX_FRAME_CHARS
UNKNOWN_BUDGET = 8000
MAX_UNKNOWN_JOURNALS = 64
REDACTED = "**REDACTED**"

# Fields holding personal data or secrets: id tags (1.6), id tokens (2.0.1), SIM ids.
SECRET_FIELDS = frozenset(
    {"idTag", "parentIdTag", "idToken", "groupIdToken", "iccid", "imsi", "password"}
)
# Configuration keys (1.6) and variables (2.0.1) holding the charger's password.
SECRET_SETTINGS = frozenset({"AuthorizationKey", "BasicAuthPassword"})
_SECRET_SETTING = re.compile("|".join(SECRET_SETTINGS))
# Where a setting's value sits: 1.6 key/value, 2.0.1 Get/SetVariables and NotifyReport.
_SETTING_VALUES = frozenset({"value", "attributeValue", "variableAttribute"})
_SECRET_FIELD = re.compile(r'("(?:' + "|".join(SECRET_FIELDS) + r')"\s*:\s*)"(?:[^"\\]|\\.)*"?')

type Direction = Literal["received", "sent"]


def is_secret_setting(key: str) -> bool:
    """Whether a configuration key (1.6) or ``Component.Variable`` (2.0.1) holds a password."""
    variable = key.rsplit(".", 1)[-1].split("[", 1)[0]
    return variable in SECRET_SETTINGS


def redact_frame(text: str) -> str:
    """A frame with id tags and the charger's password replaced."""
    try:
        return json.dumps(_redact(json.loads(text)), separators=(",", ":"), ensure_ascii=False)
    except (ValueError, RecursionError):
        # Cut off or broken: if it mentions a password setting, show nothing of it.
        return REDACTED if _SECRET_SETTING.search(text) else _redact_text(text)


def _redact(value: Any) -> Any:
    if isinstance(value, list):
        return [_redact(item) for item in value]
    if not isinstance(value, dict):
        return value
    variable = value.get("variable")
    setting = value.get("key") or (variable.get("name") if isinstance(variable, dict) else None)
    secret_setting = isinstance(setting, str) and is_secret_setting(setting)
    return {
        key: REDACTED
        if key in SECRET_FIELDS or (secret_setting and key in _SETTING_VALUES)
        else _redact(item)
        for key, item in value.items()
    }


def _redact_text(text: str) -> str:
    return _SECRET_FIELD.sub(rf'\1"{REDACTED}"', text)


@dataclass(slots=True)
class ConnectionRecord:
    """One connection of a charger."""

    connected_at: datetime
    address: str
    protocol: str
    disconnected_at: datetime | None = None
    close_code: int | None = None
    close_reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """For diagnostics."""
        return {
            "connected_at": format_timestamp(self.connected_at),
            "address": self.address,
            "protocol": self.protocol,
            "disconnected_at": (
                format_timestamp(self.disconnected_at) if self.disconnected_at else None
            ),
            "close_code": self.close_code,
            "close_reason": self.close_reason,
        }


class Journal:
    """The last connections and frames of one charger, within a budget of characters."""

    __slots__ = ("budget", "chars", "connections", "frames")

    def __init__(self, budget: int = KNOWN_BUDGET) -> None:
        """Start empty."""
        self.budget = budget
        self.chars = 0  # of the frames kept
        self.connections: deque[ConnectionRecord] = deque(maxlen=MAX_CONNECTIONS)
        self.frames: deque[tuple[datetime, Direction, str | bytes]] = deque()

    def connected(self, address: str, protocol: str) -> ConnectionRecord:
        """Note a new connection; the caller closes the record when it ends."""
        record = ConnectionRecord(utc_now(), address, protocol)
        self.connections.append(record)
        return record

    @staticmethod
    def disconnected(record: ConnectionRecord, code: int | None, reason: str | None) -> None:
        """Close a connection's record."""
        record.disconnected_at = utc_now()
        record.close_code = code
        record.close_reason = reason or None

    def frame(self, direction: Direction, raw: str | bytes) -> None:
        """Note a frame (cut to a bounded length); the oldest go beyond the budget."""
        kept = raw[:MAX_FRAME_CHARS]
        self.frames.append((utc_now(), direction, kept))
        self.chars += len(kept)
        while len(self.frames) > MAX_FRAMES or (self.chars > self.budget and self.frames):
            self.chars -= len(self.frames.popleft()[2])

    def as_dict(self) -> dict[str, Any]:
        """Redacted, for diagnostics."""
        return {
            "connections": [record.as_dict() for record in self.connections],
            "last_frames": [
                {
                    "time": format_timestamp(when),
                    "direction": direction,
                    "frame": redact_frame(
                        raw if isinstance(raw, str) else raw.decode(errors="replace")
                    ),
                }
                for when, direction, raw in self.frames
            ],
        }


class Journals:
    """The journals of a central system's chargers: every added one, and a few unknown ids."""

    def __init__(self, is_known: Callable[[str], bool]) -> None:
        """Ask ``is_known`` whether a charge point id was added by the user."""
        self._is_known = is_known
        self._known: dict[str, Journal] = {}
        self._unknown: OrderedDict[str, Journal] = OrderedDict()  # least recent first

    def of(self, cp_id: str) -> Journal:
        """A charger's journal (an unknown id's, small, may be forgotten for a newer one)."""
        if self._is_known(cp_id):
            if (journal := self._known.get(cp_id)) is None:
                journal = self._unknown.pop(cp_id, None) or Journal()
                journal.budget = KNOWN_BUDGET
                self._known[cp_id] = journal
            return journal
        journal = self._unknown.pop(cp_id, None) or Journal(UNKNOWN_BUDGET)
        self._unknown[cp_id] = journal  # most recent last
        while len(self._unknown) > MAX_UNKNOWN_JOURNALS:
            self._unknown.popitem(last=False)
        return journal

    def forget(self, cp_id: str) -> None:
        """A charger was removed."""
        self._known.pop(cp_id, None)

    @property
    def chars(self) -> int:
        """Characters of frames held in all journals."""
        return sum(j.chars for j in (*self._known.values(), *self._unknown.values()))
