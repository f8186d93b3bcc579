"""Property tests: no sequence of readings makes a register or a session's energy go wrong.

The inputs are what a broken charger sends: spikes, 32-bit overflows, zeros, negative and
non-finite values, resets, resent and replayed readings, and clocks that are off (as far as
``wire.sane_time`` lets a timestamp through: five minutes ahead, a month behind).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given, settings, strategies as st

from custom_components.ocpp_csms.core.model import Charger
from custom_components.ocpp_csms.core.protocol.wire import MAX_CLOCK_AHEAD, MAX_CLOCK_BEHIND
from custom_components.ocpp_csms.core.register import SLACK_KWH, Register
from custom_components.ocpp_csms.core.transaction import MeterSample, Transaction

T0 = datetime(2026, 1, 1, tzinfo=UTC)
MAX_KW = 44.0
ENERGY = "Energy.Active.Import.Register"


@dataclass(frozen=True)
class Reading:
    value: float
    at: datetime  # the charger's (sane) time
    received: datetime


WEIRD_VALUES = st.sampled_from(
    [0.0, -1.0, 4294967295.0, 4294967.295, 2147483.647, 1e308, float("inf"), float("nan")]
)
VALUES = st.one_of(st.floats(min_value=0, max_value=200_000, allow_nan=False), WEIRD_VALUES)


@st.composite
def readings(draw: st.DrawFn, max_size: int = 30) -> list[Reading]:
    """Readings arriving over time, stamped by a clock that may be off or jump."""
    received = T0
    result = []
    for _ in range(draw(st.integers(min_value=0, max_value=max_size))):
        received += timedelta(seconds=draw(st.integers(min_value=0, max_value=3600)))
        skew = draw(
            st.one_of(
                st.just(0),
                st.integers(
                    min_value=-int(MAX_CLOCK_BEHIND.total_seconds()),
                    max_value=int(MAX_CLOCK_AHEAD.total_seconds()),
                ),
            )
        )
        result.append(Reading(draw(VALUES), received + timedelta(seconds=skew), received))
    return result


def good_tail(last: Reading | None, level: float, steps: int = 10) -> list[Reading]:
    """A healthy meter from ``level`` (maybe after a reset): 0.1 kWh a minute, clock right."""
    received = (last.received if last else T0) + timedelta(minutes=1)
    return [
        Reading(level + 0.1 * i, received + timedelta(minutes=i), received + timedelta(minutes=i))
        for i in range(steps)
    ]


def allowed_rise(fed: list[Reading], since: int, now: int) -> float:
    """The most energy the charger can have delivered between two inputs (any later clock)."""
    earliest_at = min(r.at for r in fed[since : now + 1])
    hours = (
        max(
            (fed[now].at - earliest_at).total_seconds(),
            (fed[now].received - fed[since].received).total_seconds(),
        )
        / 3600
    )
    return MAX_KW * max(0.0, hours) + SLACK_KWH + 1e-9


def check_shown(fed: list[Reading], shown: list[tuple[int, float]]) -> None:
    """Shown values never go down and never rise faster than the charger can deliver."""
    for (i, before), (j, after) in pairwise(shown):
        assert after >= before, (fed[i], fed[j])
        assert after - before <= allowed_rise(fed, i, j), (fed[i], fed[j], before, after)


@settings(max_examples=400, deadline=None)
@given(readings(), st.floats(min_value=0, max_value=100_000, allow_nan=False))
def test_register_never_goes_back_jumps_or_sticks(fed: list[Reading], level: float) -> None:
    register = Register()
    prefix_end = len(fed)
    fed = fed + good_tail(fed[-1] if fed else None, level)
    shown = []
    for index, reading in enumerate(fed):
        value = register.update(reading.value, reading.at, reading.received, MAX_KW)
        if value is not None:
            assert value == register.value
            shown.append((index, value))
        assert Register.from_dict(register.as_dict()) == register
    check_shown(fed, shown)
    # It does not stick: the healthy meter's last readings all count.
    tail = [value for index, value in shown if index >= prefix_end + 6]
    assert len(tail) == 4
    assert tail[-1] - tail[0] >= 0.3 - 1e-6


@settings(max_examples=300, deadline=None)
@given(readings(), st.floats(min_value=0, max_value=100_000, allow_nan=False))
def test_session_energy_never_goes_back_jumps_or_sticks(fed: list[Reading], level: float) -> None:
    transaction = Transaction(1, 1, "CARD", T0 - MAX_CLOCK_BEHIND, meter_start_wh=None)
    prefix_end = len(fed)
    fed = fed + good_tail(fed[-1] if fed else None, level)
    shown = []
    for index, reading in enumerate(fed):
        before = transaction.energy_kwh
        transaction.track(reading.value, reading.at, reading.received, MAX_KW)
        assert transaction.energy_kwh >= before
        if transaction.energy_kwh != before or index == 0:
            shown.append((index, transaction.energy_kwh))
        assert Transaction.from_dict(transaction.as_dict()) == transaction
    check_shown(fed, shown)
    assert transaction.energy_kwh >= 0
    # The healthy meter's last readings all count in the session.
    assert transaction.energy_kwh - dict(shown).get(prefix_end + 6, 0.0) >= 0.0
    last_three = [value for index, value in shown if index >= prefix_end + 6]
    assert last_three[-1] - last_three[0] >= 0.3 - 1e-6


@settings(max_examples=200, deadline=None)
@given(readings(max_size=15), st.floats(min_value=0, max_value=1000, allow_nan=False))
def test_other_measurands_show_the_live_value_in_the_end(fed: list[Reading], watts: float) -> None:
    """However a clock jumped, live power readings are shown again within the replay window."""
    connector = Charger("CP").connector(1)
    for reading in fed:
        sample = MeterSample("power_active_import", "Power.Active.Import", 1.0, "W", reading.at)
        connector.apply_samples([sample], reading.received, MAX_KW)
    received = (fed[-1].received if fed else T0) + timedelta(minutes=1)
    for minute in range(12):
        at = received + timedelta(minutes=minute)
        sample = MeterSample("power_active_import", "Power.Active.Import", watts, "W", at)
        connector.apply_samples([sample], at, MAX_KW)
    assert connector.meter["power_active_import"].value == watts


@settings(max_examples=200, deadline=None)
@given(readings())
def test_connector_registers_and_session_agree(fed: list[Reading]) -> None:
    """Through the connector: the register sensor and the session follow the same rules."""
    connector = Charger("CP").connector(1)
    connector.transaction = Transaction(1, 1, "CARD", T0 - MAX_CLOCK_BEHIND, meter_start_wh=None)
    shown: list[float] = []
    for reading in fed:
        sample = MeterSample(
            "energy_active_import_register", ENERGY, reading.value, "kWh", reading.at
        )
        connector.apply_samples([sample], reading.received, MAX_KW)
        if (current := connector.meter.get("energy_active_import_register")) is not None:
            shown.append(current.value)
    assert shown == sorted(shown)
    assert connector.transaction.energy_kwh >= 0
    assert (
        Charger.from_dict(Charger("CP", connectors={1: connector}).as_dict())
        .connectors[1]
        .as_dict()
        == connector.as_dict()
    )
