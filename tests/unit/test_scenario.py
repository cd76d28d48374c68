"""The bundled Amphan scenario: determinism, order, facts (track, boundaries, gazetteer), CAP validity."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from streams.scenarios.amphan import KIND_SHARES, TRACK, iter_scenario, landfall_time

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
BEST_TRACK = SHARED / "amphan" / "amphan_2020_imd_best_track.csv"
CAP_XSD = SHARED / "cap" / "schema" / "cap12.xsd"
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
DEMO_SIZE, DEMO_SEED = 3000, 2020


@pytest.fixture(scope="module")
def demo() -> list:
    return list(iter_scenario(DEMO_SIZE, DEMO_SEED))


@pytest.fixture(scope="module")
def truths(demo) -> list[dict]:
    return [t for _, t in demo if t is not None]


def _record(message) -> tuple:
    return (message.feed, message.format, message.source, message.key, message.event_time, message.value)


def test_same_seed_same_bytes_other_seed_other_messages():
    first = [(_record(m), t) for m, t in iter_scenario(1500, 7)]
    again = [(_record(m), t) for m, t in iter_scenario(1500, 7)]
    other = [(_record(m), t) for m, t in iter_scenario(1500, 8)]
    assert first == again
    assert [r for r, _ in first] != [r for r, _ in other]
    distress = lambda rows: [r[5] for r, _ in rows if r[0] == "distress"]  # noqa: E731
    assert len(set(distress(first)) & set(distress(other))) < len(distress(first)) // 2


@pytest.mark.parametrize("size", [1, 10, 57, 400, DEMO_SIZE])
def test_exact_size_unique_keys_event_time_order(size, demo):
    rows = demo if size == DEMO_SIZE else list(iter_scenario(size, 3))
    assert len(rows) == size
    keys = [m.key for m, _ in rows]
    assert len(set(keys)) == size and all(keys)
    times = [m.event_time for m, _ in rows]
    assert all(t.tzinfo is not None and t.utcoffset().total_seconds() == 0 for t in times)
    assert times == sorted(times)
    for message, truth in rows:
        assert (truth is not None) == (message.feed == "distress")
        assert (message.feed, message.format, message.source) in {
            ("weather", "bulletin", "imd"), ("weather", "cap", "sachet"),
            ("traffic", "traffic", "kolkata-traffic-police"),
            ("distress", "social", "twitter"), ("distress", "sms", "sms-gateway"),
        }  # fmt: skip


def test_bad_size_or_seed_is_a_scenario_error():
    from streams.errors import ScenarioError

    for size, seed in [(0, 1), (-5, 1), (10, -1), ("10", 1)]:
        with pytest.raises(ScenarioError):
            next(iter_scenario(size, seed))  # type: ignore[arg-type]


def test_track_matches_the_imd_best_track_file():
    with open(BEST_TRACK, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(TRACK) == len(rows)
    for point, row in zip(TRACK, rows, strict=True):
        assert point.time == datetime.strptime(row["DATETIME"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        assert (point.lat, point.lon, point.category, point.wind_kt) == (
            float(row["LAT"]), float(row["LON"]), row["CAT"], float(row["MSWS"]),
        )  # fmt: skip
    assert datetime(2020, 5, 20, 10, tzinfo=UTC) <= landfall_time() <= datetime(2020, 5, 20, 12, tzinfo=UTC)


def test_landfall_falls_between_a_fix_at_sea_and_a_fix_over_land():
    from shapely import contains_xy, union_all

    from streams.scenarios._geography import district_shapes

    land = union_all(list(district_shapes().values()))
    before = max((p for p in TRACK if p.time <= landfall_time()), key=lambda p: p.time)
    after = min((p for p in TRACK if p.time > landfall_time()), key=lambda p: p.time)
    assert not contains_xy(land, before.lon, before.lat)
    assert contains_xy(land, after.lon, after.lat)


_POSITION = re.compile(r"Based on (\d{4}) UTC of (\d\d\.\d\d\.\d{4}).*?near latitude ([\d.]+)°N and longitude ([\d.]+)°E", re.S)


def test_bulletins_follow_the_best_track(demo):
    with open(BEST_TRACK, encoding="utf-8") as fh:
        track = {row["DATETIME"]: (float(row["LAT"]), float(row["LON"]), row["CAT"]) for row in csv.DictReader(fh)}
    bulletins = [m for m, _ in demo if m.format == "bulletin"]
    assert len(bulletins) == len(track)  # one bulletin per 3-hourly fix at the demo size
    for message in bulletins:
        text = message.value.decode("utf-8")
        hhmm, day, lat, lon = _POSITION.search(text).groups()
        when = datetime.strptime(f"{day} {hhmm}", "%d.%m.%Y %H%M")
        assert message.event_time == when.replace(tzinfo=UTC)
        fix = track[when.strftime("%Y-%m-%d %H:%M:%S")]
        assert (float(lat), float(lon)) == fix[:2]
        assert f"({fix[2]})" in text
    by_time = {m.event_time: m.value.decode() for m in bulletins}
    at_14n = by_time[datetime(2020, 5, 18, 12, tzinfo=UTC)]  # 14.0N 86.3E: IMD said ~700 km south of Paradip
    assert "about 700 km nearly south of Paradip (Odisha)" in at_14n


def test_bulletin_distances_are_computed_from_the_coordinates(demo):
    from streams.scenarios._track import distance_km

    paradip = (20.3166, 86.6114)
    for message, _ in demo:
        if message.format != "bulletin" or message.event_time > landfall_time():
            continue
        text = message.value.decode()
        lat, lon = map(float, _POSITION.search(text).groups()[2:])
        km = int(re.search(r"(\d+) km [a-z -]+ of Paradip", text).group(1))
        assert abs(km - distance_km(*paradip, lat, lon)) <= 5


def _cap_alerts(demo) -> list:
    import defusedxml.ElementTree as ET

    return [(m, ET.fromstring(m.value)) for m, _ in demo if m.format == "cap"]


def test_cap_alerts_validate_against_the_cap12_schema(demo):
    import xmlschema

    schema = xmlschema.XMLSchema(str(CAP_XSD))
    alerts = _cap_alerts(demo)
    assert len(alerts) >= 12 * 3
    for message, root in alerts:
        schema.validate(message.value.decode("utf-8"))
        assert root.tag == f"{CAP}alert"
        assert root.findtext(f"{CAP}identifier") == message.key


def test_cap_chains_escalate_reference_earlier_alerts_and_end_in_cancel(demo):
    from streams.scenarios._cap import _cap_time

    order = {"Minor": 0, "Moderate": 1, "Severe": 2, "Extreme": 3}
    chains: dict[str, list] = defaultdict(list)
    seen: set[str] = set()
    for message, root in _cap_alerts(demo):
        sent = root.findtext(f"{CAP}sent")
        assert sent == _cap_time(message.event_time)
        refs = (root.findtext(f"{CAP}references") or "").split()
        assert set(refs) <= seen  # every reference is an alert sent earlier
        seen.add(f"{root.findtext(f'{CAP}sender')},{message.key},{sent}")
        infos = root.findall(f"{CAP}info")
        languages = [i.findtext(f"{CAP}language") for i in infos]
        assert languages[0] == "en-IN" and languages[1] in ("bn-IN", "or-IN")
        codes = {g.findtext(f"{CAP}value") for g in infos[0].iter(f"{CAP}geocode")
                 if g.findtext(f"{CAP}valueName") == "LGD District Code"}  # fmt: skip
        (lgd,) = codes
        expires = datetime.fromisoformat(infos[0].findtext(f"{CAP}expires"))
        assert expires > message.event_time
        for polygon in infos[0].iter(f"{CAP}polygon"):
            points = polygon.text.split()
            assert 4 <= len(points) <= 100 and points[0] == points[-1]
        chains[lgd].append((root.findtext(f"{CAP}msgType"), order[infos[0].findtext(f"{CAP}severity")], len(refs)))
    assert len(chains) == 12
    for lgd, chain in chains.items():
        types = [t for t, _, _ in chain]
        assert types[0] == "Alert" and types[-1] == "Cancel", lgd
        assert set(types[1:-1]) <= {"Update"}
        severities = [s for t, s, _ in chain if t != "Cancel"]
        assert severities == sorted(severities), lgd
        assert [n for _, _, n in chain] == list(range(len(chain)))
    assert any(max(s for _, s, _ in chain) == 3 for chain in chains.values())


def test_every_truth_point_is_inside_its_district(truths):
    import geopandas as gpd
    from shapely import contains_xy

    from streams.scenarios._geography import boundaries_path

    frame = gpd.read_file(boundaries_path())
    groups: dict[int, list] = defaultdict(list)
    for truth in truths:
        groups[truth["district_lgd"]].append((truth["true_lon"], truth["true_lat"]))
    assert 343 in groups and 342 in groups and 377 in groups
    for lgd, points in groups.items():
        boundary = frame[frame["DIST_LGD"].astype(str) == str(lgd)].geometry.union_all()
        lons, lats = zip(*points, strict=True)
        assert contains_xy(boundary, lons, lats).all(), lgd


def test_every_place_named_is_a_post_office_place_of_the_gazetteer(demo):
    from streams.scenarios._geography import DISTRICT_BY_LGD, gazetteer_path

    with sqlite3.connect(f"file:{gazetteer_path()}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT po.office_name, d.name FROM post_offices po JOIN districts d ON d.id = po.district_id "
            "WHERE po.gq_code = 0"
        ).fetchall()
    offices: dict[str, list[str]] = defaultdict(list)
    for office, district in rows:
        offices[district].append(office.lower())
    checked = 0
    for message, truth in demo:
        if truth is None:
            continue
        place = truth["place"].lower()
        assert place in message.value.decode("utf-8").lower()
        district = DISTRICT_BY_LGD[truth["district_lgd"]].pincode_name
        assert any(o == place or o.startswith(place + " ") for o in offices[district]), truth
        checked += 1
    assert checked > 2000


def test_kind_shares_and_truth_links(demo, truths):
    counts = Counter(t["kind"] for t in truths)
    for kind, share in KIND_SHARES.items():
        assert abs(counts[kind] / len(truths) - share) < 0.02, (kind, counts)
    by_key = {m.key: (m, t) for m, t in demo}
    position = {m.key: i for i, (m, _) in enumerate(demo)}
    for truth in truths:
        kind = truth["kind"]
        assert (truth["incident"] is not None) == (kind == "incident" or (kind in ("retweet", "duplicate")
                                                    and by_key[truth["original"]][1]["kind"] == "incident"))  # fmt: skip
        if kind in ("retweet", "duplicate"):
            original_message, original = by_key[truth["original"]]
            assert position[truth["original"]] < position[truth["key"]]
            assert original["kind"] in ("incident", "rumour")
            assert (truth["true_lat"], truth["place"], truth["incident"]) == (
                original["true_lat"], original["place"], original["incident"],
            )  # fmt: skip
        else:
            assert truth["original"] is None
    incidents = Counter(t["incident"] for t in truths if t["kind"] == "incident")
    assert len(incidents) >= 20 and max(incidents.values()) >= 5  # posts cluster into incidents
    after = sum(by_key[t["key"]][0].event_time >= landfall_time() for t in truths if t["kind"] == "incident")
    assert after / counts["incident"] > 0.7


def test_post_payloads_follow_the_adapter_contract(demo):
    shapes = Counter()
    for message, truth in demo:
        if message.feed != "distress":
            continue
        obj = json.loads(message.value)
        if message.format == "sms":
            assert obj["id"] == message.key and re.fullmatch(r"\+9190000\d{5}", obj["from"])
            assert datetime.fromisoformat(obj["received_at"]) == message.event_time
            shapes["sms"] += 1
        elif "data" in obj:
            data = obj["data"]
            assert data["id"] == message.key and data["lang"] in ("en", "hi", "bn", "und")
            assert datetime.fromisoformat(data["created_at"]) == message.event_time
            assert obj["includes"]["users"][0]["id"] == data["author_id"]
            if "geo" in data:
                lon, lat = data["geo"]["coordinates"]["coordinates"]
                assert abs(lat - truth["true_lat"]) < 0.01 and abs(lon - truth["true_lon"]) < 0.01
                shapes["gps"] += 1
            if truth["kind"] == "retweet":
                assert data["text"].startswith("RT @")
                assert data["referenced_tweets"] == [{"type": "retweeted", "id": truth["original"]}]
            shapes["v2"] += 1
        else:
            assert obj["id"] == message.key and {"text", "author", "created_at"} <= obj.keys()
            shapes["plain"] += 1
    assert min(shapes.values()) > 20, shapes
    texts = [m.value.decode() for m, _ in demo if m.feed == "distress"]
    assert sum(bool(re.search(r"[\u0980-\u09ff]", t)) for t in texts) > 100  # Bengali script
    assert sum(bool(re.search(r"[\u0900-\u097f]", t)) for t in texts) > 50  # Devanagari
    assert sum(bool(re.search(r"\b\d{6}\b", t)) for t in texts) > 50  # PIN codes
    assert sum("+91 90000 0" in t for t in texts) > 20  # fictional phone numbers


def test_traffic_alerts_name_kolkata_roads_after_landfall(demo):
    from streams.scenarios._texts import KOLKATA_ROADS

    traffic = [m for m, _ in demo if m.format == "traffic"]
    assert len(traffic) > 50
    for message in traffic:
        text = message.value.decode()
        assert text.startswith("Kolkata Traffic Police, ")
    named = [m for m in traffic if any(road in m.value.decode() for road in KOLKATA_ROADS)]
    assert len(named) > 0.7 * len(traffic)
    assert sum(m.event_time >= landfall_time() for m in traffic) > 0.7 * len(traffic)


def test_cli_writes_messages_and_truth(tmp_path, capsys):
    from streams.cli import main

    main(["scenario", "--size", "300", "--seed", "5", "--out", str(tmp_path / "s")])
    messages = [json.loads(line) for line in (tmp_path / "s" / "messages.jsonl").read_text().splitlines()]
    truth = [json.loads(line) for line in (tmp_path / "s" / "truth.jsonl").read_text().splitlines()]
    expected = list(iter_scenario(300, 5))
    assert [m["key"] for m in messages] == [m.key for m, _ in expected]
    assert [m["value"].encode() for m in messages] == [m.value for m, _ in expected]
    assert truth == [t for _, t in expected if t is not None]
    with pytest.raises(SystemExit) as exit_info:
        main(["scenario", "--size", "0", "--out", str(tmp_path / "t")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
