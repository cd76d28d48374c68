"""Incident, incident-history, membership and zone tables of the store, shared by both backends.

The SQL is written once with ``?`` placeholders; a backend supplies :meth:`_ZoneTables._run`,
:meth:`_ZoneTables._many`, :meth:`_ZoneTables._select` and :meth:`_ZoneTables._txn` (and its own
spatial pieces: the neighbourhood query and the geometry columns).

Tables:

- ``report_log`` (seq, report_id): every insert or update of a report, filled by a trigger, so the
  zoning reads only what changed since its cursor.
- ``incident_members``: one row per report the zoning has seen (tier point/area/coarse/unlocated,
  its incident, place, hour ``t_h`` since 1970, author, people, needs, urgency, category, district,
  ``dup``: 0 a report, 1 an echo (retweet, copy), 2 off-topic). Coarse and unlocated reports live here too: counted, never dropped.
- ``incidents``: one row per incident (its triage ``status`` is written on insert only, by
  :meth:`set_incident_status` after that; ``tally`` is its running summary, :mod:`geo._summary`);
  ``incident_history``: created/merged/split/status events;
  ``zones``: the current affected zones; ``zoning_state``: the zoning's cursor.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo._rows import iso
from geo.errors import StoreError
from geo.model import INCIDENT_STATUSES, Incident, IncidentEvent, Zone

MEMBER_COLUMNS = (
    "report_id incident_id tier lat lon t_h radius_m author people needs urgency category "
    "district_lgd state_lgd dup text_key"
).split()
INCIDENT_COLUMNS = (
    "incident_id status state merged_into lat lon radius_m footprint reports echoes reporters people needs "
    "urgency category districts first_seen last_seen evidence updated_at"
).split()
ZONE_COLUMNS = (
    "zone_id kind geometry severity severity_parts trend districts incident_ids alert_ids reports reporters "
    "people needs wind_kt first_seen updated_at"
).split()
HISTORY_COLUMNS = "incident_id at kind other_ids reports note".split()


def incident_row(inc: Incident, now: datetime, summary: dict[str, Any] | None = None) -> tuple[Any, ...]:
    ring = [list(p) for p in inc.footprint]
    footprint = json.dumps({"type": "Polygon", "coordinates": [ring]}) if len(ring) >= 4 else None
    return (
        inc.incident_id, inc.status, inc.state, inc.merged_into, inc.lat, inc.lon, inc.radius_m, footprint,
        inc.reports, inc.echoes, inc.reporters, inc.people, json.dumps(inc.needs), inc.urgency, inc.category,
        json.dumps(list(inc.districts)), iso(inc.first_seen), iso(inc.last_seen), json.dumps(list(inc.evidence)),
        iso(now), json.dumps(summary, separators=(",", ":")) if summary is not None else None,
    )  # fmt: skip


def zone_row(z: Zone) -> tuple[Any, ...]:
    geom = shapely.to_geojson(z.geometry) if z.geometry is not None else None
    return (
        z.zone_id, z.kind, geom, float(z.severity), json.dumps(z.severity_parts), z.trend,
        json.dumps([int(d) for d in z.districts]), json.dumps(list(z.incident_ids)), json.dumps(list(z.alert_ids)),
        int(z.reports), int(z.reporters), int(z.people), json.dumps(z.needs), z.wind_kt,
        iso(z.first_seen), iso(z.updated_at),
    )  # fmt: skip


def history_row(e: IncidentEvent) -> tuple[Any, ...]:
    return (e.incident_id, iso(e.at), e.kind, json.dumps(list(e.other_ids)), int(e.reports), e.note)


def member_rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Rows of ``incident_members`` from a frame with :data:`MEMBER_COLUMNS` (NaN becomes NULL)."""
    columns = []
    for col in MEMBER_COLUMNS:
        values = frame[col].tolist()
        if col == "needs":
            values = [json.dumps(list(v)) if isinstance(v, (list, tuple, np.ndarray)) else (v or "[]") for v in values]
        elif col in ("people", "district_lgd", "state_lgd", "dup"):  # plain ints: a NaN is no INTEGER in PostgreSQL
            values = [None if _missing(v) else int(v) for v in values]
        elif col in ("lat", "lon", "t_h", "radius_m"):  # floats: NaN is the only missing value
            values = [None if v != v else v for v in pd.to_numeric(frame[col], errors="coerce").to_numpy(float).tolist()]
        else:
            values = frame[col].astype(object).where(frame[col].notna(), None).tolist()
        columns.append(values)
    return list(zip(*columns, strict=True))


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def _geo(df: pd.DataFrame, column: str) -> gpd.GeoDataFrame:
    text = df.pop(column)
    geoms = shapely.from_geojson([t if isinstance(t, str) else None for t in text], on_invalid="ignore")
    return gpd.GeoDataFrame(df, geometry=np.asarray(geoms, dtype=object), crs="EPSG:4326")


def _decode_shared(texts: pd.Series) -> list[Any]:
    """JSON-decode a column whose values repeat (needs, districts): each distinct text once."""
    values = texts.tolist()
    cache = {t: json.loads(t) for t in set(values) if isinstance(t, str)}
    return [cache.get(t) if isinstance(t, str) else None for t in values]


def decode_members(df: pd.DataFrame) -> pd.DataFrame:
    df["needs"] = [v if v is not None else [] for v in _decode_shared(df["needs"])]
    for col in ("lat", "lon", "t_h", "radius_m"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    for col in ("people", "district_lgd", "state_lgd", "dup"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    return df


def decode_incidents(df: pd.DataFrame) -> gpd.GeoDataFrame:
    for col in ("needs", "districts", "evidence"):
        df[col] = [json.loads(v) if isinstance(v, str) else None for v in df[col]]
    for col in ("first_seen", "last_seen", "updated_at"):
        df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601")
    return _geo(df, "footprint")


def decode_zones(df: pd.DataFrame) -> gpd.GeoDataFrame:
    for col in ("severity_parts", "districts", "incident_ids", "alert_ids", "needs"):
        df[col] = [json.loads(v) if isinstance(v, str) else None for v in df[col]]
    for col in ("first_seen", "updated_at"):
        df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601")
    return _geo(df, "geometry")


class _ZoneTables:
    """The zoning part of the store; mixed into SqliteStore and PostgisStore."""

    # --- what a backend provides ---------------------------------------------------------------
    def _run(self, sql: str, params: Sequence[Any] = ()) -> None:
        raise NotImplementedError

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def _select(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        raise NotImplementedError

    def _txn(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _object_frame(self, sql: str, params: Sequence[Any], columns: Sequence[str]) -> pd.DataFrame:
        """A query's rows as a frame of plain Python objects (no Arrow string columns: the zoning's
        hot paths index and compare them row by row). Backends may read the rows more directly."""
        df = self._select(sql, params)
        return pd.DataFrame(list(df.itertuples(index=False, name=None)), columns=list(columns), dtype=object)

    def _object_frame_in(self, select: str, column: str, values: Sequence[Any], columns: Sequence[str],
                         where: str = "", params: Sequence[Any] = ()) -> pd.DataFrame:
        """``select`` (``SELECT ... FROM table``) of the rows whose ``column`` is one of ``values`` and that
        meet ``where`` (with ``params``), as :meth:`_object_frame`: one query per 5,000 values (within
        every backend's bound-parameter limit), an empty frame with ``columns`` for no values."""
        values = list(values)
        frames = []
        for k in range(0, len(values), 5000):
            chunk = values[k : k + 5000]
            test = f"{column} IN ({', '.join('?' * len(chunk))})"
            sql = f"{select} WHERE {where} AND {test}" if where else f"{select} WHERE {test}"
            frames.append(self._object_frame(sql, [*params, *chunk], columns))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(columns), dtype=object)

    def _write_member_geometry(self, report_ids: list[str]) -> None:
        """Keep the backend's spatial index of ``incident_members`` in step with these rows."""

    def members_near(self, boxes: np.ndarray) -> pd.DataFrame:
        """Members (point and area tiers) inside any of the boxes ``(min_lon, min_lat, max_lon,
        max_lat, min_t_h, max_t_h)``, each once."""
        raise NotImplementedError

    def _clear_member_index(self) -> None:
        """Empty the backend's spatial index of ``incident_members`` (after deleting all rows)."""

    # --- reads -----------------------------------------------------------------------------------
    def change_cursor(self) -> int:
        """The newest sequence number of the report change log (0 when empty)."""
        df = self._select("SELECT max(seq) AS s FROM report_log")
        value = df["s"].iloc[0] if len(df) else None
        return int(value) if value is not None and pd.notna(value) else 0

    def report_changes(self, after: int, limit: int | None = None) -> tuple[pd.DataFrame, int]:
        """Reports inserted or updated after change ``after``, each once (latest row), and the cursor
        to pass next time. With ``limit``, at most that many changes are read."""
        sql = "SELECT seq, report_id FROM report_log WHERE seq > ? ORDER BY seq"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        log = self._select(sql, (int(after),))
        if log.empty:
            return pd.DataFrame(), int(after)
        cursor = int(log["seq"].max())
        ids = list(dict.fromkeys(log["report_id"]))
        return self.reports_by_id(ids), cursor

    def reports_by_id(self, ids: Sequence[str]) -> pd.DataFrame:
        raise NotImplementedError

    def zoning_cursor(self) -> int | None:
        """Where the zoning stopped reading the change log; None before its first run."""
        df = self._select("SELECT value FROM zoning_state WHERE key = 'cursor'")
        return None if df.empty else int(df["value"].iloc[0])

    def members_of(self, incident_ids: Sequence[str]) -> pd.DataFrame:
        """Every member row of these incidents."""
        return self._members_where("incident_id", list(incident_ids))

    def members_by_report(self, report_ids: Sequence[str]) -> pd.DataFrame:
        """Member rows of these reports (those the zoning has seen)."""
        return self._members_where("report_id", list(report_ids))

    def _members_where(self, column: str, values: list[str]) -> pd.DataFrame:
        select = f"SELECT {', '.join(MEMBER_COLUMNS)} FROM incident_members"
        return decode_members(self._object_frame_in(select, column, values, MEMBER_COLUMNS))

    def newest_member_hour(self) -> float | None:
        """The latest ``t_h`` of any member (None when the zoning saw nothing yet)."""
        value = self._select("SELECT max(t_h) AS t FROM incident_members")["t"].iloc[0]
        return float(value) if value is not None and pd.notna(value) else None

    def clustered_members_since(self, since_h: float) -> pd.DataFrame:
        """Members a neighbour search can return (point or area tier, located, no echo, in an
        incident) with ``t_h`` from ``since_h`` on."""
        cols = ", ".join(MEMBER_COLUMNS)
        df = self._object_frame(
            f"SELECT {cols} FROM incident_members WHERE t_h >= ? AND lat IS NOT NULL AND dup = 0 "
            "AND tier IN ('point', 'area') AND incident_id IS NOT NULL", (float(since_h),), MEMBER_COLUMNS,
        )
        return decode_members(df)

    def member_counts(self, since_h: float, split_h: float) -> pd.DataFrame:
        """Per incident, reports (not duplicates) with ``t_h`` in (split_h, +inf) as ``recent`` and in
        (since_h, split_h] as ``before``: what a zone's trend is computed from."""
        # grouping by an expression keeps the planner on the t_h index (a window is a small share)
        return self._select(
            "SELECT incident_id || '' AS incident_id, sum(CASE WHEN t_h > ? THEN 1 ELSE 0 END) AS recent, "
            "sum(CASE WHEN t_h <= ? THEN 1 ELSE 0 END) AS before FROM incident_members "
            "WHERE t_h > ? AND incident_id IS NOT NULL AND dup = 0 GROUP BY 1",
            (split_h, split_h, since_h),
        )

    def report_tallies(self) -> pd.DataFrame:
        """Reports the zoning has seen, per district and tier (``point``/``area``: clustered,
        ``coarse``, ``unlocated``, and ``off_topic`` for reports classified as no incident; district
        NULL when unknown), echoes excluded."""
        return self._select(
            "SELECT district_lgd, state_lgd, CASE WHEN dup = 2 THEN 'off_topic' ELSE tier END AS tier, "
            "count(*) AS reports FROM incident_members WHERE dup <> 1 "
            "GROUP BY district_lgd, state_lgd, CASE WHEN dup = 2 THEN 'off_topic' ELSE tier END "
            "ORDER BY district_lgd, tier"
        )

    def incidents_frame(
        self,
        *,
        ids: Sequence[str] | None = None,
        active_since: datetime | None = None,
        include_merged: bool = False,
    ) -> gpd.GeoDataFrame:
        """Incidents with their footprint polygon (EPSG:4326); by default only ``active`` ones (not
        merged into another); ``active_since`` keeps those seen since then."""
        where: list[str] = []
        params: list[Any] = []
        if not include_merged:
            where.append("state = 'active'")
        if active_since is not None:
            where.append("last_seen >= ?")
            params.append(iso(active_since))
        if ids is not None:
            ids = list(ids)
            if not ids:
                return decode_incidents(pd.DataFrame(columns=INCIDENT_COLUMNS))
            where.append(f"incident_id IN ({', '.join('?' * len(ids))})")
            params += ids
        sql = f"SELECT {', '.join(INCIDENT_COLUMNS)} FROM incidents"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return decode_incidents(self._select(sql + " ORDER BY last_seen DESC", params))

    def incident_states(self, incident_ids: Sequence[str]) -> pd.DataFrame:
        """Triage status, state, centre, reports and first seen of these incidents (any state), indexed
        by id: what the zoning keeps of an incident it rewrites (no footprint or evidence decoded)."""
        cols = ["incident_id", "status", "state", "lat", "lon", "reports", "first_seen"]
        df = self._object_frame_in(f"SELECT {', '.join(cols)} FROM incidents", "incident_id", incident_ids, cols)
        df["first_seen"] = pd.to_datetime(df["first_seen"], utc=True, format="ISO8601")
        for col in ("lat", "lon", "reports"):
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
        return df.set_index("incident_id")

    def incident_exists(self, incident_id: str) -> bool:
        """Whether an active incident holds this id."""
        sql = "SELECT 1 AS x FROM incidents WHERE incident_id = ? AND state = 'active'"
        return not self._select(sql, (incident_id,)).empty

    def zoning_incidents(self, active_since: datetime) -> pd.DataFrame:
        """What the zones are built from: active incidents seen since then, not resolved or dismissed,
        with a centre; needs and districts decoded, no footprint (:meth:`footprints` reads those of
        the zones that are redrawn)."""
        cols = "incident_id, lat, lon, radius_m, reports, reporters, people, needs, urgency, first_seen, status, category"
        df = self._object_frame(
            f"SELECT {cols} FROM incidents WHERE state = 'active' AND last_seen >= ? AND lat IS NOT NULL "
            "AND status NOT IN ('resolved', 'dismissed') ORDER BY last_seen DESC, incident_id",
            (iso(active_since),), cols.split(", "),
        )
        df["needs"] = _decode_shared(df["needs"])
        df["first_seen"] = pd.to_datetime(df["first_seen"], utc=True, format="ISO8601")
        for col in ("lat", "lon", "radius_m", "reports", "reporters", "people"):
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
        return df

    def window_incidents(self, *, seen_since: datetime | None = None, ids: Sequence[str] | None = None) -> pd.DataFrame:
        """Active incidents seen since then (or these ones) as the zoning's working set keeps them:
        the columns of :meth:`zoning_incidents` plus ``last_seen`` (text), ``footprint`` (shapely)
        and ``districts``."""
        cols = ("incident_id, lat, lon, radius_m, reports, reporters, people, needs, urgency, first_seen, status, "
                "category, last_seen, footprint, districts")  # fmt: skip
        where, params = "state = 'active'", []
        if seen_since is not None:
            where, params = f"{where} AND last_seen >= ?", [iso(seen_since)]
        select = f"SELECT {cols} FROM incidents"
        if ids is None:
            df = self._object_frame(f"{select} WHERE {where}", params, cols.split(", "))
        else:
            df = self._object_frame_in(select, "incident_id", ids, cols.split(", "), where, params)
        df["needs"] = _decode_shared(df["needs"])
        df["districts"] = [tuple(int(d) for d in (v or ())) for v in _decode_shared(df["districts"])]
        df["footprint"] = shapely.from_geojson([t if isinstance(t, str) else None for t in df["footprint"]],
                                               on_invalid="ignore")  # fmt: skip
        df["first_seen"] = pd.to_datetime(df["first_seen"], utc=True, format="ISO8601")
        for col in ("lat", "lon", "radius_m", "reports", "reporters", "people"):
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
        return df

    def status_events(self, after: int) -> tuple[dict[int, str], int]:
        """Triage status events with a history sequence number above ``after`` (``{seq: incident_id}``),
        and the newest sequence number in the history (``after`` when there is none above it)."""
        df = self._select("SELECT seq, incident_id FROM incident_history WHERE seq > ? AND kind = 'status'", (int(after),))
        newest = self._select("SELECT MAX(seq) AS seq FROM incident_history WHERE seq > ?", (int(after),))["seq"].iloc[0]
        events = dict(zip(df["seq"].astype(int).tolist(), df["incident_id"].tolist(), strict=True))
        return events, int(after) if pd.isna(newest) else int(newest)

    def footprints(self, incident_ids: Sequence[str]) -> list[tuple[Any, tuple[int, ...]]]:
        """Footprint polygon (shapely, EPSG:4326; None when missing) and district codes of each of
        these incidents, in order."""
        ids = list(incident_ids)
        cols = ("incident_id", "footprint", "districts")
        df = self._object_frame_in(f"SELECT {', '.join(cols)} FROM incidents", "incident_id", ids, cols)
        geoms = shapely.from_geojson([t if isinstance(t, str) else None for t in df["footprint"]], on_invalid="ignore")
        dists = [tuple(int(d) for d in (v or ())) for v in _decode_shared(df["districts"])]
        found = dict(zip(df["incident_id"].tolist(), zip(geoms, dists, strict=True), strict=True))
        return [found.get(i, (None, ())) for i in ids]

    def incident_summaries(self, incident_ids: Sequence[str]) -> tuple[dict[str, dict[str, Any]], set[str]]:
        """Running summaries (:mod:`geo._summary`) of those of these incidents that are active, and the
        active ones that have none (written before summaries were kept)."""
        found: dict[str, dict[str, Any]] = {}
        missing: set[str] = set()
        rows = self._object_frame_in("SELECT incident_id, tally FROM incidents", "incident_id", incident_ids,
                                     ("incident_id", "tally"), "state = 'active'")  # fmt: skip
        for inc, text in rows.itertuples(index=False, name=None):
            if isinstance(text, str):
                found[inc] = json.loads(text)
            else:
                missing.add(inc)
        return found, missing

    def zoning_value(self, key: str) -> str | None:
        """A value the zoning keeps between steps (``zoning_state``), None when never written."""
        df = self._select("SELECT value FROM zoning_state WHERE key = ?", (key,))
        return None if df.empty else str(df["value"].iloc[0])

    def active_incident_ids(self, incident_ids: Sequence[str]) -> set[str]:
        """Which of these ids an active incident holds (one query per 5,000 ids)."""
        rows = self._object_frame_in("SELECT incident_id FROM incidents", "incident_id", incident_ids,
                                     ("incident_id",), "state = 'active'")  # fmt: skip
        return set(rows["incident_id"].tolist())

    def count_incidents(self) -> int:
        return int(self._select("SELECT count(*) AS n FROM incidents WHERE state = 'active'")["n"].iloc[0])

    def incident_history(self, incident_id: str | None = None) -> pd.DataFrame:
        """History events, oldest first (all incidents, or one)."""
        sql = f"SELECT {', '.join(HISTORY_COLUMNS)} FROM incident_history"
        params: list[Any] = []
        if incident_id is not None:
            sql += " WHERE incident_id = ?"
            params.append(incident_id)
        df = self._select(sql + " ORDER BY seq", params)
        df["other_ids"] = [json.loads(v) for v in df["other_ids"]]
        df["at"] = pd.to_datetime(df["at"], utc=True, format="ISO8601")
        return df

    def zones_frame(self) -> gpd.GeoDataFrame:
        """The current affected zones, most severe first."""
        df = self._select(f"SELECT {', '.join(ZONE_COLUMNS)} FROM zones ORDER BY severity DESC, zone_id")
        return decode_zones(df)

    # --- writes ----------------------------------------------------------------------------------
    def set_incident_status(self, incident_id: str, status: str, *, at: datetime | None = None, note: str = "") -> None:
        """Triage: set an incident's status (new, acknowledged, assigned, resolved, dismissed) and
        record it in its history. The zoning keeps it across updates."""
        if status not in INCIDENT_STATUSES:
            msg = f"incident status {status!r} is not one of {', '.join(INCIDENT_STATUSES)}"
            raise StoreError(msg)
        if self._select("SELECT incident_id FROM incidents WHERE incident_id = ?", (incident_id,)).empty:
            msg = f"no incident {incident_id!r} in the store; list them with incidents_frame()"
            raise StoreError(msg)
        event = IncidentEvent(incident_id, at or datetime.now(UTC), "status", (), 0, f"{status} {note}".strip())
        with self._txn():
            self._run("UPDATE incidents SET status = ? WHERE incident_id = ?", (status, incident_id))
            self._many(f"INSERT INTO incident_history ({', '.join(HISTORY_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
                       [history_row(event)])  # fmt: skip

    def write_zoning(
        self,
        *,
        members: pd.DataFrame | None = None,
        placed: Sequence[str] | None = None,
        renamed: dict[str, str] | None = None,
        incidents: Sequence[Incident] = (),
        summaries: dict[str, dict[str, Any]] | None = None,
        history: Sequence[IncidentEvent] = (),
        zones: Sequence[Zone] | None = None,
        cursor: int | None = None,
        values: dict[str, str] | None = None,
        now: datetime | None = None,
        reset: bool = False,
    ) -> None:
        """One transaction: upsert member rows (``placed``: those whose place, tier or echo flag may
        have changed, default all; the others only moved to another incident), after moving the members
        of each ``renamed`` (merged) incident to its survivor, and incidents with their
        running ``summaries`` (an incident without one, e.g. merged away, stores none; its triage status
        is kept), append history, replace all zones (when given) and move the zoning cursor. ``reset`` first
        forgets every membership and zone and marks every incident ``empty`` (a full rebuild: an
        incident found again keeps its id, status and history)."""
        now = now or datetime.now(UTC)
        written = [*INCIDENT_COLUMNS, "tally"]
        mcols, icols, zcols = ", ".join(MEMBER_COLUMNS), ", ".join(written), ", ".join(ZONE_COLUMNS)
        mset = ", ".join(f"{c} = excluded.{c}" for c in MEMBER_COLUMNS[1:])
        iset = ", ".join(f"{c} = excluded.{c}" for c in written[2:])
        summaries = summaries or {}
        try:
            with self._txn():
                if reset:
                    self._run("DELETE FROM incident_members")
                    self._clear_member_index()
                    self._run("UPDATE incidents SET state = 'empty'")
                    self._run("DELETE FROM zones")
                if renamed:  # members of merged incidents move to the survivors
                    self._many("UPDATE incident_members SET incident_id = ? WHERE incident_id = ?",
                               [(into, old) for old, into in renamed.items()])
                if members is not None and len(members):
                    self._many(
                        f"INSERT INTO incident_members ({mcols}) VALUES ({', '.join('?' * len(MEMBER_COLUMNS))}) "
                        f"ON CONFLICT (report_id) DO UPDATE SET {mset}",
                        member_rows(members),
                    )
                    self._write_member_geometry(list(members["report_id"] if placed is None else placed))
                if incidents:
                    self._many(
                        f"INSERT INTO incidents ({icols}) VALUES ({', '.join('?' * len(written))}) "
                        f"ON CONFLICT (incident_id) DO UPDATE SET {iset}",
                        [incident_row(i, now, summaries.get(i.incident_id) if i.state == "active" else None)
                         for i in incidents],  # fmt: skip
                    )
                if history:
                    self._many(
                        f"INSERT INTO incident_history ({', '.join(HISTORY_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
                        [history_row(e) for e in history],
                    )
                if zones is not None:
                    self._run("DELETE FROM zones")
                    self._many(
                        f"INSERT INTO zones ({zcols}) VALUES ({', '.join('?' * len(ZONE_COLUMNS))})",
                        [zone_row(z) for z in zones],
                    )
                for key, value in (values or {}).items():
                    self._run("DELETE FROM zoning_state WHERE key = ?", (key,))
                    self._run("INSERT INTO zoning_state (key, value) VALUES (?, ?)", (key, value))
                if cursor is not None:
                    self._run("DELETE FROM zoning_state WHERE key = 'cursor'")
                    self._run("INSERT INTO zoning_state (key, value) VALUES ('cursor', ?)", (str(int(cursor)),))
                    self._run("DELETE FROM report_log WHERE seq <= ?", (int(cursor),))
        except StoreError:
            raise
        except Exception as exc:  # the backend's driver error
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            msg = f"writing incidents and zones to {getattr(self, 'url', 'the store')} failed: {first}"
            raise StoreError(msg) from None


def chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for k in range(0, len(values), size):
        yield values[k : k + size]
