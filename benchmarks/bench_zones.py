"""Benchmarks of incidents and zones (prints numbers; no assertions).

1. Full recluster of N reports (default 100,000): crisismap's friends-of-friends (space, time,
   uncertainty) and its DBSCAN, side by side with scikit-learn's DBSCAN (haversine, ball tree) on
   the same points; agreement as adjusted Rand index.
2. Incremental update: a store holding M reports (default 1,000,000) already zoned, then one batch of
   1,000 new reports: time of ``geo.zoning.update`` (incidents + zones), best of 3.

    .venv/bin/python benchmarks/bench_zones.py [--points 100000] [--stored 1000000] [--batch 1000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.clustering import EARTH_RADIUS_M, ClusterParams, dbscan, friends_of_friends  # noqa: E402

T0 = datetime(2020, 5, 16, tzinfo=UTC)


def synthetic(n: int, seed: int = 1) -> pd.DataFrame:
    """Reports around 4,000 villages of the delta over 6 days: 60 % about incidents (a few hundred
    metres around the village, a few hours long), the rest scattered chatter."""
    rng = np.random.default_rng(seed)
    villages = rng.uniform([20.0, 85.5], [23.0, 89.0], size=(4000, 2))
    n_inc = n * 6 // 10
    inc = rng.integers(0, max(1, n // 50), n_inc)
    place = rng.integers(0, 4000, max(1, n // 50))[inc]
    start = rng.uniform(0, 130, max(1, n // 50))[inc]
    lat = np.concatenate((villages[place, 0] + rng.normal(0, 0.002, n_inc), rng.uniform(20, 23, n - n_inc)))
    lon = np.concatenate((villages[place, 1] + rng.normal(0, 0.002, n_inc), rng.uniform(85.5, 89, n - n_inc)))
    t = np.concatenate((start + rng.exponential(4, n_inc), rng.uniform(0, 144, n - n_inc)))
    radius = np.where(rng.random(n) < 0.3, 50.0, 2000.0)
    return pd.DataFrame({"lat": lat, "lon": lon, "t_h": t, "radius_m": radius})


def bench_recluster(n: int) -> None:
    from sklearn.cluster import DBSCAN
    from sklearn.metrics import adjusted_rand_score

    pts = synthetic(n)
    lat, lon, t, r = (pts[c].to_numpy(float) for c in ("lat", "lon", "t_h", "radius_m"))
    params = ClusterParams()
    started = time.perf_counter()
    ours_fof = friends_of_friends(lat, lon, t, r, params)
    t_fof = time.perf_counter() - started
    started = time.perf_counter()
    ours_db = dbscan(lat, lon, params.eps_m, 1)
    t_db = time.perf_counter() - started
    started = time.perf_counter()
    sk = DBSCAN(eps=params.eps_m / EARTH_RADIUS_M, min_samples=1, metric="haversine", algorithm="ball_tree")
    ref = sk.fit_predict(np.radians(np.column_stack((lat, lon))))
    t_sk = time.perf_counter() - started
    print(f"full recluster of {n:,} reports (eps {params.eps_m:.0f} m):")
    print(f"  scikit-learn DBSCAN haversine ball_tree, min_samples=1: {t_sk:7.2f} s  {ref.max() + 1:,} clusters")
    print(f"  crisismap dbscan (same semantics)                      : {t_db:7.2f} s  {ours_db.max() + 1:,} clusters"
          f"  ARI vs scikit-learn {adjusted_rand_score(ref, ours_db):.4f}  ({t_sk / t_db:.1f}x faster)")
    print(f"  crisismap friends-of-friends + {params.window_h:.0f} h window + radii : {t_fof:7.2f} s  "
          f"{ours_fof.max() + 1:,} clusters  ARI vs scikit-learn {adjusted_rand_score(ref, ours_fof):.4f}"
          f"  ({t_sk / t_fof:.1f}x faster)")


def _report_rows(pts: pd.DataFrame, start: int) -> list[tuple]:
    from geo._rows import REPORT_COLUMNS

    rows = []
    for k, (lat, lon, t, r) in enumerate(pts[["lat", "lon", "t_h", "radius_m"]].itertuples(index=False), start):
        when = (T0 + timedelta(hours=float(t))).isoformat()
        row = dict.fromkeys(REPORT_COLUMNS)
        row.update({
            "report_id": f"bench:{k}", "source": "bench", "source_id": str(k), "feed": "distress", "format": "social",
            "text": f"help needed at place {k % 997} flood", "event_time": when, "author": f"u{k % 50000}",
            "status": "located", "lat": lat, "lon": lon, "radius_m": r, "kind": "village", "district_lgd": 343,
            "state_lgd": 19, "locations": "[]", "category": "requests_or_urgent_needs", "needs": '["rescue"]',
            "urgency": "high", "people": 5, "extra": "{}",
        })  # fmt: skip
        rows.append(tuple(row[c] for c in REPORT_COLUMNS))
    return rows


def bench_incremental(stored: int, batch: int) -> None:
    from geo._rows import REPORT_COLUMNS
    from geo.store import open_store
    from geo.zoning import update
    from streams.scenarios._track import TRACK

    pts = synthetic(stored + 3 * batch, seed=2).sort_values("t_h", kind="stable").reset_index(drop=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/bench.db")
        sql = f"INSERT INTO reports ({', '.join(REPORT_COLUMNS)}) VALUES ({', '.join('?' * len(REPORT_COLUMNS))})"
        started = time.perf_counter()
        for k in range(0, stored, 100_000):
            store._db.executemany(sql, _report_rows(pts.iloc[k : min(k + 100_000, stored)], k))
        print(f"incremental update on a store of {stored:,} reports (loaded in {time.perf_counter() - started:.0f} s)")
        started = time.perf_counter()
        first = update(store, track=TRACK)
        print(f"  first zoning (full recluster of the store): {time.perf_counter() - started:.1f} s, "
              f"{store.count_incidents():,} incidents, {first.zones} zones")
        times = []
        for b in range(3):
            k = stored + b * batch
            store._db.executemany(sql, _report_rows(pts.iloc[k : k + batch], k))
            result = update(store, track=TRACK)
            times.append(result.seconds)
            print(f"  batch {b + 1}: {result.reports:,} reports -> {result.incidents_touched} incidents touched "
                  f"({result.created} new, {result.merged} merges), {result.zones} zones: {result.seconds:.3f} s")
        print(f"  best of 3: {min(times):.3f} s per {batch:,}-report batch (incidents + zones, read and written)")
        store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=100_000)
    ap.add_argument("--stored", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=1_000)
    args = ap.parse_args()
    bench_recluster(args.points)
    bench_incremental(args.stored, args.batch)


if __name__ == "__main__":
    main()
