"""The store: one interface, a SQLite backend (default) and room for PostGIS.

Writes are idempotent: reports upsert on ``report_id`` (``source:source_id``) and alerts on
``alert_id`` (``sender:identifier``), so at-least-once delivery from Kafka stores each message once.
Reads return GeoDataFrames in EPSG:4326.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

import geopandas as gpd
import pandas as pd

from geo.errors import StoreError
from geo.model import Alert, Report


class Store(Protocol):
    """What the ingest worker, the zoning and the dashboard need from a store."""

    url: str

    def upsert(self, reports: Sequence[Report], alerts: Sequence[Alert] = ()) -> None:
        """Write a batch in one transaction; a report or alert already stored is replaced."""

    def reports_frame(
        self,
        *,
        until: datetime | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        limit: int | None = None,
    ) -> gpd.GeoDataFrame:
        """Stored reports (located ones with a point geometry, unlocated ones with None)."""

    def alerts_frame(self, *, live_at: datetime | None = None) -> gpd.GeoDataFrame:
        """Stored alerts with their area geometry; with ``live_at``, only those in force then."""

    def reports_by_id(self, ids: Sequence[str]) -> pd.DataFrame:
        """Stored reports with these ids (ids not stored are left out), without geometry."""

    def originals_by_text_key(self, keys: Iterable[str]) -> dict[str, str]:
        """For text keys already stored, the id of the earliest report with that key that is no copy."""

    def bulletin_fixes(self) -> list[Any]:
        """The storm track stated by stored weather bulletins (:class:`geo.track.Fix`, time order)."""

    def count_reports(self) -> int: ...

    def count_alerts(self) -> int: ...

    def report_ids(self) -> set[str]: ...

    def latest_event_time(self) -> datetime | None:
        """The newest event time stored: the scenario's clock when replaying history."""

    # --- incidents and zones (written by the zoning, read by the dashboard) -------------------
    def incidents_frame(
        self, *, ids: Sequence[str] | None = None, active_since: datetime | None = None, include_merged: bool = False
    ) -> gpd.GeoDataFrame:
        """Incidents with their footprint polygon; by default only active ones (not merged away)."""

    def incident_history(self, incident_id: str | None = None) -> pd.DataFrame:
        """Merges, splits and status changes, oldest first."""

    def zones_frame(self) -> gpd.GeoDataFrame:
        """The current affected zones, most severe first."""

    def report_tallies(self) -> pd.DataFrame:
        """Reports per district and tier (clustered, coarse, unlocated, off-topic): nothing dropped."""

    def set_incident_status(self, incident_id: str, status: str, *, at: datetime | None = None, note: str = "") -> None:
        """Triage: set an incident's status and record it in its history."""

    def count_incidents(self) -> int: ...

    def close(self) -> None: ...


def open_store(url: str) -> Store:
    """Open (and create if needed) the store a URL names: ``sqlite:///path.db`` or ``postgresql://``."""
    if url.startswith("sqlite:///") or url == "sqlite://":
        from geo._sqlite_store import SqliteStore

        return SqliteStore(url)
    if url.startswith(("postgresql://", "postgres://")):
        from geo._postgis_store import PostgisStore

        return PostgisStore(url)
    msg = f"store_url {url!r} is not supported; use sqlite:///path/to/file.db or postgresql://user@host/db"
    raise StoreError(msg)
