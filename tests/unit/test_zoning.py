"""Incidents and zones on a real SQLite store: incremental updates, merges, splits, echoes,
coarse and unlocated tallies, triage status kept, zones with severity, districts and trend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from geo import zoning
from geo.errors import StoreError
from geo.model import Location, Report
from tests.conftest import make_alert

T0 = datetime(2020, 5, 20, 12, 0, tzinfo=UTC)


def report(sid: str, lat: float | None, lon: float | None, h: float = 0.0, *, radius: float = 200.0,
           author: str | None = None, reply_to: str | None = None, text: str | None = None,
           needs: tuple[str, ...] = ("rescue",), category: str | None = "requests_or_urgent_needs",
           district: int | None = 343) -> Report:  # fmt: skip
    loc = (
        Location(lat=lat, lon=lon, radius_m=radius, kind="village", name="x", method="gazetteer",
                 state_lgd=19, district_lgd=district)
        if lat is not None and lon is not None else None
    )  # fmt: skip
    return Report(
        source="twitter", source_id=sid, feed="distress", format="social",
        text=text or f"post {sid}: water entering houses at village {sid * 3}", event_time=T0 + timedelta(hours=h),
        author=author or f"user{sid}", location=loc, reply_to=reply_to, needs=needs, urgency="high", people=12,
        category=category,
    )  # fmt: skip


def incident_of(store, report_id: str) -> str | None:
    rows = store.members_by_report([report_id])
    return rows["incident_id"].iloc[0] if len(rows) else None


def _incremental_equals_rebuild(store_factory, batches):
    """Zone ``batches`` one by one into one store and all at once into another; assert both give
    each report the same incident and return (report id -> incident id, the two stores)."""
    inc, full = store_factory("inc"), store_factory("full")
    for batch in batches:
        inc.upsert(batch)
        zoning.update(inc)
        full.upsert(batch)
    zoning.update(full)
    ids = [r.report_id for batch in batches for r in batch]
    a = {r: incident_of(inc, r) for r in ids}
    assert a == {r: incident_of(full, r) for r in ids}
    _same_incidents(inc, full)
    return a, inc, full


def _same_incidents(inc, full, rename=None):
    """The incidents of two stores agree (ids mapped by ``rename``): counts, needs, evidence exactly;
    centre, reach and footprint up to rounding (running summaries against a summary of all members)."""
    import shapely

    a, b = (s.incidents_frame().set_index("incident_id") for s in (inc, full))
    a = a.rename(index=rename or {}).sort_index()
    b = b.sort_index()
    assert a.index.tolist() == b.index.tolist()
    exact = ["reports", "echoes", "reporters", "people", "needs", "urgency", "category", "districts", "evidence",
             "first_seen", "last_seen"]  # fmt: skip
    assert a[exact].to_dict("index") == b[exact].to_dict("index")
    for col in ("lat", "lon", "radius_m"):
        assert a[col].to_numpy() == pytest.approx(b[col].to_numpy(), rel=1e-9, abs=1e-6)
    for p, q in zip(a.geometry, b.geometry, strict=True):
        assert shapely.symmetric_difference(p, q).area <= 1e-6 * q.area


def test_incremental_updates_give_the_same_incidents_as_a_rebuild(store_factory):
    batches = [
        [report("1", 22.160, 88.810), report("2", 22.500, 88.300), report("3", 21.800, 87.700)],
        [report("4", 22.161, 88.811, 3), report("5", 22.5015, 88.3, 4), report("6", 21.9, 87.9, 5)],
        [report("7", 22.1625, 88.812, 30), report("8", 21.8005, 87.7, 6)],
    ]
    a, inc, full = _incremental_equals_rebuild(store_factory, batches)
    assert a["twitter:1"] == a["twitter:4"] != a["twitter:7"]  # 7 is 27 h later: a new incident
    assert a["twitter:2"] == a["twitter:5"] and a["twitter:3"] == a["twitter:8"]
    assert inc.count_incidents() == full.count_incidents() == 5


def test_running_summaries_match_a_rebuild_through_copies_echoes_merges_and_late_reports(store_factory):
    import numpy as np

    rng = np.random.default_rng(3)
    # four pairs of villages 900 m apart; from the third batch on, reports halfway with a wide radius
    # link (merge) the incidents of a pair
    pairs = [(22.0 + 0.05 * k, 88.0) for k in range(4)]
    texts = [f"water rising at ghat {k}, families on roofs need boats" for k in range(8)]
    batches, n = [], 0
    for b in range(6):
        batch = []
        for _ in range(25):
            n += 1
            lat, lon = pairs[int(rng.integers(0, len(pairs)))]
            side = int(rng.integers(0, 2)) * 2 - 1
            bridge = b >= 2 and rng.random() < 0.1
            lat += 0.0 if bridge else side * 0.00405
            late = b > 2 and rng.random() < 0.15  # reported late: earlier than reports already zoned
            h = float(rng.uniform(0, 3)) if late else 3.0 * b + float(rng.uniform(0, 3))
            kind = rng.random()
            batch.append(report(
                str(n), lat + rng.normal(0, 0.0003), lon + rng.normal(0, 0.0003), h,
                radius=2000.0 if bridge else float(rng.choice([50.0, 200.0])), author=f"user{int(rng.integers(0, 9))}",
                text=texts[int(rng.integers(0, len(texts)))] if kind < 0.5 else None,
                reply_to=str(int(rng.integers(1, n))) if kind > 0.9 and n > 1 else None,
                needs=("missing_person",) if kind > 0.85 else ("rescue", "food")[: 1 + int(rng.integers(0, 2))],
            ))  # fmt: skip
        batches.append(batch)
    inc, full, held = store_factory("inc"), store_factory("full"), store_factory("held")
    window = zoning.ZoningWindow(merge_rows=40)  # its rows written since are merged now and then
    for b, batch in enumerate(batches):
        for s in (inc, full, held):
            s.upsert(batch)
        zoning.update(inc)
        zoning.update(held, window=window)  # neighbours and incidents from memory: the very same result
        if b == 3:  # operators triage between steps: the window reads the new status
            ids = sorted(inc.incidents_frame()["incident_id"])
            for s in (inc, held):
                s.set_incident_status(ids[0], "dismissed")
                s.set_incident_status(ids[-1], "assigned")
    zoning.update(full)
    assert window.cursor == held.zoning_cursor() and len(window.near([[87, 21, 89, 23, 0, 1e9]])) > 50
    _same_incidents(held, inc)
    a_z, b_z = (s.zones_frame() for s in (held, inc))
    assert a_z.drop(columns=["updated_at", "geometry"]).to_dict("records") == \
        b_z.drop(columns=["updated_at", "geometry"]).to_dict("records")
    assert a_z.geometry.equals(b_z.geometry) and (a_z["kind"] == "reports").any()
    # the same partition of the reports (a merge keeps the triaged or larger incident's id, a rebuild
    # names each after its earliest report, so ids may differ), and the same incident summaries
    ids = [r.report_id for batch in batches for r in batch]
    a, b = ({r: incident_of(s, r) for r in ids} for s in (inc, full))
    rename = {}
    for r in ids:
        assert (a[r] is None) == (b[r] is None), r
        if a[r] is not None:
            assert rename.setdefault(a[r], b[r]) == b[r]
    assert len(set(rename.values())) == len(rename) >= 2
    _same_incidents(inc, full, rename)
    kinds = set(inc.incident_history()["kind"])
    assert {"created", "merged"} <= kinds


def test_a_merge_in_the_same_step_as_an_edited_report_gives_the_summary_of_all_members(store_factory):
    # the edited report makes its incident's summary be rebuilt from its members while it merges away
    inc, full = store_factory("inc"), store_factory("full")
    first = [report("1", 22.000, 88.0, author="a"), report("2", 22.001, 88.0, author="b"),
             report("3", 22.006, 88.0, author="c")]  # fmt: skip
    second = [report("1", 22.000, 88.0, author="a", text="edited: boats needed now", needs=("rescue", "food")),
              report("4", 22.0035, 88.0, 1, author="d")]  # 390 m from both: a bridge  # fmt: skip
    for batch in (first, second):
        inc.upsert(batch)
        full.upsert(batch)
        zoning.update(inc)
    zoning.update(full, rebuild=True)
    assert len({incident_of(inc, f"twitter:{k}") for k in range(1, 5)}) == 1
    kinds = set(inc.incident_history()["kind"])
    assert "merged" in kinds
    ids = {incident_of(inc, "twitter:1"): incident_of(full, "twitter:1")}
    _same_incidents(inc, full, ids)
    assert inc.incidents_frame()["needs"].iloc[0] == {"food": 1, "rescue": 4}


def test_the_zoning_loop_with_its_window_gives_what_single_steps_give(store_factory):
    from streams.zoner import run_zoner

    batches = [[report(str(3 * b + k), 22.0 + 0.0015 * k, 88.0 + 0.01 * b, b, author=f"u{k}") for k in range(3)]
               for b in range(4)]  # fmt: skip
    loop, steps = store_factory("loop"), store_factory("steps")
    pending = list(batches)

    def arrive(_seconds: float) -> None:  # between two steps of the loop the next batch is stored
        if pending:
            loop.upsert(pending.pop(0))

    seen: list = []
    results = run_zoner(loop, wait=arrive, interval_s=0.0, on_step=seen.append,
                        should_stop=lambda: not pending and len(seen) > 5)  # fmt: skip
    for batch in batches:
        steps.upsert(batch)
        zoning.update(steps)
    assert [r.reports for r in results[:5]] == [0, 3, 3, 3, 3]
    _same_incidents(loop, steps)
    assert loop.zones_frame().drop(columns=["updated_at"]).to_dict("records") == \
        steps.zones_frame().drop(columns=["updated_at"]).to_dict("records")


def test_a_missing_person_beside_a_flood_stays_its_own_incident_incrementally_and_in_a_rebuild(store_factory):
    missing = {"needs": ("missing_person",), "category": "missing_or_found_people"}
    batches = [
        [report("1", 22.000, 88.0), report("2", 22.002, 88.0, 1, **missing)],  # 222 m apart
        [report("3", 22.001, 88.0, 2), report("4", 22.003, 88.0, 3, **missing), report("5", 22.004, 88.0, 4)],
    ]
    a, _, _ = _incremental_equals_rebuild(store_factory, batches)
    assert a["twitter:1"] == a["twitter:3"] == a["twitter:5"] != a["twitter:2"] == a["twitter:4"]


def test_a_bridge_merges_incidents_keeping_the_triaged_id_and_a_split_is_recorded(store_factory):
    store = store_factory()
    store.upsert([report("1", 22.000, 88.0), report("2", 22.001, 88.0), report("3", 22.006, 88.0)])
    zoning.update(store)
    left, right = incident_of(store, "twitter:1"), incident_of(store, "twitter:3")
    assert left != right
    store.set_incident_status(right, "assigned", note="team 4")
    store.upsert([report("4", 22.0035, 88.0, 1)])  # 390 m from both
    zoning.update(store)
    merged = {incident_of(store, f"twitter:{k}") for k in range(1, 5)}
    assert merged == {right}  # the assigned incident survives even though the other is larger
    frame = store.incidents_frame(include_merged=True).set_index("incident_id")
    assert frame.loc[right, "status"] == "assigned" and frame.loc[right, "reports"] == 4
    assert frame.loc[left, "state"] == "merged" and frame.loc[left, "merged_into"] == right
    kinds = store.incident_history()[["incident_id", "kind"]].values.tolist()
    assert [right, "merged"] in kinds and [left, "merged_into"] in kinds and [right, "status"] in kinds
    # the bridge is re-geocoded far away: the incident splits again; the piece holding the report
    # that named it keeps the id and status, the other piece gets its old id back
    store.upsert([report("4", 21.5, 87.5, 1)])
    zoning.update(store)
    assert incident_of(store, "twitter:3") == right
    assert incident_of(store, "twitter:1") == incident_of(store, "twitter:2") == left
    assert incident_of(store, "twitter:4") not in (left, right, None)
    assert "split" in store.incident_history(right)["kind"].tolist()
    assert "split_from" in store.incident_history(left)["kind"].tolist()
    frame = store.incidents_frame().set_index("incident_id")
    assert frame.loc[right, "status"] == "assigned" and frame.loc[left, "status"] == "new"
    assert frame.loc[right, "reports"] == 1 and frame.loc[left, "reports"] == 2


def test_echoes_join_their_original_but_are_not_counted(store_factory):
    store = store_factory()
    original = report("1", 22.16, 88.81, text="Gosaba embankment breached, 40 people on roofs")
    store.upsert([original, report("2", 22.1605, 88.8105, 1, author="user1", text="Boat needed at Gosaba jetty now")])
    zoning.update(store)
    rt = report("3", None, None, 2, reply_to="1", text="RT @user1: Gosaba embankment breached, 40 people on roofs")
    copy = report("4", 22.16, 88.81, 2, text="PLEASE SHARE: Gosaba embankment breached, 40 people on roofs pls help!!")
    store.upsert([rt, copy])
    zoning.update(store)
    inc = incident_of(store, "twitter:1")
    assert incident_of(store, "twitter:3") == inc == incident_of(store, "twitter:4")
    row = store.incidents_frame(ids=[inc]).iloc[0]
    assert (row["reports"], row["echoes"], row["reporters"]) == (2, 2, 1)
    assert row["evidence"][:2] == ["twitter:1", "twitter:2"]


def test_coarse_unlocated_and_off_topic_reports_are_tallied_never_clustered(store_factory):
    store = store_factory()
    store.upsert([
        report("1", 22.16, 88.81), report("2", 22.5, 88.4, radius=60_000.0), report("3", None, None, district=None),
        report("4", 22.1601, 88.8101, category="not_humanitarian"),
    ])  # fmt: skip
    zoning.update(store)
    assert incident_of(store, "twitter:2") is None and incident_of(store, "twitter:3") is None
    assert incident_of(store, "twitter:4") is None
    tallies = {(r.district_lgd if r.district_lgd == r.district_lgd else None, r.tier): r.reports
               for r in store.report_tallies().itertuples()}  # fmt: skip
    assert tallies == {(343, "point"): 1, (343, "coarse"): 1, (None, "unlocated"): 1, (343, "off_topic"): 1}


@dataclass(frozen=True)
class Fix:
    time: datetime
    lat: float
    lon: float
    wind_kt: float


TRACK = (Fix(T0 - timedelta(hours=6), 21.0, 88.0, 90.0), Fix(T0, 22.1, 88.7, 85.0), Fix(T0 + timedelta(hours=6), 22.8, 88.6, 45.0))


def test_zones_combine_incidents_alerts_and_wind_with_severity_districts_and_trend(store_factory):
    store = store_factory()
    store.upsert([report(str(k), 22.16 + k * 1e-4, 88.81, k * 0.2) for k in range(1, 6)], [make_alert()])
    result = zoning.update(store, track=TRACK, now=T0 + timedelta(hours=1))
    zones = store.zones_frame().set_index("zone_id")
    assert result.zones == len(zones)
    reports_zone = zones[zones["kind"] == "reports"].iloc[0]
    assert reports_zone["reports"] == 5 and reports_zone["trend"] == "new"
    assert 343 in reports_zone["districts"]  # Gosaba is in South 24 Parganas (LGD 343)
    assert reports_zone.geometry.contains(__import__("shapely").Point(88.81, 22.1603))
    parts = reports_zone["severity_parts"]
    assert parts["warnings"] == 1.0  # inside the 64 kt swath
    assert reports_zone["severity"] == pytest.approx(100 * sum(zoning.WEIGHTS[k] * v for k, v in parts.items()), abs=0.05)
    alert = zones[zones["kind"] == "alert"].iloc[0]
    assert alert["severity_parts"]["warnings"] >= 0.75  # CAP "Severe"
    assert set(zones[zones["kind"] == "wind"].index) == {"wind-34kt", "wind-50kt", "wind-64kt"}
    # twelve hours on with no new report: the same zone id, now receding
    zid = reports_zone.name
    store.upsert([report("99", 21.0, 87.0, 12)])
    zoning.update(store, track=TRACK, now=T0 + timedelta(hours=13))
    later = store.zones_frame().set_index("zone_id")
    assert later.loc[zid, "trend"] == "receding"
    assert later.loc["wind-64kt", "trend"] == "receding"  # the storm weakened below 64 kt


def test_severity_grows_with_each_term():
    base, _ = zoning.severity({}, 0, 0, 0, 0.0)
    assert base == 0.0
    assert zoning.severity({"rescue": 3}, 0, 0, 0, 0)[0] > zoning.severity({"power": 3}, 0, 0, 0, 0)[0] > 0
    assert zoning.severity({}, 4, 0, 0, 0)[0] > zoning.severity({}, 1, 0, 0, 0)[0]
    assert zoning.severity({}, 0, 1000, 0, 0)[0] == pytest.approx(15.0)
    assert zoning.severity({}, 0, 0, 30, 0)[0] > zoning.severity({}, 0, 0, 3, 0)[0]
    assert zoning.severity({"rescue": 100}, 4, 10**6, 1000, 1.0)[0] == pytest.approx(100.0, abs=0.1)


def test_wind_radii_shrink_with_the_threshold_and_vanish_below_it():
    r34, r50, r64 = (zoning.wind_radius_km(90.0, kt, 21.5) for kt in (34, 50, 64))
    assert r34 > r50 > r64 > 0
    assert 120 < r34 < 300  # the order of Amphan's observed 34 kt radius near landfall
    assert zoning.wind_radius_km(40.0, 50, 21.5) == 0.0


def test_unknown_status_or_incident_is_refused(store_factory):
    store = store_factory()
    store.upsert([report("1", 22.16, 88.81)])
    zoning.update(store)
    with pytest.raises(StoreError, match="not one of"):
        store.set_incident_status(incident_of(store, "twitter:1"), "done")
    with pytest.raises(StoreError, match="no incident"):
        store.set_incident_status("inc-nope", "resolved")


def _reports_zones(store):
    zones = store.zones_frame()
    return zones[zones["kind"] == "reports"]


def test_zones_grow_between_redraws_and_are_redrawn_later(store_factory):
    import shapely

    store = store_factory()
    params = zoning.ZoningParams(redraw_h=3.0)
    store.upsert([report("1", 22.0, 88.0, 0), report("2", 22.0, 88.07, 0)])  # 7.2 km apart: two zones
    zoning.update(store, params)
    assert len(_reports_zones(store)) == 2
    drawn = store.zoning_value("zones_drawn_h")
    store.upsert([report("3", 22.0, 88.035, 1)])  # 3.6 km from each: within both grown circles
    zoning.update(store, params)
    grown = _reports_zones(store)
    assert len(grown) == 1 and len(grown["incident_ids"].iloc[0]) == 3
    assert store.zoning_value("zones_drawn_h") == drawn  # joined and extended, not redrawn
    for lon in (88.0, 88.035, 88.07):
        assert grown.geometry.iloc[0].contains(shapely.Point(lon, 22.0))
    full = [z for z in zoning.build_zones(store, T0 + timedelta(hours=1), params) if z.kind == "reports"]
    assert len(full) == 1 and set(full[0].incident_ids) == set(grown["incident_ids"].iloc[0])
    assert grown.geometry.iloc[0].area == pytest.approx(full[0].geometry.area, rel=0.02)
    # two days on, elsewhere: past redraw_h, so the zones are redrawn from the active incidents only
    store.upsert([report("4", 21.5, 87.5, 52)])
    zoning.update(store, params)
    later = _reports_zones(store)
    assert len(later) == 1 and later["incident_ids"].iloc[0] == [incident_of(store, "twitter:4")]
    assert store.zoning_value("zones_drawn_h") != drawn


def test_touching_circles_match_a_brute_force_search():
    import numpy as np

    from geo.clustering import haversine_m

    rng = np.random.default_rng(5)
    n = 400
    lat, lon = rng.uniform(21.9, 22.1, n), rng.uniform(87.9, 88.1, n)
    r = rng.uniform(100, 1500, n)
    r[:6] = rng.uniform(8000, 15000, 6)  # a few huge circles must not be missed
    query = np.sort(rng.choice(n, 60, replace=False))
    i, j = zoning._touching(lat, lon, r, query)
    got = {(int(a), int(b)) for a, b in zip(i, j, strict=True)}
    d = haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    want = {(int(a), int(b)) for a in query for b in np.flatnonzero(d[a] <= r[a] + r) if a != b}
    assert got == want and len(want) > 100


@pytest.mark.parametrize("spread", [0.05, 0.6])  # dense (one pass joins all) and sparse (long links matter)
def test_zone_components_match_a_brute_force_search(spread):
    import numpy as np
    import pandas as pd
    from scipy.sparse.csgraph import connected_components

    from geo.clustering import haversine_m

    rng = np.random.default_rng(7)
    n = 500
    lat, lon = rng.uniform(22.0, 22.0 + spread, n), rng.uniform(88.0, 88.0 + spread, n)
    radius = np.where(rng.random(n) < 0.9, rng.uniform(0, 400, n), rng.uniform(3000, 9000, n))
    inc = pd.DataFrame({"lat": lat, "lon": lon, "radius_m": radius})
    got = zoning._report_components(inc, 1000.0)
    r = radius + 1000.0
    d = haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    want = connected_components(d <= r[:, None] + r[None, :], directed=False)[1]
    assert got.tolist() == want.tolist()  # same partition, same numbering
    assert spread < 0.1 or len(set(want.tolist())) > 5


def test_footprints_inside_others_are_left_out_of_a_union_without_changing_it():
    import numpy as np
    import shapely

    rng = np.random.default_rng(11)
    n = 400
    lon, lat = rng.uniform(88.0, 88.2, n), rng.uniform(22.0, 22.2, n)
    radius = np.where(rng.random(n) < 0.2, rng.uniform(0.01, 0.03, n), rng.uniform(0.001, 0.004, n))
    geoms = shapely.buffer(shapely.points(lon, lat), radius, quad_segs=4)
    geoms[:20] = geoms[20:40]  # equal footprints: one of each pair stays
    geoms[40] = shapely.Polygon([(88.1, 22.1), (88.3, 22.1), (88.3, 22.3)])  # no centroid-sized disk fits
    before = shapely.to_wkb(geoms)
    kept = zoning._uncovered(geoms)
    assert 20 < len(kept) < n - 100  # most small ones lie in a large one
    assert (shapely.to_wkb(geoms) == before).all()  # the inputs are left as they were
    full, part = shapely.union_all(geoms), shapely.union_all(kept)
    assert shapely.symmetric_difference(full, part).area <= 1e-9 * full.area
    dropped = [g for g in geoms if not any(g is k for k in kept)]
    assert all(any(shapely.within(g, k) for k in kept) for g in dropped[:50])


def test_rumours_and_bulletins_are_counted_but_never_make_an_incident(store_factory):
    import dataclasses

    from geo import zoning
    from tests.conftest import make_report

    store = store_factory("offtopic")
    real = make_report("1", "Water rising in Gosaba, 20 people on the roof, need a boat")
    rumour = dataclasses.replace(make_report("2", "Dam burst near Gosaba! Water will reach Kolkata in 2 hours"),
                                 extra={"fact_check": {"id": "f1", "verdict": "false"}})  # fmt: skip
    bulletin = dataclasses.replace(make_report("3", "Cyclone 150 km south of Gosaba"), feed="weather", format="bulletin")
    store.upsert([real, rumour, bulletin])
    zoning.update(store)
    members = store._select("SELECT report_id, incident_id, dup FROM incident_members ORDER BY report_id")
    by_id = members.set_index("report_id")
    assert by_id.loc["twitter:1", "incident_id"] is not None
    assert by_id.loc["twitter:2", "dup"] == 2 and by_id.loc["twitter:3", "dup"] == 2
    assert store.count_incidents() == 1


def test_an_idle_step_keeps_the_zones_and_a_new_alert_redraws_them(store_factory):
    from geo import zoning
    from tests.conftest import make_alert, make_report

    store = store_factory("idle")
    store.upsert([make_report("1", "Water rising in Gosaba, 20 people on the roof, need a boat")])
    first = zoning.update(store)
    again = zoning.update(store)
    assert (again.reports, again.zones) == (0, first.zones)
    assert store.zoning_value("zones_state") is not None
    store.upsert([], [make_alert("A1", sent=make_report().event_time)])  # an alert alone, no new report
    after_alert = zoning.update(store)
    assert "alert" in set(store.zones_frame()["kind"])
    assert after_alert.zones > first.zones
