"""SQLite backend of the store: one file, WAL journal, SQLite's built-in R*Tree for the points.

SpatiaLite is not used (this Python cannot load extensions); alert areas are stored as GeoJSON text
and turned into shapely geometries on read.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from geo.alerts import alert_expires, alert_geometry, reference_ids
from geo.errors import StoreError
from geo.model import Alert, Report

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    report_id TEXT PRIMARY KEY,
    source TEXT NOT NULL, source_id TEXT NOT NULL, feed TEXT NOT NULL, format TEXT NOT NULL,
    text TEXT NOT NULL, event_time TEXT, author TEXT, language TEXT, reply_to TEXT,
    topic TEXT, partition INTEGER, "offset" INTEGER, received_at TEXT,
    status TEXT NOT NULL, lat REAL, lon REAL, radius_m REAL, place TEXT, kind TEXT,
    state TEXT, district TEXT, state_lgd INTEGER, district_lgd INTEGER, loc_method TEXT, confidence REAL,
    locations TEXT NOT NULL DEFAULT '[]',
    category TEXT, needs TEXT NOT NULL DEFAULT '[]', urgency TEXT, people INTEGER,
    extra TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS reports_event_time ON reports(event_time);
CREATE VIRTUAL TABLE IF NOT EXISTS reports_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat);
CREATE TABLE IF NOT EXISTS alerts (
    alert_id TEXT PRIMARY KEY,
    identifier TEXT NOT NULL, sender TEXT NOT NULL, sent TEXT NOT NULL, status TEXT NOT NULL,
    msg_type TEXT NOT NULL, scope TEXT, source TEXT, format TEXT,
    event TEXT, severity TEXT, urgency TEXT, certainty TEXT, headline TEXT, description TEXT,
    instruction TEXT, area_desc TEXT, geocodes TEXT NOT NULL DEFAULT '[]', expires TEXT,
    refs TEXT NOT NULL DEFAULT '[]', info TEXT NOT NULL DEFAULT '[]', geometry TEXT,
    state TEXT NOT NULL DEFAULT 'active', replaced_by TEXT,
    topic TEXT, partition INTEGER, "offset" INTEGER, received_at TEXT
);
"""

_REPORT_COLUMNS = (
    "report_id source source_id feed format text event_time author language reply_to topic partition "
    '"offset" received_at status lat lon radius_m place kind state district state_lgd district_lgd '
    "loc_method confidence locations category needs urgency people extra"
).split()

_ALERT_COLUMNS = (
    "alert_id identifier sender sent status msg_type scope source format event severity urgency certainty "
    'headline description instruction area_desc geocodes expires refs info geometry topic partition "offset" '
    "received_at"
).split()


def _iso(value: datetime | None) -> str | None:
    """UTC ISO-8601, so stored times compare correctly as text (naive times are taken as UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _report_row(r: Report) -> tuple[Any, ...]:
    loc, prov = r.location, r.provenance
    return (
        r.report_id, r.source, r.source_id, r.feed, r.format, r.text, _iso(r.event_time), r.author,
        r.language, r.reply_to,
        prov.topic if prov else None, prov.partition if prov else None, prov.offset if prov else None,
        _iso(prov.received_at) if prov else None,
        r.status,
        loc.lat if loc else None, loc.lon if loc else None, loc.radius_m if loc else None,
        loc.name if loc else None, loc.kind if loc else None, loc.state if loc else None,
        loc.district if loc else None, loc.state_lgd if loc else None, loc.district_lgd if loc else None,
        loc.method if loc else None, loc.confidence if loc else None,
        json.dumps([x.to_json() for x in r.locations], ensure_ascii=False),
        r.category, json.dumps(list(r.needs)), r.urgency, r.people,
        json.dumps(r.extra, ensure_ascii=False, default=str),
    )  # fmt: skip


def _alert_row(a: Alert) -> tuple[Any, ...]:
    first = a.info[0] if a.info else None
    geom = alert_geometry(a)
    areas = [area for info in a.info[:1] for area in info.areas]
    info = [
        {
            "language": i.language, "event": i.event, "urgency": i.urgency, "severity": i.severity,
            "certainty": i.certainty, "headline": i.headline, "description": i.description,
            "instruction": i.instruction, "sender_name": i.sender_name, "expires": _iso(i.expires),
            "areas": [{"description": ar.description, "geocodes": list(ar.geocodes), "uri": ar.uri} for ar in i.areas],
        }
        for i in a.info
    ]  # fmt: skip
    prov = a.provenance
    return (
        a.alert_id, a.identifier, a.sender, _iso(a.sent), a.status, a.msg_type, a.scope, a.source, a.format,
        first.event if first else None, first.severity if first else None, first.urgency if first else None,
        first.certainty if first else None, first.headline if first else None,
        first.description if first else None, first.instruction if first else None,
        "; ".join(ar.description for ar in areas),
        json.dumps([list(g) for ar in areas for g in ar.geocodes], ensure_ascii=False),
        _iso(alert_expires(a)), json.dumps(list(reference_ids(a))), json.dumps(info, ensure_ascii=False),
        json.dumps(mapping(geom)) if geom is not None else None,
        prov.topic if prov else None, prov.partition if prov else None, prov.offset if prov else None,
        _iso(prov.received_at) if prov else None,
    )  # fmt: skip


class SqliteStore:
    """The default store: a SQLite file (``sqlite:///var/crisismap.db``) or memory (``sqlite://``)."""

    def __init__(self, url: str) -> None:
        self.url = url
        path = url.removeprefix("sqlite:///") if url != "sqlite://" else ":memory:"
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, timeout=30.0, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            msg = f"cannot open the SQLite store at {path}: {exc}; check the path in store_url and its permissions"
            raise StoreError(msg) from None

    # --- writes --------------------------------------------------------------------------
    def upsert(self, reports: Sequence[Report], alerts: Sequence[Alert] = ()) -> None:
        rows = [_report_row(r) for r in reports]
        alert_rows = [_alert_row(a) for a in alerts]
        cols = ", ".join(_REPORT_COLUMNS)
        marks = ", ".join("?" * len(_REPORT_COLUMNS))
        updates = ", ".join(f"{c} = excluded.{c}" for c in _REPORT_COLUMNS[1:])
        acols = ", ".join(_ALERT_COLUMNS)
        amarks = ", ".join("?" * len(_ALERT_COLUMNS))
        aupdates = ", ".join(f"{c} = excluded.{c}" for c in _ALERT_COLUMNS[1:])
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                f"INSERT INTO reports ({cols}) VALUES ({marks}) ON CONFLICT(report_id) DO UPDATE SET {updates}", rows
            )
            located = [(r.report_id,) for r in reports if r.location is not None]
            unlocated = [(r.report_id,) for r in reports if r.location is None]
            self._db.executemany(
                "INSERT OR REPLACE INTO reports_rtree SELECT rowid, lon, lon, lat, lat FROM reports WHERE report_id = ?",
                located,
            )
            self._db.executemany(
                "DELETE FROM reports_rtree WHERE id = (SELECT rowid FROM reports WHERE report_id = ?)", unlocated
            )
            self._db.executemany(
                f"INSERT INTO alerts ({acols}) VALUES ({amarks}) ON CONFLICT(alert_id) DO UPDATE SET {aupdates}",
                alert_rows,
            )
            self._apply_references(alerts)
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._db.execute("ROLLBACK")
            msg = f"writing {len(rows)} reports and {len(alert_rows)} alerts to {self.url} failed: {exc}"
            raise StoreError(msg) from None

    def _apply_references(self, alerts: Sequence[Alert]) -> None:
        """An Update supersedes the alerts it references; a Cancel cancels them and is itself no area."""
        for a in alerts:
            refs = reference_ids(a)
            if a.msg_type == "Update":
                new_state = "updated"
            elif a.msg_type == "Cancel":
                new_state = "cancelled"
                self._db.execute("UPDATE alerts SET state = 'cancel' WHERE alert_id = ?", (a.alert_id,))
            else:
                continue
            self._db.executemany(
                "UPDATE alerts SET state = ?, replaced_by = ? WHERE alert_id = ?",
                [(new_state, a.alert_id, ref) for ref in refs],
            )

    # --- reads ---------------------------------------------------------------------------
    def reports_frame(
        self,
        *,
        until: datetime | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        limit: int | None = None,
    ) -> gpd.GeoDataFrame:
        where, params = [], []
        if until is not None:
            where.append("r.event_time <= ?")
            params.append(_iso(until))
        if bbox is not None:
            where.append(
                "r.rowid IN (SELECT id FROM reports_rtree WHERE min_lon >= ? AND max_lon <= ? "
                "AND min_lat >= ? AND max_lat <= ?)"
            )
            params += [bbox[0], bbox[2], bbox[1], bbox[3]]
        sql = "SELECT * FROM reports r"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY r.event_time DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        df = pd.read_sql_query(sql, self._db, params=params)
        for col in ("event_time", "received_at"):
            df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601")
        df["needs"] = df["needs"].map(json.loads)
        geometry = shapely.points(df["lon"].to_numpy(float), df["lat"].to_numpy(float))
        geometry[df["lat"].isna().to_numpy()] = None
        return gpd.GeoDataFrame(df, geometry=geometry, crs="EPSG:4326")

    def alerts_frame(self, *, live_at: datetime | None = None) -> gpd.GeoDataFrame:
        sql = "SELECT * FROM alerts"
        params: list[Any] = []
        if live_at is not None:
            sql += " WHERE state = 'active' AND sent <= ? AND (expires IS NULL OR expires > ?)"
            params = [_iso(live_at), _iso(live_at)]
        sql += " ORDER BY sent"
        df = pd.read_sql_query(sql, self._db, params=params)
        for col in ("sent", "expires", "received_at"):
            df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601")
        geometry = [shape(json.loads(g)) if g else None for g in df.pop("geometry")]
        return gpd.GeoDataFrame(df, geometry=geometry, crs="EPSG:4326")

    def count_reports(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM reports").fetchone()[0])

    def count_alerts(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM alerts").fetchone()[0])

    def report_ids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT report_id FROM reports")}

    def latest_event_time(self) -> datetime | None:
        row = self._db.execute(
            "SELECT max(t) FROM (SELECT max(event_time) AS t FROM reports UNION ALL SELECT max(sent) FROM alerts)"
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def close(self) -> None:
        self._db.close()
