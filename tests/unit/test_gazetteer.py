"""Gazetteer build quality, user places, and the boundaries it relies on."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from geo import boundaries
from geo.errors import GeocodeError
from geo.gazetteer import Gazetteer, UserPlace, add_user_places, parse_places, read_user_places
from geo.geocoding import Geocoder


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def test_districts_frame() -> None:
    frame = boundaries.districts()
    assert list(frame.columns) == ["district", "district_lgd", "state", "state_lgd", "geometry"]
    assert frame.crs.to_epsg() == 4326
    assert len(frame) > 700 and frame["district_lgd"].is_unique
    assert boundaries.district_by_lgd(342)["district"] == "Kolkata"
    assert boundaries.district_by_lgd(999_999) is None


def test_post_office_points_lie_in_their_district(gaz: Gazetteer) -> None:
    """India Post points that fall outside the office's state are dropped or replaced (Hingalganj)."""
    ids = [i for i in gaz.lookup("Hingalganj") if gaz.cols["cc"][i] == "IN"]
    assert ids
    for i in ids:
        assert boundaries.reverse(gaz.cols["lat"][i], gaz.cols["lon"][i])[3] == gaz.cols["district_lgd"][i]
    po = [i for i, g in enumerate(gaz.cols["gid"]) if g.startswith("po:")]
    sample = np.random.default_rng(3).choice(po, 300, replace=False)
    admin = boundaries.reverse_many(gaz.cols["lat"][sample], gaz.cols["lon"][sample])
    agree = sum(a[3] == gaz.cols["district_lgd"][i] for a, i in zip(admin, sample, strict=True))
    assert agree == len(sample)


def test_names_in_scripts_and_variants(gaz: Gazetteer) -> None:
    for name in ("Kolkata", "Calcutta", "কলকাতা", "Orissa", "Howrah", "Bhubaneswar"):
        assert gaz.lookup(name), name


def test_parse_csv_and_geojson(tmp_path: Path) -> None:
    csv_file = tmp_path / "shelters.csv"
    csv_file.write_text("name,lat,lon,kind,aliases\nSagar Island Cyclone Shelter 7,21.65,88.07,landmark,Shelter 7|SICS7\n")
    places = parse_places(csv_file)
    assert places == [UserPlace("Sagar Island Cyclone Shelter 7", 21.65, 88.07, "landmark", 200.0, ("Shelter 7", "SICS7"))]
    gj = tmp_path / "h.geojson"
    gj.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [85.83, 20.29]},
         "properties": {"name": "Capital Hospital", "amenity": "hospital"}}]}))
    assert parse_places(gj)[0].lat == 20.29 and parse_places(gj)[0].lon == 85.83


@pytest.mark.parametrize(
    ("content", "fragment"),
    [("name,lat,lon\nX,95,10\n", "outside the Earth"), ("title,foo\nX,1\n", "needs columns"),
     ("name,lat,lon\nX,abc,10\n", "not numbers"), ("", "no rows")],
)
def test_bad_place_files_say_what_to_fix(tmp_path: Path, content: str, fragment: str) -> None:
    f = tmp_path / "p.csv"
    f.write_text(content)
    with pytest.raises(GeocodeError, match=fragment):
        parse_places(f)


def test_user_places_merge_and_are_found(tmp_path: Path, gaz: Gazetteer) -> None:
    store = tmp_path / "user.jsonl"
    place = UserPlace("Gosaba Relief Shelter", 22.165, 88.807, "landmark", 150.0)
    assert add_user_places([place], store) == 1
    assert add_user_places([place], store) == 1  # same place twice is one place
    geocoder = Geocoder(gaz.with_places(read_user_places(store)))
    locs = geocoder.locate_batch(["20 people stuck at Gosaba Relief Shelter, need boats"])[0]
    hit = next(loc for loc in locs if loc.text == "Gosaba Relief Shelter")
    assert hit.kind == "landmark" and hit.radius_m == 150.0
    assert hit.district_lgd == 343 and hit.gazetteer_id.startswith("user:")


def test_geonames_country_dump(tmp_path: Path, gaz: Gazetteer) -> None:
    """A GeoNames dump adds a country's places; they rank by population like built-in places."""
    def row(gid: int, name: str, alts: str, lat: float, lon: float, fcl: str, fcode: str, pop: int) -> str:
        return "\t".join([str(gid), name, name, alts, str(lat), str(lon), fcl, fcode, "NP", "", "01", "", "", "",
                          str(pop), "", "1300", "Asia/Kathmandu", "2024-01-01"])

    dump = tmp_path / "NP.txt"
    dump.write_text("\n".join([
        row(1, "Tikapur Bazaar", "Tikapur Bazar", 28.5, 81.12, "P", "PPL", 56000),
        row(2, "Some Stream", "", 28.0, 81.0, "H", "STM", 0),
    ]) + "\n")
    places = parse_places(dump)
    assert [(p.name, p.kind, p.country) for p in places] == [("Tikapur Bazaar", "town", "NP")]
    geocoder = Geocoder(gaz.with_places(places))
    loc = geocoder.locate_batch(["flood water in Tikapur Bazar"])[0][0]
    assert loc.name == "Tikapur Bazaar" and loc.state is None and abs(loc.lat - 28.5) < 1e-6


@pytest.mark.parametrize(("office", "place"), [
    ("Viveknagar SO Kolkata", "Viveknagar"), ("Ashok Nagar S.O (West Delhi)", "Ashok Nagar"),
    ("Aliganj SO South Delhi", "Aliganj"), ("Sagar Bishnupur BO", "Sagar Bishnupur"), ("Hingalganj S.O", "Hingalganj"),
    ("Kolkata G.P.O.", "Kolkata"), ("Bo Bazar", "Bo Bazar"),
])
def test_a_post_office_is_known_by_the_place_it_is_named_after(office, place):
    from geo._gazetteer_build import po_place_name

    assert po_place_name(office) == place


def test_a_post_office_radius_follows_how_close_its_neighbours_are():
    from geo._gazetteer_build import _office_spacing_m
    from geo.geocoding import Geocoder

    geocoder = Geocoder.load("IN")
    [city_locality] = geocoder.locate("Water entering houses in Jorasanko")  # central Kolkata
    [delta_village] = geocoder.locate("Water entering houses in Gosaba")  # the Sundarbans
    assert 500.0 <= city_locality.radius_m < 1000.0 < delta_village.radius_m <= 2000.0
    # the third-nearest office: 3 km on a line of offices 1 km apart; infinite with too few offices
    lat, lon = 22.0 + np.arange(5) * (1000.0 / 111_195.0), np.full(5, 88.0)
    assert _office_spacing_m(lat, lon)[0] == pytest.approx(3000.0, rel=1e-3)
    assert np.isinf(_office_spacing_m(lat[:3], lon[:3])).all()
