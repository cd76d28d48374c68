"""The wind zones follow the track the stored bulletins stated."""

from __future__ import annotations

from datetime import UTC, datetime

from geo.track import Fix, track_from_bulletins
from streams.adapters import AdapterContext
from streams.adapters.bulletin import parse

BULLETIN = (
    "The Super Cyclonic Storm AMPHAN over westcentral Bay of Bengal moved north-northeastwards and lay centered "
    "near latitude 17.4°N and longitude 86.9°E, about 520 km nearly south of Paradip (Odisha). Maximum sustained "
    "wind speed 240-250 kmph gusting to 275 kmph."
)


def _bulletin(key: str, when: datetime, text: str = BULLETIN):
    ctx = AdapterContext(feed="weather", source="imd", received_at=when, key=key, event_time=when)
    return parse(text.encode(), ctx)[0]


def test_fixes_come_from_stored_bulletins_in_time_order(store_factory):
    store = store_factory()
    late = _bulletin("b2", datetime(2020, 5, 19, 3, tzinfo=UTC), BULLETIN.replace("17.4°N", "18.0°N"))
    early = _bulletin("b1", datetime(2020, 5, 19, 0, tzinfo=UTC))
    no_position = _bulletin("b3", datetime(2020, 5, 19, 6, tzinfo=UTC), "Cyclone warning for Odisha coast.")
    store.upsert([late, early, no_position])
    fixes = store.bulletin_fixes()
    assert [(f.time.hour, f.lat, f.lon) for f in fixes] == [(0, 17.4, 86.9), (3, 18.0, 86.9)]
    assert fixes[0].wind_kt > 120  # 240 km/h is about 130 kt


def test_bad_rows_are_no_fix():
    rows = [
        ("2020-05-19T00:00:00+00:00", '{"lat": 95.0, "lon": 86.0, "wind_kt": 100}'),
        ("2020-05-19T01:00:00+00:00", '{"lat": 17.0, "lon": 86.0}'),
        ("not a time", '{"lat": 17.0, "lon": 86.0, "wind_kt": 100}'),
        ("2020-05-19T02:00:00+00:00", "{broken"),
        ("2020-05-19T03:00:00+00:00", '{"lat": 17.0, "lon": 86.0, "wind_kt": 100}'),
    ]
    assert track_from_bulletins(rows) == [Fix(datetime(2020, 5, 19, 3, tzinfo=UTC), 17.0, 86.0, 100.0)]
