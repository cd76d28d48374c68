"""Score incidents and zones against the Amphan scenario's ground truth.

:func:`replay_scenario` pushes a scenario through the real pipeline (adapters, geocoder, classifier,
store) into a store, running one zoning step every ``batch`` messages, and measures the zones after
each step against the incidents that were live then. :func:`score_incidents` compares the final
report-to-incident assignment with the truth.

Zone coverage (issue 5, "zone coverage of the true affected area"): the true affected area at a
step is the union of discs of :data:`TRUE_RADIUS_M` around the true points of every incident with a
post in the last ``active_h`` hours (the window the zoning draws zones for); coverage is the share
of that area inside the ``reports`` zones, in UTM zone 45N metres. Alongside: the share of those
incidents whose true centre lies in a reports zone, the share of the districts they are in that the
zones (any kind) list, and the share of reports zones holding at least one true incident (the rest
are zones drawn from chatter or misplaced posts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import zoning
from geo.settings import Settings
from streams.scenarios.amphan import TRACK, iter_scenario

TRUE_RADIUS_M = 1_000.0
AMPHAN_CONFIG = Path(__file__).resolve().parents[2] / "config" / "amphan.toml"  # the demo's settings
_UTM45N = 32645


@dataclass(frozen=True, slots=True)
class IncidentScore:
    ari: float
    purity: float
    found: float  # share of true incidents that have at least one placed post
    placed: int  # incident posts that are in an incident
    posts: int  # incident posts stored


@dataclass(frozen=True, slots=True)
class ZoneCoverage:
    at: datetime
    area: float  # share of the true affected area inside reports zones
    incidents: float  # share of live true incidents whose centre is in a reports zone
    districts: float  # share of their districts listed by some zone
    zones_with_truth: float  # share of reports zones holding a live true incident
    live_incidents: int


@dataclass(frozen=True, slots=True)
class ScenarioRun:
    truth: dict[str, dict[str, Any]]
    coverage: list[ZoneCoverage] = field(default_factory=list)

    def mean_coverage(self) -> dict[str, float]:
        """Coverage figures averaged over the steps, each weighted by its live true incidents (a
        step with one fresh incident, not yet corroborated, weighs as little as that incident)."""
        steps = [c for c in self.coverage if c.live_incidents]
        weights = [c.live_incidents for c in steps]
        keys = ("area", "incidents", "districts", "zones_with_truth")
        return {k: float(np.average([getattr(c, k) for c in steps], weights=weights)) if steps else float("nan")
                for k in keys}


@dataclass
class _Record:  # what the ingest worker gets from Kafka
    topic: str
    partition: int
    offset: int
    key: bytes
    value: bytes
    headers: list


def replay_scenario(store: Any, size: int, seed: int, *, batch: int = 300, settings: Settings | None = None,
                    params: zoning.ZoningParams | None = None,
                    step: Callable[[Any], Any] | None = None) -> ScenarioRun:
    """Ingest the scenario into ``store`` in batches, zoning after each, and measure zone coverage."""
    from streams.ingest import Enricher, parse_records
    from streams.sinks import StoreSink
    from streams.topics import topic_feeds

    settings = settings or Settings.load(AMPHAN_CONFIG, store_url="sqlite://")
    params = params or zoning.ZoningParams()
    step = step or (lambda s: zoning.update(s, params, track=TRACK))
    topics = {feed: topic for topic, feed in topic_feeds(settings).items()}
    enricher, run, records = Enricher(settings), ScenarioRun({}), []
    seen: dict[str, list[datetime]] = {}  # true incident -> times of its posts

    def flush() -> None:  # as IngestWorker.process, without Kafka
        sink = StoreSink(store)
        for item in enricher.enrich(parse_records(records, settings).items, store.originals_by_text_key):
            sink.add(item)
        sink.flush()
        records.clear()
        step(store)
        now = store.latest_event_time()
        if now is not None:
            run.coverage.append(zone_coverage(store.zones_frame(), run.truth, seen, now, params.active_h))

    for k, (msg, true) in enumerate(iter_scenario(size, seed)):
        records.append(_Record(topics[msg.feed], 0, k, (msg.key or "").encode(), msg.value, msg.headers()))
        if true:
            run.truth[true["key"]] = true
            if true["incident"] and msg.event_time is not None:
                seen.setdefault(true["incident"], []).append(msg.event_time)
        if len(records) == batch:
            flush()
    if records:
        flush()
    return run


def score_incidents(store: Any, truth: dict[str, dict[str, Any]]) -> IncidentScore:
    """Adjusted Rand index and purity of the stored report-to-incident assignment of incident posts."""
    from sklearn.metrics import adjusted_rand_score

    reports = pd.DataFrame(store.reports_frame())[["report_id", "source_id"]]
    members = store.members_by_report(reports["report_id"].tolist())[["report_id", "incident_id"]]
    members = members.merge(reports, on="report_id", how="left")
    members["truth"] = members["source_id"].map(lambda s: truth.get(s, {}).get("incident"))
    posts = members[members["truth"].notna()]
    placed = posts[posts["incident_id"].notna()]
    if placed.empty:
        return IncidentScore(0.0, 0.0, 0.0, 0, len(posts))
    ari = float(adjusted_rand_score(placed["truth"], placed["incident_id"]))
    purity = placed.groupby("incident_id")["truth"].agg(lambda s: s.value_counts().iloc[0]).sum() / len(placed)
    found = placed["truth"].nunique() / posts["truth"].nunique()
    return IncidentScore(ari, float(purity), float(found), len(placed), len(posts))


def zone_coverage(zones: gpd.GeoDataFrame, truth: dict[str, dict[str, Any]], seen: dict[str, list[datetime]],
                  now: datetime, active_h: float) -> ZoneCoverage:
    """How well the zones at ``now`` cover the incidents with a post in the last ``active_h`` hours."""
    since = now - timedelta(hours=active_h)
    live = {inc for inc, times in seen.items() if any(since <= t <= now for t in times)}
    rows = pd.DataFrame([t for t in truth.values() if t.get("incident") in live])
    if rows.empty:
        return ZoneCoverage(now, float("nan"), float("nan"), float("nan"), float("nan"), 0)
    points = rows.drop_duplicates(["incident", "true_lat", "true_lon"])
    true_pts = gpd.GeoSeries(gpd.points_from_xy(points["true_lon"], points["true_lat"]), crs=4326).to_crs(_UTM45N)
    affected = shapely.union_all(true_pts.buffer(TRUE_RADIUS_M).values)
    centres = rows.groupby("incident")[["true_lat", "true_lon"]].mean()
    centre_pts = gpd.GeoSeries(gpd.points_from_xy(centres["true_lon"], centres["true_lat"]), crs=4326).to_crs(_UTM45N)
    reports = zones[zones["kind"] == "reports"] if len(zones) else zones
    if len(reports):
        shapes = reports.geometry.set_crs(4326, allow_override=True).to_crs(_UTM45N)
        covered = shapely.union_all(shapes.values)
        area = shapely.area(shapely.intersection(affected, covered)) / shapely.area(affected)
        inside = float(np.mean(shapely.contains_xy(covered, centre_pts.x, centre_pts.y)))
        holding = np.array([shapely.intersects(s, affected) for s in shapes.values])
        with_truth = float(holding.mean())
    else:
        area, inside, with_truth = 0.0, 0.0, float("nan")
    listed = {int(d) for ds in zones["districts"] for d in ds or ()}  # district codes of every zone
    wanted = set(rows["district_lgd"].astype(int))
    districts = len(wanted & listed) / len(wanted)
    return ZoneCoverage(now, float(area), inside, districts, with_truth, len(live))

