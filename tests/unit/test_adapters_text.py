"""Bulletin and traffic text adapters."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest

from streams.adapters import load_adapter
from streams.adapters.bulletin import read_bulletin
from streams.adapters.traffic import read_traffic
from streams.errors import AdapterError
from tests.unit._adapter_fixtures import ctx

AMPHAN = (
    "The Super Cyclonic Storm 'AMPHAN' over westcentral Bay of Bengal moved north-northeastwards with a speed of "
    "13 kmph during past 6 hours and lay centered near latitude 14.0°N and longitude 86.3°E, about 700 km nearly "
    "south of Paradip (Odisha), 830 km south-southwest of Digha (West Bengal) and 950 km south-southwest of "
    "Khepupara (Bangladesh). Maximum sustained wind speed 220-230 kmph gusting to 255 kmph."
)


def test_bulletin_position_intensity_wind_and_distances() -> None:
    (report,) = load_adapter("bulletin")(AMPHAN.encode(), ctx(feed="weather", source="imd"))
    assert report.gps == (14.0, 86.3) and report.feed == "weather" and report.format == "bulletin"
    assert report.source_id == hashlib.sha1(AMPHAN.encode()).hexdigest()
    extra = report.extra
    assert (extra["lat"], extra["lon"], extra["intensity"], extra["category"]) == (14.0, 86.3, "Super Cyclonic Storm", "SUCS")
    assert extra["wind_kt"] == pytest.approx(220 / 1.852, abs=0.1)
    assert [(d["km"], d["bearing"], d["place"], d["region"]) for d in extra["distances"]] == [
        (700.0, 180.0, "Paradip", "Odisha"),
        (830.0, 202.5, "Digha", "West Bengal"),
        (950.0, 202.5, "Khepupara", "Bangladesh"),
    ]
    assert extra["distances"][1]["direction"] == "south-southwest"


@pytest.mark.parametrize(
    ("text", "lat", "lon", "category", "wind"),
    [
        ("Depression near 12.5N/88.0E with maximum sustained wind speed of 25 knots", 12.5, 88.0, "D", 25.0),
        ("Severe Cyclonic Storm near Lat. 21.5° N and Long. 88.0° E, wind speed 110-120 kmph (60 knots)", 21.5, 88.0, "SCS", 60.0),
        ("Deep Depression lay centred near latitude 10.4 S and longitude 70.2 W", -10.4, -70.2, "DD", None),
    ],
)  # fmt: skip
def test_bulletin_variants(text: str, lat: float, lon: float, category: str, wind: float | None) -> None:
    extra = read_bulletin(text)
    assert (extra["lat"], extra["lon"], extra["category"], extra.get("wind_kt")) == (lat, lon, category, wind)


def test_bulletin_without_position_is_a_report_without_gps() -> None:
    (report,) = load_adapter("bulletin")(b"Sea condition will be phenomenal.", ctx(key="imd-7"))
    assert report.gps is None and report.source_id == "imd-7" and "lat" not in report.extra
    with pytest.raises(AdapterError, match="outside the globe"):
        load_adapter("bulletin")(b"lay centred near latitude 95.0N and longitude 86.3E", ctx())


REF = datetime(2020, 5, 20, 8, 0, tzinfo=UTC)  # 13:30 IST


@pytest.mark.parametrize(
    ("text", "status", "roads", "carriageway", "end"),
    [
        ("Traffic movement is closed on Ghazipur Border NH-24 (Both carriageway)", "closed", ["Ghazipur Border NH-24", "NH-24"], "both", None),
        ("Kolkata Traffic Police, 20.05.2020 12:29 hrs: Lake Town is closed for all vehicles till further notice.", "closed", ["Lake Town"], None, "further notice"),
        ("Water has receded at Park Circus seven-point crossing. Traffic movement has been restored.", "reopened", ["Park Circus seven-point crossing"], None, None),
        ("Traffic movement is now normal on Gariahat Road after removal of the fallen tree.", "reopened", ["Gariahat Road"], None, None),
        ("Traffic is diverted from Minto Bridge due to waterlogging; take Outer Ring Road until further notice", "diverted", ["Minto Bridge", "Outer Ring Road"], None, "further notice"),
        ("Tree fall on Aurobindo Marg, traffic slow till 6 pm", "slow", ["Aurobindo Marg"], None, "2020-05-20T18:00:00+05:30"),
        ("Waterlogging at Zakhira underpass, one carriageway affected till 10:30 am", "waterlogged", ["Zakhira underpass"], "one", "2020-05-21T10:30:00+05:30"),
        ("Traffic restored on NH 48 after the waterlogging cleared", "reopened", ["NH-48"], None, None),
        ("Heavy rain tonight, please stay safe", None, [], None, None),
    ],
)  # fmt: skip
def test_traffic_text(text: str, status, roads, carriageway, end) -> None:
    further = end == "further notice"
    assert read_traffic(text, REF) == {
        "status": status, "roads": roads, "carriageway": carriageway,
        "start": REF.isoformat(), "end": None if further else end, "until_further_notice": further,
    }  # fmt: skip


def test_traffic_json_and_its_errors() -> None:
    msg = {"id": "kp-1", "text": "Closed for tree removal", "road": "AJC Bose Road", "status": "Closed",
           "start": "2020-05-20T10:00:00+05:30", "end": "2020-05-21T10:00:00+05:30"}  # fmt: skip
    (report,) = load_adapter("traffic")(json.dumps(msg).encode(), ctx(feed="traffic", source="kolkata-tp"))
    assert report.source_id == "kp-1" and report.feed == "traffic"
    assert report.event_time == datetime.fromisoformat(msg["start"])
    assert report.extra == {
        "status": "closed", "roads": ["AJC Bose Road"], "carriageway": None,
        "start": msg["start"], "end": msg["end"], "until_further_notice": False,
    }  # fmt: skip
    for end, said in [("until further orders", (None, True)), ("6 pm tomorrow", ("2020-05-21T18:00:00+05:30", False))]:
        (report,) = load_adapter("traffic")(json.dumps({**msg, "end": end}).encode(), ctx(feed="traffic"))
        assert (report.extra["end"], report.extra["until_further_notice"]) == said
    with pytest.raises(AdapterError, match="status 'teleported'; expected one of"):
        load_adapter("traffic")(json.dumps({**msg, "status": "teleported"}).encode(), ctx())
    with pytest.raises(AdapterError, match="end 'later' is not an ISO-8601"):
        load_adapter("traffic")(json.dumps({**msg, "end": "later"}).encode(), ctx())
    with pytest.raises(AdapterError, match="not valid JSON"):
        load_adapter("traffic")(b'{"id": ', ctx())
