"""Who may open a connection: HTTP Basic credentials at the WebSocket handshake.

OCPP security profile 1 (Basic authentication over ``ws://``) and profile 2 (the same over
``wss://``). The user name is the charge point id and the password is the one the user set for
the charger. A charger with a password must present it; with the central system's
``require_password`` option, a charger without one (or an unknown charger) is refused too.
Refusals never say which part was wrong: 401, or 400 for a malformed header. The first failure
of a streak is logged once, and the owner is told (``on_repeated_failures``) when a known
charger keeps failing.
Repeated failures from one address are answered ever more slowly (see ``_delay``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
import hmac
from http import HTTPStatus
import logging
import time

from .headers import InvalidCredentialsError, parse_basic_credentials

_LOGGER = logging.getLogger(__name__)

# Consecutive refusals of a known charger before the user is told (a repair issue).
FAILURES_BEFORE_REPAIR = 5
# Unknown ids whose failure streaks are remembered; random ids from a scanner cannot grow memory
# (known chargers' streaks are kept apart, so no number of unknown ids pushes them out).
MAX_TRACKED_IDS = 256
# Failures from one address answered at once; after that each refusal waits, twice as long
# as the one before, up to a limit. An address that stays quiet for a while starts over.
FREE_FAILURES = 5
FIRST_DELAY = 0.5
MAX_DELAY = 10.0
QUIET_RESET = 900.0
# Addresses whose failures are counted.
MAX_TRACKED_ADDRESSES = 1024


class Refusal(StrEnum):
    """Why a handshake was refused (for the log only; the charger is told nothing)."""

    NO_CREDENTIALS = "sent no credentials"
    WRONG_CREDENTIALS = "sent wrong credentials"
    MALFORMED = "sent a malformed Authorization header"
    NO_PASSWORD_SET = "has no password set, and this central system requires one"  # noqa: S105


@dataclass(frozen=True, slots=True)
class Refused:
    """The answer to a refused handshake, and how long to wait before giving it (seconds)."""

    status: HTTPStatus
    delay: float


@dataclass(slots=True)
class _Streak:
    failures: int = 0
    address: str = ""


@dataclass(slots=True)
class _AddressFailures:
    count: int = 0
    last: float = 0.0


def _read_basic(authorization: list[str]) -> tuple[str, str] | Refusal:
    """User name and password of the one Basic ``Authorization`` header, or what is wrong."""
    if not authorization:
        return Refusal.NO_CREDENTIALS
    if len(authorization) > 1:
        return Refusal.MALFORMED
    try:
        return parse_basic_credentials(authorization[0])
    except InvalidCredentialsError:
        return Refusal.WRONG_CREDENTIALS
    except UnicodeDecodeError:  # credentials that are not UTF-8
        return Refusal.MALFORMED


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


class HandshakeAuth:
    """Checks the Authorization header of each connection attempt."""

    def __init__(
        self,
        *,
        password_of: Callable[[str], str | None],
        is_known: Callable[[str], bool],
        required: Callable[[], bool],
        on_repeated_failures: Callable[[str, str, int], None],
        on_recovered: Callable[[str], None],
    ) -> None:
        """Look passwords up through ``password_of`` at each attempt (they change live).

        ``on_repeated_failures(cp_id, address, failures)`` is called when a known charger's
        streak reaches ``FAILURES_BEFORE_REPAIR``; ``on_recovered(cp_id)`` when that streak ends.
        """
        self._on_repeated_failures = on_repeated_failures
        self._on_recovered = on_recovered
        self._password_of = password_of
        self._is_known = is_known
        self._required = required
        self._known: dict[str, _Streak] = {}  # known chargers: as many as the user added
        self._unknown: OrderedDict[str, _Streak] = OrderedDict()  # least recent first
        self._addresses: OrderedDict[str, _AddressFailures] = OrderedDict()

    def check(self, cp_id: str, authorization: list[str], address: str) -> Refused | None:
        """Whether a charger may connect with the ``Authorization`` headers it sent."""
        if (why := self._why_refused(cp_id, authorization)) is not None:
            return self._refused(cp_id, address, why)
        if self._password_of(cp_id) is not None:
            self._passed(cp_id)
            self._addresses.pop(address, None)
        return None

    def _why_refused(self, cp_id: str, authorization: list[str]) -> Refusal | None:
        password = self._password_of(cp_id)
        if password is None:
            return Refusal.NO_PASSWORD_SET if self._required() else None
        credentials = _read_basic(authorization)
        if isinstance(credentials, Refusal):
            return credentials
        user, given = credentials
        # Both compared in full either way, so timing tells nothing about which part was wrong.
        return None if _same(user, cp_id) & _same(given, password) else Refusal.WRONG_CREDENTIALS

    def failures(self, cp_id: str) -> int:
        """Refusals of a charger since it last connected."""
        streak = self._known.get(cp_id) or self._unknown.get(cp_id)
        return streak.failures if streak else 0

    def forget(self, cp_ids: Iterable[str] | None = None) -> None:
        """Start over for these chargers (None: all): their streaks end."""
        for cp_id in [*self._known, *self._unknown] if cp_ids is None else cp_ids:
            self._passed(cp_id)

    def _refused(self, cp_id: str, address: str, why: Refusal) -> Refused:
        streak = self._streak(cp_id)
        streak.failures += 1
        streak.address = address
        if streak.failures == 1:
            _LOGGER.warning("Refused charger %s from %s: it %s", cp_id, address, why)
        else:
            _LOGGER.debug("Refused charger %s from %s again: it %s", cp_id, address, why)
        if streak.failures == FAILURES_BEFORE_REPAIR and self._is_known(cp_id):
            self._on_repeated_failures(cp_id, address, streak.failures)
        status = HTTPStatus.BAD_REQUEST if why is Refusal.MALFORMED else HTTPStatus.UNAUTHORIZED
        return Refused(status, self._delay(address))

    def _streak(self, cp_id: str) -> _Streak:
        if self._is_known(cp_id):
            return self._known.setdefault(cp_id, _Streak())
        streak = self._unknown.pop(cp_id, None) or _Streak()
        self._unknown[cp_id] = streak  # most recent last
        while len(self._unknown) > MAX_TRACKED_IDS:
            self._unknown.popitem(last=False)
        return streak

    def _delay(self, address: str) -> float:
        """How long this refusal waits: nothing at first, then longer with each failure."""
        now = time.monotonic()
        failures = self._addresses.pop(address, None) or _AddressFailures()
        if now - failures.last > QUIET_RESET:
            failures.count = 0
        failures.count += 1
        failures.last = now
        self._addresses[address] = failures  # most recent last
        while len(self._addresses) > MAX_TRACKED_ADDRESSES:
            self._addresses.popitem(last=False)
        beyond = failures.count - FREE_FAILURES
        return 0.0 if beyond <= 0 else min(MAX_DELAY, FIRST_DELAY * 2 ** (beyond - 1))

    def _passed(self, cp_id: str) -> None:
        streak = self._known.pop(cp_id, None) or self._unknown.pop(cp_id, None)
        if streak is not None and streak.failures >= FAILURES_BEFORE_REPAIR:
            self._on_recovered(cp_id)
