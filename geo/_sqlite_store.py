"""SQLite backend of the store: one file, WAL journal, SQLite's built-in R*Tree for the points.

SpatiaLite is not used (this Python cannot load extensions); alert areas are stored as GeoJSON text
and turned into shapely geometries on read.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

from geo._rows import (
    ALERT_COLUMNS,
    REPORT_COLUMNS,
    alert_row,
    decode_alerts,
    decode_reports,
    iso,
    late_original_change,
    LIVE_AT_SQL,
    REPLACE_SQL,
    reference_updates,
    report_row,
)
from geo._zone_store import _ZoneTables
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
CREATE INDEX IF NOT EXISTS reports_text_key ON reports(json_extract(extra, '$.text_key'));
CREATE VIRTUAL TABLE IF NOT EXISTS reports_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat);
CREATE TABLE IF NOT EXISTS alerts (
    alert_id TEXT PRIMARY KEY,
    identifier TEXT NOT NULL, sender TEXT NOT NULL, sent TEXT NOT NULL, status TEXT NOT NULL,
    msg_type TEXT NOT NULL, scope TEXT, source TEXT, format TEXT,
    event TEXT, severity TEXT, urgency TEXT, certainty TEXT, headline TEXT, description TEXT,
    instruction TEXT, area_desc TEXT, geocodes TEXT NOT NULL DEFAULT '[]', expires TEXT,
    refs TEXT NOT NULL DEFAULT '[]', info TEXT NOT NULL DEFAULT '[]', geometry TEXT,
    state TEXT NOT NULL DEFAULT 'active', replaced_by TEXT, replaced_at TEXT,
    topic TEXT, partition INTEGER, "offset" INTEGER, received_at TEXT
);
CREATE TABLE IF NOT EXISTS report_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, report_id TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS reports_log_insert AFTER INSERT ON reports
BEGIN INSERT INTO report_log (report_id) VALUES (new.report_id); END;
CREATE TRIGGER IF NOT EXISTS reports_log_update AFTER UPDATE ON reports
BEGIN INSERT INTO report_log (report_id) VALUES (new.report_id); END;
CREATE TABLE IF NOT EXISTS incident_members (
    report_id TEXT PRIMARY KEY, incident_id TEXT, tier TEXT NOT NULL, lat REAL, lon REAL, t_h REAL,
    radius_m REAL, author TEXT, people INTEGER, needs TEXT NOT NULL DEFAULT '[]', urgency TEXT, category TEXT,
    district_lgd INTEGER, state_lgd INTEGER, dup INTEGER NOT NULL DEFAULT 0, text_key TEXT
);
CREATE INDEX IF NOT EXISTS incident_members_incident ON incident_members(incident_id);
CREATE INDEX IF NOT EXISTS incident_members_t ON incident_members(t_h);
CREATE VIRTUAL TABLE IF NOT EXISTS incident_members_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat, min_t, max_t);
CREATE TABLE IF NOT EXISTS incidents (
    incident_id TEXT PRIMARY KEY, status TEXT NOT NULL DEFAULT 'new', state TEXT NOT NULL DEFAULT 'active',
    merged_into TEXT, lat REAL, lon REAL, radius_m REAL, footprint TEXT, reports INTEGER, echoes INTEGER,
    reporters INTEGER, people INTEGER, needs TEXT, urgency TEXT, category TEXT, districts TEXT,
    first_seen TEXT, last_seen TEXT, evidence TEXT, updated_at TEXT, tally TEXT
);
CREATE INDEX IF NOT EXISTS incidents_last_seen ON incidents(last_seen);
CREATE TABLE IF NOT EXISTS incident_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, incident_id TEXT NOT NULL, at TEXT, kind TEXT NOT NULL,
    other_ids TEXT NOT NULL DEFAULT '[]', reports INTEGER, note TEXT
);
CREATE INDEX IF NOT EXISTS incident_history_incident ON incident_history(incident_id);
CREATE TABLE IF NOT EXISTS zones (
    zone_id TEXT PRIMARY KEY, kind TEXT NOT NULL, geometry TEXT, severity REAL, severity_parts TEXT,
    trend TEXT, districts TEXT, incident_ids TEXT, alert_ids TEXT, reports INTEGER, reporters INTEGER,
    people INTEGER, needs TEXT, wind_kt REAL, first_seen TEXT, updated_at TEXT
);
CREATE TABLE IF NOT EXISTS zoning_state (key TEXT PRIMARY KEY, value TEXT);
"""

class SqliteStore(_ZoneTables):
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
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(alerts)")}
            if "replaced_at" not in columns:  # a store written before alert history was kept
                self._db.execute("ALTER TABLE alerts ADD COLUMN replaced_at TEXT")
            if "tally" not in {row[1] for row in self._db.execute("PRAGMA table_info(incidents)")}:
                self._db.execute("ALTER TABLE incidents ADD COLUMN tally TEXT")  # before running summaries
        except sqlite3.Error as exc:
            msg = f"cannot open the SQLite store at {path}: {exc}; check the path in store_url and its permissions"
            raise StoreError(msg) from None

    # --- writes --------------------------------------------------------------------------
    def upsert(self, reports: Sequence[Report], alerts: Sequence[Alert] = ()) -> None:
        rows = [report_row(r) for r in reports]
        alert_rows = [alert_row(a) for a in alerts]
        cols = ", ".join(REPORT_COLUMNS)
        marks = ", ".join("?" * len(REPORT_COLUMNS))
        updates = ", ".join(f"{c} = excluded.{c}" for c in REPORT_COLUMNS[1:])
        acols = ", ".join(ALERT_COLUMNS)
        amarks = ", ".join("?" * len(ALERT_COLUMNS))
        aupdates = ", ".join(f"{c} = excluded.{c}" for c in ALERT_COLUMNS[1:])
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
        changes, cancels = reference_updates(alerts)
        self._db.executemany("UPDATE alerts SET state = 'cancel' WHERE alert_id = ?", [(c,) for c in cancels])
        self._db.executemany(REPLACE_SQL.format(p="?"), changes)
        # An original that arrives after its Update/Cancel (another partition) is born superseded.
        for a in alerts:
            later = self._db.execute(
                "SELECT a.alert_id, a.msg_type, a.sent FROM alerts a, json_each(a.refs) j WHERE j.value = ? "
                "ORDER BY a.sent",
                (a.alert_id,),
            ).fetchall()
            if (change := late_original_change(a.alert_id, later)) is not None:
                self._db.execute(REPLACE_SQL.format(p="?"), change)

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
            params.append(iso(until))
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
        df = decode_reports(pd.read_sql_query(sql, self._db, params=params))
        geometry = shapely.points(df["lon"].to_numpy(float), df["lat"].to_numpy(float))
        geometry[df["lat"].isna().to_numpy()] = None
        return gpd.GeoDataFrame(df, geometry=geometry, crs="EPSG:4326")

    def alerts_frame(self, *, live_at: datetime | None = None) -> gpd.GeoDataFrame:
        sql = "SELECT * FROM alerts"
        params: list[Any] = []
        if live_at is not None:
            sql += " WHERE " + LIVE_AT_SQL.format(p="?")
            params = [iso(live_at)] * 3
        sql += " ORDER BY sent"
        df = decode_alerts(pd.read_sql_query(sql, self._db, params=params))
        geometry = [shape(json.loads(g)) if g else None for g in df.pop("geometry")]
        return gpd.GeoDataFrame(df, geometry=geometry, crs="EPSG:4326")

    def originals_by_text_key(self, keys: Iterable[str]) -> dict[str, str]:
        """For each text key already stored, the id of its earliest report that is no copy itself."""
        keys = list(keys)
        out: dict[str, str] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            rows = self._db.execute(
                "SELECT json_extract(extra, '$.text_key'), report_id FROM reports "
                f"WHERE json_extract(extra, '$.text_key') IN ({', '.join('?' * len(chunk))}) "
                "AND json_extract(extra, '$.duplicate_of') IS NULL ORDER BY event_time DESC",
                chunk,
            )
            out.update(dict(rows))  # earliest last, so it wins
        return out

    def bulletin_fixes(self) -> list[Any]:
        """The storm track the weather bulletins stated (see :mod:`geo.track`)."""
        from geo.track import track_from_bulletins

        rows = self._db.execute(
            "SELECT event_time, extra FROM reports WHERE format = 'bulletin' AND json_extract(extra, '$.wind_kt') "
            "IS NOT NULL ORDER BY event_time, rowid"
        )
        return track_from_bulletins(rows)

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

    # --- zoning tables (geo/_zone_store.py) ------------------------------------------------------
    def _run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._db.execute(sql, tuple(params))

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._db.executemany(sql, rows)

    def _select(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        cur = self._db.execute(sql, tuple(params))
        return pd.DataFrame(cur.fetchall(), columns=[d[0] for d in cur.description])

    def _object_frame(self, sql: str, params: Sequence[Any], columns: Sequence[str]) -> pd.DataFrame:
        rows = self._db.execute(sql, tuple(params)).fetchall()
        return pd.DataFrame(rows, columns=list(columns), dtype=object)

    @contextmanager
    def _txn(self) -> Iterator[None]:
        if self._db.in_transaction:  # nested: the outer transaction commits
            yield
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _write_member_geometry(self, report_ids: list[str]) -> None:
        ids = json.dumps(report_ids)
        self._db.execute(
            "DELETE FROM incident_members_rtree WHERE id IN (SELECT rowid FROM incident_members WHERE report_id IN "
            "(SELECT value FROM json_each(?)) AND (lat IS NULL OR dup != 0 OR tier NOT IN ('point', 'area')))",
            (ids,),
        )
        self._db.execute(
            "INSERT OR REPLACE INTO incident_members_rtree SELECT rowid, lon, lon, lat, lat, t_h, t_h "
            "FROM incident_members WHERE report_id IN (SELECT value FROM json_each(?)) AND lat IS NOT NULL "
            "AND tier IN ('point', 'area') AND dup = 0",
            (ids,),
        )

    def _clear_member_index(self) -> None:
        self._db.execute("DELETE FROM incident_members_rtree")

    def members_near(self, boxes: np.ndarray) -> pd.DataFrame:
        from geo._zone_store import MEMBER_COLUMNS, decode_members

        cols = ", ".join(f"m.{c}" for c in MEMBER_COLUMNS)
        sql = (f"SELECT {cols} FROM incident_members_rtree r JOIN incident_members m ON m.rowid = r.id "
               "WHERE r.min_lon <= ? AND r.max_lon >= ? AND r.min_lat <= ? AND r.max_lat >= ? "
               "AND r.min_t <= ? AND r.max_t >= ?")  # fmt: skip
        rows: dict[str, tuple[Any, ...]] = {}  # one query per box, one frame for all (each report once)
        for x0, y0, x1, y1, t0, t1 in np.asarray(boxes, float).reshape(-1, 6).tolist():
            for row in self._db.execute(sql, (x1, x0, y1, y0, t1, t0)):
                rows[row[0]] = row
        df = pd.DataFrame(list(rows.values()), columns=MEMBER_COLUMNS, dtype=object)
        return decode_members(df)

    def reports_by_id(self, ids: Sequence[str]) -> pd.DataFrame:
        """Stored reports with these ids (any order; ids not stored are left out), without geometry."""
        ids = list(ids)
        frames = [pd.read_sql_query("SELECT * FROM reports WHERE 0", self._db)]
        for k in range(0, len(ids), 5000):
            chunk = ids[k : k + 5000]
            frames.append(pd.read_sql_query(
                f"SELECT * FROM reports WHERE report_id IN ({', '.join('?' * len(chunk))})", self._db, params=chunk
            ))  # fmt: skip
        return decode_reports(pd.concat(frames, ignore_index=True))
