"""Incidents from reports: membership rows, incremental assignment, merges, splits and summaries.

A report becomes one row of ``incident_members`` (see :mod:`geo._zone_store`): its tier (what its
uncertainty allows, :func:`geo.clustering.tiers`), place, hour, author, people, needs and ``dup``:
0 a report, 1 an echo, 2 off-topic (classified as not humanitarian or sympathy: counted, never
clustered). Echoes are retweets and forwards (``reply_to``, or a text starting ``RT @``) of a report
already seen, which join that report's incident wherever they were sent from, and copies of a
report of the same incident (same normalised words). Echoes are evidence, never counted as reports
or reporters, and never link two places.

:func:`update_incidents` handles a batch of changed reports without reclustering history: it reads
the stored members near the batch (space and time boxes), links the batch to them with
:func:`geo.clustering.link_pairs` and unions with the known incidents. A batch touching one
incident grows it; touching several merges them (the survivor keeps its id and triage status, the
others are ``merged`` into it); a report that moves away can split its old incident (the largest
piece keeps the id). Merges and splits are written to the incident history. An incident's row is
written from its running summary (:mod:`geo._summary`), grown by the batch's members and merged
with those of the incidents it absorbs; only split incidents and those holding a re-geocoded report
are summarised again from all their members.

Metric work: distances are great-circle (see :mod:`geo.clustering`); footprints are convex hulls
buffered in a local equirectangular projection centred on each incident (x = R cos(lat0) dlon,
y = R dlat, metres; within 0.1 % over the few kilometres an incident spans).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from geo._summary import (
    EVIDENCE_KEPT,  # noqa: F401 (re-exported)
    URGENCY_RANK,  # noqa: F401 (re-exported)
    Flip,
    add_members,
    drop_reports,
    empty,
    from_members,
    merge,
    shapes,
    top_category,
    top_urgency,
)
from geo._window import ZoningWindow
from geo._zone_store import MEMBER_COLUMNS
from geo.clustering import (
    EARTH_RADIUS_M,
    ClusterParams,
    attach_area,
    cluster_reports,
    components,
    friends_of_friends,
    link_pairs,
    need_kinds,
    tiers,
)
from geo.duplicates import text_key
from geo.model import Incident, IncidentEvent

_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")
_STATUS_RANK = {"assigned": 4, "acknowledged": 3, "new": 2, "resolved": 1, "dismissed": 0}
#: Categories that describe no incident: such reports are counted (``dup`` = 2) but never clustered
#: (nor are weather bulletins and fact-checked rumours, see ``_no_incident``).
OFF_TOPIC = frozenset({"not_humanitarian", "sympathy_and_support"})


def incident_id_for(report_id: str) -> str:
    """The stable id of an incident whose earliest report is ``report_id``."""
    return "inc-" + hashlib.sha1(report_id.encode("utf-8")).hexdigest()[:12]


def hours(times: pd.Series) -> np.ndarray:
    """Hours since 1970-01-01 UTC of a series of timestamps (NaN where missing)."""
    t = pd.to_datetime(times, utc=True, errors="coerce")
    return ((t - _EPOCH) / pd.Timedelta(hours=1)).to_numpy(float)


def to_time(t_h: float) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(hours=float(t_h))


def _echo_source(row_reply: Any, source: Any, text: Any, extra: Any) -> str | None:
    if isinstance(row_reply, str) and row_reply:
        return f"{source}:{row_reply}"
    if isinstance(extra, str) and extra not in ("", "{}"):
        try:
            data = json.loads(extra)
        except ValueError:
            data = {}
        for key in ("retweet_of", "duplicate_of", "forward_of"):
            if isinstance(data, dict) and data.get(key):
                value = str(data[key])
                return value if ":" in value else f"{source}:{value}"
    return None


def members_from_reports(reports: pd.DataFrame, params: ClusterParams) -> pd.DataFrame:
    """Member rows (:data:`geo._zone_store.MEMBER_COLUMNS` plus ``echo_of``, the report id an echo
    repeats) of a frame of stored reports; ``incident_id`` is still empty. A report without event
    time is placed at the hour it was received."""
    n = len(reports)
    if n == 0:
        return pd.DataFrame(columns=[*MEMBER_COLUMNS, "echo_of"])
    lat = pd.to_numeric(reports["lat"], errors="coerce").to_numpy(float)
    lon = pd.to_numeric(reports["lon"], errors="coerce").to_numpy(float)
    located = (reports["status"].to_numpy() == "located") & np.isfinite(lat) & np.isfinite(lon)
    radius = pd.to_numeric(reports["radius_m"], errors="coerce").to_numpy(float)
    t_h = hours(reports["event_time"])
    if "received_at" in reports:
        t_h = np.where(np.isfinite(t_h), t_h, hours(reports["received_at"]))
    texts = reports["text"].fillna("").astype(str).tolist()
    echo_of = [
        _echo_source(rp, src, tx, ex)
        for rp, src, tx, ex in zip(reports["reply_to"], reports["source"], texts,
                                   reports["extra"] if "extra" in reports else [None] * n, strict=True)
    ]  # fmt: skip
    rt = np.array([t.lstrip().upper().startswith("RT @") for t in texts])
    author = reports["author"].astype(object).where(reports["author"].notna(), None)
    out = pd.DataFrame({
        "report_id": reports["report_id"].to_numpy(),
        "incident_id": None,
        "tier": tiers(radius, located, params),
        "lat": np.where(located, lat, np.nan),
        "lon": np.where(located, lon, np.nan),
        "t_h": t_h,
        "radius_m": np.where(located, radius, np.nan),
        "author": author.to_numpy(),
        "people": pd.to_numeric(reports["people"], errors="coerce").to_numpy(),
        "needs": [list(v) if isinstance(v, (list, tuple)) else [] for v in reports["needs"]],
        "urgency": reports["urgency"].to_numpy(),
        "category": reports["category"].to_numpy(),
        "district_lgd": pd.to_numeric(reports["district_lgd"], errors="coerce").to_numpy(),
        "state_lgd": pd.to_numeric(reports["state_lgd"], errors="coerce").to_numpy(),
        "dup": np.where(_no_incident(reports), 2, (rt | np.array([e is not None for e in echo_of])).astype(int)),
        "text_key": [text_key(t) for t in texts],
        "echo_of": echo_of,
    })  # fmt: skip
    return out


def _no_incident(reports: pd.DataFrame) -> np.ndarray:
    """Reports counted but never clustered: off-topic categories, weather bulletins and alerts (their
    place names are distances from towns, not events there), and posts repeating a fact-checked claim."""
    off = reports["category"].isin(OFF_TOPIC).to_numpy().copy()
    if "feed" in reports:
        off |= (reports["feed"] == "weather").to_numpy()
    if "extra" in reports:
        off |= np.array([isinstance(e, str) and '"fact_check"' in e or isinstance(e, dict) and "fact_check" in e
                         for e in reports["extra"]], dtype=bool)  # fmt: skip
    return off


@dataclass(frozen=True, slots=True)
class IncidentUpdate:
    """What one update changes: member rows to write, incidents to upsert, history to append."""

    members: pd.DataFrame
    incidents: list[Incident]
    history: list[IncidentEvent]
    touched: frozenset[str] = field(default_factory=frozenset)
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Running summary (:mod:`geo._summary`) of each incident written."""
    placed: tuple[str, ...] | None = None
    """Member rows whose place, tier or echo flag may have changed (None: all); the other rows written
    only moved to another incident (splits)."""
    renamed: dict[str, str] = field(default_factory=dict)
    """Merged incidents and their survivors: all their members move (not in ``members``)."""


# --- summaries --------------------------------------------------------------------------------


def describe(summaries: dict[str, dict[str, Any]], existing: pd.DataFrame | None = None) -> list[Incident]:
    """An :class:`Incident` per running summary (:mod:`geo._summary`), ordered by id."""
    existing = existing if existing is not None else pd.DataFrame(columns=["status", "first_seen"])
    known_status = dict(zip(existing.index, existing["status"], strict=True))
    known_first = {k: v.to_pydatetime() for k, v in zip(existing.index, existing["first_seen"], strict=True) if pd.notna(v)}
    where = shapes(summaries)
    out: list[Incident] = []
    for inc_id in sorted(summaries):
        s = summaries[inc_id]
        lat, lon, reach, ring = where[inc_id]
        first_seen = to_time(s["t0"]) if s["t0"] is not None else None
        if inc_id in known_first:
            first_seen = min(first_seen, known_first[inc_id]) if first_seen is not None else known_first[inc_id]
        out.append(Incident(
            incident_id=str(inc_id), status=known_status.get(inc_id, "new"), state="active",
            lat=float(lat), lon=float(lon), radius_m=float(reach), footprint=ring, reports=int(s["real"]),
            echoes=int(s["n"] - s["real"]), reporters=len(s["au"]), people=max(map(int, s["pp"]), default=0),
            needs=dict(sorted(s["ne"].items())), urgency=top_urgency(s["ur"]), category=top_category(s["ca"]),
            first_seen=first_seen, last_seen=to_time(s["t1"]) if s["t1"] is not None else first_seen,
            evidence=tuple(e[2] for e in s["ev"]), districts=tuple(s["di"]),
        ))  # fmt: skip
    return out


def _runs(keys: np.ndarray, values: np.ndarray) -> dict[Any, tuple[Any, ...]]:
    """``{key: values of its run}`` for ``keys`` sorted so each key's rows are contiguous."""
    if len(keys) == 0:
        return {}
    starts = np.concatenate(([0], np.flatnonzero(keys[1:] != keys[:-1]) + 1))
    return {keys[a]: tuple(chunk.tolist()) for a, chunk in zip(starts.tolist(), np.split(values, starts[1:]), strict=True)}


def _retired(inc_id: str, state: str, into: str | None, existing: dict[str, dict[str, Any]], t: datetime) -> Incident:
    row = existing.get(inc_id)
    return Incident(
        incident_id=inc_id, status=row["status"] if row is not None else "new", state=state,  # type: ignore[arg-type]
        lat=float(row["lat"]) if row is not None else float("nan"), lon=float(row["lon"]) if row is not None else float("nan"),
        radius_m=0.0, footprint=(), reports=0, echoes=0, reporters=0, people=0, needs={}, urgency=None, category=None,
        first_seen=row["first_seen"].to_pydatetime() if row is not None else t, last_seen=t, evidence=(),
        merged_into=into,
    )  # fmt: skip


# --- full recluster ---------------------------------------------------------------------------


def rebuild_incidents(reports: pd.DataFrame, params: ClusterParams | None = None) -> IncidentUpdate:
    """Cluster all these reports from scratch (first run, or ``crisismap zones --rebuild``)."""
    params = params or ClusterParams()
    m = members_from_reports(reports, params)
    if m.empty:
        return IncidentUpdate(m, [], [])
    lat, lon, t_h = m["lat"].to_numpy(float), m["lon"].to_numpy(float), m["t_h"].to_numpy(float)
    linking = m["dup"].to_numpy(int) == 0
    labels = np.full(len(m), -1, np.int64)
    sub = np.flatnonzero(linking)
    kind = need_kinds(m["needs"].tolist(), m["category"].tolist())
    lab, _ = cluster_reports(lat[sub], lon[sub], t_h[sub], m["radius_m"].to_numpy(float)[sub],
                             m["tier"].to_numpy()[sub] != "unlocated", params, kind[sub])  # fmt: skip
    labels[sub] = lab
    m["incident_id"] = _name_groups(m, labels)
    m = _attach_echoes(m, m)
    summaries = from_members(m)
    incidents = describe(summaries)
    history = [IncidentEvent(i.incident_id, i.first_seen, "created", (), i.reports) for i in incidents]
    return IncidentUpdate(m, incidents, history, frozenset(i.incident_id for i in incidents), summaries)


def _name_groups(m: pd.DataFrame, labels: np.ndarray) -> np.ndarray:
    """Incident id per row from integer labels: the id of each group's earliest report."""
    out = np.full(len(m), None, dtype=object)
    ok = labels >= 0
    if not ok.any():
        return out
    frame = pd.DataFrame({"label": labels[ok], "t": m["t_h"].to_numpy(float)[ok], "rid": m["report_id"].to_numpy()[ok]})
    first = frame.sort_values(["t", "rid"]).drop_duplicates("label").set_index("label")["rid"]
    names = {lab: incident_id_for(rid) for lab, rid in first.items()}
    out[ok] = [names[lab] for lab in labels[ok]]
    return out


def _attach_echoes(m: pd.DataFrame, known: pd.DataFrame) -> pd.DataFrame:
    """An echo joins the incident of the report it repeats (looked up in ``known``, following chains:
    a retweet of a retweet); an echo of a report never seen is a report of its own (``dup`` cleared,
    so it counts and links next time)."""
    echo = m["echo_of"].notna().to_numpy() if "echo_of" in m else np.zeros(len(m), bool)
    if not echo.any():
        return m
    lookup = known.dropna(subset=["incident_id"]).drop_duplicates("report_id").set_index("report_id")["incident_id"]
    for _ in range(16):  # one link of a chain per round
        target = m.loc[echo, "echo_of"].map(lookup)
        before = m.loc[echo, "incident_id"]
        after = target.where(target.notna(), before)
        m.loc[echo, "incident_id"] = after
        if after.equals(before):
            break
        found = m.loc[echo & m["incident_id"].notna().to_numpy(), ["report_id", "incident_id"]]
        lookup = pd.concat([lookup, found.set_index("report_id")["incident_id"]])
        lookup = lookup[~lookup.index.duplicated(keep="first")]
    orphan = (echo & m["incident_id"].isna().to_numpy() & ~m["echo_of"].isin(known["report_id"]).to_numpy()
              & (m["dup"].to_numpy() == 1))
    m.loc[orphan, "dup"] = 0
    return m


# --- incremental update -------------------------------------------------------------------------


def _boxes(m: pd.DataFrame, reach_m: np.ndarray, window_h: float, cell_deg: float = 0.01) -> np.ndarray:
    """Query boxes (min_lon, min_lat, max_lon, max_lat, t0, t1) covering each report's reach: one
    per grid cell the batch occupies, grown by the largest reach in it."""
    lat, lon, t = m["lat"].to_numpy(float), m["lon"].to_numpy(float), m["t_h"].to_numpy(float)
    cell = pd.DataFrame({
        "cy": np.floor(lat / cell_deg), "cx": np.floor(lon / cell_deg), "lat": lat, "lon": lon, "t": t,
        "dlat": np.degrees(reach_m / EARTH_RADIUS_M),
        "dlon": np.degrees(reach_m / (EARTH_RADIUS_M * np.cos(np.radians(np.minimum(np.abs(lat) + 1, 89))))),
    })  # fmt: skip
    g = cell.groupby(["cy", "cx"]).agg(y0=("lat", "min"), y1=("lat", "max"), x0=("lon", "min"), x1=("lon", "max"),
                                       t0=("t", "min"), t1=("t", "max"), dy=("dlat", "max"), dx=("dlon", "max"))  # fmt: skip
    return np.column_stack((g["x0"] - g["dx"], g["y0"] - g["dy"], g["x1"] + g["dx"], g["y1"] + g["dy"],
                            g["t0"] - window_h, g["t1"] + window_h))  # fmt: skip


def update_incidents(
    store: Any, reports: pd.DataFrame, params: ClusterParams | None = None, window: ZoningWindow | None = None
) -> IncidentUpdate:
    """Assign a batch of new or changed reports to incidents, reading only the stored members near
    them (from ``window`` when it holds them) and the incidents they touch; see the module docstring."""
    params = params or ClusterParams()
    new = members_from_reports(reports, params)
    if new.empty:
        return IncidentUpdate(new, [], [])
    now = datetime.now(UTC)
    # reports seen before: keep their incident if their place did not change, else re-place them
    before = store.members_by_report(new["report_id"].tolist()).set_index("report_id")
    moved_from: set[str] = set()
    reseen: set[str] = set()
    if len(before):
        prev = before.reindex(new["report_id"])
        same = (
            prev["incident_id"].notna().to_numpy()
            & (prev["tier"].to_numpy() == new["tier"].to_numpy())
            & np.isclose(prev["lat"].to_numpy(float), new["lat"].to_numpy(float), equal_nan=True)
            & np.isclose(prev["lon"].to_numpy(float), new["lon"].to_numpy(float), equal_nan=True)
            & np.isclose(prev["t_h"].to_numpy(float), new["t_h"].to_numpy(float), equal_nan=True)
        )
        new.loc[same, "incident_id"] = prev["incident_id"].to_numpy()[same]
        left = prev["incident_id"].notna().to_numpy() & ~same
        moved_from = set(prev["incident_id"].to_numpy()[left])
        reseen = set(prev["incident_id"].dropna())  # a member rewritten: its summary is rebuilt
    fresh = new["incident_id"].isna().to_numpy()
    linking = fresh & (new["dup"].to_numpy(int) == 0) & np.isin(new["tier"].to_numpy(), ["point", "area"])
    history: list[IncidentEvent] = []
    extra_members: list[pd.DataFrame] = []
    retired: dict[str, tuple[str, str | None]] = {}
    renamed: dict[str, str] = {}

    # neighbours: stored point/area members near the batch, in the window
    cand = new[linking]
    if len(cand):
        r = cand["radius_m"].fillna(0.0).to_numpy(float)
        point_reach = params.eps_m + params.uncertainty_weight * (r + params.point_radius_m) \
            + params.precise_weight * params.point_radius_m  # the most any partner's radius adds (clustering._reach)
        reach = np.where(cand["tier"].to_numpy() == "area", params.eps_m + r, point_reach)
        boxes = _boxes(cand, reach, params.window_h)
        near = window.near(boxes) if window is not None and window.covers(boxes) else store.members_near(boxes)
        near = near[near["incident_id"].notna() & (near["dup"].fillna(0).astype(int) == 0)
                    & ~near["report_id"].isin(new["report_id"])]  # fmt: skip
        near = near.sort_values("report_id", kind="stable")  # one order whatever answered
    else:
        near = new.iloc[:0]
    old_pts = near[near["tier"] == "point"].reset_index(drop=True)
    new_pts = new.index[linking & (new["tier"].to_numpy() == "point")]
    labels_new: dict[int, str] = {}
    if len(new_pts):
        cols = ["lat", "lon", "t_h", "radius_m", "needs", "category"]
        both = pd.concat([old_pts[cols], new.loc[new_pts, cols]], ignore_index=True)
        codes, uniq = pd.factorize(old_pts["incident_id"])
        groups = np.concatenate((codes, np.full(len(new_pts), -1)))
        query = np.arange(len(old_pts), len(both))
        i, j = link_pairs(both["lat"].to_numpy(float), both["lon"].to_numpy(float), both["t_h"].to_numpy(float),
                          both["radius_m"].fillna(0.0).to_numpy(float), params, query,
                          need_kinds(both["needs"].tolist(), both["category"].tolist()))  # fmt: skip
        comp = components(len(both), i, j, groups)
        comp_old = pd.DataFrame({"comp": comp[: len(old_pts)], "inc": old_pts["incident_id"]}).drop_duplicates()
        comp_new = comp[len(old_pts):]
        incs_of = comp_old.groupby("comp")["inc"].apply(list).to_dict()
        touched_old = sorted({x for c in set(comp_new) for x in incs_of.get(c, [])})
        merging = [x for c in set(comp_new) if len(incs_of.get(c, [])) > 1 for x in incs_of[c]]
        existing = store.incident_states(sorted(set(merging))).to_dict("index")
        # per component of the batch: its rows, earliest report first (one sort, no per-group frames)
        rid_new = new.loc[new_pts, "report_id"].to_numpy(dtype=object)
        t_new = new.loc[new_pts, "t_h"].to_numpy(float)
        order = np.lexsort((rid_new.astype(str), t_new, comp_new))
        comps, starts, sizes = np.unique(comp_new[order], return_index=True, return_counts=True)
        fresh_first = [str(rid_new[order[s]]) for c, s in zip(comps, starts, strict=True) if not incs_of.get(c)]
        names = _unused_ids(store, fresh_first, taken=set())
        for c, s, size in zip(comps.tolist(), starts.tolist(), sizes.tolist(), strict=True):
            olds = sorted(incs_of.get(c, []))
            rows = new_pts[order[s : s + size]]
            if not olds:
                name = names[str(rid_new[order[s]])]
                history.append(IncidentEvent(name, to_time(t_new[order[s]]), "created", (), size))
            elif len(olds) == 1:
                name = olds[0]
            else:
                name = _survivor(olds, existing)
                absorbed = [o for o in olds if o != name]
                at = to_time(float(new.loc[rows, "t_h"].max()))
                history.append(IncidentEvent(name, at, "merged", tuple(absorbed), len(rows)))
                history += [IncidentEvent(o, at, "merged_into", (name,), 0) for o in absorbed]
                retired.update({o: ("merged", name) for o in absorbed})
            for k in rows:
                labels_new[int(k)] = name
        new.loc[list(labels_new), "incident_id"] = list(labels_new.values())
        # the members of merged incidents move to the survivors: renamed in the store by one statement
        # per merged incident (``IncidentUpdate.renamed``), not read and written back row by row
        renamed = {o: into for o, (_, into) in retired.items() if into is not None}
        new["incident_id"] = _follow(new["incident_id"], renamed)

    # area reports: join the incident with most point reports in reach, else those at the same place
    new_area = new.index[linking & (new["tier"].to_numpy() == "area")]
    if len(new_area):
        pts = pd.concat([old_pts[["lat", "lon", "t_h", "radius_m", "incident_id"]],
                         new.loc[new_pts, ["lat", "lon", "t_h", "radius_m", "incident_id"]]], ignore_index=True)  # fmt: skip
        pts["incident_id"] = pts["incident_id"].replace({o: into for o, (_, into) in retired.items()})
        allp = pd.concat([pts, new.loc[new_area, ["lat", "lon", "t_h", "radius_m"]]], ignore_index=True)
        codes, uniq = pd.factorize(pts["incident_id"])
        labels = np.concatenate((codes, np.full(len(new_area), -1)))
        area_idx = np.arange(len(pts), len(allp))
        got = attach_area(allp["lat"].to_numpy(float), allp["lon"].to_numpy(float), allp["t_h"].to_numpy(float),
                          allp["radius_m"].fillna(0.0).to_numpy(float), labels, area_idx, params)  # fmt: skip
        hit = got >= 0
        new.loc[new_area[hit], "incident_id"] = np.asarray(uniq)[got[hit]]
        alone = new_area[~hit]
        if len(alone):
            old_area = near[(near["tier"] == "area")].reset_index(drop=True)
            old_area["incident_id"] = old_area["incident_id"].replace({o: into for o, (_, into) in retired.items()})
            both = pd.concat([old_area[["lat", "lon", "t_h"]], new.loc[alone, ["lat", "lon", "t_h"]]], ignore_index=True)
            codes, _ = pd.factorize(old_area["incident_id"])
            same_place = ClusterParams(params.eps_m, params.window_h, 0.0, params.point_radius_m, params.coarse_radius_m)
            i, j = link_pairs(both["lat"].to_numpy(float), both["lon"].to_numpy(float), both["t_h"].to_numpy(float),
                              np.zeros(len(both)), same_place, np.arange(len(old_area), len(both)))  # fmt: skip
            comp = components(len(both), i, j, np.concatenate((codes, np.full(len(alone), -1))))
            comp_new = comp[len(old_area):]
            owner = dict(zip(comp[: len(old_area)], old_area["incident_id"], strict=True))
            for c in sorted(set(comp_new)):
                rows = alone[comp_new == c]
                name = owner.get(c)
                if name is None:
                    sub = new.loc[rows].sort_values(["t_h", "report_id"])
                    name = _unused_id(store, sub["report_id"].iloc[0], taken=set(new["incident_id"].dropna()))
                    history.append(IncidentEvent(name, to_time(sub["t_h"].iloc[0]), "created", (), len(rows)))
                new.loc[rows, "incident_id"] = name

    # echoes join the incident of what they repeat
    echo_targets = new["echo_of"].dropna().unique().tolist()
    known = pd.concat([new[["report_id", "incident_id"]], store.members_by_report(echo_targets)[["report_id", "incident_id"]]])
    new = _attach_echoes(new, known)
    if renamed:  # an echo of a member of a merged incident joins the survivor
        new["incident_id"] = _follow(new["incident_id"], renamed)

    # splits: incidents a report moved out of are re-clustered from their remaining members
    split_members, split_history, split_touched = _resplit(store, moved_from - set(retired), new, params)
    history += split_history
    extra_members += split_members

    changed = pd.concat([*extra_members, new.drop(columns=["echo_of"])], ignore_index=True)
    changed = changed.drop_duplicates("report_id", keep="last")
    touched = (set(changed["incident_id"].dropna()) | split_touched | moved_from) - set(retired)
    existing = store.incident_states(sorted(touched | set(retired)))
    summaries, dirty = _grown_summaries(store, touched, retired, new, dirty=split_touched | moved_from | reseen)
    if dirty:  # rebuilt from all their members (splits, re-geocoded reports, a report turned copy)
        stored = store.members_of(sorted(dirty | {o for o, into in renamed.items() if into in dirty}))
        stored["incident_id"] = _follow(stored["incident_id"], renamed)
        members = pd.concat([stored[~stored["report_id"].isin(changed["report_id"])], changed], ignore_index=True)
        summaries.update(from_members(members[members["incident_id"].isin(dirty)]))
    incidents = describe(summaries, existing)
    alive = set(summaries)
    for inc_id in sorted(touched - alive):
        retired[inc_id] = ("empty", None)
    rows = existing.to_dict("index")
    incidents += [_retired(k, state, into, rows, now) for k, (state, into) in retired.items()]
    revived = [i.incident_id for i in incidents if i.state == "active" and i.incident_id in rows
               and rows[i.incident_id]["state"] != "active"]  # fmt: skip
    history += [IncidentEvent(k, incidents[0].last_seen, "revived", (), 0) for k in revived]
    return IncidentUpdate(changed, incidents, history, frozenset(touched), summaries, tuple(new["report_id"]), renamed)


def _grown_summaries(
    store: Any, touched: set[str], retired: dict[str, tuple[str, str | None]], new: pd.DataFrame, dirty: set[str]
) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Running summaries of the touched incidents grown by the batch's new members (merged ones
    first combined), and the incidents (among ``dirty`` and those without a stored summary) whose
    summary must be rebuilt from all their members."""
    stored, unsummarised = store.incident_summaries(sorted(touched | set(retired)))
    stale = set(dirty) | unsummarised
    absorbed: dict[str, list[str]] = {}
    for old, (state, into) in retired.items():
        if state == "merged" and into is not None:
            absorbed.setdefault(into, []).append(old)
    summaries: dict[str, dict[str, Any]] = {}
    flips: list[Flip] = []
    rebuild = stale & touched
    for inc in sorted(touched - rebuild):
        parts = [inc, *sorted(absorbed.get(inc, []))]
        if any(p in stale for p in parts):
            rebuild.add(inc)
            continue
        have = [stored[p] for p in parts if p in stored]  # an id new in this batch starts empty
        if len(have) > 1:
            summaries[inc], copies = merge(inc, have)
            flips += copies
        else:
            summaries[inc] = have[0] if have else empty()
    flips += add_members(summaries, new[new["incident_id"].isin(summaries.keys())])
    drop_reports(summaries, flips, store.members_by_report(sorted({rid for _, rid in flips})))
    return summaries, rebuild


def _unused_ids(store: Any, report_ids: list[str], taken: set[str]) -> dict[str, str]:
    """:func:`_unused_id` of many reports with one store query (the rare taken ids one by one)."""
    first = {rid: incident_id_for(rid) for rid in report_ids}
    busy = store.active_incident_ids(list(first.values())) if first else set()
    out: dict[str, str] = {}
    used = set(taken)
    for rid, name in first.items():
        if name in busy or name in used:
            name = _unused_id(store, rid, taken=used | {name})
        out[rid] = name
        used.add(name)
    return out


def _unused_id(store: Any, report_id: str, taken: set[str]) -> str:
    """:func:`incident_id_for` the report, unless an active incident (or one named in this update)
    already holds that id (its report moved away): then the id of ``report_id#2``, ``#3``..."""
    for k in range(1, 100):
        name = incident_id_for(report_id if k == 1 else f"{report_id}#{k}")
        if name in taken:
            continue
        if not store.incident_exists(name):
            return name
    msg = f"no free incident id for {report_id}"
    raise RuntimeError(msg)


def _follow(incident_ids: pd.Series, renamed: dict[str, str]) -> pd.Series:
    """Incident ids with each merged incident replaced by its survivor (missing ids stay missing)."""
    return incident_ids.map(lambda i: renamed.get(i, i) if isinstance(i, str) else i)


def _survivor(olds: list[str], existing: dict[str, dict[str, Any]]) -> str:
    """Which of several merging incidents keeps its id: the furthest in triage, then the largest,
    then the oldest."""

    def key(inc_id: str) -> tuple[Any, ...]:
        row = existing.get(inc_id)
        if row is None:
            return (0, 0, 0.0, inc_id)
        first = row["first_seen"].timestamp() if pd.notna(row["first_seen"]) else 0.0
        reports = row["reports"]
        return (-_STATUS_RANK.get(str(row["status"]), 0), -(int(reports) if reports == reports else 0), first, inc_id)

    return min(olds, key=key)


def _resplit(
    store: Any, incident_ids: set[str], new: pd.DataFrame, params: ClusterParams
) -> tuple[list[pd.DataFrame], list[IncidentEvent], set[str]]:
    """Recluster incidents that lost a member; pieces beyond the largest become new incidents."""
    if not incident_ids:
        return [], [], set()
    members = store.members_of(sorted(incident_ids))
    members = members[~members["report_id"].isin(new["report_id"])]
    frames, events, touched = [], [], set()
    for inc_id, g in members.groupby("incident_id"):
        pts = g[(g["tier"] == "point") & (g["dup"].fillna(0).astype(int) == 0)]
        if len(pts) < 2:
            continue
        lab = friends_of_friends(pts["lat"].to_numpy(float), pts["lon"].to_numpy(float), pts["t_h"].to_numpy(float),
                                 pts["radius_m"].fillna(0.0).to_numpy(float), params,
                                 need_kinds(pts["needs"].tolist(), pts["category"].tolist()))  # fmt: skip
        if lab.max() == 0:
            continue
        sizes = np.bincount(lab)
        named = pts["report_id"].map(incident_id_for).to_numpy() == inc_id
        keep = int(lab[named][0]) if named.any() else int(np.argmax(sizes))  # the piece that gave the id
        at = to_time(float(g["t_h"].max()))
        children = []
        for piece in range(len(sizes)):
            if piece == keep:
                continue
            rows = pts[lab == piece].sort_values(["t_h", "report_id"])
            child = _unused_id(store, rows["report_id"].iloc[0], taken={str(inc_id), *touched})
            moved = rows.assign(incident_id=child)
            frames.append(moved)
            children.append(child)
            touched.add(child)
            events.append(IncidentEvent(child, at, "split_from", (str(inc_id),), len(rows)))
        events.append(IncidentEvent(str(inc_id), at, "split", tuple(children), int(sizes[keep])))
        touched.add(str(inc_id))
    return frames, events, touched
