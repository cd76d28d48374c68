"""Map rendering: escaping of public text, alert and report layers, local assets only, stable ids."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import folium
import geopandas as gpd
import pandas as pd
import pytest
from folium.plugins import FastMarkerCluster
from shapely.geometry import Point, box
from streamlit_folium import _get_feature_group_string

from dashboard import assets, mapview
from dashboard.basemap import DEFAULT_BBOX, Outlines, load_outlines
from geo import zoning
from geo.store import open_store
from tests.conftest import make_alert, make_report
from tests.unit.test_dashboard_incidents import XSS as EVIDENCE_XSS
from tests.unit.test_dashboard_incidents import fill_incidents

XSS = '<script>alert(1)</script><img src=x onerror="alert(2)"> ${alert(3)} \\` `+alert(4)+`'


def _empty_outlines() -> Outlines:
    empty = gpd.GeoDataFrame({"name": []}, geometry=[], crs="EPSG:4326")
    return Outlines(states=empty, districts=empty.copy())


@pytest.fixture
def frames() -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    store = open_store("sqlite://")
    store.upsert(
        [make_report("1"), make_report("2", XSS, lat=22.57, lon=88.36), make_report("3", "no place", lat=None, lon=None)],
        [make_alert("A1", severity="Extreme"), make_alert("A2", severity="Minor")],
    )
    reports = store.reports_frame()
    alerts = store.alerts_frame()
    store.close()
    return pd.DataFrame(reports.drop(columns="geometry")), alerts


def test_escape_neutralises_html_and_js_template_syntax() -> None:
    out = mapview.escape(XSS)
    assert "<" not in out and ">" not in out and '"' not in out
    assert "`" not in out and "${" not in out and "\\" not in out
    assert out.startswith("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert mapview.escape(None) == "" and mapview.escape(float("nan")) == ""


def test_public_text_never_reaches_the_map_raw(frames: tuple[pd.DataFrame, gpd.GeoDataFrame]) -> None:
    reports, alerts = frames
    html = mapview.standalone_html(mapview.build_layers(_empty_outlines(), reports, alerts))
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "${alert(3)}" not in html
    assert "`+alert(4)+`" not in html
    # shown as text: HTML-escaped, then written into the marker data by folium's tojson (& -> \u0026)
    shown = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;"
    assert shown.replace("&", "\\u0026") in html


def test_alert_text_from_a_feed_is_escaped_too() -> None:
    alerts = gpd.GeoDataFrame(
        {"severity": ["Severe"], "sent": [pd.Timestamp("2020-05-19", tz="UTC")], "headline": ["<b onmouseover=x>"],
         "event": ["Cyclone"], "instruction": ["${boom}"]},
        geometry=[box(88, 21, 89, 22)], crs="EPSG:4326",
    )  # fmt: skip
    group = mapview.alert_layer(alerts)
    fmap = folium.Map(tiles=None)
    group.add_to(fmap)
    html = fmap.get_root().render()
    assert "<b onmouseover" not in html and "${boom}" not in html
    assert "&lt;b onmouseover=x&gt;" in html


def test_report_popup_shows_time_source_place_and_uncertainty(frames: tuple[pd.DataFrame, gpd.GeoDataFrame]) -> None:
    reports, _ = frames
    row = reports[reports["source_id"] == "1"].iloc[0].to_dict()
    popup = mapview.report_popup_html(row)
    assert "20 May 2020 12:00 UTC" in popup
    assert "twitter" in popup and "distress" in popup
    assert "Gosaba, South 24 Parganas, West Bengal (village)" in popup
    assert "\u00b1 2.0 km" in popup
    assert "Water rising in Gosaba, need boat" in popup


def test_alerts_are_coloured_by_severity_most_severe_on_top(frames: tuple[pd.DataFrame, gpd.GeoDataFrame]) -> None:
    _, alerts = frames
    group = mapview.alert_layer(alerts)
    styles = [child.style_function(None) for child in group._children.values()]
    assert [s["fillColor"] for s in styles] == [mapview.SEVERITY_COLORS["Minor"], mapview.SEVERITY_COLORS["Extreme"]]
    assert "cm-sev-extreme" in styles[-1]["className"]


def test_only_located_reports_get_markers_and_only_precise_ones_circles() -> None:
    reports = pd.DataFrame(
        {"lat": [22.0, 22.5, None], "lon": [88.0, 88.5, None], "radius_m": [1500.0, 60_000.0, None],
         "text": ["a", "b", "c"], "feed": ["distress"] * 3, "category": [None, "requests_or_urgent_needs", None]}
    )  # fmt: skip
    markers, circles = mapview.report_layers(reports)
    [cluster] = markers._children.values()
    assert isinstance(cluster, FastMarkerCluster)
    assert sorted(row[:2] for row in cluster.data) == [[22.0, 88.0], [22.5, 88.5]]
    [rings] = circles._children.values()
    assert rings.rows == [[22.0, 88.0, 1500.0]]
    icons = {tuple(row[:2]): tuple(row[2:4]) for row in cluster.data}
    assert icons[(22.5, 88.5)] == ("red", "life-ring")  # requests_or_urgent_needs
    assert icons[(22.0, 88.0)] == mapview.FEED_STYLE["distress"]


def test_localized_map_has_no_cdn_url() -> None:
    """With the real base map, markers and alerts, the rendered page names only local assets."""
    reports = pd.DataFrame({"lat": [22.0], "lon": [88.0], "radius_m": [900.0], "text": ["x"], "feed": ["traffic"]})
    alerts = gpd.GeoDataFrame(
        {"severity": ["Moderate"], "sent": [pd.Timestamp("2020-05-19", tz="UTC")], "headline": ["h"], "event": ["e"]},
        geometry=[box(88, 21, 89, 22)], crs="EPSG:4326",
    )  # fmt: skip
    layers = mapview.build_layers(load_outlines(), reports, alerts)
    raw = mapview.standalone_html(mapview.build_layers(_empty_outlines(), reports, alerts))
    assert re.search(r"https?://(cdn|code\.jquery|netdna|cdnjs)", raw), "folium's CDN links are the baseline"
    manifest = assets.load_manifest()
    for element in (layers.base, *layers.live):
        assets.localize(element, manifest)
    html = mapview.standalone_html(layers)
    assert re.findall(r"https?://[^\s\"'<>`]+", html) == []
    local = set(re.findall(r'(?:src|href)="(/app/static/vendor/[^"]+)"', html))
    assert "/app/static/vendor/leaflet/dist/leaflet.js" in local
    assert "/app/static/vendor/leaflet.markercluster/dist/leaflet.markercluster.js" in local
    assert "/app/static/vendor/leaflet.awesome-markers/dist/leaflet.awesome-markers.js" in local
    assert len(local) == len(manifest.js) + len(manifest.css)


def test_same_data_gives_the_same_layer_script(frames: tuple[pd.DataFrame, gpd.GeoDataFrame]) -> None:
    """streamlit-folium re-draws a layer only when its script changes: equal data, equal script.

    Uses streamlit-folium's own feature-group serialisation (private, but it is what st_folium sends).
    """
    reports, alerts = frames

    def scripts(reports: pd.DataFrame) -> list[str]:
        layers = mapview.build_layers(_empty_outlines(), reports, alerts)
        return [_get_feature_group_string(group, layers.base, i) for i, group in enumerate(layers.live)]

    first, second = scripts(reports), scripts(reports)
    assert first == second
    assert "L.markerClusterGroup" in first[4] and "popup_feature_group_0" in first[0]
    fewer = scripts(reports.iloc[:1])
    assert fewer[0] == first[0] and fewer[4] != first[4]


def test_view_bbox_is_rounded_and_never_tiny() -> None:
    one_point = gpd.GeoSeries([Point(88.3, 22.5)], crs="EPSG:4326")
    assert mapview.view_bbox([one_point]) == (87.0, 21.0, 90.0, 24.0)
    assert mapview.view_bbox([gpd.GeoSeries([], crs="EPSG:4326")]) == DEFAULT_BBOX
    wide = gpd.GeoSeries([box(84.2, 19.1, 89.9, 23.2)], crs="EPSG:4326")
    assert mapview.view_bbox([wide, one_point]) == (84.0, 19.0, 90.0, 24.0)


def test_base_map_is_offline_unless_a_tile_url_is_set() -> None:
    outlines = load_outlines()
    assert len(outlines.states) > 5 and len(outlines.districts) > 50
    assert {"ODISHA", "WEST BENGAL"} <= set(outlines.states["name"])
    offline = mapview.base_map(outlines)
    assert not [c for c in offline._children.values() if isinstance(c, folium.TileLayer)]
    tiled = mapview.base_map(outlines, tile_url="http://127.0.0.1:8080/{z}/{x}/{y}.png")
    tiles = [c for c in tiled._children.values() if isinstance(c, folium.TileLayer)]
    assert [t.tiles for t in tiles] == ["http://127.0.0.1:8080/{z}/{x}/{y}.png"]


def test_when_formats_utc() -> None:
    assert mapview._when(datetime(2020, 5, 20, 17, 30, tzinfo=UTC)) == "20 May 2020 17:30 UTC"
    assert mapview._when(None) is None


@pytest.fixture
def zoned() -> tuple[pd.DataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Reports, incidents and zones of a store filled by the real zoning (see fill_incidents)."""
    store = open_store("sqlite://")
    fill_incidents(store)
    store.upsert([], [make_alert("A1", severity="Extreme")])
    zoning.update(store)
    frames = pd.DataFrame(store.reports_frame().drop(columns="geometry")), store.incidents_frame(), store.zones_frame()
    store.close()
    return frames


def _shapes(group: folium.FeatureGroup) -> mapview.Shapes:
    [element] = group._children.values()
    assert isinstance(element, mapview.Shapes)
    return element


def test_zones_are_coloured_by_severity_with_a_plain_tooltip(zoned: tuple[pd.DataFrame, ...]) -> None:
    _, _, zones = zoned
    assert {"reports", "alert"} <= set(zones["kind"])
    shapes = _shapes(mapview.zone_layer(zones, {338: "Hugli, West Bengal"})).shapes
    assert len(shapes) == len(zones)
    ordered = zones.sort_values("severity", kind="stable")
    assert [s["style"]["fillColor"] for s in shapes] == [mapview.severity_color(v) for v in ordered["severity"]]
    assert [s["style"]["className"].split()[-1] for s in shapes] == [f"cm-zone-{k}" for k in ordered["kind"]]
    tips = [s["tooltip"] for s in shapes]
    top = ordered.iloc[-1]
    assert f"severity {top['severity']:.0f}/100, {top['trend']}" in tips[-1]
    assert any("Hugli, West Bengal" in t for t in tips)


def test_severity_colours_run_from_pale_to_dark() -> None:
    colors = [mapview.severity_color(v) for v in (0, 19.9, 20, 59, 99, 100, 250, None, float("nan"))]
    assert colors[0] == colors[1] == colors[7] == colors[8] == mapview.ZONE_COLORS[0][1]
    assert colors[2] == mapview.ZONE_COLORS[1][1] and colors[3] == mapview.ZONE_COLORS[2][1]
    assert colors[4] == colors[5] == colors[6] == mapview.ZONE_COLORS[-1][1]


def test_incidents_have_a_footprint_and_a_marker_with_counts(zoned: tuple[pd.DataFrame, ...]) -> None:
    _, incidents, _ = zoned
    layer = _shapes(mapview.incident_layer(incidents))
    markers, footprints = layer.points, layer.shapes
    assert len(markers) == len(footprints) == len(incidents) == 2
    assert all(f["interactive"] is False and f["style"]["className"] == "cm-incident" for f in footprints)
    biggest = incidents.loc[incidents["reports"].idxmax()].to_dict()
    popup = mapview.incident_popup_html(biggest, {})
    assert f"<th>Reports</th><td>{biggest['reports']}</td>" in popup
    assert f"<th>People</th><td>{biggest['people']}</td>" in popup
    assert "boat (" in popup and "rescue (" in popup and "new</span>" in popup
    assert markers[-1]["style"]["className"] == "cm-incident-marker cm-status-new"  # biggest drawn last
    assert markers[-1]["popup"] == popup and (markers[-1]["lat"], markers[-1]["lon"]) == (biggest["lat"], biggest["lon"])


def test_report_popups_show_flags_escaped(zoned: tuple[pd.DataFrame, ...]) -> None:
    reports, _, _ = zoned
    by_text = {r["text"]: r for r in reports.to_dict("records")}
    checked = mapview.report_popup_html(by_text[EVIDENCE_XSS])
    assert '<span class="cm-flag cm-flag-factcheck">FACT-CHECKED: false (PIB Fact Check)</span>' in checked
    assert "<script>" not in checked and "<img" not in checked
    copy = mapview.report_popup_html(by_text["RT water rising near the embankment"])
    assert "copy of twitter:1" in copy and "official account" in copy
    hostile = {"fact_check": {"verdict": "<img src=x onerror=alert(1)>", "source": "${x}"}, "duplicate_of": "<b>"}
    html = mapview.report_flags_html(hostile)
    assert "<img" not in html and "${x}" not in html and "<b>" not in html
    assert mapview.report_flags("not json") == [] and mapview.report_flags(None) == []


def test_public_text_in_incidents_and_zones_never_reaches_the_map_raw(zoned: tuple[pd.DataFrame, ...]) -> None:
    reports, incidents, zones = zoned
    hostile = incidents.assign(category="<script>alert(9)</script>", urgency="<img src=x onerror=alert(8)>",
                               needs=[{"${alert(7)}": 2}] * len(incidents))  # fmt: skip
    layers = mapview.build_layers(_empty_outlines(), reports, gpd.GeoDataFrame(), zones=zones, incidents=hostile)
    html = mapview.standalone_html(layers)
    for raw in ("<script>alert(9)", "<img src=x onerror=alert(8)", "${alert(7)}", "<script>alert(1)", "${alert(3)}"):
        assert raw not in html
    assert "cm-incident-marker" in html and "cm-zone-reports" in html


def test_indic_fonts_are_served_locally_for_popups() -> None:
    """Bengali and Devanagari posts render with fonts fetched at install time, not system fonts or a CDN."""
    urls = re.findall(r'url\("([^"]+)"\)', mapview.MAP_CSS)
    assert len(urls) == 2 and all(u.startswith("/app/static/vendor/") for u in urls)
    for url in urls:
        local = assets.VENDOR_DIR / url.removeprefix("/app/static/vendor/")
        assert local.is_file() and local.stat().st_size > 10_000, local  # fetched by `make assets`
    assert "unicode-range: U+0980-09FF" in mapview.MAP_CSS and "unicode-range: U+0900-097F" in mapview.MAP_CSS


def test_a_traffic_report_draws_its_road_stretch_with_escaped_text() -> None:
    line = {"type": "LineString", "coordinates": [[86.93, 21.49], [86.50, 21.06]]}  # Balasore - Bhadrak on NH-16
    reports = pd.DataFrame(
        {"lat": [21.27, 22.0, 22.1], "lon": [86.7, 88.0, 88.1], "radius_m": [30_000.0, 1500.0, 1500.0],
         "text": [f"NH-16 closed between Balasore and Bhadrak {XSS}", "no road", "bad road"], "feed": ["traffic"] * 3,
         "category": [None] * 3,
         "extra": [{"road_geometry": line}, None, '{"road_geometry": {"type": "LineString", "coordinates": [[500, 1]]}}']}
    )  # fmt: skip
    markers, _ = mapview.report_layers(reports)
    roads = [c for c in markers._children.values() if isinstance(c, folium.GeoJson)]
    assert len(roads) == 1  # the malformed geometry and the report without a road draw nothing
    assert roads[0].data["features"][0]["geometry"]["coordinates"] == [[86.93, 21.49], [86.5, 21.06]]
    html = folium.Map(tiles=None).add_child(markers).get_root().render()
    assert "cm-road" in html and "<script>alert(1)" not in html and "onerror=\"alert" not in html
    assert mapview.road_geometry(json.dumps({"road_geometry": line})) == line
    assert mapview.road_geometry({"road_geometry": {"type": "Point", "coordinates": [1, 2]}}) is None
    assert mapview.road_geometry("not json") is None
