"""Disambiguation by context: the district a text names, the district of a PIN code in it, the
event's region (the `event_region` setting, `crisismap geocode --event-region`), and ordinary
lower-case words that are only namesakes of well-known places."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from geo.geocoding import Geocoder

KENDRAPARA = 379  # district code of Kendrapara (Odisha) in the bundled boundaries


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder.load("IN")


def _place(locs, name):
    return next(loc for loc in locs if loc.name.lower() == name.lower())


def test_a_named_district_picks_the_namesake_inside_it(geocoder):
    alone = _place(geocoder.locate("35 people stuck on a roof in Badagaon, water chest deep"), "Badagaon")
    named = _place(geocoder.locate("35 people stuck on a roof in Badagaon, Kendrapara. Water chest deep"), "Badagaon")
    assert named.district_lgd == KENDRAPARA and named.kind == "village"
    assert alone.district_lgd != KENDRAPARA  # without the district, another Badagaon ranks first


def test_the_district_of_a_pin_code_picks_the_namesake_there(geocoder):
    locs = geocoder.locate("Badagaon e 35 jon chade atke ache, please rescue team pathan pin 754250")
    assert _place(locs, "Badagaon").district_lgd == KENDRAPARA
    assert any(loc.kind == "pin" and loc.district_lgd == KENDRAPARA for loc in locs)


def test_the_event_region_breaks_ties_between_namesakes_unless_the_text_says_otherwise(geocoder):
    text = "Earthquake in Kashmir, houses collapsed"
    [plain] = [loc for loc in geocoder.locate(text) if loc.text == "Kashmir"]
    [pk] = [loc for loc in geocoder.locate(text, event_region=["PK"]) if loc.text == "Kashmir"]
    assert plain.name == "Jammu and Kashmir"  # by default (region IN), the Indian union territory
    assert pk.name == "Azad Kashmir" and pk.state_lgd is None  # the event is in Pakistan
    [galle] = [loc for loc in geocoder.locate("Flood water rising near Galle", event_region=["LK"]) if loc.text == "Galle"]
    assert abs(galle.lat - 6.03) < 0.2 and abs(galle.lon - 80.22) < 0.2
    # the text wins over the event region: a named Indian state keeps its namesake in India
    [india] = [loc for loc in geocoder.locate("Mirpur, Uttar Pradesh: houses collapsed", event_region=["PK"])
               if loc.text == "Mirpur"]  # fmt: skip
    assert india.state == "Uttar Pradesh"
    assert geocoder.locate_batch([text], event_region=["PK"]) == [geocoder.locate(text, event_region=["PK"])]
    assert geocoder.region_of("West Bengal") == ("IN", "West Bengal") and geocoder.region_of("Qwzxv") == (None, None)


def test_a_lower_case_word_is_only_a_well_known_place(geocoder):
    locs = geocoder.locate("Sethpukur e matir bari bhenge porechhe, ambulance chai pin 700124")
    assert not any(loc.text == "bari" and loc.kind in ("village", "town") for loc in locs)
    assert _place(locs, "Sethpukur").district_lgd == next(loc.district_lgd for loc in locs if loc.kind == "pin")


def _geocode(*args: str, text: str) -> subprocess.CompletedProcess:
    line = json.dumps({"id": "1", "text": text}) + "\n"
    return subprocess.run([sys.executable, "-m", "streams.cli", "geocode", *args], input=line, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_geocode_command_takes_an_event_region_and_refuses_an_unknown_one():
    ok = _geocode("--event-region", "West Bengal, Odisha", text="Badagaon-এ 35 জন বাড়ির ছাদে আটকে আছে")
    assert ok.returncode == 0, ok.stderr
    [loc] = json.loads(ok.stdout)["locations"]
    assert loc["state"] in ("Odisha", "West Bengal")
    bad = _geocode("--event-region", "Qwzxv", text="Kolkata")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Qwzxv" in bad.stderr


def test_the_ingest_enricher_uses_the_event_region_setting():
    from geo.settings import Settings
    from streams.ingest import Enricher
    from streams.scenarios.scoring import AMPHAN_CONFIG
    from tests.conftest import make_report

    post = make_report("7", "Badagaon-এ 35 জন বাড়ির ছাদে আটকে আছে, বুক সমান জল। এখনই উদ্ধার দরকার", lat=None, lon=None)
    amphan = Settings.load(AMPHAN_CONFIG, store_url="sqlite://")
    assert amphan.event_region == ("West Bengal", "Odisha")
    [during_amphan] = Enricher(amphan).enrich([post])
    [anywhere] = Enricher(Settings.load(store_url="sqlite://", event_region=())).enrich([post])
    assert during_amphan.location.state == "Odisha"
    assert anywhere.location.state != "Odisha"  # the biggest Badagaon is in Madhya Pradesh


@pytest.mark.parametrize("text", [
    "Elliot Road mein pani hi pani hai, 33 families phase hue hain",  # "hue": Hindi, not Huế
    "Treasury Building e aaj khub hawa, ghore bose netflix dekhchi lol",  # "bose": Bengali, not Baise
    "Traffic movement is closed on AJC Bose Road due to uprooted trees",  # a street named after a person
    "Vidyasagar Setu is closed for all vehicles due to high wind",  # "Setu" (bridge) is no Seto, Japan
])
def test_words_and_street_names_are_not_the_places_they_spell(geocoder, text):
    assert geocoder.locate(text) == ()


def test_capitalised_places_named_like_those_words_still_count(geocoder):
    [hue, _] = geocoder.locate("Flooding in Hue and Da Nang")
    assert hue.name == "Huế"
    assert [loc.name for loc in geocoder.locate("Boats sent from Howrah to Sagar")][:1] == ["Howrah"]


def test_a_village_said_to_be_in_a_city_of_another_state_gives_way_to_the_city(geocoder):
    from geo.geocoding import best_location

    locs = geocoder.locate("15 fishermen from Jatla, Kolkata missing since the storm")
    village = _place(locs, "Jatla")
    assert village.state == "Odisha" and village.confidence < 0.5  # the only Jatla known is in Odisha
    assert best_location(locs).name == "Kolkata"
    # a city post office whose name carries its city ("Viveknagar SO Kolkata") is known by its place name
    here = _place(geocoder.locate("15 fishermen from Viveknagar, Kolkata missing since the storm"), "Viveknagar")
    assert here.state == "West Bengal" and here.district == "Kolkata" and here.confidence >= 0.5
    both = geocoder.locate("Rain in Puri and Kolkata")  # two places, no address: both stay confident
    assert all(loc.confidence >= 0.5 for loc in both)


def test_a_named_city_picks_the_namesake_in_its_district(geocoder):
    [village, city] = geocoder.locate("Ramnagar (Howrah) completely flooded after Amphan")
    assert city.name == "Howrah" and village.text == "Ramnagar"
    assert village.district_lgd == city.district_lgd and village.kind == "village"
