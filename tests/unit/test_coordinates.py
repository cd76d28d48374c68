"""Coordinate, PIN and DIGIPIN finders: known notations, and no exception on any input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import _coordinates
from geo._coordinates import decode_digipin, find_coordinates, find_digipins, find_pins, find_positions


@pytest.mark.parametrize(
    ("text", "lat", "lon"),
    [
        ("centered near latitude 14.0°N and longitude 86.3°E, about 700 km", 14.0, 86.3),
        ("we are at 22.5726, 88.3639 on the roof", 22.5726, 88.3639),
        ("lat 22.57 long 88.36", 22.57, 88.36),
        ("lon 88.36 lat 22.57", 22.57, 88.36),
        ("22°34'12\"N 88°21'36\"E", 22.57, 88.36),
        ("33°51'S 151°12'E", -33.85, 151.2),
        ("https://www.google.com/maps/@22.5726,88.3639,15z", 22.5726, 88.3639),
        ("http://maps.google.com/?q=22.57,88.36 pls come", 22.57, 88.36),
        ("https://www.openstreetmap.org/#map=15/20.2961/85.8245", 20.2961, 85.8245),
        ("14N 86E", 14.0, 86.0),
    ],
)
def test_notations(text: str, lat: float, lon: float) -> None:
    found = find_coordinates(text)
    assert len(found) == 1
    assert found[0].lat == pytest.approx(lat, abs=1e-3)
    assert found[0].lon == pytest.approx(lon, abs=1e-3)
    assert text[found[0].start : found[0].end].strip()


@pytest.mark.parametrize(
    "text",
    ["lat 200 long 5", "0.0, 0.0", "in 2017, 2018 we had 3.5, 4.2 cm of rain", "lat 95.5 lon 10.5", "", "no digits"],
)
def test_not_coordinates(text: str) -> None:
    assert find_coordinates(text) == []


def test_precision_sets_radius() -> None:
    coarse = find_coordinates("14.0°N 86.3°E")[0]
    fine = find_coordinates("22.572645, 88.363892")[0]
    assert coarse.radius_m > 1000 > fine.radius_m


def test_digipin_roundtrip() -> None:
    import digipin

    code = digipin.encode(20.2961, 85.8245).replace(" ", "-")
    lat, lon = decode_digipin(code)
    assert lat == pytest.approx(20.2961, abs=1e-3) and lon == pytest.approx(85.8245, abs=1e-3)
    found = find_digipins(f"stuck here DIGIPIN {code} please")
    assert len(found) == 1 and found[0].kind == "digipin"
    assert decode_digipin("123-456-7890") is None  # 0 and 1 are not DIGIPIN symbols
    assert find_digipins("call 234-567-8923") == []  # all digits: a phone number


def test_pins_need_a_known_code_and_no_money() -> None:
    known = {700001: (22.57, 88.35)}
    hits = find_pins("Kolkata PIN 700001, also Rs 700001 and 999999", known)
    assert [(h.code, h.confidence) for h in hits] == [("700001", 0.95)]
    assert find_pins("700 001", known)[0].confidence < 0.95


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_and_stays_on_earth(text: str) -> None:
    for f in [*find_coordinates(text), *find_digipins(text), *find_pins(text, {700001: (22.5, 88.3)})]:
        assert -90 <= f.lat <= 90 and -180 <= f.lon <= 180
        assert not (f.lat == 0 and f.lon == 0)
        assert 0 <= f.start < f.end <= len(text)
        assert math.isfinite(f.radius_m) and f.radius_m > 0


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=-90, max_value=90, allow_nan=False),
    st.floats(min_value=-180, max_value=180, allow_nan=False),
    st.sampled_from(["{a:.4f}, {o:.4f}", "lat {a:.3f} lon {o:.3f}", "latitude {a:.2f} longitude {o:.2f}"]),
)
def test_written_pairs_are_read_back(lat: float, lon: float, fmt: str) -> None:
    text = "help at " + fmt.format(a=lat, o=lon) + " now"
    found = find_coordinates(text)
    la, lo = float(f"{lat:.4f}"), float(f"{lon:.4f}")
    if abs(la) < 0.01 and abs(lo) < 0.01:
        return  # (0, 0) is never a position
    assert found, text
    assert found[0].lat == pytest.approx(lat, abs=0.01)
    assert found[0].lon == pytest.approx(lon, abs=0.01)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=91, max_value=999), st.integers(min_value=0, max_value=180))
def test_absurd_latitudes_are_rejected(lat: int, lon: int) -> None:
    assert find_coordinates(f"lat {lat}.5 lon {lon}.5") == []


# Characters the first checks of the finders turn on: digits (also of other scripts), separators,
# hemisphere letters, DIGIPIN letters, the word "digipin" in any case, kinds of space.
_CUE_CHARS = "0123456789 -.,NSEWnsewDdIiGgPpCFJKLMTx_\t\n\u00a0\u2003١০२°İé"
_PINS = {743456: (22.1, 88.9), 700001: (22.57, 88.36), 110001: (28.63, 77.22)}


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.text(alphabet=_CUE_CHARS, max_size=40), st.text(max_size=40)))
def test_position_cues_in_c_match_the_regular_expressions(text: str) -> None:
    assert _coordinates._ctokens is not None  # built by `pip install -e .`
    assert _coordinates._ctokens.position_cues(text) == _coordinates.py_position_cues(text)


_POSITION_PARTS = ["22.5726, 88.3639", "14.0°N 86.3°E", "lat 22.57 long 88.36", "PIN 743456", "700001", "110 001",
                   "39J-438-TJC7", "DIGIPIN", "39J438TJC7", "https://maps.google.com/?q=22.57,88.36", "Rs 700001",
                   "12 N", "Kolkata", " ", ", ", "-", "5", "22°34'12\"N 88°21'36\"E", "14N 86E", "along", "latest",
                   "long 88 lat 22", "5 deg", "33°51'S", "151°12'E", "17", "ſ", "n"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_POSITION_PARTS), max_size=8))
def test_find_positions_is_the_three_finders_together(parts: list[str]) -> None:
    text = "".join(parts)
    found = find_coordinates(text)
    found += [f for f in find_digipins(text) if not any(f.start < g.end and g.start < f.end for g in found)]
    found += [f for f in find_pins(text, _PINS) if not any(f.start < g.end and g.start < f.end for g in found)]
    assert find_positions(text, _PINS) == found
