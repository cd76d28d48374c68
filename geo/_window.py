"""The working set a zoning process keeps in memory: recent clustered members, so a step finds the
stored neighbours of its batch without one spatial query per grid cell, and recent active incidents,
so the zones are built without reading every active incident and footprint again.

:class:`ZoningWindow` holds the member rows a neighbour search can return (point and area tiers,
located, not echoes, in an incident) with ``t_h`` from ``span_h`` hours before the newest one on,
and the active incidents last seen from ``incident_span_h`` hours before the newest member on, plus
every such row written since. It answers :meth:`near` exactly as the store's ``members_near`` (rows
inside any box, bounds included), :meth:`zoning_incidents` and :meth:`footprints` as the store does,
when asked within its span; otherwise the caller asks the store. The window follows the zoning
cursor: a store zoned by someone else since (another process, a rebuild) is read again; triage
status set since (history ``status`` events) is read at each step.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo._rows import iso
from geo.model import Incident

COLUMNS = ("report_id", "incident_id", "tier", "lat", "lon", "t_h", "radius_m", "needs", "category", "dup")
_FLOAT = frozenset({"lat", "lon", "t_h", "radius_m", "dup"})
_INCIDENT = ("incident_id", "lat", "lon", "radius_m", "reports", "reporters", "people", "needs", "urgency", "first_seen",
             "status", "category", "last_seen", "footprint", "districts")  # fmt: skip
_CELL = 0.05  # degrees: rows are kept sorted by grid cell of this size
_ROW = 100_000  # cell key = row * _ROW + column
#: History sequence numbers read again at each step, for status changes that committed late.
STATUS_OVERLAP = 50_000


def to_time(t_h: float) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(hours=float(t_h))


def _keys(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    return np.floor(lat / _CELL).astype(np.int64) * _ROW + np.floor(lon / _CELL).astype(np.int64)


class ZoningWindow:
    """Recent clustered members and active incidents in memory (see the module docstring). Members
    are columns sorted by grid cell, plus the rows written since, kept apart and merged in (the
    ones older than the span dropped) when they grow past ``merge_rows``."""

    def __init__(self, span_h: float = 30.0, incident_span_h: float = 72.0, merge_rows: int = 20_000) -> None:
        self.span_h = span_h
        self.incident_span_h = incident_span_h
        self.merge_rows = merge_rows
        self.generation = 0
        self.cursor: int | None = None
        self.horizon = np.inf
        self.seen_since = ""  # incidents last seen from then (ISO text) on are held
        self._history = 0
        self._applied: set[int] = set()  # status events (history sequence numbers) already read
        self._incidents: dict[str, tuple[Any, ...]] = {}
        self._stale: set[str] | None = None  # incidents changed since the frame was built (None: all)
        self._frame = pd.DataFrame()
        self._set(_columns(pd.DataFrame(columns=list(COLUMNS))))

    # --- keeping in step with the store ---------------------------------------------------------
    def sync(self, store: Any, cursor: int | None) -> None:
        """Read the window from the store unless it already reflects zoning cursor ``cursor``."""
        if cursor is not None and cursor == self.cursor:
            changed = self._status_changes(store)
            if changed:  # an operator set their status: read them again
                self._hold(store.window_incidents(ids=changed), replace=changed)
            return
        self.cursor = None
        newest = store.newest_member_hour()
        self._set(_columns(pd.DataFrame(columns=list(COLUMNS))))
        if cursor is None or newest is None:
            self.horizon = np.inf
            return
        events, self._history = store.status_events(0)
        self._applied = {seq for seq in events if seq > self._history - STATUS_OVERLAP}
        self.horizon = newest - self.span_h
        self._set(_columns(store.clustered_members_since(self.horizon)))
        self.seen_since = iso(to_time(newest - self.incident_span_h)) or ""
        self._incidents, self._stale = {}, None
        self._hold(store.window_incidents(seen_since=to_time(newest - self.incident_span_h)))
        self.cursor = cursor

    def _status_changes(self, store: Any) -> list[str]:
        """Incidents whose triage status was set since the last step. Sequence numbers are handed out
        when a row is written, not when it commits: on PostgreSQL an operator's status change can
        become visible after a later-numbered one. So the last ``STATUS_OVERLAP`` numbers are read
        again and the events already applied are skipped."""
        events, newest = store.status_events(max(0, self._history - STATUS_OVERLAP))
        fresh = {seq: incident for seq, incident in events.items() if seq not in self._applied}
        self._history = max(self._history, newest)
        self._applied = {seq for seq in (*self._applied, *fresh) if seq > self._history - STATUS_OVERLAP}
        return sorted(set(fresh.values()))

    def rename(self, renamed: dict[str, str]) -> None:
        """Members of merged incidents now belong to their survivors."""
        if not renamed or self.cursor is None:
            return
        for rows in (self._rows, self._recent):
            ids = pd.Series(rows["incident_id"], dtype=object)
            hit = ids.isin(renamed.keys()).to_numpy()
            rows["incident_id"][hit] = ids[hit].map(renamed).to_numpy(dtype=object)

    def apply(self, members: pd.DataFrame, cursor: int) -> None:
        """Member rows written by a step (new, moved, merged or split ones), then the new cursor."""
        if self.cursor is None:
            return
        if len(members):
            ids = members["report_id"].tolist()
            gone = [self._where[r] for r in ids if r in self._where]
            self._alive[gone] = False
            written = set(ids)
            stay = np.fromiter((r not in written for r in self._recent["report_id"]), bool, len(self._recent["report_id"]))
            recent = _concat([_take(self._recent, stay), _columns(members[_clustered(members)])])
            if len(recent["report_id"]) > self.merge_rows:
                rows = _concat([_take(self._rows, self._alive), recent])
                newest = float(np.max(rows["t_h"], initial=-np.inf))
                if newest - self.span_h > self.horizon:  # forget what no step will look for again
                    self.horizon = newest - self.span_h
                    rows = _take(rows, rows["t_h"] >= self.horizon)
                self._set(rows)
            else:
                self._recent, self._rkey = _sorted(recent)
        self.cursor = cursor

    def apply_incidents(self, incidents: Sequence[Incident]) -> None:
        """Incidents written by a step: active ones replace their row, others leave."""
        if self.cursor is None:
            return
        for inc in incidents:
            self._incidents.pop(inc.incident_id, None)
            self._mark(inc.incident_id)
        active = [inc for inc in incidents if inc.state == "active"]
        rings = [inc.footprint if len(inc.footprint) >= 4 else () for inc in active]
        sizes = np.fromiter(map(len, rings), np.int64, len(rings))
        shapes = np.full(len(active), None, dtype=object)
        if sizes.any():  # the footprints as the store reads them back (a ring of four points or more)
            drawn = np.flatnonzero(sizes)
            coords = np.asarray([p for k in drawn for p in rings[k]], float)
            shapes[drawn] = shapely.polygons(shapely.linearrings(coords, indices=np.repeat(np.arange(len(drawn)), sizes[drawn])))
        for inc, shape in zip(active, shapes, strict=True):
            self._incidents[inc.incident_id] = (
                inc.incident_id, inc.lat, inc.lon, inc.radius_m, float(inc.reports), float(inc.reporters),
                float(inc.people), dict(inc.needs), inc.urgency, iso(inc.first_seen), inc.status, inc.category,
                iso(inc.last_seen), shape, tuple(int(d) for d in inc.districts),
            )  # fmt: skip

    def reset(self) -> None:
        self.cursor = None

    def _mark(self, incident_id: str) -> None:
        if self._stale is not None:
            self._stale.add(incident_id)

    def _hold(self, df: pd.DataFrame, replace: Sequence[str] = ()) -> None:
        for inc in [*replace, *df["incident_id"].tolist()]:
            self._incidents.pop(inc, None)
            self._mark(inc)
        df = df.assign(first_seen=[iso(t.to_pydatetime()) if pd.notna(t) else None for t in df["first_seen"]])
        self._incidents.update(zip(df["incident_id"].tolist(), df[list(_INCIDENT)].itertuples(index=False, name=None),
                                   strict=True))  # fmt: skip

    def __len__(self) -> int:
        return int(self._alive.sum()) + len(self._rkey)

    def _set(self, rows: dict[str, np.ndarray]) -> None:
        self.generation += 1  # a new long-lived set of rows (the zoner freezes it out of the cyclic GC)
        self._rows, self._key = _sorted(rows)
        n = len(self._key)
        self._alive = np.ones(n, bool)
        self._where = dict(zip(self._rows["report_id"].tolist(), range(n), strict=True))
        self._recent, self._rkey = _take(self._rows, np.zeros(n, bool)), self._key[:0]

    # --- queries -------------------------------------------------------------------------------------
    def holds(self, seen_since: datetime) -> bool:
        """Whether the incidents seen since then are all held."""
        return self.cursor is not None and (iso(seen_since) or "") >= self.seen_since

    def zoning_incidents(self, active_since: datetime) -> pd.DataFrame:
        """As the store's ``zoning_incidents``: active incidents seen since then, not resolved or
        dismissed, with a centre, latest first."""
        since = iso(active_since) or ""
        frame = self._table()
        last = frame["last_seen"].to_numpy(dtype=object)
        lat = frame["lat"].to_numpy(float)
        keep = (last >= since) & ~frame["status"].isin(("resolved", "dismissed")).to_numpy() & np.isfinite(lat)
        sub = frame[keep]
        order = np.lexsort((sub["incident_id"].to_numpy(dtype=object), _descending(sub["last_seen"].to_numpy(dtype=object))))
        return sub.iloc[order].drop(columns=["last_seen"]).reset_index(drop=True)

    def _table(self) -> pd.DataFrame:
        """The held incidents as one frame, rebuilt only for the rows changed since the last call."""
        if self._stale is None:
            rows = list(self._incidents.values())
            changed = pd.DataFrame([r[:13] for r in rows], columns=list(_INCIDENT[:13]))
            self._frame = changed.iloc[:0]
        else:
            rows = [self._incidents[i] for i in self._stale if i in self._incidents]
            changed = pd.DataFrame([r[:13] for r in rows], columns=list(_INCIDENT[:13]))
            self._frame = self._frame[~self._frame["incident_id"].isin(self._stale)]
        changed["first_seen"] = pd.to_datetime(changed["first_seen"], utc=True, format="ISO8601")
        changed["lat"] = pd.to_numeric(changed["lat"], errors="coerce").astype(float)
        if len(changed):
            self._frame = pd.concat([self._frame, changed], ignore_index=True) if len(self._frame) else changed
        self._stale = set()
        return self._frame

    def member_counts(self, since_h: float, split_h: float) -> pd.DataFrame | None:
        """As the store's ``member_counts`` (reports per incident after ``split_h`` and in (since_h,
        split_h]), or None when the window does not reach back to ``since_h``."""
        if self.cursor is None or since_h < self.horizon:
            return None
        parts = [(self._rows, self._alive), (self._recent, None)]
        ids, t = [], []
        for rows, alive in parts:
            keep = rows["t_h"] > since_h
            if alive is not None:
                keep &= alive
            ids.append(rows["incident_id"][keep])
            t.append(rows["t_h"][keep])
        frame = pd.DataFrame({"incident_id": np.concatenate(ids), "t": np.concatenate(t)})
        recent = (frame["t"] > split_h).astype(int)
        out = pd.DataFrame({"recent": recent, "before": 1 - recent}).groupby(frame["incident_id"].to_numpy()).sum()
        return out.rename_axis("incident_id").reset_index()

    def footprints(self, incident_ids: Sequence[str]) -> list[tuple[Any, tuple[int, ...]]]:
        """As the store's ``footprints`` (for incidents held)."""
        out = []
        for inc in incident_ids:
            row = self._incidents.get(inc)
            out.append((row[13], row[14]) if row is not None else (None, ()))
        return out

    def covers(self, boxes: np.ndarray) -> bool:
        """Whether every box starts inside the window's span (so :meth:`near` misses nothing)."""
        b = np.asarray(boxes, float).reshape(-1, 6)
        return self.cursor is not None and (len(b) == 0 or float(b[:, 4].min()) >= self.horizon)

    def near(self, boxes: np.ndarray) -> pd.DataFrame:
        """Rows inside any of the boxes ``(min_lon, min_lat, max_lon, max_lat, min_t_h, max_t_h)``, each once."""
        b = np.asarray(boxes, float).reshape(-1, 6)
        parts = []
        for rows, key, alive in ((self._rows, self._key, self._alive), (self._recent, self._rkey, None)):
            if len(b) == 0 or len(key) == 0:
                continue
            at, hit = _search(key, rows["lat"], rows["lon"], rows["t_h"], b)
            if alive is not None:
                hit &= alive[at]
            parts.append(_take(rows, np.unique(at[hit])))
        found = _concat(parts) if parts else _take(self._rows, np.zeros(len(self._key), bool))
        return pd.DataFrame({c: found[c] for c in COLUMNS})


def _columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Member rows as arrays (places and hours as floats, the rest as objects)."""
    return {c: frame[c].to_numpy(float) if c in _FLOAT else frame[c].to_numpy(dtype=object) for c in COLUMNS}


def _take(rows: dict[str, np.ndarray], which: np.ndarray) -> dict[str, np.ndarray]:
    return {c: v[which] for c, v in rows.items()}


def _concat(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {c: np.concatenate([p[c] for p in parts]) for c in COLUMNS}


def _sorted(rows: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Rows sorted by grid cell, and their cell keys."""
    key = _keys(rows["lat"], rows["lon"])
    order = np.argsort(key, kind="stable")
    return _take(rows, order), key[order]


def _search(key: np.ndarray, lat: np.ndarray, lon: np.ndarray, t: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of rows in the grid cells the boxes overlap, and whether each is inside its box."""
    r0, r1 = np.floor(b[:, 1] / _CELL).astype(np.int64), np.floor(b[:, 3] / _CELL).astype(np.int64)
    c0, c1 = np.floor(b[:, 0] / _CELL).astype(np.int64), np.floor(b[:, 2] / _CELL).astype(np.int64)
    nr, nc = r1 - r0 + 1, c1 - c0 + 1
    per = nr * nc  # cells each box overlaps
    box = np.repeat(np.arange(len(b)), per)
    k = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
    cell = (r0[box] + k // nc[box]) * _ROW + c0[box] + k % nc[box]
    lo, hi = np.searchsorted(key, cell, "left"), np.searchsorted(key, cell, "right")
    lens = hi - lo
    at = np.repeat(lo - np.cumsum(lens) + lens, lens) + np.arange(int(lens.sum()))
    return at, _inside(b[np.repeat(box, lens)], lat[at], lon[at], t[at])


def _inside(b: np.ndarray, lat: np.ndarray, lon: np.ndarray, t: np.ndarray) -> np.ndarray:
    return (lon >= b[..., 0]) & (lon <= b[..., 2]) & (lat >= b[..., 1]) & (lat <= b[..., 3]) \
        & (t >= b[..., 4]) & (t <= b[..., 5])  # fmt: skip


def _descending(text: np.ndarray) -> np.ndarray:
    """Sort keys that order ISO times latest first."""
    _, rank = np.unique(text.astype(str), return_inverse=True)
    return -rank


def _clustered(members: pd.DataFrame) -> np.ndarray:
    """Rows a neighbour search may return: point or area tier, located, not an echo, in an incident."""
    return (
        members["tier"].isin(["point", "area"]).to_numpy()
        & np.isfinite(pd.to_numeric(members["lat"], errors="coerce").to_numpy(float))
        & (pd.to_numeric(members["dup"], errors="coerce").fillna(0).to_numpy() == 0)
        & members["incident_id"].notna().to_numpy()
    )
