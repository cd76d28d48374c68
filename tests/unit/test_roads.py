"""Roads in traffic alerts located as highway segments or landmark points (geo.roads)."""

from __future__ import annotations

import math
import re
import tomllib
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.boundaries import reverse_many
from geo.geocoding import Geocoder
from geo.roads import HIGHWAYS_PATH, ONE_PLACE_KM, RoadLocator, RoadMatch, highway_numbers, landmark_place
from streams.adapters.traffic import read_traffic

SENT = datetime(2020, 5, 20, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder.load("IN")


@pytest.fixture(scope="module")
def roads(geocoder: Geocoder) -> RoadLocator:
    return RoadLocator.load(geocoder.gaz)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _alert(geocoder: Geocoder, roads: RoadLocator, text: str) -> tuple[RoadMatch, ...]:
    return roads.locate(text, geocoder.locate(text), read_traffic(text, SENT)["roads"])


def _town(geocoder: Geocoder, name: str, state: str) -> tuple[float, float]:
    towns = [loc for loc in geocoder.locate(f"{name} town", hint=state) if loc.state == state]
    (loc,) = [loc for loc in towns if loc.kind in ("village", "town", "city")][:1] or towns[:1]
    return loc.lat, loc.lon


def test_the_table_has_no_typed_coordinates_and_every_town_is_placed_or_reported(roads: RoadLocator) -> None:
    text = HIGHWAYS_PATH.read_text(encoding="utf-8")
    assert not re.search(r"\d+\.\d{2,}", text)  # coordinates come from the gazetteer, never typed in
    table = tomllib.loads(text)["highway"]
    assert {h.number for h in roads.highways} == {row["number"] for row in table}
    for row, hw in zip(table, roads.highways, strict=True):
        listed = [t.split(",")[0] for t in row["towns"]]
        skipped = {u.split(": ")[1].split(" (")[0].split(",")[0] for u in roads.unresolved if u.startswith(f"{hw.number}:")}
        assert [t for t in listed if t not in skipped] == list(hw.towns)  # in the table's order
        assert len(hw.towns) >= 0.8 * len(listed) and len(hw.coords) == len(hw.towns)


def test_each_placed_town_lies_in_the_state_the_table_gives(roads: RoadLocator) -> None:
    """The gazetteer's points checked against the state boundaries (an independent source)."""
    table = {row["number"]: dict(t.split(", ") for t in row["towns"]) for row in tomllib.loads(HIGHWAYS_PATH.read_text())["highway"]}
    for hw in roads.highways:
        states = [s for s, *_ in reverse_many([lat for _, lat in hw.coords], [lon for lon, _ in hw.coords])]
        wrong = [(t, s) for t, s in zip(hw.towns, states, strict=True) if s != table[hw.number][t]]
        assert len(wrong) <= 1, (hw.number, wrong)  # a town on a state border may fall just across it


def test_nh16_between_balasore_and_bhadrak(geocoder: Geocoder, roads: RoadLocator) -> None:
    text = "NH-16 closed between Balasore and Bhadrak due to tree fall"
    (match,) = _alert(geocoder, roads, text)
    assert (match.road, match.from_place, match.to_place) == ("NH-16", "Balasore", "Bhadrak")
    assert match.location.kind == "road" and match.location.method == "road_table"
    line = match.geometry["coordinates"]
    ends = {loc.text: (loc.lat, loc.lon) for loc in geocoder.locate(text)}  # the towns, as the geocoder reads them
    assert min(_km(*ends["Balasore"], lat, lon) for lon, lat in (line[0], line[-1])) < 5
    assert min(_km(*ends["Bhadrak"], lat, lon) for lon, lat in (line[0], line[-1])) < 5
    straight = _km(*ends["Balasore"], *ends["Bhadrak"])
    assert straight * 0.9 < match.length_km < straight * 1.5
    pin = match.location  # the segment's midpoint: every point of it lies within the radius
    assert all(_km(pin.lat, pin.lon, lat, lon) * 1000 <= pin.radius_m for lon, lat in line)
    assert reverse_many([pin.lat], [pin.lon])[0][0] == "Odisha"


def test_ultadanga_flyover_is_a_landmark_in_kolkata(geocoder: Geocoder, roads: RoadLocator) -> None:
    (match,) = _alert(geocoder, roads, "Traffic diverted at Ultadanga flyover due to waterlogging")
    loc = match.location
    assert (match.road, loc.kind, loc.method, match.geometry) == ("Ultadanga flyover", "landmark", "road_landmark", None)
    assert loc.state == "West Bengal" and 500 <= loc.radius_m <= 5000
    assert _km(loc.lat, loc.lon, *_town(geocoder, "Kolkata", "West Bengal")) < 10


def test_ghazipur_border_on_old_nh24_is_in_delhi(geocoder: Geocoder, roads: RoadLocator) -> None:
    road, landmark = _alert(geocoder, roads, "Traffic movement is closed on Ghazipur Border NH-24 (Both carriageway)")
    assert road.road == "NH-9" and road.location.name.startswith("NH-24 (now NH-9)")
    assert road.length_km == pytest.approx(2 * ONE_PLACE_KM, abs=0.5)  # a stretch either side of Ghazipur
    assert (landmark.road, landmark.location.kind, landmark.location.state) == ("Ghazipur Border", "landmark", "Delhi")


@pytest.mark.parametrize(
    ("text", "road", "place"),
    [
        ("Landslide: NH-10 closed at Rangpo", "NH-10", "Rangpo"),  # the current NH-10 (Siliguri - Gangtok)
        ("Vehicles on NH-10 diverted at Bahadurgarh", "NH-9", "Bahadurgarh"),  # the old NH-10, now NH-9
        ("Waterlogging on NH 34 near Krishnanagar", "NH-12", "Krishnanagar"),
        ("Tree fall on National Highway 6 near Kharagpur, one carriageway closed", "NH-49", "Kharagpur"),
    ],
)
def test_a_number_means_the_road_the_named_place_lies_on(geocoder: Geocoder, roads: RoadLocator, text: str, road: str, place: str) -> None:
    matches = [m for m in _alert(geocoder, roads, text) if m.geometry]
    assert [(m.road, m.from_place) for m in matches] == [(road, place)]


def test_a_highway_alone_is_the_whole_road_with_low_confidence(geocoder: Geocoder, roads: RoadLocator) -> None:
    (match,) = _alert(geocoder, roads, "Traffic on NH 12 is slow due to heavy rain")
    nh12 = next(h for h in roads.highways if h.number == "NH-12")
    assert len(match.geometry["coordinates"]) == len(nh12.towns)
    assert match.location.confidence < 0.5 and match.location.radius_m > nh12.length_km * 500


def test_several_roads_and_what_is_not_located(geocoder: Geocoder, roads: RoadLocator) -> None:
    both = _alert(geocoder, roads, "NH-16 and NH-49 closed at Kharagpur till 6 pm")
    assert [m.road for m in both] == ["NH-16", "NH-49"]
    assert _alert(geocoder, roads, "NH-999 closed near Balasore") == ()  # not in the table
    assert _alert(geocoder, roads, "Traffic is diverted from Minto Bridge due to waterlogging") == ()  # no Minto in India
    assert _alert(geocoder, roads, "Heavy rain tonight, please stay safe") == ()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ultadanga flyover", ("Ultadanga", "landmark")),
        ("Ghazipur Border NH-24", ("Ghazipur", "landmark")),
        ("Park Circus seven-point crossing", ("Park Circus", "landmark")),
        ("Gariahat Road", ("Gariahat", "road")),
        ("Lake Town", None),
        ("Flyover", None),
    ],
)
def test_landmark_place(name: str, expected) -> None:
    assert landmark_place(name) == expected


def test_highway_numbers() -> None:
    text = "NH 16, NH-16, N.H. 34, National Highway 12 and nh24; SH-2 and NH-10-2 are not national highways"
    assert highway_numbers(text) == ["NH-16", "NH-34", "NH-12", "NH-24"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200) | st.lists(st.sampled_from(
    ["NH-16", "NH 24", "NH-10", "between", "and", "from", "to", "Balasore", "Bhadrak", "Kharagpur", "Ghazipur",
     "Border", "flyover", "Road", "closed", "at", "near", ",", "Ultadanga", "Minto", "Bridge"]), max_size=12).map(" ".join))  # fmt: skip
def test_never_an_exception(geocoder: Geocoder, roads: RoadLocator, text: str) -> None:
    for match in _alert(geocoder, roads, text):
        assert match.location.radius_m > 0 and -90 <= match.location.lat <= 90
        if match.geometry:
            assert len(match.geometry["coordinates"]) >= 2


def test_the_named_pair_wins_over_other_places_on_the_road(geocoder: Geocoder, roads: RoadLocator) -> None:
    (match,) = _alert(geocoder, roads, "NH-16 closed between Balasore and Bhadrak; vehicles are diverted via Cuttack")
    assert (match.from_place, match.to_place) == ("Balasore", "Bhadrak")
    (match,) = _alert(geocoder, roads, "Traffic on NH-16 suspended from Cuttack to Bhubaneswar after the storm")
    assert {match.from_place, match.to_place} == {"Cuttack", "Bhubaneswar"} and match.length_km < 60
    (match,) = _alert(geocoder, roads, "NH-16 waterlogged at Soro and at Bhadrak")  # no pair: the places it names
    assert {match.from_place, match.to_place} == {"Soro", "Bhadrak"}
