"""PostgreSQL + PostGIS backend of the store (production): same tables as SQLite, with real
geometry columns (``geometry(Point, 4326)`` for reports, ``geometry(Geometry, 4326)`` for alert
areas) and GiST indexes. The URL may carry ``?schema=name`` to keep several stores in one database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

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
from geo._zone_store import MEMBER_COLUMNS, _ZoneTables, decode_members
from geo.errors import StoreError
from geo.model import Alert, Report

_SCHEMA = """
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE SCHEMA IF NOT EXISTS {schema};
SET search_path TO {schema}, public;
CREATE TABLE IF NOT EXISTS reports (
    report_id TEXT PRIMARY KEY,
    source TEXT NOT NULL, source_id TEXT NOT NULL, feed TEXT NOT NULL, format TEXT NOT NULL,
    text TEXT NOT NULL, event_time TEXT, author TEXT, language TEXT, reply_to TEXT,
    topic TEXT, partition INTEGER, "offset" BIGINT, received_at TEXT,
    status TEXT NOT NULL, lat DOUBLE PRECISION, lon DOUBLE PRECISION, radius_m DOUBLE PRECISION, place TEXT,
    kind TEXT, state TEXT, district TEXT, state_lgd INTEGER, district_lgd INTEGER, loc_method TEXT,
    confidence DOUBLE PRECISION, locations TEXT NOT NULL DEFAULT '[]',
    category TEXT, needs TEXT NOT NULL DEFAULT '[]', urgency TEXT, people INTEGER,
    extra TEXT NOT NULL DEFAULT '{{}}',
    geom geometry(Point, 4326)
);
CREATE INDEX IF NOT EXISTS reports_geom ON reports USING gist (geom);
CREATE INDEX IF NOT EXISTS reports_event_time ON reports (event_time);
CREATE INDEX IF NOT EXISTS reports_text_key ON reports ((extra::jsonb ->> 'text_key'));
CREATE TABLE IF NOT EXISTS alerts (
    alert_id TEXT PRIMARY KEY,
    identifier TEXT NOT NULL, sender TEXT NOT NULL, sent TEXT NOT NULL, status TEXT NOT NULL,
    msg_type TEXT NOT NULL, scope TEXT, source TEXT, format TEXT,
    event TEXT, severity TEXT, urgency TEXT, certainty TEXT, headline TEXT, description TEXT,
    instruction TEXT, area_desc TEXT, geocodes TEXT NOT NULL DEFAULT '[]', expires TEXT,
    refs TEXT NOT NULL DEFAULT '[]', info TEXT NOT NULL DEFAULT '[]', geometry TEXT,
    state TEXT NOT NULL DEFAULT 'active', replaced_by TEXT, replaced_at TEXT,
    topic TEXT, partition INTEGER, "offset" BIGINT, received_at TEXT,
    geom geometry(Geometry, 4326)
);
CREATE INDEX IF NOT EXISTS alerts_geom ON alerts USING gist (geom);
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS replaced_at TEXT;
CREATE TABLE IF NOT EXISTS report_log (seq BIGSERIAL PRIMARY KEY, report_id TEXT NOT NULL);
CREATE OR REPLACE FUNCTION {schema}.log_report() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO {schema}.report_log (report_id) VALUES (NEW.report_id); RETURN NULL; END $$;
CREATE OR REPLACE TRIGGER reports_log AFTER INSERT OR UPDATE ON reports
    FOR EACH ROW EXECUTE FUNCTION {schema}.log_report();
CREATE TABLE IF NOT EXISTS incident_members (
    report_id TEXT PRIMARY KEY, incident_id TEXT, tier TEXT NOT NULL, lat DOUBLE PRECISION,
    lon DOUBLE PRECISION, t_h DOUBLE PRECISION, radius_m DOUBLE PRECISION, author TEXT, people INTEGER,
    needs TEXT NOT NULL DEFAULT '[]', urgency TEXT, category TEXT, district_lgd INTEGER, state_lgd INTEGER,
    dup INTEGER NOT NULL DEFAULT 0, text_key TEXT, geom geometry(Point, 4326)
);
CREATE INDEX IF NOT EXISTS incident_members_incident ON incident_members (incident_id);
CREATE INDEX IF NOT EXISTS incident_members_t ON incident_members (t_h);
CREATE INDEX IF NOT EXISTS incident_members_geom ON incident_members USING gist (geom);
CREATE OR REPLACE FUNCTION {schema}.member_geom() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.geom := CASE WHEN NEW.lat IS NULL OR NEW.dup <> 0 OR NEW.tier NOT IN ('point', 'area') THEN NULL
                     ELSE ST_SetSRID(ST_MakePoint(NEW.lon, NEW.lat), 4326) END;
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER incident_members_geom BEFORE INSERT OR UPDATE ON incident_members
    FOR EACH ROW EXECUTE FUNCTION {schema}.member_geom();
CREATE TABLE IF NOT EXISTS incidents (
    incident_id TEXT PRIMARY KEY, status TEXT NOT NULL DEFAULT 'new', state TEXT NOT NULL DEFAULT 'active',
    merged_into TEXT, lat DOUBLE PRECISION, lon DOUBLE PRECISION, radius_m DOUBLE PRECISION, footprint TEXT,
    reports INTEGER, echoes INTEGER, reporters INTEGER, people INTEGER, needs TEXT, urgency TEXT, category TEXT,
    districts TEXT, first_seen TEXT, last_seen TEXT, evidence TEXT, updated_at TEXT,
    geom geometry(Geometry, 4326), tally TEXT
);
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS tally TEXT;
CREATE INDEX IF NOT EXISTS incidents_last_seen ON incidents (last_seen);
CREATE INDEX IF NOT EXISTS incidents_geom ON incidents USING gist (geom);
CREATE TABLE IF NOT EXISTS incident_history (
    seq BIGSERIAL PRIMARY KEY, incident_id TEXT NOT NULL, at TEXT, kind TEXT NOT NULL,
    other_ids TEXT NOT NULL DEFAULT '[]', reports INTEGER, note TEXT
);
CREATE INDEX IF NOT EXISTS incident_history_incident ON incident_history (incident_id);
CREATE TABLE IF NOT EXISTS zones (
    zone_id TEXT PRIMARY KEY, kind TEXT NOT NULL, geometry TEXT, severity DOUBLE PRECISION, severity_parts TEXT,
    trend TEXT, districts TEXT, incident_ids TEXT, alert_ids TEXT, reports INTEGER, reporters INTEGER,
    people INTEGER, needs TEXT, wind_kt DOUBLE PRECISION, first_seen TEXT, updated_at TEXT,
    geom geometry(Geometry, 4326)
);
CREATE INDEX IF NOT EXISTS zones_geom ON zones USING gist (geom);
CREATE OR REPLACE FUNCTION {schema}.geojson_geom() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- separate branches: a CASE expression would resolve NEW.geometry on incidents rows too (no such field)
    IF TG_TABLE_NAME = 'zones' THEN
        NEW.geom := CASE WHEN NEW.geometry IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON(NEW.geometry), 4326) END;
    ELSE
        NEW.geom := CASE WHEN NEW.footprint IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON(NEW.footprint), 4326) END;
    END IF;
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER incidents_geom BEFORE INSERT OR UPDATE ON incidents
    FOR EACH ROW EXECUTE FUNCTION {schema}.geojson_geom();
CREATE OR REPLACE TRIGGER zones_geom BEFORE INSERT OR UPDATE ON zones
    FOR EACH ROW EXECUTE FUNCTION {schema}.geojson_geom();
CREATE TABLE IF NOT EXISTS zoning_state (key TEXT PRIMARY KEY, value TEXT);
"""


def _no_nul(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """PostgreSQL text cannot hold NUL: it becomes U+FFFD (the rest of the text is kept)."""
    return tuple(v.replace("\x00", "\ufffd") if isinstance(v, str) else v for v in row)


class PostgisStore(_ZoneTables):
    """``postgresql://user@host:port/db[?schema=name]``; needs the PostGIS extension available."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        parts = urlsplit(url)
        schema = parse_qs(parts.query).get("schema", ["crisismap"])[0]
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema):
            msg = f"schema {schema!r} in store_url must be lower-case letters, digits and underscores"
            raise StoreError(msg)
        self.schema = schema
        dsn = urlunsplit((parts.scheme.replace("postgres", "postgresql", 1) if parts.scheme == "postgres" else
                          parts.scheme, parts.netloc, parts.path, "", ""))  # fmt: skip
        try:
            self._db = psycopg.connect(dsn, autocommit=True, connect_timeout=10)
            self._db.execute(_SCHEMA.format(schema=schema))
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            msg = f"cannot open the PostGIS store at {parts.hostname}:{parts.port or 5432}{parts.path}: {first}"
            raise StoreError(msg) from None

    # --- writes --------------------------------------------------------------------------
    def upsert(self, reports: Sequence[Report], alerts: Sequence[Alert] = ()) -> None:
        import psycopg

        cols = ", ".join(REPORT_COLUMNS)
        marks = ", ".join(["%s"] * len(REPORT_COLUMNS))
        updates = ", ".join(f"{c} = excluded.{c}" for c in [*REPORT_COLUMNS[1:], "geom"])
        acols = ", ".join(ALERT_COLUMNS)
        amarks = ", ".join(["%s"] * len(ALERT_COLUMNS))
        aupdates = ", ".join(f"{c} = excluded.{c}" for c in [*ALERT_COLUMNS[1:], "geom"])
        rows = [_no_nul(report_row(r)) for r in reports]
        arows = [_no_nul(alert_row(a)) for a in alerts]
        geometry_at = ALERT_COLUMNS.index("geometry")
        try:
            with self._db.transaction(), self._db.cursor() as cur:
                cur.executemany(
                    f"INSERT INTO reports ({cols}, geom) VALUES ({marks}, "
                    "CASE WHEN %s::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(%s, %s), 4326) END) "
                    f"ON CONFLICT (report_id) DO UPDATE SET {updates}",
                    [(*row, r.location.lat if r.location else None, r.location.lon if r.location else None,
                      r.location.lat if r.location else None) for row, r in zip(rows, reports, strict=True)],
                )  # fmt: skip
                cur.executemany(
                    f"INSERT INTO alerts ({acols}, geom) VALUES ({amarks}, ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326)) "
                    f"ON CONFLICT (alert_id) DO UPDATE SET {aupdates}",
                    [(*row, row[geometry_at]) for row in arows],
                )
                changes, cancels = reference_updates(alerts)
                cur.executemany("UPDATE alerts SET state = 'cancel' WHERE alert_id = %s", [(c,) for c in cancels])
                cur.executemany(REPLACE_SQL.format(p="%s"), changes)
                for a in alerts:  # an original arriving after its Update/Cancel is born superseded
                    cur.execute(
                        "SELECT alert_id, msg_type, sent FROM alerts WHERE refs::jsonb ? %s ORDER BY sent",
                        (a.alert_id,),
                    )
                    if (change := late_original_change(a.alert_id, cur.fetchall())) is not None:
                        cur.execute(REPLACE_SQL.format(p="%s"), change)
        except psycopg.Error as exc:
            msg = f"writing {len(rows)} reports and {len(arows)} alerts to PostGIS failed: {str(exc).strip().splitlines()[0]}"
            raise StoreError(msg) from None

    # --- reads ---------------------------------------------------------------------------
    def _frame(self, sql: str, params: Sequence[Any]) -> pd.DataFrame:
        with self._db.cursor() as cur:
            cur.execute(sql, params)
            names = [d.name for d in cur.description or ()]
            return pd.DataFrame(cur.fetchall(), columns=names)

    def reports_frame(
        self,
        *,
        until: datetime | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        limit: int | None = None,
    ) -> gpd.GeoDataFrame:
        where, params = [], []
        if until is not None:
            where.append("event_time <= %s")
            params.append(iso(until))
        if bbox is not None:
            where.append("geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)")
            params += list(bbox)
        sql = f"SELECT {', '.join(REPORT_COLUMNS)}, ST_AsBinary(geom) AS wkb FROM reports"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY event_time DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        df = decode_reports(self._frame(sql, params))
        geometry = shapely.from_wkb([bytes(b) if b is not None else None for b in df.pop("wkb")])
        return gpd.GeoDataFrame(df, geometry=geometry, crs="EPSG:4326")

    def alerts_frame(self, *, live_at: datetime | None = None) -> gpd.GeoDataFrame:
        cols = [c for c in ALERT_COLUMNS if c != "geometry"]
        sql = f"SELECT {', '.join(cols)}, state, replaced_by, replaced_at, ST_AsBinary(geom) AS wkb FROM alerts"
        params: list[Any] = []
        if live_at is not None:
            sql += " WHERE " + LIVE_AT_SQL.format(p="%s")
            params = [iso(live_at)] * 3
        sql += " ORDER BY sent"
        df = decode_alerts(self._frame(sql, params))
        geometry = shapely.from_wkb([bytes(b) if b is not None else None for b in df.pop("wkb")])
        return gpd.GeoDataFrame(df, geometry=geometry, crs="EPSG:4326")

    def originals_by_text_key(self, keys: Iterable[str]) -> dict[str, str]:
        """For each text key already stored, the id of its earliest report that is no copy itself."""
        rows = self._db.execute(
            "SELECT extra::jsonb ->> 'text_key', report_id FROM reports WHERE extra::jsonb ->> 'text_key' = ANY(%s) "
            "AND extra::jsonb ->> 'duplicate_of' IS NULL ORDER BY event_time DESC",
            (list(keys),),
        )
        return dict(rows.fetchall())  # earliest last, so it wins

    def bulletin_fixes(self) -> list[Any]:
        """The storm track the weather bulletins stated (see :mod:`geo.track`)."""
        from geo.track import track_from_bulletins

        rows = self._db.execute(
            "SELECT event_time, extra FROM reports WHERE format = 'bulletin' AND extra::jsonb ? 'wind_kt' "
            "ORDER BY event_time"
        ).fetchall()
        return track_from_bulletins(rows)

    def count_reports(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM reports").fetchone()[0])  # type: ignore[index]

    def count_alerts(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM alerts").fetchone()[0])  # type: ignore[index]

    def report_ids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT report_id FROM reports")}

    def latest_event_time(self) -> datetime | None:
        row = self._db.execute(
            "SELECT max(t) FROM (SELECT max(event_time) AS t FROM reports UNION ALL SELECT max(sent) FROM alerts) x"
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def drop(self) -> None:
        """Remove this store's schema and everything in it (tests, resets)."""
        self._db.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")

    def close(self) -> None:
        self._db.close()

    # --- zoning tables (geo/_zone_store.py) ------------------------------------------------------
    @staticmethod
    def _pg(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    def _run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._db.execute(self._pg(sql), tuple(_no_nul(tuple(params))))  # type: ignore[arg-type]

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._db.cursor() as cur:
            cur.executemany(self._pg(sql), [_no_nul(tuple(r)) for r in rows])  # type: ignore[arg-type]

    def _select(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        return self._frame(self._pg(sql), tuple(params))

    def _txn(self) -> Any:
        return self._db.transaction()

    def members_near(self, boxes: np.ndarray) -> pd.DataFrame:
        b = np.asarray(boxes, float).reshape(-1, 6)
        cols = ", ".join(f"m.{c}" for c in MEMBER_COLUMNS)
        df = self._frame(
            f"SELECT DISTINCT ON (m.report_id) {cols} FROM unnest(%s::float8[], %s::float8[], %s::float8[], "
            "%s::float8[], %s::float8[], %s::float8[]) AS b(x0, y0, x1, y1, t0, t1) JOIN incident_members m "
            "ON m.geom && ST_MakeEnvelope(b.x0, b.y0, b.x1, b.y1, 4326) AND m.t_h BETWEEN b.t0 AND b.t1",
            [b[:, k].tolist() for k in range(6)],
        )
        if df.empty:
            df = pd.DataFrame(columns=MEMBER_COLUMNS)
        return decode_members(df)

    def reports_by_id(self, ids: Sequence[str]) -> pd.DataFrame:
        """Stored reports with these ids (any order; ids not stored are left out), without geometry."""
        ids = list(ids)
        df = self._frame(f"SELECT {', '.join(REPORT_COLUMNS)} FROM reports WHERE report_id = ANY(%s)", [ids])
        return decode_reports(df)

