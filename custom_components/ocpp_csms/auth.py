"""Id tag authorization: accept all (default) or listed only, with a block list on top."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .const import (
    AUTH_LISTED_ONLY,
    CONF_ALLOWED_TAGS,
    CONF_AUTH_POLICY,
    CONF_BLOCKED_TAGS,
    REMOTE_ID_TAG,
)
from .protocol.interface import AuthStatus


def _normalize(tags: Iterable[str]) -> frozenset[str]:
    # RFID ids are hex strings that chargers report in either case.
    return frozenset(tag.strip().casefold() for tag in tags if tag and tag.strip())


@dataclass(frozen=True, slots=True)
class AuthPolicy:
    """The user's rules for which id tags may charge."""

    listed_only: bool = False
    allowed: frozenset[str] = frozenset()
    blocked: frozenset[str] = frozenset()

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> AuthPolicy:
        """Build the policy from a central system's options."""
        return cls(
            listed_only=options.get(CONF_AUTH_POLICY) == AUTH_LISTED_ONLY,
            allowed=_normalize(options.get(CONF_ALLOWED_TAGS, ())) | {REMOTE_ID_TAG.casefold()},
            blocked=_normalize(options.get(CONF_BLOCKED_TAGS, ())),
        )

    def check(self, id_tag: str, extra_known: Iterable[str] = ()) -> AuthStatus:
        """Verdict for one id tag; ``extra_known`` are tags known elsewhere (tag registry)."""
        tag = id_tag.strip().casefold()
        if tag in self.blocked:
            return AuthStatus.BLOCKED
        if self.listed_only and tag not in self.allowed and tag not in _normalize(extra_known):
            return AuthStatus.INVALID
        return AuthStatus.ACCEPTED
