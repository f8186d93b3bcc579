"""How many connections of chargers nobody added the central system keeps open.

A charger the user added is always let in. Ids nobody added (new chargers waiting to be
accepted, or a scanner) get at most ``PER_ADDRESS`` connections from one address and
``IN_TOTAL`` altogether; beyond that the handshake is answered 503, logged once per address
until it falls below the limit again. The counts are of open connections, so each ends with
its connection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
import logging

_LOGGER = logging.getLogger(__name__)

PER_ADDRESS = 8
IN_TOTAL = 128


class Admission:
    """The open connections of unknown ids, by address."""

    def __init__(self, is_known: Callable[[str], bool]) -> None:
        """Ask ``is_known`` whether a charge point id was added by the user."""
        self._is_known = is_known
        self._open: Counter[str] = Counter()
        self._warned: set[str] = set()

    def has_room(self, cp_id: str, address: str) -> bool:
        """Whether a connection of ``cp_id`` from ``address`` may open."""
        if self._is_known(cp_id):
            return True
        here, total = self._open[address], self._open.total()
        if here < PER_ADDRESS and total < IN_TOTAL:
            self._warned.discard(address)
            return True
        if address not in self._warned:
            self._warned.add(address)
            _LOGGER.warning(
                "Refusing connections of unknown charge point ids from %s: %d open from there, "
                "%d in all (at most %d and %d)",
                address,
                here,
                total,
                PER_ADDRESS,
                IN_TOTAL,
            )
        return False

    def opened(self, cp_id: str, address: str) -> bool | None:
        """Count a connection that opened.

        None when it must close at once (a burst got past the handshake's check), else whether
        it is counted (and so must be given back by :meth:`closed`).
        """
        if self._is_known(cp_id):
            return False
        if not self.has_room(cp_id, address):
            return None
        self._open[address] += 1
        return True

    def closed(self, address: str) -> None:
        """A counted connection ended."""
        self._open[address] -= 1
        if self._open[address] <= 0:
            del self._open[address]
