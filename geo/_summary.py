"""Running summaries of incidents: what an incident's row is computed from, kept with the incident
and updated from new member rows only.

A summary (a JSON-able dict, the ``tally`` column of ``incidents``) holds, over all the incident's
members: ``n`` members, ``nd`` of them not retweets or forwards (``dup`` 0), ``real`` reports (not
echoes: neither ``dup`` nor a later copy of a text already in the incident), first and last hour
``t0``/``t1``, its reports per author ``au`` and per number of people stated ``pp``, counts of
categories ``ca``, urgencies ``ur`` and needs ``ne`` over its reports, its districts ``di``, the
first member of each text key ``tk`` as ``[t_h, report_id]`` (a later member with the same key is a
copy), the first :data:`EVIDENCE_KEPT` members as ``[dup, t_h, report_id]`` ``ev``, and per class
of located members ``c`` (``"<dup><point>"``: ``"01"`` point-tier members that are no retweet or
forward, ``"00"`` other located ones, ``"11"``/``"10"`` retweets and forwards): their count, the sum
of their unit vectors, their uncertainty radii counted ``{radius: n}`` and, per radius, the corners
of the convex hull of their places (lon, lat).

That is enough to write the incident exactly (:func:`shapes`, :func:`geo.incidents.describe`): the
centre is the mean vector of one class (point tier; else other located members; retweets and
forwards only when the incident has nothing else: one sent from elsewhere never moves it), the
footprint the hull of that class's places buffered by its median radius (at least 100 m) in a local
equirectangular projection centred on the incident (an affine map of lon/lat, so the hull of the
stored corners is the hull of all the places), the reach the largest distance from the centre to a
place plus its radius (over the hull corners: the farthest point of a convex set is a corner).

Adding members (:func:`add_members`) and merging incidents (:func:`merge`) only add, except when a
member becomes a copy: a report earlier than the first one of its text key, or two merged incidents
sharing a text key. They return those members (:data:`Flip`); :func:`drop_reports` takes them out
of the report counts once the caller has read their rows (geometry and evidence do not depend on
copies). After a split or a re-geocoded report the caller rebuilds the summary from all members
(:func:`from_members`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo.clustering import EARTH_RADIUS_M, haversine_m, unit_xyz

EVIDENCE_KEPT = 200
#: Urgency words, least urgent first (the classifier's vocabulary and CAP's).
URGENCY_RANK = {"low": 1, "future": 1, "medium": 2, "moderate": 2, "expected": 2, "high": 3,
                "urgent": 3, "immediate": 4, "critical": 4, "life_threatening": 4}  # fmt: skip
CLASSES = ("01", "00", "11", "10")


def _t(v: Any) -> float:
    """Sort key of an hour: NaN (unknown) last."""
    return math.inf if v is None or v != v else float(v)


Flip = tuple[str, str]
"""(incident id, report id) of a member that became a copy of an earlier one with the same text."""


def empty() -> dict[str, Any]:
    return {"n": 0, "nd": 0, "real": 0, "t0": None, "t1": None, "au": {}, "pp": {}, "ca": {}, "ur": {}, "ne": {},
            "di": [], "tk": {}, "ev": [], "c": {}}  # fmt: skip


def _rkey(r: Any) -> str:
    return repr(float(r)) if r is not None and r == r else "0.0"


def _count(d: dict[str, int], key: str, k: int = 1) -> None:
    v = d.get(key, 0) + k
    if v:
        d[key] = v
    else:
        d.pop(key, None)


def _order(t: Any, rid: str) -> tuple[float, str]:
    """Which of two members with the same text came first: hour (unknown last), then report id."""
    return (_t(t), rid)


# --- building from all members ------------------------------------------------------------------


def from_members(members: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The summary of each incident in ``members`` (all of its member rows)."""
    m = members[members["incident_id"].notna()]
    if m.empty:
        return {}
    m = m.sort_values(["incident_id", "t_h", "report_id"], kind="stable")
    out: dict[str, dict[str, Any]] = {}
    ids = m["incident_id"].to_numpy(dtype=object)
    starts = np.concatenate(([0], np.flatnonzero(ids[1:] != ids[:-1]) + 1, [len(m)]))
    cols = _columns(m)
    for a, b in zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True):
        s = empty()
        flips = _add_rows(s, cols, range(a, b))
        if flips:  # only where the sort and the copy rule disagree on unknown hours
            at = {cols["report_id"][k]: k for k in range(a, b)}
            for rid in flips:
                if not cols["dup"][at[rid]]:
                    _count_report(s, cols, at[rid], -1)
        out[str(ids[a])] = s
    _finish_hulls(out.values())
    return out


def _columns(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """The member columns as lists, plus each row's unit vector (``_x``, ``_y``, ``_z``)."""
    names = ("report_id", "tier", "lat", "lon", "t_h", "radius_m", "author", "people", "needs", "urgency",
             "category", "district_lgd", "text_key", "dup")  # fmt: skip
    cols = {c: frame[c].tolist() for c in names}
    xyz = unit_xyz(frame["lat"].to_numpy(float), frame["lon"].to_numpy(float)) / EARTH_RADIUS_M
    cols["_x"], cols["_y"], cols["_z"] = xyz[:, 0].tolist(), xyz[:, 1].tolist(), xyz[:, 2].tolist()
    return cols


def _count_report(s: dict[str, Any], cols: dict[str, list[Any]], k: int, sign: int) -> None:
    """Count row ``k`` as a report (``sign`` 1) or take it out again (-1): its author (the report
    id when unknown), people stated, category, urgency and needs."""
    author, p = cols["author"][k], cols["people"][k]
    s["real"] += sign
    _count(s["au"], str(author) if author is not None and author == author else str(cols["report_id"][k]), sign)
    if p is not None and p == p:
        _count(s["pp"], str(int(p)), sign)
    for col, tag in (("category", "ca"), ("urgency", "ur")):
        if isinstance(cols[col][k], str):
            _count(s[tag], cols[col][k], sign)
    for need in cols["needs"][k] or ():
        _count(s["ne"], str(need), sign)


def _add_rows(s: dict[str, Any], cols: dict[str, list[Any]], rows: Iterable[int]) -> list[str]:
    """Add member rows (in hour, report id order) to summary ``s``; returns the report ids of members
    already counted that became copies (the caller takes them out with :func:`drop_reports`)."""
    tk, ev = s["tk"], s["ev"]
    dists = set(s["di"])
    flips: list[str] = []
    for k in rows:
        t = cols["t_h"][k]
        t = None if t is None or t != t else float(t)
        rid = str(cols["report_id"][k])
        key = cols["text_key"][k] or ""
        d = cols["dup"][k]
        dup = bool(d == d and d)
        first = tk.get(key)
        copy = first is not None and _order(first[0], first[1]) < _order(t, rid)
        if first is None or not copy:
            if first is not None:
                flips.append(first[1])
            tk[key] = [t, rid]
        s["n"] += 1
        if t is not None:
            s["t0"] = t if s["t0"] is None else min(s["t0"], t)
            s["t1"] = t if s["t1"] is None else max(s["t1"], t)
        dist = cols["district_lgd"][k]
        if dist is not None and dist == dist:
            dists.add(int(dist))
        ev.append([int(dup), t, rid])
        lat, lon = cols["lat"][k], cols["lon"][k]
        if lat is not None and lat == lat and lon is not None and lon == lon:
            c = s["c"].setdefault(f"{int(dup)}{int(cols['tier'][k] == 'point')}", [0, 0.0, 0.0, 0.0, {}, {}])
            c[0] += 1
            c[1] += cols["_x"][k]
            c[2] += cols["_y"][k]
            c[3] += cols["_z"][k]
            r = _rkey(cols["radius_m"][k])
            _count(c[4], r)
            c[5].setdefault(r, []).append([float(lon), float(lat)])
        if not dup:
            s["nd"] += 1
            if not copy:
                _count_report(s, cols, k, 1)
    s["di"] = sorted(dists)
    ev.sort(key=lambda e: (e[0], _t(e[1]), e[2]))
    del ev[EVIDENCE_KEPT:]
    return flips


def drop_reports(summaries: dict[str, dict[str, Any]], flips: list[Flip], rows: pd.DataFrame) -> None:
    """Take members that became copies out of the report counts (``rows``: their member rows as
    stored; one that was a retweet or forward was never counted)."""
    if not flips:
        return
    rows = rows.drop_duplicates("report_id").set_index("report_id", drop=False)
    cols = _columns(rows)
    where = {rid: k for k, rid in enumerate(cols["report_id"])}
    for inc, rid in flips:
        k = where[rid]
        d = cols["dup"][k]
        if not (d == d and d):
            _count_report(summaries[inc], cols, k, -1)


def _finish_hulls(summaries: Iterable[dict[str, Any]]) -> None:
    """Reduce each class's places per radius to the corners of their hull (one vectorised pass)."""
    groups: list[tuple[dict[str, Any], str]] = []
    pts: list[np.ndarray] = []
    for s in summaries:
        for c in s["c"].values():
            for r, places in c[5].items():
                if len(places) > 2:
                    groups.append((c[5], r))
                    pts.append(np.asarray(places, float))
    if not groups:
        return
    index = np.repeat(np.arange(len(pts)), [len(p) for p in pts])
    hulls = shapely.convex_hull(shapely.multipoints(np.concatenate(pts), indices=index))
    coords, where = shapely.get_coordinates(hulls, return_index=True)
    bounds = np.searchsorted(where, np.arange(len(groups) + 1))
    for g, (holder, r) in enumerate(groups):
        holder[r] = np.unique(coords[bounds[g] : bounds[g + 1]], axis=0).tolist()


# --- adding and merging ---------------------------------------------------------------------------


def add_members(summaries: dict[str, dict[str, Any]], new: pd.DataFrame) -> list[Flip]:
    """Add new member rows (never seen before) to the summaries of their incidents, in place;
    returns the members already counted that became copies (for :func:`drop_reports`)."""
    if new.empty:
        return []
    new = new.sort_values(["incident_id", "t_h", "report_id"], kind="stable")
    cols = _columns(new)
    ids = new["incident_id"].to_numpy(dtype=object)
    starts = np.concatenate(([0], np.flatnonzero(ids[1:] != ids[:-1]) + 1, [len(new)]))
    flips: list[Flip] = []
    grown = []
    for a, b in zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True):
        inc = str(ids[a])
        s = summaries.setdefault(inc, empty())
        flips += [(inc, rid) for rid in _add_rows(s, cols, range(a, b))]
        grown.append(s)
    _finish_hulls(grown)
    return flips


def merge(name: str, parts: list[dict[str, Any]]) -> tuple[dict[str, Any], list[Flip]]:
    """One summary of merged incidents (the survivor ``name``), and the members that became copies
    (the later first member of a text key two of them share)."""
    out = empty()
    flips: list[Flip] = []
    for s in parts:
        for key, first in s["tk"].items():
            mine = out["tk"].get(key)
            if mine is None:
                out["tk"][key] = first
            elif _order(*first) < _order(*mine):
                flips.append((name, mine[1]))
                out["tk"][key] = first
            else:
                flips.append((name, first[1]))
        for key in ("n", "nd", "real"):
            out[key] += s[key]
        for key, pick in (("t0", min), ("t1", max)):
            vals = [v for v in (out[key], s[key]) if v is not None]
            out[key] = pick(vals) if vals else None
        for tag in ("au", "pp", "ca", "ur", "ne"):
            for k, v in s[tag].items():
                _count(out[tag], k, v)
        out["di"] = sorted(set(out["di"]) | set(s["di"]))
        out["ev"] = sorted(out["ev"] + s["ev"], key=lambda e: (e[0], _t(e[1]), e[2]))[:EVIDENCE_KEPT]
        for cls, c in s["c"].items():
            mine_c = out["c"].setdefault(cls, [0, 0.0, 0.0, 0.0, {}, {}])
            for q in range(4):
                mine_c[q] += c[q]
            for r, k in c[4].items():
                _count(mine_c[4], r, k)
            for r, places in c[5].items():
                mine_c[5].setdefault(r, []).extend(places)
    _finish_hulls([out])
    return out, flips


# --- what an incident row shows -------------------------------------------------------------------


def _weighted(s: dict[str, Any]) -> list[Any] | None:
    """The class the centre and footprint are drawn from (see the module docstring)."""
    echo = "0" if s["nd"] > 0 else "1"
    for point in ("1", "0"):
        c = s["c"].get(echo + point)
        if c is not None and c[0] > 0:
            return c
    return None


def _median(counts: dict[str, int]) -> float:
    values = sorted((float(r), k) for r, k in counts.items())
    n = sum(k for _, k in values)
    picks = [(n - 1) // 2, n // 2]
    out, seen = [], 0
    for r, k in values:
        while picks and picks[0] < seen + k:
            out.append(r)
            picks.pop(0)
        seen += k
    return (out[0] + out[1]) / 2


def top_urgency(counts: dict[str, int]) -> str | None:
    """The most urgent word stated; among equally urgent ones the most frequent, then the first
    alphabetically."""
    if not counts:
        return None
    return min(counts, key=lambda u: (-URGENCY_RANK.get(u.lower(), 0), -counts[u], u))


def top_category(counts: dict[str, int]) -> str | None:
    if not counts:
        return None
    return min(counts, key=lambda c: (-counts[c], c))


def shapes(summaries: dict[str, dict[str, Any]]) -> dict[str, tuple[float, float, float, tuple[tuple[float, float], ...]]]:
    """Per incident: centre lat, lon, reach (m; NaN without a located report) and footprint ring."""
    out: dict[str, tuple[float, float, float, tuple[tuple[float, float], ...]]] = {}
    ids, corners, index, radius, centres = [], [], [], [], []
    for inc, s in summaries.items():
        c = _weighted(s)
        norm = math.sqrt(c[1] ** 2 + c[2] ** 2 + c[3] ** 2) if c is not None else 0.0
        if c is None or norm == 0:
            out[inc] = (math.nan, math.nan, math.nan, ())
            continue
        lat = math.degrees(math.asin(max(-1.0, min(1.0, c[3] / norm))))
        lon = math.degrees(math.atan2(c[2], c[1]))
        reach = -math.inf
        for r, places in c[5].items():
            p = np.asarray(places, float)
            reach = max(reach, float(haversine_m(p[:, 1], p[:, 0], lat, lon).max()) + float(r))
        out[inc] = (lat, lon, reach, ())
        k = len(ids)
        ids.append(inc)
        pts = np.concatenate([np.asarray(v, float) for v in c[5].values()])
        corners.append(pts)
        index.append(np.full(len(pts), k))
        radius.append(max(_median(c[4]), 100.0))
        centres.append((lat, lon))
    if not ids:
        return out
    pts, idx = np.concatenate(corners), np.concatenate(index)
    cen = np.asarray(centres, float)
    lat0, lon0 = cen[idx, 0], cen[idx, 1]
    x = EARTH_RADIUS_M * np.cos(np.radians(lat0)) * np.radians(pts[:, 0] - lon0)
    y = EARTH_RADIUS_M * np.radians(pts[:, 1] - lat0)
    hulls = shapely.convex_hull(shapely.multipoints(np.column_stack((x, y)), indices=idx))
    polys = shapely.buffer(hulls, np.asarray(radius), quad_segs=4)
    rings = shapely.get_exterior_ring(polys)
    coords, where = shapely.get_coordinates(rings, return_index=True)
    clat, clon = cen[where, 0], cen[where, 1]
    lon = np.round(clon + np.degrees(coords[:, 0] / (EARTH_RADIUS_M * np.cos(np.radians(clat)))), 6)
    lat = np.round(clat + np.degrees(coords[:, 1] / EARTH_RADIUS_M), 6)
    bounds = np.searchsorted(where, np.arange(len(ids) + 1))
    for k, inc in enumerate(ids):
        a, b = bounds[k], bounds[k + 1]
        ring = tuple(zip(lon[a:b].tolist(), lat[a:b].tolist(), strict=True))
        out[inc] = (*out[inc][:3], ring)
    return out
