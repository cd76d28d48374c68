"""The live map page: reports and official alerts as of a moment of the event, refreshed in place.

Filters (feeds, categories, time window) live in the sidebar and are mirrored in ``st.query_params``
so a view can be shared as a link; the map, the "as of" slider and the counts are one
``st.fragment(run_every=settings.refresh_seconds)``, so only they rerun when the store changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import assets, data, mapview
from dashboard.basemap import Outlines, load_outlines
from geo.errors import CrisismapError
from geo.model import FEEDS, HumanitarianCategory
from geo.settings import Settings

UNCLASSIFIED = "unclassified"
CATEGORIES: tuple[str, ...] = (*HumanitarianCategory.__args__, UNCLASSIFIED)  # type: ignore[attr-defined]
#: Time windows an operator can look back over, in hours (0 = the whole event).
WINDOWS: dict[str, int] = {"last 3 h": 3, "last 6 h": 6, "last 24 h": 24, "last 3 days": 72, "whole event": 0}
DEFAULT_WINDOW = "last 24 h"
SLIDER_STEP = timedelta(minutes=30)
MAP_HEIGHT = 620
#: Keep the map fully visible while the fragment refreshes (Streamlit dims "stale" elements).
PAGE_CSS = "<style>.stElementContainer[data-stale='true'] { opacity: 1 !important; transition: none; }</style>"


@dataclass(frozen=True, slots=True)
class Filters:
    """What the operator chose to see; all of it is in the page URL."""

    feeds: tuple[str, ...]
    categories: tuple[str, ...]
    window_hours: int


def page(settings: Settings) -> None:
    """Render the live map page for ``settings`` (store URL, tile URL, refresh interval)."""
    st.html(PAGE_CSS)
    st.markdown("#### Live situation map")
    filters = _sidebar_filters()
    st.sidebar.caption(f"Store: `{settings.store_url}` · refresh every {settings.refresh_seconds:g} s")
    st.fragment(run_every=settings.refresh_seconds)(_live_view)(settings, filters)


def _sidebar_filters() -> Filters:
    params = st.query_params
    if "feeds" not in st.session_state:
        st.session_state["feeds"] = [f for f in params.get_all("feed") if f in FEEDS] or list(FEEDS)
    if "categories" not in st.session_state:
        st.session_state["categories"] = [c for c in params.get_all("category") if c in CATEGORIES]
    if "window" not in st.session_state:
        wanted = params.get("window")
        st.session_state["window"] = next((k for k, v in WINDOWS.items() if str(v) == wanted), DEFAULT_WINDOW)
    with st.sidebar:
        st.header("Filters")
        feeds = st.multiselect("Feeds", FEEDS, key="feeds")
        categories = st.multiselect(
            "Categories", CATEGORIES, key="categories", format_func=_label, placeholder="all categories"
        )
        window = st.selectbox("Time window", list(WINDOWS), key="window")
    params["feed"] = list(feeds)
    params["category"] = list(categories)
    params["window"] = str(WINDOWS[window])
    return Filters(feeds=tuple(feeds), categories=tuple(categories), window_hours=WINDOWS[window])


def _live_view(settings: Settings, filters: Filters) -> None:
    url = settings.store_url
    try:
        period = data.event_period(url)
    except CrisismapError as exc:
        st.error(str(exc))
        return
    if period is None:
        st.info("The store has no reports or alerts yet. Start the ingest worker (or `crisismap demo`); "
                f"this page re-reads the store every {settings.refresh_seconds:g} s.")  # fmt: skip
        return
    as_of = _as_of_control(period)
    reports = _filtered(data.load_reports(url, as_of), filters, as_of)
    alerts = data.load_alerts(url, as_of)
    zones = data.load_zones(url)
    incidents = data.load_incidents(url)
    incidents = _incidents_in_window(incidents, filters, as_of)
    _metrics(reports, alerts, as_of, zones, incidents)
    bbox = _view_bbox(url)
    layers = mapview.build_layers(
        _outlines(bbox), reports, alerts, bbox=bbox, tile_url=settings.tile_url,
        zones=zones, incidents=incidents, district_names=data.district_names(),
    )  # fmt: skip
    manifest = assets.load_manifest()
    for element in (layers.base, *layers.live):
        assets.localize(element, manifest, _asset_base_url())
    if not assets.assets_fetched(manifest):
        st.warning("Local map assets are missing: run `make assets` (the map needs Leaflet served locally).")
    st_folium(
        layers.base,
        feature_group_to_add=layers.live,
        layer_control=folium.LayerControl(collapsed=True),
        key="live_map",
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=[],
    )
    _tables(reports, data.load_tallies(url))


def _as_of_control(period: data.EventPeriod) -> datetime:
    """The "as of" moment: the latest event time when following, else the slider's value (UTC)."""
    start, end = _naive_utc(period.start), _naive_utc(period.end)
    if start >= end:
        start = end - SLIDER_STEP
    if "follow" not in st.session_state:
        st.session_state["follow"] = "as_of" not in st.query_params
        wanted = _parse_time(st.query_params.get("as_of"))
        st.session_state["as_of"] = min(max(wanted or end, start), end)
    left, right = st.columns([1, 5], vertical_alignment="bottom")
    follow = left.toggle("Follow latest", key="follow", help="Keep the map at the newest event time stored.")
    if follow or not start <= st.session_state["as_of"] <= end:
        st.session_state["as_of"] = end
    as_of = right.slider(
        "As of (UTC)", min_value=start, max_value=end, step=SLIDER_STEP, key="as_of",
        format="DD MMM YYYY HH:mm", disabled=follow,
    )  # fmt: skip
    if follow:
        st.query_params.pop("as_of", None)
    else:
        st.query_params["as_of"] = as_of.strftime("%Y-%m-%dT%H:%M")
    return as_of.replace(tzinfo=UTC)


def _filtered(reports: pd.DataFrame, filters: Filters, as_of: datetime) -> pd.DataFrame:
    keep = reports["feed"].isin(filters.feeds)
    if filters.categories:
        category = reports["category"].where(reports["category"].notna(), UNCLASSIFIED)
        keep &= category.isin(filters.categories)
    if filters.window_hours:
        keep &= reports["event_time"] >= pd.Timestamp(as_of - timedelta(hours=filters.window_hours))
    return reports[keep]


def _incidents_in_window(incidents: pd.DataFrame, filters: Filters, as_of: datetime) -> pd.DataFrame:
    """Incidents already seen at ``as_of`` and, with a time window, seen again inside it."""
    if incidents.empty:
        return incidents
    keep = incidents["first_seen"] <= pd.Timestamp(as_of)
    if filters.window_hours:
        keep &= incidents["last_seen"] >= pd.Timestamp(as_of - timedelta(hours=filters.window_hours))
    return incidents[keep]


def _metrics(
    reports: pd.DataFrame, alerts: pd.DataFrame, as_of: datetime, zones: pd.DataFrame, incidents: pd.DataFrame
) -> None:
    located = int(reports["lat"].notna().sum())
    severe = int(alerts["severity"].isin(["Extreme", "Severe"]).sum()) if not alerts.empty else 0
    cols = st.columns(6)
    cols[0].metric("Reports located", f"{located:,}")
    cols[1].metric("Reports unlocated", f"{len(reports) - located:,}")
    cols[2].metric("Alerts live", f"{len(alerts):,}")
    cols[3].metric("Extreme / severe alerts", f"{severe:,}")
    cols[4].metric("Active incidents", f"{len(incidents):,}")
    cols[5].metric("Affected zones", f"{len(zones):,}")
    capped = " (newest shown; more are stored)" if len(reports) >= data.MAX_REPORTS else ""
    st.caption(
        f"As of {as_of:%d %b %Y %H:%M} UTC{capped}. Zones and incidents are the zoning's latest state "
        "(incidents shown when active in the time window)."
    )


def _tables(reports: pd.DataFrame, tallies: pd.DataFrame) -> None:
    """Newest reports and the per-district tallies as text tables (st.dataframe renders text, never HTML)."""
    columns = ["event_time", "feed", "source", "text", "place", "district", "category", "urgency"]
    tab_unlocated, tab_located, tab_districts = st.tabs(
        ["Unlocated reports", "Newest located reports", "Reports per district"]
    )
    with tab_unlocated:
        st.dataframe(reports[reports["lat"].isna()][columns].head(200), hide_index=True, width="stretch")
    with tab_located:
        st.dataframe(reports[reports["lat"].notna()][columns].head(200), hide_index=True, width="stretch")
    with tab_districts:
        st.caption(
            "Every report the zoning has seen, per district: point/area ones are on the map as incidents; "
            "coarse (only a district or state known), unlocated and off-topic ones are counted here, never dropped."
        )
        st.dataframe(tallies, hide_index=True, width="stretch", key="tallies")


@st.cache_resource(show_spinner=False, max_entries=8)
def _outlines(bbox: tuple[float, float, float, float]) -> Outlines:
    """Outlines around the view (the bbox is rounded to whole degrees, so this rarely misses)."""
    lon_min, lat_min, lon_max, lat_max = bbox
    return load_outlines((lon_min - 2, lat_min - 2, lon_max + 2, lat_max + 2))


def _view_bbox(store_url: str) -> tuple[float, float, float, float]:
    """The default view: every stored alert area and the newest located reports, else the Bay of Bengal."""
    alerts = data.load_alerts(store_url, None)
    reports = data.load_reports(store_url, None)
    located = reports[reports["lat"].notna()]
    if len(located) > 20:  # geocoding outliers (a namesake abroad) must not zoom the map out to the world
        lat_lo, lat_hi = located["lat"].quantile([0.05, 0.95])
        lon_lo, lon_hi = located["lon"].quantile([0.05, 0.95])
        located = located[located["lat"].between(lat_lo, lat_hi) & located["lon"].between(lon_lo, lon_hi)]
    points = gpd.GeoSeries(gpd.points_from_xy(located["lon"], located["lat"]), crs="EPSG:4326")
    return mapview.view_bbox([alerts.geometry, points])


def _asset_base_url() -> str:
    """Where the browser finds ``dashboard/static/vendor``, below Streamlit's base URL path."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static/vendor" if base else assets.DEFAULT_BASE_URL


def _naive_utc(value: datetime) -> datetime:
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.replace(tzinfo=None, second=0, microsecond=0)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return _naive_utc(datetime.fromisoformat(value))
    except ValueError:
        return None


def _label(category: str) -> str:
    return category.replace("_", " ")
