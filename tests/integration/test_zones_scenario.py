"""Incidents against the Amphan scenario's ground truth, through the real pipeline (adapters,
geocoder, classifier when installed, SQLite store) with the zoning run incrementally per batch."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from geo import zoning
from geo.settings import Settings
from streams.ingest import Enricher, parse_records
from streams.scenarios.amphan import TRACK, iter_scenario
from streams.topics import topic_feeds


@dataclass
class _Record:
    topic: str
    partition: int
    offset: int
    key: bytes
    value: bytes
    headers: list


@pytest.mark.integration
@pytest.mark.timeout(600)
def test_incidents_match_the_scenario_truth(store_factory):
    from sklearn.metrics import adjusted_rand_score

    settings = Settings.load(store_url="sqlite://")
    topics = {feed: topic for topic, feed in topic_feeds(settings).items()}
    store, enricher, truth, batch, kinds = store_factory(), Enricher(settings), {}, [], set()

    def flush() -> None:
        parsed = parse_records(batch, settings).items
        reports = [p for p in enricher.enrich(parsed, store.originals_by_text_key) if not hasattr(p, "identifier")]
        store.upsert(reports, [p for p in parsed if hasattr(p, "identifier")])
        batch.clear()
        zoning.update(store, track=TRACK)
        kinds.update(store.zones_frame()["kind"])

    for k, (msg, true) in enumerate(iter_scenario(1500, 11)):
        batch.append(_Record(topics[msg.feed], 0, k, (msg.key or "").encode(), msg.value, msg.headers()))
        if true:
            truth[true["key"]] = true
        if len(batch) == 300:
            flush()
    flush()
    members = store._select("SELECT m.report_id, m.incident_id, r.source_id FROM incident_members m JOIN reports r USING (report_id)")
    members["truth"] = members["source_id"].map(lambda s: truth.get(s, {}).get("incident"))
    posts = members[members["truth"].notna()]
    placed = posts[posts["incident_id"].notna()]
    ari = adjusted_rand_score(placed["truth"], placed["incident_id"])
    purity = placed.groupby("incident_id")["truth"].agg(lambda s: s.value_counts().iloc[0]).sum() / len(placed)
    found = placed["truth"].nunique() / posts["truth"].nunique()
    print(f"ARI {ari:.3f} purity {purity:.3f} true incidents found {found:.0%} placed {len(placed)}/{len(posts)}")
    assert len(placed) >= 0.85 * len(posts)
    assert found >= 0.95
    assert purity >= 0.9
    assert ari >= 0.75
    # every stored distress report is in the members table: counted, never dropped
    distress = pd.DataFrame(store.reports_frame()).query("feed == 'distress'")
    assert set(distress["report_id"]) <= set(members["report_id"])
    assert {"reports", "alert", "wind"} <= kinds  # alert zones while alerts were in force
    zones = store.zones_frame()
    assert zones["severity"].between(0, 100).all()
    inside = zones.geometry.representative_point()
    coast = zones[inside.x.between(86.0, 88.9) & inside.y.between(20.0, 22.9)]
    assert len(coast) and all(len(d) > 0 for d in coast["districts"])  # (misplaced posts may fall abroad)


def _pg_cases() -> list:
    from tests.unit import test_zoning as t

    return [t.test_incremental_updates_give_the_same_incidents_as_a_rebuild,
            t.test_a_bridge_merges_incidents_keeping_the_triaged_id_and_a_split_is_recorded,
            t.test_echoes_join_their_original_but_are_not_counted,
            t.test_zones_combine_incidents_alerts_and_wind_with_severity_districts_and_trend,
            t.test_zones_grow_between_redraws_and_are_redrawn_later]  # fmt: skip


@pytest.mark.integration
@pytest.mark.parametrize("case", _pg_cases(), ids=lambda f: f.__name__.removeprefix("test_"))
def test_zoning_behaves_the_same_on_postgis(case, pg_store_factory):
    case(pg_store_factory)
