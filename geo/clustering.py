"""Spatio-temporal clustering of located reports: friends-of-friends linking on great-circle distance
within a time window, with each report's uncertainty radius taken into account.

Geometry: points go on a sphere of radius R = 6,371,008.8 m (IUGG mean radius) as 3-D vectors. The
chord c between two points gives the great-circle distance d = 2R asin(c / 2R) exactly, so a k-d tree
over the vectors finds every pair within d by searching the chord 2R sin(d / 2R); distances are then
checked exactly with the haversine formula. Time joins the tree as a fourth, scaled axis, so a pair
far apart in time is never even looked at. The sphere is within 0.5 % of the WGS84 geodesic.

Uncertainty decides what a report may do (:func:`tiers`):

- ``point`` (radius <= ``point_radius_m``: GPS, a village): linked to another point report when
  ``d <= eps_m + uncertainty_weight * (r_i + r_j)`` and ``|t_i - t_j| <= window_h``: their true
  places may be within ``eps_m`` of each other. Incidents are the connected components
  (friends-of-friends, i.e. DBSCAN with ``min_samples=1``: a lone report is an incident too).
- ``area`` (up to ``coarse_radius_m``: a town, a block): never links point reports together, so it
  cannot chain two villages into one incident; it joins the incident with most point reports inside
  its circle (grown by ``eps_m``) in the window, else forms an incident with area reports at the same
  place (within ``eps_m``).
- ``coarse`` (a district, a state) and ``unlocated``: never clustered; the zoning counts them per
  district or as unlocated.

Needs must be compatible too (:func:`need_kinds`): a report of a missing person links only to other
reports of missing people, and reports of any other need only to each other, so a missing child
and the flooded street next to it stay two incidents (a relief team and a search team).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True, slots=True)
class ClusterParams:
    """Knobs of the clustering (defaults tuned on the Amphan scenario, see benchmarks/bench_zones.py)."""

    eps_m: float = 400.0
    """Two reports whose true places are this close (metres) and within the window are linked."""
    window_h: float = 24.0
    """Most hours between two linked reports (an incident lives on while reports keep coming)."""
    uncertainty_weight: float = 0.1
    """Share of the two uncertainty radii added to ``eps_m``. 1 is the full geometric bound, but a
    gazetteer radius is the extent of the whole village (2 km) and every report naming it gets the
    same point, so the full bound chains neighbouring villages: 0.1 scored best on the scenario."""
    point_radius_m: float = 2000.0
    """Reports this certain or better are clustered as points."""
    precise_radius_m: float = 100.0
    """Reports this certain (GPS, explicit coordinates) are precise: see ``precise_weight``."""
    precise_weight: float = 0.25
    """Extra share of the other report's radius a precise report may be from it and still link:
    the GPS post of a villager lies somewhere inside the village a neighbour's post names."""
    coarse_radius_m: float = 10_000.0
    """Reports less certain than this are counted per district, never clustered."""


def unit_xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """(n, 3) points on the sphere of radius :data:`EARTH_RADIUS_M` (metres)."""
    la, lo = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    c = np.cos(la)
    return EARTH_RADIUS_M * np.column_stack((c * np.cos(lo), c * np.sin(lo), np.sin(la)))


def chord_m(distance_m: float | np.ndarray) -> float | np.ndarray:
    """Straight-line chord (metres) of a great-circle distance (metres)."""
    return 2 * EARTH_RADIUS_M * np.sin(np.minimum(np.asarray(distance_m, float), np.pi * EARTH_RADIUS_M) / (2 * EARTH_RADIUS_M))


def haversine_m(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance in metres (haversine, mean-radius sphere), element-wise."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(np.subtract(lon2, lon1)) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


#: Needs and categories that make a report a search for people (kind 1 in :func:`need_kinds`).
MISSING_NEEDS = frozenset({"missing_person"})
MISSING_CATEGORIES = frozenset({"missing_or_found_people"})


#: Categories that describe harm or need at a place (not advice, sympathy, donations or chatter).
ACTIONABLE = frozenset({"requests_or_urgent_needs", "injured_or_dead_people", "missing_or_found_people",
                        "displaced_people_and_evacuations", "infrastructure_and_utility_damage"})
#: Kinds of report for linking (:func:`need_kinds`).
KIND_NEED, KIND_MISSING, KIND_ROAD = 0, 1, 2


def need_kinds(needs: Sequence[Any], category: Sequence[Any]) -> np.ndarray:
    """Kind of each report for linking; only reports of the same kind are linked:
    :data:`KIND_MISSING` a missing or found person (by needs or category); :data:`KIND_ROAD` a report
    with no category (traffic police: a closed road is its own incident, and a chain of road reports
    must not join the distress calls of a whole city); :data:`KIND_NEED` the rest. ``needs`` holds lists of need names (or their
    JSON text, as stored)."""
    quoted = [json.dumps(n) for n in MISSING_NEEDS]
    out = np.zeros(len(needs), np.int8)
    for k, (need, cat) in enumerate(zip(needs, category, strict=True)):
        if isinstance(need, str):
            hit = any(q in need for q in quoted)
        else:
            hit = isinstance(need, (list, tuple, set, frozenset)) and any(n in MISSING_NEEDS for n in need)
        if hit or cat in MISSING_CATEGORIES:
            out[k] = KIND_MISSING
        elif not isinstance(cat, str):
            out[k] = KIND_ROAD
    return out


def tiers(radius_m: np.ndarray, located: np.ndarray, params: ClusterParams) -> np.ndarray:
    """``point``, ``area``, ``coarse`` or ``unlocated`` for each report (see the module docstring)."""
    r = np.asarray(radius_m, float)
    r = np.where(np.isfinite(r), r, np.inf)
    out = np.full(len(r), "coarse", dtype=object)
    out[r <= params.coarse_radius_m] = "area"
    out[r <= params.point_radius_m] = "point"
    out[~np.asarray(located, bool)] = "unlocated"
    return out


def _space_time(lat: np.ndarray, lon: np.ndarray, t_h: np.ndarray, reach_m: float, window_h: float) -> np.ndarray:
    """4-D coordinates: sphere vectors and time scaled so ``window_h`` hours weigh ``chord(reach_m)``."""
    scale = float(chord_m(reach_m)) / max(window_h, 1e-9)
    return np.column_stack((unit_xyz(lat, lon), np.asarray(t_h, float) * scale))


def _pairs(
    lat: np.ndarray, lon: np.ndarray, t_h: np.ndarray, reach_m: float, window_h: float, query: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (i, j), i < j or i in ``query``: a superset of those within reach and window."""
    pts = _space_time(lat, lon, t_h, reach_m, window_h)
    r = float(chord_m(reach_m)) * np.sqrt(2.0) * (1 + 1e-9) + 1e-6
    tree = cKDTree(pts)
    if query is None:
        pairs = tree.query_pairs(r, output_type="ndarray")
        return pairs[:, 0], pairs[:, 1]
    if len(query) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    sub = cKDTree(pts[query])
    m = sub.sparse_distance_matrix(tree, r, output_type="ndarray")
    i, j = query[m["i"]], m["j"].astype(np.int64)
    keep = i != j
    return i[keep], j[keep]


def _reach(ri: np.ndarray, rj: np.ndarray, params: ClusterParams) -> np.ndarray:
    """Linking distance of two point reports: ``eps_m`` plus a share of their radii; a precise
    report (GPS, coordinates) reaches further into a village-level circle, where its people are."""
    lo, hi = np.minimum(ri, rj), np.maximum(ri, rj)
    extra = np.where(lo <= params.precise_radius_m, params.precise_weight * hi, 0.0)
    return params.eps_m + params.uncertainty_weight * (ri + rj) + extra


def link_pairs(
    lat: np.ndarray,
    lon: np.ndarray,
    t_h: np.ndarray,
    radius_m: np.ndarray,
    params: ClusterParams,
    query: np.ndarray | None = None,
    kind: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of point reports that are linked: great-circle distance within ``eps_m`` plus the
    weighted sum of their radii, event times within ``window_h`` and, with ``kind``
    (:func:`need_kinds`), the same kind. With ``query`` (indices), only pairs with one end in it."""
    lat, lon, t_h = np.asarray(lat, float), np.asarray(lon, float), np.asarray(t_h, float)
    r = np.nan_to_num(np.asarray(radius_m, float), nan=0.0)
    if len(lat) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    reach = params.eps_m + (2 * params.uncertainty_weight + params.precise_weight) * float(r.max())
    i, j = _pairs(lat, lon, t_h, reach, params.window_h, query)
    d = haversine_m(lat[i], lon[i], lat[j], lon[j])
    ok = (d <= _reach(r[i], r[j], params)) & (np.abs(t_h[i] - t_h[j]) <= params.window_h)
    if kind is not None:
        k = np.asarray(kind)
        ok &= k[i] == k[j]
    return i[ok], j[ok]


def components(n: int, i: np.ndarray, j: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Connected-component label of each of ``n`` nodes given edges (i, j); nodes with the same
    non-negative ``groups`` value are joined first (the incidents already known)."""
    ii, jj = [np.asarray(i, np.int64)], [np.asarray(j, np.int64)]
    if groups is not None:
        g = np.asarray(groups, np.int64)
        members = np.flatnonzero(g >= 0)
        if len(members):
            order = members[np.argsort(g[members], kind="stable")]
            same = g[order[1:]] == g[order[:-1]]
            ii.append(order[:-1][same])
            jj.append(order[1:][same])
    a, b = np.concatenate(ii), np.concatenate(jj)
    graph = coo_matrix((np.ones(len(a), np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def friends_of_friends(
    lat: np.ndarray,
    lon: np.ndarray,
    t_h: np.ndarray,
    radius_m: np.ndarray,
    params: ClusterParams,
    kind: np.ndarray | None = None,
) -> np.ndarray:
    """Full recluster of point reports: the component label of each (0..k-1); with ``kind``, only
    reports of the same kind link (:func:`link_pairs`)."""
    i, j = link_pairs(lat, lon, t_h, radius_m, params, kind=kind)
    return components(len(np.asarray(lat)), i, j)


def attach_area(
    lat: np.ndarray,
    lon: np.ndarray,
    t_h: np.ndarray,
    radius_m: np.ndarray,
    labels: np.ndarray,
    area: np.ndarray,
    params: ClusterParams,
) -> np.ndarray:
    """Labels for the ``area`` reports (indices): the label with most labelled point reports inside
    the report's circle grown by ``eps_m`` (ties: the nearest), within the window; ``-1`` if none.
    ``labels`` is ``-1`` for everything that is not a labelled point report."""
    out = np.full(len(area), -1, np.int64)
    if len(area) == 0:
        return out
    lat, lon, t_h = np.asarray(lat, float), np.asarray(lon, float), np.asarray(t_h, float)
    r = np.nan_to_num(np.asarray(radius_m, float), nan=0.0)
    reach = params.eps_m + float(r[area].max())
    i, j = _pairs(lat, lon, t_h, reach, params.window_h, np.asarray(area, np.int64))
    ok = labels[j] >= 0
    i, j = i[ok], j[ok]
    d = haversine_m(lat[i], lon[i], lat[j], lon[j])
    ok = (d <= params.eps_m + r[i]) & (np.abs(t_h[i] - t_h[j]) <= params.window_h)
    i, j, d = i[ok], j[ok], d[ok]
    if len(i) == 0:
        return out
    pos_of = np.full(len(lat), -1, np.int64)
    pos_of[area] = np.arange(len(area))
    row = pos_of[i]  # position of i within ``area``
    base = int(labels.max()) + 1
    # votes per (area report, label); best = most votes, then smallest distance
    key = row * base + labels[j]
    uniq, inv, votes = np.unique(key, return_inverse=True, return_counts=True)
    nearest = np.full(len(uniq), np.inf)
    np.minimum.at(nearest, inv, d)
    urow, ulab = uniq // base, uniq % base
    best = np.lexsort((nearest, -votes, urow))
    first = np.ones(len(best), bool)
    first[1:] = urow[best][1:] != urow[best][:-1]
    out[urow[best][first]] = ulab[best][first]
    return out


def dbscan(lat: np.ndarray, lon: np.ndarray, eps_m: float, min_samples: int = 1) -> np.ndarray:
    """DBSCAN on great-circle distance, the semantics of ``sklearn.cluster.DBSCAN(metric='haversine')``:
    a core point has at least ``min_samples`` points (itself included) within ``eps_m``; clusters are
    core points linked within ``eps_m`` plus the border points they reach (a border point reached by
    several clusters goes to the nearest core point's); the rest is noise (-1)."""
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    n = len(lat)
    if n == 0:
        return np.empty(0, np.int64)
    tree = cKDTree(unit_xyz(lat, lon))
    p = tree.query_pairs(float(chord_m(eps_m)) * (1 + 1e-12), output_type="ndarray")
    i, j = p[:, 0], p[:, 1]
    d = haversine_m(lat[i], lon[i], lat[j], lon[j])
    keep = d <= eps_m
    i, j, d = i[keep], j[keep], d[keep]
    degree = 1 + np.bincount(i, minlength=n) + np.bincount(j, minlength=n)
    core = degree >= min_samples
    cc = core[i] & core[j]
    comp = components(n, i[cc], j[cc])
    labels = np.full(n, -1, np.int64)
    labels[core] = comp[core]
    # border points: nearest core neighbour
    bi = np.concatenate((i[core[j] & ~core[i]], j[core[i] & ~core[j]]))
    bc = np.concatenate((j[core[j] & ~core[i]], i[core[i] & ~core[j]]))
    bd = np.concatenate((d[core[j] & ~core[i]], d[core[i] & ~core[j]]))
    if len(bi):
        order = np.lexsort((bd, bi))
        first = np.ones(len(order), bool)
        first[1:] = bi[order][1:] != bi[order][:-1]
        labels[bi[order][first]] = comp[bc[order][first]]
    _, labels[labels >= 0] = np.unique(labels[labels >= 0], return_inverse=True)
    return labels


def cluster_reports(
    lat: np.ndarray,
    lon: np.ndarray,
    t_h: np.ndarray,
    radius_m: np.ndarray,
    located: np.ndarray,
    params: ClusterParams | None = None,
    kind: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Full recluster: ``(labels, tiers)``; labels 0..k-1 per incident, -1 for coarse and unlocated
    reports (they are counted per district, not clustered). ``kind`` (:func:`need_kinds`): point
    reports of different kinds are never linked."""
    params = params or ClusterParams()
    tier = tiers(radius_m, located, params)
    n = len(tier)
    labels = np.full(n, -1, np.int64)
    pts = np.flatnonzero(tier == "point")
    if len(pts):
        labels[pts] = friends_of_friends(
            np.asarray(lat)[pts], np.asarray(lon)[pts], np.asarray(t_h)[pts], np.asarray(radius_m)[pts], params,
            None if kind is None else np.asarray(kind)[pts],
        )
    area = np.flatnonzero(tier == "area")
    if len(area):
        loc = np.flatnonzero((tier == "point") | (tier == "area"))
        pos = np.searchsorted(loc, area)
        sub_lat, sub_lon = np.asarray(lat, float)[loc], np.asarray(lon, float)[loc]
        sub_t, sub_r = np.asarray(t_h, float)[loc], np.asarray(radius_m, float)[loc]
        got = attach_area(sub_lat, sub_lon, sub_t, sub_r, labels[loc], pos, params)
        labels[area] = got
        alone = area[got < 0]
        if len(alone):
            same = ClusterParams(params.eps_m, params.window_h, 0.0, params.point_radius_m, params.coarse_radius_m)
            own = friends_of_friends(
                np.asarray(lat)[alone], np.asarray(lon)[alone], np.asarray(t_h)[alone], np.zeros(len(alone)), same
            )
            labels[alone] = own + (labels.max() + 1)
    return labels, tier
