"""What connections of ids nobody added can hold: bounded, and never all the room for long."""

from __future__ import annotations

from unittest.mock import patch

from hypothesis import example, given, settings, strategies as st

from custom_components.ocpp_csms.core import admission
from custom_components.ocpp_csms.core.admission import Admission, Place

PER_ADDRESS = 3
IN_TOTAL = 5
ADDRESSES = [f"10.0.0.{number}" for number in range(4)]

# (what happens, which address or connection, seconds that pass first)
operations = st.lists(
    st.tuples(
        st.sampled_from(["open", "open_known", "boot", "accept", "close"]),
        st.integers(min_value=0, max_value=20),
        st.sampled_from([0.0, 0.5, 2.0, 6.0, 30.0, 61.0]),
    ),
    max_size=60,
)


class Clock:
    """Monotonic seconds that pass only when told."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


# Every place silent past its grace, then every place waiting past its grace.
FILLED = [("open", number, 0.0) for number in range(IN_TOTAL)]
SILENT_TOO_LONG = [*FILLED, ("open", 0, 6.0)]
WAITING_TOO_LONG = [*FILLED, *(("boot", n, 0.0) for n in range(IN_TOTAL)), ("open", 0, 61.0)]
# The oldest connection's charger added by the user meanwhile: it is not the one pushed out.
ADDED_SILENT = [*FILLED, ("accept", 0, 0.0), ("open", 0, 6.0)]
ADDED_WAITING = [*WAITING_TOO_LONG[:-1], ("accept", 0, 0.0), ("open", 0, 61.0)]


@settings(max_examples=300, deadline=None)
@given(ops=operations)
@example(ops=SILENT_TOO_LONG)
@example(ops=WAITING_TOO_LONG)
@example(ops=ADDED_SILENT)
@example(ops=ADDED_WAITING)
def test_admission_stays_bounded_and_makes_room(
    ops: list[tuple[str, int, float]],
) -> None:
    """Whatever connects, boots, is accepted, closes or waits: the limits hold, room is made.

    A new connection of an unknown id is refused only while every place is held by one that
    has not had its grace yet or whose charger the user added since; known chargers are never
    counted or pushed out; pushed-out connections are closed once and give their place back.
    """
    clock = Clock()
    closes: dict[int, int] = {}
    places: list[Place] = []
    known_ids = {"KNOWN"}
    with (
        patch.object(admission, "PER_ADDRESS", PER_ADDRESS),
        patch.object(admission, "IN_TOTAL", IN_TOTAL),
    ):
        gate = Admission(known_ids.__contains__, clock)
        for kind, index, wait in ops:
            clock.now += wait
            open_places = [place for place in places if not place.released]
            if kind == "open_known":
                known = gate.opened("KNOWN", ADDRESSES[index % 4], lambda: None)
                assert known is not None
                assert not known.counted
            elif kind == "open":
                address = ADDRESSES[index % 4]
                number = len(places)
                here = sum(place.address == address for place in open_places)
                evictable = any(
                    clock.now - place.opened_at
                    >= (admission.WAITING_GRACE if place.booted else admission.SILENT_GRACE)
                    for place in open_places
                    if place.cp_id not in known_ids
                )

                def close(number: int = number) -> None:
                    assert f"NEW-{number}" not in known_ids  # an added charger stays
                    closes[number] = closes.get(number, 0) + 1

                place = gate.opened(f"NEW-{number}", address, close)
                if here < PER_ADDRESS and (len(open_places) < IN_TOTAL or evictable):
                    assert isinstance(place, Place)
                    places.append(place)
                else:
                    assert place is None
                    places.append(Place(f"NEW-{number}", address, close, clock.now, released=True))
            elif open_places:
                place = open_places[index % len(open_places)]
                if kind == "boot":
                    place.boot()
                elif kind == "accept":
                    known_ids.add(place.cp_id)
                else:
                    gate.closed(place)
            still_open = [place for place in places if not place.released]
            assert len(still_open) <= IN_TOTAL
            for address in ADDRESSES:
                assert sum(place.address == address for place in still_open) <= PER_ADDRESS
            assert all(count == 1 for count in closes.values())
            pushed_out = {number for number, place in enumerate(places) if number in closes}
            assert all(places[number].released for number in pushed_out)
