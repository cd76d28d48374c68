"""The recent clustered members a zoning process keeps in memory, so a step finds the stored
neighbours of its batch without one spatial query per grid cell to the store.

:class:`MemberWindow` holds the member rows a neighbour search can return (point and area tiers,
located, not echoes, in an incident) with ``t_h`` from ``span_h`` hours before the newest one on,
plus every such row written since. It answers :meth:`near` exactly as the store's ``members_near``
(rows inside any box, bounds included) when the boxes lie inside its span; otherwise the caller asks
the store. The window follows the zoning cursor: a store zoned by someone else since (another
process, a rebuild) is read again.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

COLUMNS = ("report_id", "incident_id", "tier", "lat", "lon", "t_h", "radius_m", "needs", "category", "dup")
_CELL = 0.05  # degrees: rows are kept sorted by grid cell of this size
_ROW = 100_000  # cell key = row * _ROW + column


def _keys(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    return np.floor(lat / _CELL).astype(np.int64) * _ROW + np.floor(lon / _CELL).astype(np.int64)


class MemberWindow:
    """Recent clustered members in memory (see the module docstring): a part sorted by grid cell
    and a small part of rows written since, merged into the sorted part when it grows."""

    def __init__(self, span_h: float = 30.0, merge_rows: int = 20_000) -> None:
        self.span_h = span_h
        self.merge_rows = merge_rows
        self.cursor: int | None = None
        self.horizon = np.inf
        self._set(pd.DataFrame(columns=list(COLUMNS)))

    # --- keeping in step with the store ---------------------------------------------------------
    def sync(self, store: Any, cursor: int | None) -> None:
        """Read the window from the store unless it already reflects zoning cursor ``cursor``."""
        if cursor is not None and cursor == self.cursor:
            return
        self.cursor = None
        newest = store.newest_member_hour()
        if cursor is None or newest is None:
            self._set(pd.DataFrame(columns=list(COLUMNS)))
            self.horizon = np.inf
            return
        self.horizon = newest - self.span_h
        self._set(store.clustered_members_since(self.horizon)[list(COLUMNS)])
        self.cursor = cursor

    def apply(self, members: pd.DataFrame, cursor: int) -> None:
        """Member rows written by a step (new, moved, merged or split ones), then the new cursor."""
        if self.cursor is None:
            return
        if len(members):
            ids = members["report_id"].tolist()
            gone = [self._where[r] for r in ids if r in self._where]
            self._alive[gone] = False
            self._recent = self._recent[~self._recent["report_id"].isin(ids)]
            keep = _clustered(members)
            recent = pd.concat([self._recent, members.loc[keep, list(COLUMNS)]], ignore_index=True)
            if len(recent) > self.merge_rows:
                self._set(pd.concat([self._rows[self._alive], recent], ignore_index=True))
            else:
                self._recent, self._rkey = _sorted(recent)
        self.cursor = cursor

    def reset(self) -> None:
        self.cursor = None

    def __len__(self) -> int:
        return int(self._alive.sum()) + len(self._recent)

    def _set(self, rows: pd.DataFrame) -> None:
        self._rows, self._key = _sorted(rows)
        self._alive = np.ones(len(rows), bool)
        self._where = dict(zip(self._rows["report_id"].tolist(), range(len(rows)), strict=True))
        self._lat, self._lon, self._t = (self._rows[c].to_numpy(float) for c in ("lat", "lon", "t_h"))
        self._recent, self._rkey = self._rows.iloc[:0], self._key[:0]

    # --- queries -------------------------------------------------------------------------------------
    def covers(self, boxes: np.ndarray) -> bool:
        """Whether every box starts inside the window's span (so :meth:`near` misses nothing)."""
        b = np.asarray(boxes, float).reshape(-1, 6)
        return self.cursor is not None and (len(b) == 0 or float(b[:, 4].min()) >= self.horizon)

    def near(self, boxes: np.ndarray) -> pd.DataFrame:
        """Rows inside any of the boxes ``(min_lon, min_lat, max_lon, max_lat, min_t_h, max_t_h)``, each once."""
        b = np.asarray(boxes, float).reshape(-1, 6)
        if len(b) == 0:
            return self._rows.iloc[:0].copy()
        at, hit = _search(self._key, self._lat, self._lon, self._t, b)
        found = self._rows.iloc[np.unique(at[hit & self._alive[at]])]
        if len(self._recent):  # rows written since the last merge
            cols = (self._recent[c].to_numpy(float) for c in ("lat", "lon", "t_h"))
            at, hit = _search(self._rkey, *cols, b)
            found = pd.concat([found, self._recent.iloc[np.unique(at[hit])]], ignore_index=True)
        return found.reset_index(drop=True)


def _sorted(rows: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows sorted by grid cell, and their cell keys."""
    rows = rows.reset_index(drop=True)
    key = _keys(rows["lat"].to_numpy(float), rows["lon"].to_numpy(float))
    order = np.argsort(key, kind="stable")
    return rows.iloc[order].reset_index(drop=True), key[order]


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


def _clustered(members: pd.DataFrame) -> np.ndarray:
    """Rows a neighbour search may return: point or area tier, located, not an echo, in an incident."""
    return (
        members["tier"].isin(["point", "area"]).to_numpy()
        & np.isfinite(pd.to_numeric(members["lat"], errors="coerce").to_numpy(float))
        & (pd.to_numeric(members["dup"], errors="coerce").fillna(0).to_numpy() == 0)
        & members["incident_id"].notna().to_numpy()
    )
