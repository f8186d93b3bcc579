"""Who may open a connection: HTTP Basic credentials at the WebSocket handshake.

OCPP security profile 1 (Basic authentication over ``ws://``) and profile 2 (the same over
``wss://``). The user name is the charge point id and the password is the one the user set for
the charger. A charger with a password must present it; with the central system's
``require_password`` option, a charger without one (or an unknown charger) is refused too.
Refusals never say which part was wrong. The first failure of a streak is logged once, and a
repair issue is raised when a known charger keeps failing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
import hmac
import logging

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from websockets.exceptions import InvalidHeader
from websockets.headers import parse_authorization_basic

from .const import DOMAIN

_LOGGER = logging.getLogger(__name__)

# Consecutive refusals of a known charger before the user is told in Repairs.
FAILURES_BEFORE_REPAIR = 5
# Ids whose failure streaks are remembered; random ids from a scanner cannot grow memory.
MAX_TRACKED_IDS = 256


class Refusal(StrEnum):
    """Why a handshake was refused (for the log only; the charger is told nothing)."""

    NO_CREDENTIALS = "sent no credentials"
    WRONG_CREDENTIALS = "sent wrong credentials"
    NO_PASSWORD_SET = "has no password set, and this central system requires one"  # noqa: S105


@dataclass(slots=True)
class _Streak:
    failures: int = 0
    address: str = ""


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


class HandshakeAuth:
    """Checks the Authorization header of each connection attempt."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        *,
        password_of: Callable[[str], str | None],
        is_known: Callable[[str], bool],
        required: Callable[[], bool],
    ) -> None:
        """Look passwords up through ``password_of`` at each attempt (they change live)."""
        self._hass = hass
        self._entry_id = entry_id
        self._password_of = password_of
        self._is_known = is_known
        self._required = required
        self._streaks: OrderedDict[str, _Streak] = OrderedDict()

    def allows(self, cp_id: str, authorization: str | None, address: str) -> bool:
        """Whether a charger may connect with the given ``Authorization`` header."""
        password = self._password_of(cp_id)
        if password is None:
            if not self._required():
                return True
            self._refused(cp_id, address, Refusal.NO_PASSWORD_SET)
            return False
        if authorization is None:
            self._refused(cp_id, address, Refusal.NO_CREDENTIALS)
            return False
        try:
            user, given = parse_authorization_basic(authorization)
        except InvalidHeader:
            self._refused(cp_id, address, Refusal.WRONG_CREDENTIALS)
            return False
        # Both compared in full either way, so timing tells nothing about which part was wrong.
        if not (_same(user, cp_id) & _same(given, password)):
            self._refused(cp_id, address, Refusal.WRONG_CREDENTIALS)
            return False
        self._passed(cp_id)
        return True

    def failures(self, cp_id: str) -> int:
        """Refusals of a charger since it last connected."""
        streak = self._streaks.get(cp_id)
        return streak.failures if streak else 0

    def forget(self, cp_ids: Iterable[str] | None = None) -> None:
        """Start over for these chargers (None: all): their streaks and repair issues go."""
        for cp_id in list(self._streaks) if cp_ids is None else cp_ids:
            self._passed(cp_id)

    def issue_id(self, cp_id: str) -> str:
        """The repair issue raised for a charger of this central system."""
        return f"auth_failures_{self._entry_id}_{cp_id}"

    def _refused(self, cp_id: str, address: str, why: Refusal) -> None:
        streak = self._streaks.pop(cp_id, None) or _Streak()
        self._streaks[cp_id] = streak  # most recent last
        while len(self._streaks) > MAX_TRACKED_IDS:
            self._streaks.popitem(last=False)
        streak.failures += 1
        streak.address = address
        if streak.failures == 1:
            _LOGGER.warning("Refused charger %s from %s: it %s", cp_id, address, why)
        else:
            _LOGGER.debug("Refused charger %s from %s again: it %s", cp_id, address, why)
        if streak.failures == FAILURES_BEFORE_REPAIR and self._is_known(cp_id):
            ir.async_create_issue(
                self._hass,
                DOMAIN,
                self.issue_id(cp_id),
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="auth_failures",
                translation_placeholders={
                    "cp_id": cp_id,
                    "address": address,
                    "failures": str(streak.failures),
                },
            )

    def _passed(self, cp_id: str) -> None:
        streak = self._streaks.pop(cp_id, None)
        if streak is not None and streak.failures >= FAILURES_BEFORE_REPAIR:
            ir.async_delete_issue(self._hass, DOMAIN, self.issue_id(cp_id))
