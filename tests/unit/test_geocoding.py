"""The geocoder on short texts written for the project (the first run builds the gazetteer cache)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.geocoding import Geocoder, best_location
from geo.model import Location


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder.load("IN")


def _one(geocoder: Geocoder, text: str, hint: str | None = None) -> list[Location]:
    return list(geocoder.locate_batch([text], [hint])[0])


def test_places_of_west_bengal_and_odisha(geocoder: Geocoder) -> None:
    locs = _one(geocoder, "Water rising in Hingalganj and Sandeshkhali, houses gone. Also flooding near Paradip, Odisha")
    by_text = {loc.text: loc for loc in locs}
    assert by_text["Hingalganj"].state == "West Bengal"
    assert by_text["Hingalganj"].district_lgd == 337  # North 24 Parganas
    assert 22.0 < by_text["Hingalganj"].lat < 23.0 and 88.5 < by_text["Hingalganj"].lon < 89.2
    assert by_text["Paradip"].state == "Odisha" and by_text["Odisha"].kind == "state"
    assert by_text["Odisha"].radius_m > 100_000 > by_text["Paradip"].radius_m


def test_spans_point_into_the_text(geocoder: Geocoder) -> None:
    text = "Trees down in Bhubaneswar and Cuttack, power cut in Kolkata"
    for loc in _one(geocoder, text):
        assert text[loc.start : loc.end] == loc.text


def test_variants_and_scripts(geocoder: Geocoder) -> None:
    for text in ("relief camp in Calcutta", "relief camp in Kolkata", "কলকাতায় বন্যা", "#KolkataRains are bad"):
        locs = _one(geocoder, text)
        assert locs, text
        assert locs[0].district == "Kolkata", (text, locs[0])


def test_ordinary_words_are_not_places(geocoder: Geocoder) -> None:
    assert _one(geocoder, "please help, the police station and the hospital are flooded") == []


def test_storm_names_are_not_places(geocoder: Geocoder) -> None:
    locs = _one(geocoder, "Hurricane Florence is coming")
    assert all(loc.text != "Florence" for loc in locs)


def test_context_disambiguates(geocoder: Geocoder) -> None:
    locs = _one(geocoder, "Roads closed in Ghazipur, Delhi")
    ghazipur = next(loc for loc in locs if loc.text == "Ghazipur")
    assert ghazipur.state == "Delhi"


def test_hint_disambiguates(geocoder: Geocoder) -> None:
    plain = _one(geocoder, "Roads closed in Ghazipur")[0]
    hinted = _one(geocoder, "Roads closed in Ghazipur", "Delhi")[0]
    assert hinted.state == "Delhi" and (plain.lat, plain.lon) != (hinted.lat, hinted.lon)


def test_explicit_coordinates_get_admin_units(geocoder: Geocoder) -> None:
    locs = _one(geocoder, "SOS at 22.5726, 88.3639 family of 5 on roof")
    assert locs[0].kind == "coordinates" and locs[0].district == "Kolkata" and locs[0].district_lgd == 342
    assert best_location(locs) == locs[0]


def test_relative_expression(geocoder: Geocoder) -> None:
    locs = _one(geocoder, "depression 700 km south of Paradip")
    rel = next(loc for loc in locs if loc.method.startswith("relative"))
    anchor = next(loc for loc in locs if loc.text == "Paradip")
    assert rel.lat == pytest.approx(anchor.lat - 700 / 111.2, abs=0.1)
    assert rel.radius_m >= 100_000


def test_reverse(geocoder: Geocoder) -> None:
    assert geocoder.reverse(22.57, 88.36) == ("West Bengal", "Kolkata", 19, 342)
    assert geocoder.reverse(15.0, 88.0) == (None, None, None, None)  # Bay of Bengal
    assert geocoder.reverse(200.0, 5.0) == (None, None, None, None)


@pytest.mark.parametrize("text", ["", " ", "\x00\x07\x1b", "🙂" * 50, "lat 200 long 5", "a" * 1_000_000,
                                  "Kolkata " * 20_000, "0,0", "\ud800 broken surrogate"])
def test_bad_input_is_unlocated_or_located_never_raises(geocoder: Geocoder, text: str) -> None:
    for loc in _one(geocoder, text):
        assert -90 <= loc.lat <= 90 and -180 <= loc.lon <= 180 and (loc.lat, loc.lon) != (0, 0)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text(text: str) -> None:
    geocoder = Geocoder.load("IN")
    for loc in geocoder.locate_batch([text])[0]:
        assert 0 <= (loc.start or 0) < (loc.end or 0) <= len(text)
        assert (loc.lat, loc.lon) != (0, 0) and loc.radius_m > 0


def test_best_location_prefers_precise_and_confident() -> None:
    state = Location(20.2, 84.0, 200_000, "state", "Odisha", "gazetteer", 0.95)
    town = Location(19.8, 85.8, 3_000, "town", "Puri", "gazetteer", 0.9)
    weak = Location(19.0, 85.0, 1_000, "village", "X", "gazetteer", 0.2)
    assert best_location([state, town, weak]) == town
    assert best_location([]) is None


def test_explicit_position_steers_names(geocoder: Geocoder) -> None:
    locs = _one(geocoder, "Stuck at 28.62, 77.33 near Ghazipur")
    ghazipur = next(loc for loc in locs if loc.text == "Ghazipur")
    assert ghazipur.state == "Delhi" and ghazipur.method == "gazetteer:near"


def test_abbreviations_in_exact_case(geocoder: Geocoder) -> None:
    locs = _one(geocoder, "Shelters open in Houston, TX tonight")
    assert [loc.name for loc in locs] == ["Houston", "Texas"]
    assert _one(geocoder, "Nepal pledges US$ 5 million") == [] or all(loc.text != "US" for loc in _one(geocoder, "Nepal pledges US$ 5 million"))
    assert all(loc.text.lower() != "tx" for loc in _one(geocoder, "thanks tx for the help"))


def test_event_hashtags_give_context_not_locations(geocoder: Geocoder) -> None:
    locs = _one(geocoder, "Boats needed in Chengannur #KeralaFloods")
    assert [loc.text for loc in locs] == ["Chengannur"] and locs[0].state == "Kerala"
    alone = _one(geocoder, "Donate now #KeralaFloods")
    assert [(loc.text, loc.method) for loc in alone] == [("Kerala", "hashtag")]
    assert alone[0].confidence < 0.6


def test_unlocated_is_empty_not_a_fake_point(geocoder: Geocoder) -> None:
    assert geocoder.locate_batch(["we need water and food", ""]) == [(), ()]


@pytest.mark.parametrize(("written", "state"), [("Chenganoor", "Kerala"), ("Bhubaneshwar", "Odisha"), ("Paradeep", "Odisha")])
def test_spelling_variants(geocoder: Geocoder, written: str, state: str) -> None:
    locs = _one(geocoder, f"Boats needed at {written} now")
    assert [(loc.text, loc.state) for loc in locs] == [(written, state)]
    if locs[0].method == "gazetteer:variant":
        assert locs[0].confidence < 0.9


def test_highway_numbers_are_not_state_codes(geocoder: Geocoder) -> None:
    locs = _one(geocoder, "Tree fall blocks NH-16 near Kharagpur")
    assert [loc.text for loc in locs] == ["Kharagpur"]


_WORDS = st.sampled_from(["Kolkata", "flood", "700001", "NH-16", "#KeralaFloods", "@user_9", "@", "http", "www",
                          "https://t.co/Ab12", "HTTP://X.org/y?z=1", "www.example.com", "e@mail.in", "কলকাতা", "🙂"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, max_size=12), st.sampled_from([" ", "  ", "\n", ", "]))
def test_links_blanked_like_the_link_pattern(words: list[str], sep: str) -> None:
    from geo.geocoding import _URL, _blank, _without_links

    text = sep.join(words)
    assert _without_links(text) == _URL.sub(_blank, text)


def test_digits_of_links_and_handles_are_no_position(geocoder: Geocoder) -> None:
    assert [loc.kind for loc in _one(geocoder, "water at @user700001 Howrah https://t.co/700001")] == ["city"]
    assert [loc.kind for loc in _one(geocoder, "PIN 700001 Howrah")] == ["pin", "city"]
    link = _one(geocoder, "see https://www.google.com/maps/@22.57,88.36,15z now")
    assert [loc.kind for loc in link] == ["coordinates"] and link[0].district == "Kolkata"
