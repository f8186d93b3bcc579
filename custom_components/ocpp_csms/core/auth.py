"""Id tag authorization: accept all (default) or listed only, with a block list on top.

The integration's own remote starts are accepted without a hole in the policy: a tag is
accepted for a start the central system has just asked that charger for (``RemoteStarts``),
and for nothing else. The default remote-start tag ``HomeAssistant`` is no pass of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
import time

from .protocol.incoming import AuthStatus

# How long after a remote start its tag is accepted at that charger (the driver may still have
# to plug in, and chargers wait about a minute or two for that).
REMOTE_START_WINDOW = 300.0


def normalize_tags(tags: Iterable[str]) -> frozenset[str]:
    """Tags as they are compared: trimmed, case-folded, empty ones dropped."""
    # RFID ids are hex strings that chargers report in either case.
    return frozenset(tag.strip().casefold() for tag in tags if tag and tag.strip())


@dataclass(frozen=True, slots=True)
class AuthPolicy:
    """The user's rules for which id tags may charge."""

    listed_only: bool = False
    allowed: frozenset[str] = frozenset()
    blocked: frozenset[str] = frozenset()
    expired: frozenset[str] = frozenset()

    def check(self, id_tag: str, extra_known: Iterable[str] = ()) -> AuthStatus:
        """Verdict for one id tag; ``extra_known`` are tags known elsewhere (tag registry)."""
        tag = id_tag.strip().casefold()
        if tag in self.blocked:
            return AuthStatus.BLOCKED
        if tag in self.expired:
            return AuthStatus.EXPIRED
        if self.listed_only and tag not in self.allowed and tag not in normalize_tags(extra_known):
            return AuthStatus.INVALID
        return AuthStatus.ACCEPTED


@dataclass(slots=True)
class RemoteStarts:
    """The remote starts a central system asked for, by charger and tag, until they expire."""

    _expected: dict[tuple[str, str], float] = field(default_factory=dict)

    def expect(self, cp_id: str, id_tag: str) -> None:
        """A remote start with ``id_tag`` was sent to ``cp_id``."""
        self._prune()
        self._expected[(cp_id, id_tag.strip().casefold())] = time.monotonic()

    def expected(self, cp_id: str, id_tag: str) -> bool:
        """Whether ``id_tag`` at ``cp_id`` is a start the central system asked for."""
        self._prune()
        return (cp_id, id_tag.strip().casefold()) in self._expected

    def started(self, cp_id: str, id_tag: str) -> None:
        """The start happened: the tag is no pass for another one."""
        self._expected.pop((cp_id, id_tag.strip().casefold()), None)

    def _prune(self) -> None:
        now = time.monotonic()
        for key in [k for k, at in self._expected.items() if now - at > REMOTE_START_WINDOW]:
            del self._expected[key]
