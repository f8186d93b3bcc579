"""How many connections of chargers nobody added the central system keeps open.

A charger the user added is always let in. Ids nobody added (new chargers waiting to be
accepted, or a scanner) get at most ``PER_ADDRESS`` connections from one address and
``IN_TOTAL`` altogether. When all of them are taken, the oldest connection that never booted
(given ``SILENT_GRACE`` to do so) makes room for the new one, else the oldest that booted but
is still waiting for the user (given ``WAITING_GRACE``): so connections that hold a place and
say nothing cannot keep new chargers out for long. With no room, the handshake is answered
503, logged once per address until it has room again. The counts are of open connections, so
each ends with its connection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
import logging
import time

_LOGGER = logging.getLogger(__name__)

PER_ADDRESS = 8
IN_TOTAL = 128
# How long a connection of an unknown id may stay silent before a new one may push it out.
SILENT_GRACE = 5.0
# How long one that booted (and waits for the user to accept it) keeps its place for sure.
WAITING_GRACE = 60.0


@dataclass(eq=False, slots=True)
class Place:
    """One counted connection of an unknown id."""

    cp_id: str
    address: str
    close: Callable[[], None]  # closes the connection (it gives the place back as it ends)
    opened_at: float  # on the admission's clock
    booted: bool = False
    released: bool = False
    counted: bool = True  # False: a known charger's connection, which takes no place

    def boot(self) -> None:
        """The connection sent its BootNotification."""
        self.booted = True


class Admission:
    """The open connections of unknown ids, by address."""

    def __init__(
        self, is_known: Callable[[str], bool], clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Ask ``is_known`` whether a charge point id was added by the user."""
        self._is_known = is_known
        self._clock = clock
        self._open: Counter[str] = Counter()
        self._places: dict[Place, None] = {}  # oldest first
        self._warned: set[str] = set()

    def has_room(self, cp_id: str, address: str) -> bool:
        """Whether a connection of ``cp_id`` from ``address`` may open (pushing one out)."""
        return self._is_known(cp_id) or self._room_for(address, push_out=False)

    def opened(self, cp_id: str, address: str, close: Callable[[], None]) -> Place | None:
        """Count a connection that opened, pushing out another if it must.

        None when it must close at once (a burst got past the handshake's check), else its
        place (not counted for a known charger), to give back with :meth:`closed`.
        """
        if self._is_known(cp_id):
            return Place(cp_id, address, close, self._clock(), counted=False)
        if not self._room_for(address, push_out=True):
            return None
        place = Place(cp_id, address, close, self._clock())
        self._open[address] += 1
        self._places[place] = None
        return place

    def _room_for(self, address: str, *, push_out: bool) -> bool:
        """Whether an unknown id from ``address`` has room (made by pushing one out, if asked)."""
        here = self._open[address]
        if here < PER_ADDRESS:
            if self._open.total() < IN_TOTAL:
                self._warned.discard(address)
                return True
            if (victim := self._to_push_out()) is not None:
                if push_out:
                    self._push_out(victim)
                self._warned.discard(address)
                return True
        if address not in self._warned:
            self._warned.add(address)
            _LOGGER.warning(
                "Refusing connections of unknown charge point ids from %s: %d open from there, "
                "%d in all (at most %d and %d)",
                address,
                here,
                self._open.total(),
                PER_ADDRESS,
                IN_TOTAL,
            )
        return False

    def closed(self, place: Place) -> None:
        """A counted connection ended."""
        self._release(place)

    def _to_push_out(self) -> Place | None:
        """The connection that has held its place longest without a reason to, if any.

        One whose charger the user has added since it connected is never pushed out.
        """
        now = self._clock()
        unknown = [place for place in self._places if not self._is_known(place.cp_id)]
        silent = (p for p in unknown if not p.booted and now - p.opened_at >= SILENT_GRACE)
        waiting = (p for p in unknown if now - p.opened_at >= WAITING_GRACE)
        return next(silent, None) or next(waiting, None)

    def _push_out(self, place: Place) -> None:
        _LOGGER.info(
            "Closing a connection of an unknown charge point id from %s (%s for %.0f s) to make "
            "room for a new one",
            place.address,
            "waiting to be accepted" if place.booted else "silent",
            self._clock() - place.opened_at,
        )
        self._release(place)
        place.close()

    def _release(self, place: Place) -> None:
        if place.released or not place.counted:
            return
        place.released = True
        del self._places[place]
        self._open[place.address] -= 1
        if self._open[place.address] <= 0:
            del self._open[place.address]
