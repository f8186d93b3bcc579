"""Price adapters: every supported source, DST days, mixed resolutions, gaps and bad data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.ocpp_csms.core.smart_charging.prices import (
    PriceError,
    PriceSlot,
    prices_from_attributes,
    prices_from_list,
)

BERLIN = ZoneInfo("Europe/Berlin")


def local_day(day: str, minutes: int) -> list[datetime]:
    """Every slot start of a local day in Berlin, as aware datetimes."""
    start = datetime.fromisoformat(day).replace(tzinfo=BERLIN)
    end = (start + timedelta(days=1)).replace(tzinfo=BERLIN).astimezone(UTC)
    starts = []
    cursor = start.astimezone(UTC)
    while cursor < end:
        starts.append(cursor.astimezone(BERLIN))
        cursor += timedelta(minutes=minutes)
    return starts


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_nord_pool() -> None:
    """HACS Nord Pool: start/end/value items, datetimes today and strings tomorrow."""
    today = [
        {"start": s, "end": s + timedelta(hours=1), "value": 0.1 * i}
        for i, s in enumerate(local_day("2025-01-15", 60))
    ]
    tomorrow = [
        {"start": s.isoformat(), "end": (s + timedelta(hours=1)).isoformat(), "value": -0.01}
        for s in local_day("2025-01-16", 60)
    ]
    slots = prices_from_attributes(
        {"raw_today": today, "raw_tomorrow": tomorrow, "tomorrow_valid": True, "unit": "kWh"},
        BERLIN,
    )
    assert len(slots) == 48
    assert slots[0] == PriceSlot(utc("2025-01-14T23:00:00+00:00"), utc("2025-01-15T00:00:00Z"), 0)
    assert slots[-1].price == -0.01
    assert all(a.end == b.start for a, b in pairwise(slots))


def test_entsoe() -> None:
    """ENTSO-e: time/price items; the combined list and the day lists agree."""
    items = [{"time": s.isoformat(), "price": 0.2} for s in local_day("2025-06-20", 15)]
    slots = prices_from_attributes({"prices_today": items, "prices": items}, BERLIN)
    assert len(slots) == 96
    assert {slot.end - slot.start for slot in slots} == {timedelta(minutes=15)}


def test_energi_data_service_prefers_published_prices_over_forecast() -> None:
    """Energi Data Service: hour/price items; the forecast only fills what is not published."""
    hours = local_day("2025-01-15", 60)
    raw = [{"hour": h, "price": 1.0} for h in hours[:12]]
    forecast = [{"hour": h, "price": 9.0} for h in hours]
    slots = prices_from_attributes({"raw_today": raw, "forecast": forecast}, BERLIN)
    assert [slot.price for slot in slots] == [1.0] * 12 + [9.0] * 12


@pytest.mark.parametrize(("day", "quarters"), [("2025-03-30", 92), ("2025-10-26", 100)])
def test_dst_days(day: str, quarters: int) -> None:
    """A DST day has 92 or 100 quarter hours, each 15 minutes long in UTC."""
    items = [{"start": s.isoformat(), "price": 0.1} for s in local_day(day, 15)]
    slots = prices_from_list(items, BERLIN)
    assert len(slots) == quarters
    assert sum(slot.hours for slot in slots) == quarters / 4
    assert all(a.end == b.start for a, b in pairwise(slots))


def test_mixed_resolution_and_gaps() -> None:
    """Hourly then quarter-hourly prices; a missing quarter stays without price."""
    items: list[dict[str, Any]] = [
        {"start": "2025-01-15T22:00:00Z", "price": 1},
        {"start": "2025-01-15T23:00:00Z", "price": 2},
        {"start": "2025-01-16T00:00:00Z", "price": 3},
        {"start": "2025-01-16T00:15:00Z", "price": 4},
        # 00:30 is missing
        {"start": "2025-01-16T00:45:00Z", "price": 5},
        {"start": "2025-01-16T01:00:00Z", "price": 6},
    ]
    slots = prices_from_list(items, UTC)
    assert [(s.start.strftime("%H:%M"), s.end.strftime("%H:%M")) for s in slots] == [
        ("22:00", "23:00"),
        ("23:00", "00:00"),
        ("00:00", "00:15"),
        ("00:15", "00:30"),
        ("00:45", "01:00"),
        ("01:00", "01:15"),
    ]


def test_missing_hour_in_hourly_prices() -> None:
    """A missing hour in hourly prices is a gap, not a two-hour slot."""
    items = [
        {"start": "2025-01-15T10:00:00Z", "price": 1},
        {"start": "2025-01-15T11:00:00Z", "price": 2},
        {"start": "2025-01-15T13:00:00Z", "price": 3},
    ]
    assert [s.hours for s in prices_from_list(items, UTC)] == [1, 1, 1]


def test_naive_times_are_local() -> None:
    """A time without a zone is in Home Assistant's time zone."""
    (slot,) = prices_from_list([{"start": "2025-01-15T10:00:00", "price": 1}], BERLIN)
    assert slot.start == utc("2025-01-15T09:00:00Z")
    assert slot.end == utc("2025-01-15T10:00:00Z")


def test_service_responses() -> None:
    """Tibber's, Amber's and Nord Pool's service responses are read as they come."""
    tibber = {
        "prices": {
            "Home": [
                {"start_time": "2025-01-15T10:00:00+01:00", "price": 0.25},
                {"start_time": "2025-01-15T11:00:00+01:00", "price": 0.3},
            ]
        }
    }
    assert [s.price for s in prices_from_list(tibber, BERLIN)] == [0.25, 0.3]
    nord_pool = {
        "SE3": [
            {"start": "2025-01-15T09:00:00Z", "end": "2025-01-15T09:15:00Z", "price": 41.2},
        ]
    }
    assert prices_from_list(nord_pool, BERLIN)[0].hours == 0.25
    amber = {
        "forecasts": [
            {
                "start_time": "2025-01-15T09:00:01+00:00",
                "end_time": "2025-01-15T09:30:00+00:00",
                "per_kwh": 0.18,
            },
        ]
    }
    assert [(s.hours, s.price) for s in prices_from_list(amber, BERLIN)] == [
        (pytest.approx(0.5 - 1 / 3600), 0.18)
    ]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ([], "no_prices"),
        ({}, "no_prices"),
        ("cheap", "no_prices"),
        ([{"price": 1}], "bad_price_item"),
        ([{"start": "soon", "price": 1}], "bad_price_item"),
        ([{"start": 12, "price": 1}], "bad_price_item"),
        ([{"start": "2025-01-15T10:00:00Z", "price": "a lot"}], "bad_price_item"),
        ([{"start": "2025-01-15T10:00:00Z", "price": None}], "no_prices"),
        (["2025-01-15T10:00:00Z"], "bad_price_item"),
        (
            {"SE3": [{"start": "2025-01-15T10:00:00Z", "price": 1}], "SE4": [{"start": "x"}]},
            "ambiguous_prices",
        ),
    ],
)
def test_bad_prices(data: Any, key: str) -> None:
    """Unreadable prices are an error that says why, never an empty plan."""
    with pytest.raises(PriceError) as err:
        prices_from_list(data, UTC)
    assert err.value.key == key


def test_sensor_without_prices() -> None:
    """A sensor with no price attributes is named as such."""
    with pytest.raises(PriceError) as err:
        prices_from_attributes({"unit_of_measurement": "EUR/kWh", "raw_today": []}, UTC)
    assert err.value.key == "no_price_attributes"


def test_naive_local_times_on_the_autumn_dst_day() -> None:
    """The hour that comes twice is two slots, in order, each with its own price."""
    hours = (0, 1, 2, 2, *range(3, 24))
    items = [
        {"start": f"2025-10-26T{h:02d}:00:00", "price": index} for index, h in enumerate(hours)
    ]
    slots = prices_from_list(items, BERLIN)
    assert len(slots) == 25
    assert [slot.price for slot in slots] == list(range(25))
    assert all(a.end == b.start for a, b in pairwise(slots))
    assert slots[2].start == datetime(2025, 10, 26, 0, tzinfo=UTC)  # 02:00 summer time
    assert slots[3].start == datetime(2025, 10, 26, 1, tzinfo=UTC)  # 02:00 winter time
