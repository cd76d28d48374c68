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
