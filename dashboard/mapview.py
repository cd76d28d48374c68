"""Map rendering: stored reports and official alerts as folium layers, on an offline base map.

Pure functions of their arguments (frames in, folium objects out), so they are tested without
Streamlit. Everything a member of the public or a feed wrote goes through :func:`escape` before it
reaches a popup or tooltip: folium puts popup HTML inside a JavaScript template literal, so besides
HTML's ``<>&"'`` the characters `` ` ``, ``$``, ``{``, ``}`` and ``\\`` are turned into entities too.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
from folium.plugins import FastMarkerCluster
from folium.template import Template
import shapely.errors
import shapely.geometry
from shapely.geometry import mapping

from dashboard.basemap import DEFAULT_BBOX, Outlines

#: CAP severity -> fill colour, most severe drawn last (on top).
SEVERITY_COLORS: dict[str, str] = {
    "Extreme": "#d00000",
    "Severe": "#f48c06",
    "Moderate": "#ffd60a",
    "Minor": "#90e0ef",
    "Unknown": "#adb5bd",
}
SEVERITY_ORDER: tuple[str, ...] = ("Unknown", "Minor", "Moderate", "Severe", "Extreme")
#: Zone severity (0-100) -> fill colour: (upper limit, colour), the last one open-ended.
ZONE_COLORS: tuple[tuple[float, str], ...] = (
    (20.0, "#fee08b"), (40.0, "#fdae61"), (60.0, "#f46d43"), (80.0, "#d73027"), (101.0, "#a50026"),
)
#: Incident triage status -> marker colour.
STATUS_COLORS: dict[str, str] = {
    "new": "#ff006e", "acknowledged": "#ffbe0b", "assigned": "#3a86ff", "resolved": "#38b000", "dismissed": "#8d99ae",
}

#: Humanitarian category -> (awesome-markers colour, Font Awesome 6 icon).
CATEGORY_STYLE: dict[str, tuple[str, str]] = {
    "requests_or_urgent_needs": ("red", "life-ring"),
    "rescue_volunteering_or_donation_effort": ("green", "hand-holding-heart"),
    "infrastructure_and_utility_damage": ("orange", "house-chimney-crack"),
    "injured_or_dead_people": ("darkred", "user-injured"),
    "missing_or_found_people": ("purple", "person-circle-question"),
    "displaced_people_and_evacuations": ("cadetblue", "people-roof"),
    "caution_and_advice": ("beige", "triangle-exclamation"),
    "sympathy_and_support": ("lightgray", "heart"),
    "other_relevant_information": ("blue", "circle-info"),
    "not_humanitarian": ("gray", "comment"),
}
#: Reports with no category yet, by feed.
FEED_STYLE: dict[str, tuple[str, str]] = {
    "distress": ("lightred", "comment-dots"),
    "traffic": ("darkpurple", "road"),
    "weather": ("darkblue", "cloud-showers-heavy"),
}
MAX_ZOOM = 16
#: Uncertainty circles are drawn up to this radius; wider ones (a district, a state) would only blur.
MAX_CIRCLE_RADIUS_M = 25_000.0

#: Browser side of one report marker (rows built by :func:`report_layers`).
_MARKER_JS = """function (row) {
    var icon = L.AwesomeMarkers.icon({markerColor: row[2], icon: row[3], prefix: 'fa', iconColor: 'white'});
    var marker = L.marker(new L.LatLng(row[0], row[1]), {icon: icon});
    marker.bindPopup(row[4], {maxWidth: 360});
    marker.bindTooltip(row[5], {sticky: true});
    return marker;
}"""

_JS_TEMPLATE_ENTITIES = {ord("`"): "&#96;", ord("$"): "&#36;", ord("{"): "&#123;", ord("}"): "&#125;", ord("\\"): "&#92;"}

MAP_CSS = """
<style>
@font-face { font-family: "cm-noto-bengali"; font-display: swap; unicode-range: U+0980-09FF, U+200C-200D;
  src: url("/app/static/vendor/noto-sans-bengali/files/noto-sans-bengali-bengali-400-normal.woff2") format("woff2"); }
@font-face { font-family: "cm-noto-devanagari"; font-display: swap; unicode-range: U+0900-097F, U+A8E0-A8FF;
  src: url("/app/static/vendor/noto-sans-devanagari/files/noto-sans-devanagari-devanagari-400-normal.woff2") format("woff2"); }
.leaflet-container { background: #0b1622;
  font-family: system-ui, -apple-system, "Segoe UI", "cm-noto-bengali", "cm-noto-devanagari", sans-serif; }
.leaflet-popup-content-wrapper, .leaflet-popup-tip { background: #13202e; color: #e6edf3; }
.leaflet-popup-content { margin: 10px 12px; font-size: 13px; line-height: 1.35; }
.leaflet-tooltip { background: #13202e; color: #e6edf3; border: 1px solid #31465c; max-width: 340px; white-space: normal; }
.leaflet-control-layers, .leaflet-bar a { background: #13202e; color: #e6edf3; }
.leaflet-control-attribution { background: rgba(19,32,46,.8) !important; color: #8aa4bf; }
.leaflet-control-attribution a { color: #8aa4bf; }
.leaflet-control-scale-line { background: rgba(19,32,46,.8); color: #e6edf3; border-color: #8aa4bf; }
.cm-meta { color: #8aa4bf; font-size: 11px; margin-bottom: 4px; }
.cm-text { white-space: pre-wrap; word-break: break-word; margin-bottom: 6px; }
.cm-pop table { font-size: 12px; } .cm-pop th { color: #8aa4bf; font-weight: normal; padding-right: 8px; }
.cm-legend { position: absolute; z-index: 1000; left: 10px; bottom: 46px; background: rgba(19,32,46,.88);
  color: #e6edf3; border: 1px solid #31465c; border-radius: 4px; padding: 6px 8px; font: 12px system-ui, sans-serif; }
.cm-legend i { display: inline-block; width: 11px; height: 11px; margin: 0 4px 0 8px; vertical-align: -1px; opacity: .8; }
.cm-sev { display: inline-block; padding: 0 6px; border-radius: 3px; color: #000; font-weight: 600; }
.cm-flag { display: inline-block; padding: 0 6px; margin: 0 4px 4px 0; border-radius: 3px; font-size: 11px; font-weight: 600; }
.cm-flag-factcheck { background: #d00000; color: #fff; } .cm-flag-copy { background: #495867; color: #fff; }
.cm-flag-official { background: #2a9d8f; color: #fff; } .cm-flag-verified { background: #4361ee; color: #fff; }
</style>
"""


def escape(value: Any) -> str:
    """Text safe inside folium popup/tooltip HTML (and the JS template literal folium wraps it in)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True).translate(_JS_TEMPLATE_ENTITIES)


@dataclass(frozen=True, slots=True)
class MapLayers:
    """The map and its live layers: ``base`` holds only outlines (stable across refreshes), the
    feature groups hold what changes with the data (streamlit-folium swaps them in place).
    Drawn bottom to top: alerts, affected zones, incidents, uncertainty circles, reports."""

    base: folium.Map
    alerts: folium.FeatureGroup
    reports: folium.FeatureGroup
    uncertainty: folium.FeatureGroup
    zones: folium.FeatureGroup
    incidents: folium.FeatureGroup

    @property
    def live(self) -> list[folium.FeatureGroup]:
        return [self.alerts, self.zones, self.incidents, self.uncertainty, self.reports]


def base_map(
    outlines: Outlines,
    *,
    bbox: tuple[float, float, float, float] = DEFAULT_BBOX,
    tile_url: str | None = None,
) -> folium.Map:
    """A dark, tile-less map of state and district outlines fitted to ``bbox`` (lon/lat)."""
    lon_min, lat_min, lon_max, lat_max = bbox
    fmap = folium.Map(
        location=[(lat_min + lat_max) / 2, (lon_min + lon_max) / 2],
        zoom_start=7,
        tiles=None,
        control_scale=True,
        minZoom=4,
        maxZoom=MAX_ZOOM,  # a map option (MarkerCluster needs it); folium's max_zoom only reaches tiles
    )
    fmap.get_root().header.add_child(folium.Element(MAP_CSS), name="crisismap_css")
    fmap.get_root().html.add_child(folium.Element(_legend_html()), name="crisismap_legend")
    if tile_url:
        folium.TileLayer(tiles=tile_url, attr="base tiles", name="Base tiles", control=False, max_zoom=MAX_ZOOM).add_to(
            fmap
        )
    if len(outlines.states):
        folium.GeoJson(
            outlines.states[["name", "geometry"]],
            name="States",
            control=False,
            style_function=lambda _: {
                "color": "#5c7a99", "weight": 1.4, "fillColor": "#1a2735",
                "fillOpacity": 0.0 if tile_url else 1.0, "className": "cm-state",
            },
        ).add_to(fmap)  # fmt: skip
    if len(outlines.districts):
        folium.GeoJson(
            outlines.districts[["name", "geometry"]],
            name="Districts",
            control=False,
            style_function=lambda _: {"color": "#344b63", "weight": 0.7, "fill": False, "className": "cm-district"},
        ).add_to(fmap)
    fmap.fit_bounds([[lat_min, lon_min], [lat_max, lon_max]])
    return fmap


def alert_layer(alerts: pd.DataFrame) -> folium.FeatureGroup:
    """Official alert areas coloured by CAP severity, with their headline as tooltip."""
    group = folium.FeatureGroup(name="Official alerts", show=True)
    if alerts.empty:
        return group
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    ordered = alerts.assign(_rank=alerts["severity"].map(rank).fillna(0)).sort_values(["_rank", "sent"])
    for row in ordered.itertuples(index=False):
        geometry = getattr(row, "geometry", None)
        if geometry is None or geometry.is_empty:
            continue
        severity = row.severity if row.severity in SEVERITY_COLORS else "Unknown"
        color = SEVERITY_COLORS[severity]
        style = {
            "color": color, "weight": 2, "fillColor": color, "fillOpacity": 0.28,
            "className": f"cm-alert cm-sev-{severity.lower()}",
        }  # fmt: skip
        layer = folium.GeoJson(
            {"type": "Feature", "properties": {}, "geometry": mapping(geometry)},
            style_function=lambda _, s=style: s,
            highlight_function=lambda _, c=color: {"weight": 4, "fillOpacity": 0.45, "color": c},
        )
        folium.Tooltip(f"{escape(severity)}: {escape(row.headline or row.event)}", sticky=True).add_to(layer)
        folium.Popup(alert_popup_html(row._asdict()), max_width=380).add_to(layer)
        layer.add_to(group)
    return group


def alert_popup_html(row: dict[str, Any]) -> str:
    severity = row.get("severity") if row.get("severity") in SEVERITY_COLORS else "Unknown"
    fields = [
        ("Event", _str(row.get("event"))),
        ("Urgency", _str(row.get("urgency"))),
        ("Certainty", _str(row.get("certainty"))),
        ("Area", _clip(_str(row.get("area_desc")), 300)),
        ("Sent", _when(row.get("sent"))),
        ("Expires", _when(row.get("expires"))),
        ("Sender", _str(row.get("sender"))),
        ("Instruction", _clip(_str(row.get("instruction")), 400)),
    ]
    return (
        '<div class="cm-pop">'
        f'<div class="cm-meta"><span class="cm-sev" style="background:{SEVERITY_COLORS[severity]}">'
        f"{escape(severity)}</span> official alert &middot; {escape(row.get('msg_type'))}</div>"
        f'<div class="cm-text"><b>{escape(row.get("headline") or row.get("event"))}</b></div>'
        f"{_table(fields)}</div>"
    )


class UncertaintyCircles(folium.MacroElement):
    """Circles of ``[lat, lon, radius_m]`` rows drawn in the browser from one array (geodesic
    radius in metres, as ``L.circle``), added to the parent layer."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var rows = {{ this.rows|tojson }};
            for (var i = 0; i < rows.length; i++) {
                L.circle([rows[i][0], rows[i][1]], {
                    radius: rows[i][2], color: "#4cc9f0", weight: 1, opacity: 0.6,
                    fill: true, fillOpacity: 0.06, className: "cm-uncertainty", interactive: false
                }).addTo({{ this._parent.get_name() }});
            }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, rows: list[list[float]]) -> None:
        super().__init__()
        self._name = "UncertaintyCircles"
        self.rows = rows


def report_layers(
    reports: pd.DataFrame, *, max_circle_radius_m: float = MAX_CIRCLE_RADIUS_M
) -> tuple[folium.FeatureGroup, folium.FeatureGroup]:
    """Located reports as clustered markers (icon by category, else by feed) with popups, and a
    layer of uncertainty circles for those located precisely enough for a circle to help.

    The markers are one data array drawn in the browser (FastMarkerCluster): a folium element per
    marker costs milliseconds each to serialise, which a 5-second refresh cannot afford. Rows are
    ``[lat, lon, colour, icon, popup HTML, tooltip HTML]``; both HTML strings are built here with
    every user-written part escaped, and folium writes the array with ``tojson``.
    """
    markers = folium.FeatureGroup(name="Reports", show=True)
    circles = folium.FeatureGroup(name="Location uncertainty", show=True)
    located = reports[reports["lat"].notna() & reports["lon"].notna()] if not reports.empty else reports
    rows: list[list[Any]] = []
    rings: list[list[float]] = []
    for row in located.to_dict("records"):
        color, icon = _marker_style(row)
        rows.append([
            float(row["lat"]), float(row["lon"]), color, icon,
            report_popup_html(row), escape(_clip(row.get("text"), 120)),
        ])  # fmt: skip
        radius = row.get("radius_m")
        if radius is not None and not math.isnan(radius) and 0 < radius <= max_circle_radius_m:
            rings.append([float(row["lat"]), float(row["lon"]), float(radius)])
    UncertaintyCircles(rings).add_to(circles)
    FastMarkerCluster(
        rows, callback=_MARKER_JS, name="Reports", showCoverageOnHover=False, maxClusterRadius=45
    ).add_to(markers)
    for row in located.to_dict("records") if "extra" in located else ():
        line = road_geometry(row.get("extra"))
        if line is not None:  # a closed or diverted road: the stretch the traffic alert names
            layer = folium.GeoJson(
                {"type": "Feature", "properties": {}, "geometry": line},
                style_function=lambda _: {"color": "#ff7b00", "weight": 5, "opacity": 0.85, "dashArray": "8 6",
                                          "className": "cm-road"},
            )  # fmt: skip
            folium.Tooltip(escape(_clip(row.get("text"), 160)), sticky=True).add_to(layer)
            folium.Popup(report_popup_html(row), max_width=380).add_to(layer)
            layer.add_to(markers)
    return markers, circles


def road_geometry(extra: Any) -> dict[str, Any] | None:
    """The GeoJSON LineString/MultiLineString of the roads a traffic report names (``extra``'s
    ``road_geometry``, a dict or its JSON text), or None; anything malformed is None."""
    geometry = _extra_dict(extra).get("road_geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in ("LineString", "MultiLineString"):
        return None
    try:
        shape = shapely.geometry.shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, shapely.errors.ShapelyError):
        return None
    if shape.is_empty or not shape.is_valid or not -180 <= shape.bounds[0] <= shape.bounds[2] <= 180 \
            or not -90 <= shape.bounds[1] <= shape.bounds[3] <= 90:
        return None
    return geometry


def report_popup_html(row: dict[str, Any]) -> str:
    place = ", ".join(
        x.title() if x.isupper() else x
        for x in (_str(row.get("place")), _str(row.get("district")), _str(row.get("state")))
        if x
    )
    kind = _str(row.get("kind"))
    needs = row.get("needs")
    people = row.get("people")
    fields = [
        ("Place", f"{place} ({kind})" if place and kind else place),
        ("Uncertainty", _radius(row.get("radius_m"))),
        ("Category", (_str(row.get("category")) or "").replace("_", " ") or None),
        ("Urgency", _str(row.get("urgency"))),
        ("Needs", ", ".join(needs) if isinstance(needs, Iterable) and not isinstance(needs, str) else needs),
        ("People", int(people) if isinstance(people, int | float) and people == people else None),
        ("Located by", _str(row.get("loc_method"))),
    ]
    meta = " &middot; ".join(
        escape(x) for x in (_when(row.get("event_time")), row.get("source"), row.get("feed"), row.get("author")) if x
    )
    return (
        f'<div class="cm-pop"><div class="cm-meta">{meta}</div>{report_flags_html(row.get("extra"))}'
        f'<div class="cm-text">{escape(_clip(row.get("text"), 1000))}</div>{_table(fields)}</div>'
    )


def _extra_dict(extra: Any) -> dict[str, Any]:
    """A report's ``extra`` as a dict (it is stored as JSON text); ``{}`` if it is not one."""
    if isinstance(extra, str):
        try:
            extra = json.loads(extra)
        except ValueError:
            return {}
    return extra if isinstance(extra, dict) else {}


def report_flags(extra: Any) -> list[tuple[str, str]]:
    """The flags the ingest put in a report's ``extra`` (a dict or its JSON text) as
    ``(kind, label)``: ``factcheck`` ("FACT-CHECKED: false (source)"), ``copy`` ("copy of <id>"),
    ``official`` ("official account") and ``verified``. Labels are plain text (escape them)."""
    extra = _extra_dict(extra)
    flags: list[tuple[str, str]] = []
    check = extra.get("fact_check")
    if isinstance(check, dict):
        verdict = _clip(check.get("verdict") or "disputed", 40)
        source = _clip(check.get("source"), 80)
        flags.append(("factcheck", f"FACT-CHECKED: {verdict}" + (f" ({source})" if source else "")))
    elif check:
        flags.append(("factcheck", "FACT-CHECKED"))
    if extra.get("duplicate_of"):
        flags.append(("copy", f"copy of {_clip(extra['duplicate_of'], 80)}"))
    if extra.get("official") is True:
        flags.append(("official", "official account"))
    if extra.get("verified") is True:
        flags.append(("verified", "verified"))
    return flags


def report_flags_html(extra: Any) -> str:
    """Badges for :func:`report_flags` (escaped), or an empty string."""
    badges = "".join(f'<span class="cm-flag cm-flag-{kind}">{escape(label)}</span>' for kind, label in report_flags(extra))
    return f"<div>{badges}</div>" if badges else ""


def severity_color(severity: Any) -> str:
    """Fill colour of a zone severity in [0, 100]: pale yellow (low) to dark red (high)."""
    try:
        value = min(max(float(severity), 0.0), 100.0)
    except (TypeError, ValueError):
        value = 0.0
    if math.isnan(value):
        value = 0.0
    for limit, color in ZONE_COLORS:
        if value < limit:
            return color
    return ZONE_COLORS[-1][1]


def zone_layer(zones: pd.DataFrame, district_names: dict[int, str] | None = None) -> folium.FeatureGroup:
    """Affected zones (kind reports/alert/wind) coloured by severity, least severe drawn first, with a
    tooltip of kind, severity, trend and districts (one :class:`Shapes` element)."""
    group = folium.FeatureGroup(name="Affected zones", show=True)
    names = district_names or {}
    shapes: list[dict[str, Any]] = []
    rows = zones.sort_values("severity", kind="stable").to_dict("records") if not zones.empty else []
    for row in rows:
        geometry = row.get("geometry")
        if geometry is None or geometry.is_empty:
            continue
        color = severity_color(row.get("severity"))
        kind = _str(row.get("kind")) or "zone"
        style = {
            "color": color, "weight": 1.5, "fillColor": color, "fillOpacity": 0.10 if kind == "wind" else 0.22,
            "className": f"cm-zone cm-zone-{escape(kind)}",
        }  # fmt: skip
        if kind == "wind":
            style["dashArray"] = "4 3"
        shapes.append({"geometry": mapping(geometry), "style": style, "tooltip": escape(zone_summary(row, names))})
    Shapes(shapes, []).add_to(group)
    return group


def zone_summary(row: dict[str, Any], district_names: dict[int, str]) -> str:
    """One line (plain text) about a zone: kind, severity, trend, districts."""
    kind = _str(row.get("kind")) or "zone"
    label = {"reports": "reported incidents", "alert": "official alert", "wind": "cyclone winds"}.get(kind, kind)
    if kind == "wind" and row.get("wind_kt") == row.get("wind_kt") and row.get("wind_kt") is not None:
        label += f" \u2265 {float(row['wind_kt']):.0f} kt"
    severity = row.get("severity")
    sev = f"{float(severity):.0f}" if isinstance(severity, int | float) and severity == severity else "?"
    return (
        f"Affected zone ({label}): severity {sev}/100, {_str(row.get('trend')) or 'trend unknown'}"
        f" \u00b7 {district_list(row.get('districts'), district_names)}"
    )


def district_list(codes: Any, district_names: dict[int, str], limit: int = 6) -> str:
    """District names for LGD codes ("LGD 338" when unknown), at most ``limit`` then "+N more"."""
    if codes is None or isinstance(codes, float | str):
        return "no district"
    items = [district_names.get(int(c), f"LGD {int(c)}") for c in codes]
    if not items:
        return "no district"
    more = f" +{len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def incident_layer(incidents: pd.DataFrame, district_names: dict[int, str] | None = None) -> folium.FeatureGroup:
    """Active incidents: each footprint polygon and a circle marker at its centre (sized by reports,
    coloured by triage status) with a tooltip and a popup of counts, needs, people and status.

    One :class:`Shapes` element holds them all: hundreds of folium elements would take seconds to
    serialise on every refresh."""
    group = folium.FeatureGroup(name="Incidents", show=True)
    names = district_names or {}
    shapes: list[dict[str, Any]] = []
    points: list[dict[str, Any]] = []
    rows = incidents.sort_values("reports", kind="stable").to_dict("records") if not incidents.empty else []
    for row in rows:
        status = row.get("status") if row.get("status") in STATUS_COLORS else "new"
        color = STATUS_COLORS[status]
        geometry = row.get("geometry")
        if geometry is not None and not geometry.is_empty:
            shapes.append({
                "geometry": mapping(geometry), "interactive": False,
                "style": {"color": color, "weight": 1.2, "fillColor": color, "fillOpacity": 0.08, "className": "cm-incident"},
            })  # fmt: skip
        lat, lon = row.get("lat"), row.get("lon")
        if lat is None or lon is None or lat != lat or lon != lon:
            continue
        reports = _int(row.get("reports"))
        points.append({
            "lat": float(lat), "lon": float(lon),
            "style": {"radius": round(min(3 + 2.5 * math.sqrt(reports), 20), 1), "color": "#0b1622", "weight": 1.5,
                      "fillColor": color, "fillOpacity": 0.9, "className": f"cm-incident-marker cm-status-{status}"},
            "tooltip": escape(incident_summary(row)), "popup": incident_popup_html(row, names),
        })  # fmt: skip
    Shapes(shapes, points).add_to(group)
    return group


class Shapes(folium.MacroElement):
    """Polygons (``{geometry, style, tooltip?, popup?, interactive?}``, GeoJSON geometry) and circle
    markers (``{lat, lon, style, tooltip?, popup?}``) drawn in the browser from one data array and
    added to the parent layer. Tooltip and popup strings are HTML built with :func:`escape`; the
    arrays are written with ``tojson``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var parent = {{ this._parent.get_name() }};
            function bind(layer, item) {
                if (item.tooltip) { layer.bindTooltip(item.tooltip, {sticky: true}); }
                if (item.popup) { layer.bindPopup(item.popup, {maxWidth: 380}); }
                layer.addTo(parent);
            }
            {{ this.shapes|tojson }}.forEach(function(item) {
                bind(L.geoJSON(item.geometry, {style: item.style, interactive: item.interactive !== false}), item);
            });
            {{ this.points|tojson }}.forEach(function(item) {
                bind(L.circleMarker([item.lat, item.lon], item.style), item);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, shapes: list[dict[str, Any]], points: list[dict[str, Any]]) -> None:
        super().__init__()
        self._name = "Shapes"
        self.shapes = shapes
        self.points = points


def incident_summary(row: dict[str, Any]) -> str:
    """One line (plain text) about an incident: reports, reporters, people, status."""
    people = _int(row.get("people"))
    parts = [f"{_int(row.get('reports'))} reports", f"{_int(row.get('reporters'))} reporters"]
    if people:
        parts.append(f"{people} people")
    needs = needs_text(row.get("needs"))
    if needs:
        parts.append(f"needs {needs}")
    return f"Incident ({_str(row.get('status')) or 'new'}): " + ", ".join(parts)


def incident_popup_html(row: dict[str, Any], district_names: dict[int, str]) -> str:
    status = _str(row.get("status")) or "new"
    fields = [
        ("Status", status),
        ("Reports", _int(row.get("reports"))),
        ("Echoes", _int(row.get("echoes"))),
        ("Reporters", _int(row.get("reporters"))),
        ("People", _int(row.get("people")) or None),
        ("Needs", needs_text(row.get("needs")) or None),
        ("Urgency", _str(row.get("urgency"))),
        ("Category", (_str(row.get("category")) or "").replace("_", " ") or None),
        ("Districts", district_list(row.get("districts"), district_names)),
        ("First seen", _when(row.get("first_seen"))),
        ("Last seen", _when(row.get("last_seen"))),
    ]
    color = STATUS_COLORS.get(status, STATUS_COLORS["new"])
    return (
        f'<div class="cm-pop"><div class="cm-meta"><span class="cm-sev" style="background:{color}">'
        f"{escape(status)}</span> incident {escape(row.get('incident_id'))}</div>{_table(fields)}</div>"
    )


def needs_text(needs: Any) -> str:
    """``{"boat": 3, "food": 1}`` as "boat (3), food (1)", most asked first."""
    if not isinstance(needs, dict) or not needs:
        return ""
    ordered = sorted(needs.items(), key=lambda kv: (-int(kv[1] or 0), str(kv[0])))
    return ", ".join(f"{k} ({int(v or 0)})" for k, v in ordered)


def build_layers(
    outlines: Outlines,
    reports: pd.DataFrame,
    alerts: pd.DataFrame,
    *,
    bbox: tuple[float, float, float, float] = DEFAULT_BBOX,
    tile_url: str | None = None,
    zones: pd.DataFrame | None = None,
    incidents: pd.DataFrame | None = None,
    district_names: dict[int, str] | None = None,
) -> MapLayers:
    """The whole map: base outlines plus alert, affected-zone, incident, report and uncertainty layers."""
    markers, circles = report_layers(reports)
    empty = gpd.GeoDataFrame({"severity": [], "reports": []}, geometry=[], crs="EPSG:4326")
    layers = MapLayers(
        base=base_map(outlines, bbox=bbox, tile_url=tile_url),
        alerts=alert_layer(alerts),
        reports=markers,
        uncertainty=circles,
        zones=zone_layer(empty if zones is None else zones, district_names),
        incidents=incident_layer(empty if incidents is None else incidents, district_names),
    )
    groups = (layers.alerts, layers.reports, layers.uncertainty, layers.zones, layers.incidents)
    for prefix, group in zip("aruzi", groups, strict=True):
        _stable_ids(group, prefix)
    return layers


def view_bbox(
    frames: Iterable[gpd.GeoSeries], *, min_span_deg: float = 2.0, default: tuple[float, float, float, float] = DEFAULT_BBOX
) -> tuple[float, float, float, float]:
    """The bounds of the given geometries, widened to ``min_span_deg`` and rounded outward to whole
    degrees, so the view (and with it the map's identity in the browser) changes only rarely."""
    bounds = [s.dropna().total_bounds for s in frames if len(s.dropna())]
    if not bounds:
        return default
    lon_min = min(b[0] for b in bounds)
    lat_min = min(b[1] for b in bounds)
    lon_max = max(b[2] for b in bounds)
    lat_max = max(b[3] for b in bounds)
    pad_lon = max(0.0, (min_span_deg - (lon_max - lon_min)) / 2)
    pad_lat = max(0.0, (min_span_deg - (lat_max - lat_min)) / 2)
    return (
        float(math.floor(lon_min - pad_lon)),
        float(math.floor(lat_min - pad_lat)),
        float(math.ceil(lon_max + pad_lon)),
        float(math.ceil(lat_max + pad_lat)),
    )


def standalone_html(layers: MapLayers) -> str:
    """The map as one HTML page (live layers added to the base map): for tests and exports."""
    fmap = layers.base
    for group in layers.live:
        group.add_to(fmap)
    return fmap.get_root().render()


# --- helpers ---------------------------------------------------------------------------------


def _legend_html() -> str:
    swatches = "".join(
        f'<i style="background:{SEVERITY_COLORS[s]}"></i>{s}' for s in reversed(SEVERITY_ORDER) if s != "Unknown"
    )
    lows = (0, *(int(limit) for limit, _ in ZONE_COLORS[:-1]))
    zones = "".join(f'<i style="background:{c}"></i>{lo}+' for lo, (_, c) in zip(lows, ZONE_COLORS, strict=True))
    status = "".join(f'<i style="background:{c};border-radius:50%"></i>{s}' for s, c in STATUS_COLORS.items())
    return (
        f'<div class="cm-legend"><b>Alert severity</b>{swatches}<br><b>Zone severity</b>{zones}'
        f"<br><b>Incident status</b>{status}</div>"
    )


def _stable_ids(root: folium.Element, prefix: str) -> None:
    """Number the elements under ``root`` in order instead of random ids (and re-key the child
    dicts, whose keys folium uses as variable names): the same data then gives the same JavaScript,
    and streamlit-folium leaves the layer (and an open popup) alone on refresh."""
    containers = [root]
    count = 0
    while containers:
        parent = containers.pop(0)
        children = list(parent._children.values())
        for child in children:
            child._id = f"cm{prefix}{count:06d}"
            count += 1
            containers.append(child)
            for part in ("header", "html", "script"):  # a Popup keeps its Html outside _children
                inner = getattr(child, part, None)
                if isinstance(inner, folium.Element):
                    containers.append(inner)
        parent._children = type(parent._children)((child.get_name(), child) for child in children)


def _marker_style(row: dict[str, Any]) -> tuple[str, str]:
    category = row.get("category")
    if isinstance(category, str) and category in CATEGORY_STYLE:
        return CATEGORY_STYLE[category]
    return FEED_STYLE.get(str(row.get("feed")), ("gray", "comment"))


def _str(value: Any) -> str | None:
    """A text field of a frame row, or ``None`` for SQL NULL / pandas NaN / empty."""
    return value if isinstance(value, str) and value else None


def _table(fields: list[tuple[str, Any]]) -> str:
    rows = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in fields
        if value is not None and value != ""
    )
    return f"<table>{rows}</table>" if rows else ""


def _int(value: Any) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0
    return 0 if math.isnan(number) else int(number)


def _clip(value: Any, limit: int) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _radius(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    metres = float(value)
    return f"\u00b1 {metres / 1000:.1f} km" if metres >= 1000 else f"\u00b1 {metres:.0f} m"


def _when(value: Any) -> str | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    stamp = pd.Timestamp(value)
    if stamp is pd.NaT:
        return None
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.strftime("%d %b %Y %H:%M UTC")
