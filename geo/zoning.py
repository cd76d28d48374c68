"""Affected zones: where help is needed, how badly, and whether it is getting worse.

Three kinds of zone, each a polygon (EPSG:4326) with the districts it covers (LGD codes):

- ``reports``: incident footprints closer than ``2 * zone_gap_m`` join one zone, drawn as the union
  of the footprints grown by ``zone_gap_m`` (metric buffer in a local equirectangular projection
  centred on the zone: x = R cos(lat0) dlon, y = R dlat). Only incidents seen in the last
  ``active_h`` hours (scenario clock) and not resolved or dismissed count.
- ``alert``: the area of each official alert in force (``store.alerts_frame(live_at=now)``).
- ``wind``: the cyclone's swath of winds of at least 34, 50 and 64 knots along its track up to
  now (see :func:`wind_radius_km`); geodesic circles on the mean-radius sphere.

Severity, in [0, 100], the same formula for every zone over the incidents whose centre lies in it::

    S = 100 * (0.25 N + 0.15 U + 0.15 P + 0.20 R + 0.25 W)
    N = 1 - exp(-sum(need weight * reports stating it) / 5)     needs (rescue, medical 1.0 ... power 0.3)
    U = highest urgency stated / 4                               low 1, medium 2, high 3, critical 4
    P = min(1, log10(1 + people) / 3)                            people: sum over incidents of the most
                                                                 any of its reports states (1000 -> 1)
    R = 1 - exp(-reporters / 10)                                 independent reporters (distinct authors
                                                                 per incident, summed; echoes excluded)
    W = max(official, wind)                                      CAP severity of alerts in force there:
                                                                 Extreme 1, Severe .75, Moderate .5, Minor .25;
                                                                 wind band: 64 kt 1, 50 kt .75, 34 kt .5

Trend (window ``trend_window_h``, W): ``new`` if the zone appeared within W; else from the reports
of its incidents in the last W (``recent``) and the W before (``before``): ``growing`` if
recent >= 2 and recent > 1.25 * before, ``receding`` if recent < 0.75 * before or (reports zones)
no report in W, else ``stable``. A wind band grows while the storm still blows at that strength.

:func:`update` is the zoning step ``crisismap zones`` runs: read the reports changed since its
cursor, update incidents (:mod:`geo.incidents`), rebuild only the zones whose incidents changed,
recompute severity and trend of all, write everything back.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from geo._window import ZoningWindow
from geo.clustering import ACTIONABLE, EARTH_RADIUS_M, ClusterParams, chord_m, components, haversine_m, unit_xyz
from geo.incidents import URGENCY_RANK, IncidentUpdate, hours, rebuild_incidents, to_time, update_incidents
from geo.model import Zone

NEED_WEIGHTS: dict[str, float] = {
    "rescue": 1.0, "medical": 1.0, "missing_person": 0.9, "evacuation": 0.8, "drinking_water": 0.8,
    "food": 0.7, "shelter": 0.6, "sanitation": 0.5, "clothing": 0.4, "power": 0.3,
}  # fmt: skip
DEFAULT_NEED_WEIGHT = 0.5
CAP_SEVERITY = {"Extreme": 1.0, "Severe": 0.75, "Moderate": 0.5, "Minor": 0.25}
WIND_BANDS: dict[float, float] = {64.0: 1.0, 50.0: 0.75, 34.0: 0.5}
WEIGHTS = {"needs": 0.25, "urgency": 0.15, "people": 0.15, "reporters": 0.20, "warnings": 0.25}


@dataclass(frozen=True, slots=True)
class ZoningParams:
    """Knobs of the zoning (clustering ones in ``cluster``)."""

    cluster: ClusterParams = field(default_factory=ClusterParams)
    active_h: float = 48.0
    """Incidents seen within this many hours (scenario clock) make zones."""
    zone_gap_m: float = 2000.0
    """Footprints are grown by this much; closer than twice it, they join one zone."""
    trend_window_h: float = 3.0
    """Window of the trend (reports in the last window against the one before)."""
    batch_limit: int = 50_000
    """Most report changes read per update."""
    redraw_h: float = 3.0
    """Reports zones are redrawn from scratch (split where incidents aged out, outlines shrunk) when
    this many hours (scenario clock) have passed since the last redraw; in between they only grow."""
    zone_min_reporters: int = 2
    """Independent reporters that make an incident corroborated enough to draw a zone (see
    :func:`zone_worthy`: one chatty post is not an affected area)."""


class TrackFix(Protocol):
    """A best-track fix (``streams.scenarios.amphan.TRACK`` items fit)."""

    time: datetime
    lat: float
    lon: float
    wind_kt: float


# --- wind radii ---------------------------------------------------------------------------------


def wind_radius_km(max_wind_kt: float, threshold_kt: float, lat: float) -> float:
    """Radius (km) out to which winds reach ``threshold_kt`` around a storm of ``max_wind_kt``.

    A modified Rankine vortex V(r) = Vmax (Rmax / r)^0.5 outside the radius of maximum wind, with
    Rmax from Willoughby, Darling and Rahn (2006): Rmax = 46.4 exp(-0.0155 Vmax + 0.0169 |lat|) km,
    Vmax in m/s. For Amphan at landfall (~85 kt) this gives ~190 km for 34 kt, the order IMD
    reported. 0 when the storm is weaker than the threshold."""
    if max_wind_kt < threshold_kt or threshold_kt <= 0:
        return 0.0
    vmax_ms = max_wind_kt * 0.514444
    rmax = 46.4 * math.exp(-0.0155 * vmax_ms + 0.0169 * abs(lat))
    return rmax * (max_wind_kt / threshold_kt) ** 2


def _circle(lat: float, lon: float, radius_km: float, n: int = 48) -> shapely.Polygon:
    """Geodesic circle on the sphere: destination points at ``radius_km`` on ``n`` bearings."""
    d = radius_km * 1000.0 / EARTH_RADIUS_M
    b = np.radians(np.linspace(0, 360, n, endpoint=False))
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = np.arcsin(np.sin(p1) * np.cos(d) + np.cos(p1) * np.sin(d) * np.cos(b))
    l2 = l1 + np.arctan2(np.sin(b) * np.sin(d) * np.cos(p1), np.cos(d) - np.sin(p1) * np.sin(p2))
    return shapely.Polygon(np.column_stack((np.degrees(l2), np.degrees(p2))))


def _fixes_until(track: Sequence[TrackFix], now: datetime) -> list[tuple[datetime, float, float, float]]:
    fixes = [(f.time, f.lat, f.lon, f.wind_kt) for f in track if f.time <= now]
    later = [f for f in track if f.time > now]
    if fixes and later:  # the storm's position now, between two fixes
        a, b = fixes[-1], later[0]
        k = (now - a[0]) / (b.time - a[0])
        fixes.append((now, a[1] + k * (b.lat - a[1]), a[2] + k * (b.lon - a[2]), a[3] + k * (b.wind_kt - a[3])))
    return fixes


def wind_swaths(track: Sequence[TrackFix], now: datetime) -> dict[float, tuple[Any, datetime, bool]]:
    """For each wind band (kt): the swath polygon up to ``now``, when the band first appeared and
    whether the storm still blows at that strength now. Bands never reached are left out."""
    fixes = _fixes_until(track, now)
    out: dict[float, tuple[Any, datetime, bool]] = {}
    for band in WIND_BANDS:
        circles = [(t, _circle(la, lo, wind_radius_km(w, band, la))) for t, la, lo, w in fixes if w >= band]
        if not circles:
            continue
        parts = [c for _, c in circles]
        parts += [shapely.convex_hull(shapely.union(a, b)) for (_, a), (_, b) in zip(circles, circles[1:], strict=False)]
        swath = shapely.union_all(parts)
        out[band] = (swath, circles[0][0], bool(fixes[-1][3] >= band))
    return out


# --- helpers --------------------------------------------------------------------------------------


def _local_buffer(geoms: Sequence[Any], distance_m: float) -> Any:
    """Union of geometries (lon/lat) grown by ``distance_m`` metres, computed in a local
    equirectangular projection centred on them."""
    valid = np.asarray([g for g in geoms if g is not None and not g.is_empty], dtype=object)
    union = shapely.union_all(_uncovered(valid))
    if union.is_empty:
        return union
    c = union.centroid
    lat0, lon0 = c.y, c.x
    k = math.cos(math.radians(lat0))

    def fwd(xy: np.ndarray) -> np.ndarray:
        return np.column_stack((np.radians(xy[:, 0] - lon0) * EARTH_RADIUS_M * k, np.radians(xy[:, 1] - lat0) * EARTH_RADIUS_M))

    def inv(xy: np.ndarray) -> np.ndarray:
        return np.column_stack((lon0 + np.degrees(xy[:, 0] / (EARTH_RADIUS_M * k)), lat0 + np.degrees(xy[:, 1] / EARTH_RADIUS_M)))

    grown = shapely.buffer(shapely.transform(union, fwd), distance_m, quad_segs=4)
    return shapely.transform(shapely.simplify(grown, 25.0), inv)


def _uncovered(geoms: np.ndarray, share: float = 0.05) -> np.ndarray:
    """The polygons (lon/lat) that lie inside no other one of them (of equal ones the first): their
    union is the union of all, and far cheaper when footprints pile up.

    Two cheap tests, each against the ``share`` largest: a polygon whose farthest vertex from its
    centroid, plus the distance to another's centroid, stays within that other's inscribed disk about
    its centroid (metres; 0.5 % and 1 m to spare), then an exact ``within`` test on what is left."""
    n = len(geoms)
    if n < 64:
        return geoms
    centre = shapely.centroid(geoms)
    clat, clon = shapely.get_y(centre), shapely.get_x(centre)
    coords, where = shapely.get_coordinates(geoms, return_index=True)
    x = np.radians(coords[:, 0] - clon[where]) * EARTH_RADIUS_M * np.cos(np.radians(clat[where]))
    y = np.radians(coords[:, 1] - clat[where]) * EARTH_RADIUS_M
    outer = np.zeros(n)
    np.maximum.at(outer, where, np.hypot(x, y))
    # inscribed radius about the centroid: distance to the nearest edge (polygons without holes that
    # hold their centroid; others get 0 and cover nothing in this test)
    px, py, dx, dy = x[:-1], y[:-1], np.diff(x), np.diff(y)
    edge = where[:-1] == where[1:]
    t = np.clip(-(px * dx + py * dy) / np.maximum(dx * dx + dy * dy, 1e-18), 0.0, 1.0)
    inner = np.full(n, np.inf)
    np.minimum.at(inner, where[:-1][edge], np.hypot(px + t * dx, py + t * dy)[edge])
    solid = (shapely.get_type_id(geoms) == 3) & (shapely.get_num_interior_rings(geoms) == 0) \
        & shapely.contains_xy(geoms, clon, clat) & np.isfinite(inner)  # fmt: skip
    inner = np.where(solid, inner, 0.0)
    covered = np.zeros(n, bool)
    big = np.argsort(-inner, kind="stable")[: max(1, int(n * share))]
    xyz = unit_xyz(clat, clon)
    near = cKDTree(xyz).query_ball_point(xyz[big], chord_m(inner[big]))
    lens = np.fromiter(map(len, near), np.int64, len(big))
    j = np.repeat(big, lens)
    i = np.fromiter(itertools.chain.from_iterable(near), np.int64, int(lens.sum()))
    inside = (i != j) & ((haversine_m(clat[i], clon[i], clat[j], clon[j]) + outer[i]) * 1.005 + 1.0 < inner[j])
    covered[i[inside]] = True
    rest = np.flatnonzero(~covered)
    large = rest[np.argsort(-shapely.area(geoms[rest]), kind="stable")[: max(1, int(len(rest) * share))]]
    a, b = shapely.STRtree(geoms[large]).query(geoms[rest], predicate="within")
    a, b = rest[a], large[b]
    a, b = a[a != b], b[a != b]
    same = shapely.equals(geoms[a], geoms[b])  # equal polygons lie within each other: drop the later
    covered[a[~same | (a > b)]] = True
    return geoms[~covered]


@lru_cache(maxsize=1)
def _district_tree() -> tuple[Any, np.ndarray]:
    from geo.boundaries import districts

    frame = districts()
    return shapely.STRtree(frame.geometry.to_numpy()), frame["district_lgd"].to_numpy()


def _districts_of(geoms: Sequence[Any]) -> list[tuple[int, ...]]:
    """LGD district codes each geometry intersects (India's districts, geo.boundaries)."""
    tree, codes = _district_tree()
    arr = np.asarray(list(geoms), dtype=object)
    valid = np.array([g is not None and not g.is_empty for g in arr], bool)
    out: list[set[int]] = [set() for _ in arr]
    if valid.any():
        idx = np.flatnonzero(valid)
        pairs = tree.query(arr[idx], predicate="intersects")
        for a, b in zip(pairs[0], pairs[1], strict=True):
            out[int(idx[a])].add(int(codes[b]))
    return [tuple(sorted(s)) for s in out]


def _zone_id(prefix: str, key: str) -> str:
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:10]}"


def severity(
    needs: dict[str, int], urgency_rank: int, people: int, reporters: int, warning: float
) -> tuple[float, dict[str, float]]:
    """The module docstring's formula: (score, its terms)."""
    weighted = sum(NEED_WEIGHTS.get(k, DEFAULT_NEED_WEIGHT) * v for k, v in needs.items())
    parts = {
        "needs": 1 - math.exp(-weighted / 5.0),
        "urgency": min(1.0, urgency_rank / 4.0),
        "people": min(1.0, math.log10(1 + max(people, 0)) / 3.0),
        "reporters": 1 - math.exp(-max(reporters, 0) / 10.0),
        "warnings": float(min(1.0, max(warning, 0.0))),
    }
    score = 100.0 * sum(WEIGHTS[k] * v for k, v in parts.items())
    return round(score, 2), {k: round(v, 4) for k, v in parts.items()}


def _trend(is_new: bool, recent: int, before: int, reports_zone: bool) -> str:
    if is_new:
        return "new"
    if recent >= 2 and recent > 1.25 * before:
        return "growing"
    if recent < 0.75 * before or (reports_zone and recent == 0):
        return "receding"
    return "stable"


# --- zones ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Agg:
    incident_ids: tuple[str, ...]
    reports: int
    reporters: int
    people: int
    needs: dict[str, int]
    urgency: int
    recent: int
    before: int
    first_seen: datetime | None


def _aggregates(inc: pd.DataFrame, labels: np.ndarray, n: int, counts: pd.DataFrame) -> list[_Agg]:
    """:class:`_Agg` of each of ``n`` groups of incidents (``labels`` 0..n-1 per row of ``inc``), all
    groups in one pass over arrays (no frame per group)."""
    labels = np.asarray(labels, np.int64)
    ids = inc["incident_id"].to_numpy(dtype=object)

    def total(col: str | np.ndarray) -> np.ndarray:
        v = inc[col].to_numpy(float) if isinstance(col, str) else col
        return np.bincount(labels, weights=np.nan_to_num(v), minlength=n)

    reports, reporters, people = total("reports"), total("reporters"), total("people")
    c = counts.reindex(ids) if len(counts) else pd.DataFrame({"recent": np.zeros(len(ids)), "before": 0.0})
    recent, before = total(c["recent"].to_numpy(float)), total(c["before"].to_numpy(float))
    urg = np.zeros(n, np.int64)
    codes, words = pd.factorize(inc["urgency"].to_numpy(dtype=object))
    word_rank = np.array([URGENCY_RANK.get(str(u).lower(), 0) for u in words] + [0], np.int64)
    np.maximum.at(urg, labels, word_rank[codes])  # code -1 (missing) takes the trailing 0
    first_h = hours(inc["first_seen"]) if len(inc) else np.zeros(0)
    first = np.full(n, np.inf)
    np.minimum.at(first, labels, np.where(np.isfinite(first_h), first_h, np.inf))
    # needs: distinct dicts once (the store decodes equal texts to one object), then one sum per need
    values = inc["needs"].tolist()
    _, where, codes = np.unique(np.fromiter(map(id, values), np.int64, len(values)), return_index=True, return_inverse=True)
    distinct = {c: values[k] for c, k in enumerate(where.tolist())}
    kinds = sorted({str(key) for v in distinct.values() if v for key in v})
    table = np.zeros((len(distinct) + 1, len(kinds)))
    for c, v in distinct.items():
        for key, count in (v or {}).items():
            table[c, kinds.index(str(key))] += count
    sums = np.stack([np.bincount(labels, weights=table[codes, q], minlength=n) for q in range(len(kinds))], axis=1) \
        if kinds else np.zeros((n, 0))
    needs = [{kinds[q]: int(sums[k, q]) for q in np.flatnonzero(sums[k])} for k in range(n)]
    order = np.lexsort((ids.astype(str), labels))
    bounds = np.searchsorted(labels[order], np.arange(n + 1))
    return [
        _Agg(tuple(ids[order[bounds[k] : bounds[k + 1]]].tolist()), int(reports[k]), int(reporters[k]),
             int(people[k]), needs[k], int(urg[k]), int(recent[k]), int(before[k]),
             to_time(first[k]) if np.isfinite(first[k]) else None)
        for k in range(n)
    ]  # fmt: skip


def _aggregate(inc: pd.DataFrame, counts: pd.DataFrame) -> _Agg:
    return _aggregates(inc, np.zeros(len(inc), np.int64), 1, counts)[0]


def zone_worthy(incidents: pd.DataFrame, min_reporters: int = 2) -> np.ndarray:
    """Which incidents draw reports zones.

    An incident that describes harm or states a need (:data:`ACTIONABLE` category, or any need) and
    was reported by ``min_reporters`` independent people; a single report that states a need with a
    number of people or with high urgency in an actionable category; any incident an operator
    acknowledged or assigned. The rest (one person's chatter, advice, sympathy, donation appeals)
    stay incidents on the map and in triage but do not make an affected zone. ``incidents``: the
    columns of ``zoning_incidents`` (reporters, people, needs, category, urgency, status)."""
    if not len(incidents):
        return np.zeros(0, bool)
    n = len(incidents)
    reporters = pd.to_numeric(incidents["reporters"], errors="coerce").fillna(0).to_numpy() >= min_reporters
    people = pd.to_numeric(incidents["people"], errors="coerce").fillna(0).to_numpy() > 0
    needs = np.fromiter((bool(x) for x in incidents["needs"]), bool, n)
    actionable = incidents["category"].isin(ACTIONABLE).to_numpy()
    urgent = incidents["urgency"].eq("high").to_numpy()
    taken = incidents["status"].isin(("acknowledged", "assigned")).to_numpy()
    return ((actionable | needs) & reporters) | (needs & ((urgent & actionable) | people)) | taken


def _report_components(inc: pd.DataFrame, gap_m: float) -> np.ndarray:
    """Zone label per incident: incidents whose circles (radius + gap) touch are in one zone.

    Two passes: pairs closer than twice the smallest circle touch whatever their radii (no distance
    check); only when that leaves several components are the circles touching those outside the
    largest component looked up (a pair joining two components has an end outside the largest)."""
    lat, lon = inc["lat"].to_numpy(float), inc["lon"].to_numpy(float)
    r = np.nan_to_num(inc["radius_m"].to_numpy(float), nan=0.0) + gap_m
    n = len(inc)
    if n < 2:
        return np.zeros(n, np.int64)
    xyz = unit_xyz(lat, lon)
    tree = cKDTree(xyz)
    sure = tree.query_pairs(float(chord_m(2 * float(r.min()))) * (1 - 1e-9), output_type="ndarray")
    labels = components(n, sure[:, 0], sure[:, 1])
    if labels.max() == 0:
        return labels
    # a pair joining two components has an end outside the largest one: look up from those ends only
    outside = np.flatnonzero(labels != np.bincount(labels).argmax())
    i, j = _touching(lat, lon, r, outside)
    return components(n, i, j, labels)


def _touching(lat: np.ndarray, lon: np.ndarray, r: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i, j), i in ``query``, of circles that touch: great-circle distance <= r_i + r_j. The
    1 % largest circles are looked up from their side, so one huge circle does not widen every search."""
    xyz = unit_xyz(lat, lon)
    if len(query) == 0 or len(lat) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    cap = float(np.quantile(r, 0.99))
    big = np.flatnonzero(r > cap)
    near = cKDTree(xyz).query_ball_point(xyz[query], chord_m(r[query] + cap) * (1 + 1e-9) + 1e-6)
    lens = np.fromiter(map(len, near), np.int64, len(query))
    i = np.repeat(query, lens)
    j = np.fromiter(itertools.chain.from_iterable(near), np.int64, int(lens.sum()))
    if len(big):
        far = cKDTree(xyz[query]).query_ball_point(xyz[big], chord_m(r[big] + float(r[query].max())) * (1 + 1e-9) + 1e-6)
        lens = np.fromiter(map(len, far), np.int64, len(big))
        i = np.concatenate((i, query[np.fromiter(itertools.chain.from_iterable(far), np.int64, int(lens.sum()))]))
        j = np.concatenate((j, np.repeat(big, lens)))
    ok = (i != j) & (haversine_m(lat[i], lon[i], lat[j], lon[j]) <= r[i] + r[j])
    return i[ok], j[ok]


def _grown_components(inc: pd.DataFrame, zone_of: dict[str, str], touched: frozenset[str], gap_m: float) -> np.ndarray:
    """Zone label per incident between redraws: the stored zones, joined by the circles (radius +
    gap) of the touched incidents and of those in no zone yet."""
    ids = inc["incident_id"].tolist()
    groups, _ = pd.factorize(pd.Series([zone_of.get(i) for i in ids], dtype=object))
    query = np.flatnonzero((groups < 0) | np.fromiter((i in touched for i in ids), bool, len(ids)))
    lat, lon = inc["lat"].to_numpy(float), inc["lon"].to_numpy(float)
    r = np.nan_to_num(inc["radius_m"].to_numpy(float), nan=0.0) + gap_m
    i, j = _touching(lat, lon, r, query)
    return components(len(ids), i, j, groups)


def build_zones(
    store: Any,
    now: datetime,
    params: ZoningParams | None = None,
    track: Sequence[TrackFix] = (),
    touched: frozenset[str] = frozenset(),
    redraw: bool = True,
    window: ZoningWindow | None = None,
) -> list[Zone]:
    """All zones at ``now``; a reports zone whose incidents neither changed nor were ``touched``
    keeps its stored geometry and districts. Without ``redraw``, reports zones only grow: the stored
    zones are joined where ``touched`` or new incidents link them, and their outlines are extended
    with those incidents' footprints; incidents that aged out or merged away leave a zone's counts
    at once but its outline and connectivity only at the next redraw."""
    params = params or ZoningParams()
    now_h = float(hours(pd.Series([now]))[0])
    since = now - timedelta(hours=params.active_h)
    held = window is not None and window.holds(since)  # the working set answers for the store
    active = window.zoning_incidents(since) if held else store.zoning_incidents(since)  # type: ignore[union-attr]
    active = active[zone_worthy(active, params.zone_min_reporters)].reset_index(drop=True)
    w = params.trend_window_h
    counts = window.member_counts(now_h - 2 * w, now_h - w) if held else None  # type: ignore[union-attr]
    counts = (counts if counts is not None else store.member_counts(now_h - 2 * w, now_h - w)).set_index("incident_id")
    previous = store.zones_frame()
    prev_reports = previous[previous["kind"] == "reports"]
    zones: list[Zone] = []

    # reports zones: components of touching incidents, each matched to the stored zone sharing most
    # incidents (its id kept); a zone whose incidents are the same and untouched keeps its geometry
    prev_sets = {row.zone_id: frozenset(row.incident_ids or []) for row in prev_reports.itertuples()}
    prev_rank = {zid: k for k, zid in enumerate(prev_sets)}
    zone_of = {inc: zid for zid, s in prev_sets.items() for inc in s}
    redraw = redraw or not prev_sets
    if not len(active):
        labels = np.zeros(0, np.int64)
    elif redraw:
        labels = _report_components(active, params.zone_gap_m)
    else:
        labels = _grown_components(active, zone_of, touched, params.zone_gap_m)
    uniq, labels, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    aggs = _aggregates(active, labels, len(uniq), counts)
    claimed: set[str] = set()
    prev_by_id = prev_reports.set_index("zone_id") if len(prev_reports) else prev_reports
    pending: list[tuple[str, int, bool]] = []
    for k in sorted(range(len(uniq)), key=lambda k: -sizes[k]):
        ids = aggs[k].incident_ids
        overlap = Counter(z for z in map(zone_of.get, ids) if z is not None and z not in claimed)
        best = min(overlap, key=lambda z: (-overlap[z], prev_rank[z])) if overlap else None
        zid = best
        if zid is None:  # a new zone: named after its first incident, never an id in use
            zid, j = _zone_id("zone", ids[0]), 1
            while zid in claimed or zid in prev_sets:
                zid, j = _zone_id("zone", f"{ids[0]}#{j}"), j + 1
        claimed.add(zid)
        reuse = best is not None and len(prev_sets[best]) == len(ids) and prev_sets[best].issuperset(ids) \
            and touched.isdisjoint(ids)
        pending.append((zid, k, reuse))
    # geometry: redrawn from every footprint, or (between redraws) the stored outlines of the zones a
    # group grew from joined with the footprints of its new and changed incidents only
    fresh = [k for _, k, reuse in pending if not reuse]
    grown_from = {k: sorted({z for z in map(zone_of.get, aggs[k].incident_ids) if z is not None}) for k in fresh}
    drawn = {k: [i for i in aggs[k].incident_ids if redraw or i in touched or i not in zone_of] for k in fresh}
    shapes = iter((window if held else store).footprints([i for k in fresh for i in drawn[k]]))  # type: ignore[union-attr]
    pieces = {k: [next(shapes) for _ in drawn[k]] for k in fresh}
    new_geoms = {k: _local_buffer([g for g, _ in pieces[k]], params.zone_gap_m) for k in fresh}
    new_dists = dict(zip(fresh, _districts_of([new_geoms[k] for k in fresh]), strict=True))
    warn_alert, warn_wind, alert_rows, swaths = _warnings(store, now, track, active)
    warn = np.zeros(len(uniq))
    np.maximum.at(warn, labels, np.maximum(warn_alert.to_numpy(float), warn_wind.to_numpy(float)))
    for zid, k, reuse in pending:
        agg = aggs[k]
        if reuse:
            row = prev_by_id.loc[zid]
            geom, dists, first = row.geometry, tuple(row["districts"] or ()), row["first_seen"].to_pydatetime()
        else:
            dist_set = set(new_dists[k]) | {d for _, ds in pieces[k] for d in ds}
            geom = new_geoms[k]
            if not redraw and grown_from[k]:
                old = [prev_by_id.loc[z, "geometry"] for z in grown_from[k]]
                geom = shapely.union_all([g for g in [*old, geom] if g is not None and not g.is_empty])
                dist_set |= {int(d) for z in grown_from[k] for d in (prev_by_id.loc[z, "districts"] or ())}
            dists = tuple(sorted(dist_set))
            first = prev_by_id.loc[zid, "first_seen"].to_pydatetime() if zid in prev_by_id.index else now
        score, parts = severity(agg.needs, agg.urgency, agg.people, agg.reporters, float(warn[k]))
        is_new = zid not in prev_by_id.index or first >= now - timedelta(hours=w)
        zones.append(Zone(zid, "reports", geom, score, parts, _trend(is_new, agg.recent, agg.before, True),  # type: ignore[arg-type]
                          dists, agg.incident_ids, agg.reports, agg.reporters, agg.people, agg.needs, first, now))  # fmt: skip

    # alert zones
    alert_geoms = [row.geometry for row in alert_rows.itertuples()]
    alert_districts = _districts_of(alert_geoms) if len(alert_rows) else []
    for (row, dists) in zip(alert_rows.itertuples(), alert_districts, strict=True):
        inside = _inside(row.geometry, active)
        agg = _aggregate(active[inside], counts)
        cap = CAP_SEVERITY.get(str(row.severity), 0.0)
        wind = float(warn_wind[inside].max()) if inside.any() else 0.0
        score, parts = severity(agg.needs, agg.urgency, agg.people, agg.reporters, max(cap, wind))
        sent = row.sent.to_pydatetime()
        zones.append(Zone(f"alert-{row.alert_id}", "alert", row.geometry, score, parts,
                          _trend(sent >= now - timedelta(hours=w), agg.recent, agg.before, False),  # type: ignore[arg-type]
                          dists, agg.incident_ids, agg.reports, agg.reporters, agg.people, agg.needs, sent, now,
                          alert_ids=(str(row.alert_id),)))  # fmt: skip

    # wind zones
    bands = sorted(swaths)
    wind_districts = _districts_of([swaths[b][0] for b in bands]) if bands else []
    for band, dists in zip(bands, wind_districts, strict=True):
        swath, first, blowing = swaths[band]
        inside = _inside(swath, active)
        agg = _aggregate(active[inside], counts)
        alert = float(warn_alert[inside].max()) if inside.any() else 0.0
        score, parts = severity(agg.needs, agg.urgency, agg.people, agg.reporters, max(WIND_BANDS[band], alert))
        trend = "new" if first >= now - timedelta(hours=w) else ("growing" if blowing else "receding")
        zones.append(Zone(f"wind-{int(band)}kt", "wind", swath, score, parts, trend, dists,  # type: ignore[arg-type]
                          agg.incident_ids, agg.reports, agg.reporters, agg.people, agg.needs, first, now,
                          wind_kt=band))  # fmt: skip
    zones.sort(key=lambda z: (-z.severity, z.zone_id))
    return zones


def _inside(geom: Any, inc: pd.DataFrame) -> np.ndarray:
    if geom is None or len(inc) == 0:
        return np.zeros(len(inc), bool)
    return shapely.contains_xy(geom, inc["lon"].to_numpy(float), inc["lat"].to_numpy(float))


def _warnings(
    store: Any, now: datetime, track: Sequence[TrackFix], inc: pd.DataFrame
) -> tuple[pd.Series, pd.Series, pd.DataFrame, dict[float, tuple[Any, datetime, bool]]]:
    """Per incident: the official (CAP severity) and wind term at its centre; the alerts in force
    with an area; the wind swaths."""
    alerts = store.alerts_frame(live_at=now)
    alerts = alerts[alerts.geometry.notna()] if len(alerts) else alerts
    official = np.zeros(len(inc))
    for row in alerts.itertuples():
        value = CAP_SEVERITY.get(str(row.severity), 0.0)
        if value > 0:
            hit = _inside(row.geometry, inc)
            official[hit] = np.maximum(official[hit], value)
    swaths = wind_swaths(track, now) if track else {}
    wind = np.zeros(len(inc))
    for band, (swath, _, _) in swaths.items():
        hit = _inside(swath, inc)
        wind[hit] = np.maximum(wind[hit], WIND_BANDS[band])
    return pd.Series(official, index=inc.index), pd.Series(wind, index=inc.index), alerts, swaths


# --- the zoning step ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ZoningResult:
    """What one :func:`update` did."""

    reports: int
    incidents_touched: int
    created: int
    merged: int
    split: int
    zones: int
    cursor: int
    seconds: float
    now: datetime


def update(
    store: Any,
    params: ZoningParams | None = None,
    *,
    track: Sequence[TrackFix] = (),
    now: datetime | None = None,
    rebuild: bool = False,
    window: ZoningWindow | None = None,
) -> ZoningResult:
    """One zoning step: incidents from the reports changed since the last step (all of them on the
    first step or with ``rebuild``), then the zones at ``now`` (default: the newest event time in
    the store, the scenario's clock). A zoning process passes the same ``window`` to every step: it
    keeps recent members and incidents in memory (:class:`geo._window.ZoningWindow`), same results."""
    params = params or ZoningParams()
    started = time.perf_counter()
    cursor = store.zoning_cursor()
    if cursor is None or rebuild:
        new_cursor = store.change_cursor()
        reports = pd.DataFrame(store.reports_frame()).drop(columns="geometry")
        result: IncidentUpdate = rebuild_incidents(reports, params.cluster)
        store.write_zoning(members=result.members, incidents=result.incidents, summaries=result.summaries,
                           history=result.history, reset=True)
        n_reports = len(reports)
        if window is not None:
            window.reset()  # read again (recent members only) at the next step
    else:
        if window is not None:
            window.sync(store, cursor)
        reports, new_cursor = store.report_changes(cursor, params.batch_limit)
        result = update_incidents(store, reports, params.cluster, window)
        store.write_zoning(members=result.members, placed=result.placed, renamed=result.renamed,
                           incidents=result.incidents, summaries=result.summaries, history=result.history)
        n_reports = len(reports)
        if window is not None:
            window.rename(result.renamed)
            window.apply(result.members, new_cursor)
            window.apply_incidents(result.incidents)
    now = now or store.latest_event_time() or datetime.now(UTC)
    now_h = float(hours(pd.Series([now]))[0])
    state = f"{now_h!r} {store.count_alerts()} {len(track)}"  # what the zones depend on besides reports
    if n_reports == 0 and not result.touched and not rebuild and cursor is not None \
            and store.zoning_value("zones_state") == state:
        # nothing changed since the last step: the stored zones stand (an idle worker costs no CPU)
        return ZoningResult(0, 0, 0, 0, 0, len(store.zones_frame()), new_cursor, time.perf_counter() - started, now)
    drawn = store.zoning_value("zones_drawn_h")
    redraw = rebuild or cursor is None or drawn is None or not now_h - params.redraw_h < float(drawn) <= now_h
    zones = build_zones(store, now, params, track, result.touched, redraw=redraw, window=window)
    values = {"zones_state": state} | ({"zones_drawn_h": repr(now_h)} if redraw else {})
    store.write_zoning(zones=zones, cursor=new_cursor, now=now, values=values)
    kinds = Counter(e.kind for e in result.history)
    return ZoningResult(n_reports, len(result.touched), kinds["created"], kinds["merged"], kinds["split"], len(zones),
                        new_cursor, time.perf_counter() - started, now)  # fmt: skip
