"""Benchmarks of incidents and zones (prints numbers; no assertions).

1. Full recluster of N reports (default 100,000): crisismap's friends-of-friends (space, time,
   uncertainty) and its DBSCAN, side by side with scikit-learn's DBSCAN (haversine, ball tree) on
   the same points; agreement as adjusted Rand index.
2. Incremental update: a store holding M reports (default 1,000,000) already zoned, then batches of
   1,000 new reports (the newest in time): time of ``geo.zoning.update`` (incidents + zones, read
   and written), wall and CPU. Batch 0 redraws the reports zones (what happens every
   ``ZoningParams.redraw_h`` scenario hours); the median is over the next ``--runs`` batches, which
   grow them; one more batch redraws them again. Steps share a :class:`geo.zoning.ZoningWindow`, as
   in ``crisismap zones``. The zoned store is built once (bulk insert, then a first full zoning) and cached under
   var/bench/zones-M.db; each run works on a copy. Delete the file to rebuild it.

    .venv/bin/python benchmarks/bench_zones.py [--points 100000] [--stored 1000000] [--batch 1000]
        [--runs 5] [--profile tottime]   # --points 0 or --stored 0 skips that part
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

    t = (T0 + pd.to_timedelta(pts["t_h"].to_numpy(float), unit="h")).map(lambda v: v.isoformat())
    base = dict.fromkeys(REPORT_COLUMNS)
    base.update({
        "source": "bench", "feed": "distress", "format": "social", "status": "located", "kind": "village",
        "district_lgd": 343, "state_lgd": 19, "locations": "[]", "category": "requests_or_urgent_needs",
        "needs": '["rescue"]', "urgency": "high", "people": 5, "extra": "{}",
    })  # fmt: skip
    rows = []
    for k, (lat, lon, r, when) in enumerate(zip(pts["lat"].tolist(), pts["lon"].tolist(), pts["radius_m"].tolist(),
                                                   t, strict=True), start):  # fmt: skip
        row = dict(base)
        row.update({"report_id": f"bench:{k}", "source_id": str(k), "text": f"help needed at place {k % 997} flood",
                    "event_time": when, "author": f"u{k % 50000}", "lat": lat, "lon": lon, "radius_m": r})  # fmt: skip
        rows.append(tuple(row[c] for c in REPORT_COLUMNS))
    return rows


def _insert_sql() -> str:
    from geo._rows import REPORT_COLUMNS

    return f"INSERT INTO reports ({', '.join(REPORT_COLUMNS)}) VALUES ({', '.join('?' * len(REPORT_COLUMNS))})"


def _cached_store(stored: int, batch: int, cache: Path) -> tuple[Path, pd.DataFrame]:
    """A store of ``stored`` synthetic reports already zoned once, cached at ``cache`` (built on first
    use: bulk insert, then the first zoning, a full recluster); and the points of the batches."""
    from geo.store import open_store
    from geo.zoning import update
    from streams.scenarios._track import TRACK

    pts = synthetic(stored + 10 * batch, seed=2).sort_values("t_h", kind="stable").reset_index(drop=True)
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        part = cache.with_suffix(".part")  # reports inserted, not zoned yet: resume from there
        store = open_store(f"sqlite:///{part}")
        started = time.perf_counter()
        for k in range(store.count_reports(), stored, 100_000):
            store._db.execute("BEGIN")
            store._db.executemany(_insert_sql(), _report_rows(pts.iloc[k : min(k + 100_000, stored)], k))
            store._db.execute("COMMIT")
        print(f"  built a store of {stored:,} reports in {time.perf_counter() - started:.0f} s (bulk insert)")
        started = time.perf_counter()
        first = update(store, track=TRACK)
        print(f"  first zoning (full recluster of the store): {time.perf_counter() - started:.1f} s, "
              f"{store.count_incidents():,} incidents, {first.zones} zones")
        store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        part.rename(cache)
    return cache, pts


def bench_incremental(stored: int, batch: int, runs: int = 5, profile: str = "") -> None:
    import shutil
    import statistics

    from geo.store import open_store
    from geo.zoning import update
    from streams.scenarios._track import TRACK

    print(f"incremental update on a store of {stored:,} reports:")
    cache = Path(__file__).resolve().parents[1] / "var" / "bench" / f"zones-{stored}.db"
    cache, pts = _cached_store(stored, batch, cache)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "bench.db"
        shutil.copyfile(cache, work)
        store = open_store(f"sqlite:///{work}")
        store._db.execute("DELETE FROM zoning_state WHERE key = 'zones_drawn_h'")  # batch 0 redraws the zones
        from geo.zoning import ZoningWindow, _district_tree

        # what a zoning process (crisismap zones) loads once, not per batch: the district boundaries
        # and its window of recent members
        _district_tree()
        window = ZoningWindow()
        c0 = time.process_time()
        window.sync(store, store.zoning_cursor())
        from streams.zoner import freeze_working_set

        frozen = window.generation
        freeze_working_set()  # as the zoning loop does when its window reads or merges its rows
        print(f"  window of recent members read once: {len(window):,} rows, cpu {time.process_time() - c0:.2f} s")
        walls, cpus = [], []
        for b in range(runs + 2):
            k = stored + b * batch
            store._db.execute("BEGIN")
            store._db.executemany(_insert_sql(), _report_rows(pts.iloc[k : k + batch], k))
            store._db.execute("COMMIT")
            redrawn = b in (0, runs + 1)
            if b == runs + 1:  # a redraw again, in the middle of the stream (batch 0 is the first write to the copy)
                store._db.execute("DELETE FROM zoning_state WHERE key = 'zones_drawn_h'")
            c0, w0 = time.process_time(), time.perf_counter()
            if profile and b == runs:
                import cProfile
                import pstats

                prof = cProfile.Profile()
                result = prof.runcall(update, store, track=TRACK, window=window)
                pstats.Stats(prof).sort_stats(profile).print_stats(40)
            else:
                result = update(store, track=TRACK, window=window)
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            if window.generation != frozen:
                frozen = window.generation
                freeze_working_set()
            if not redrawn:
                walls.append(wall)
                cpus.append(cpu)
            print(f"  batch {b}{' (zones redrawn)' if redrawn else ''}: {result.reports:,} reports -> {result.incidents_touched} incidents touched "
                  f"({result.created} new, {result.merged} merges), {result.zones} zones: "
                  f"wall {wall:.3f} s, cpu {cpu:.3f} s")  # fmt: skip
        print(f"  median of {runs}: wall {statistics.median(walls):.3f} s, cpu {statistics.median(cpus):.3f} s "
              f"per {batch:,}-report batch (incidents + zones, read and written)")  # fmt: skip
        store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=100_000)
    ap.add_argument("--stored", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=1_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--profile", default="", help="cProfile the last batch, sorted by this (cumulative, tottime)")
    args = ap.parse_args()
    if args.points:
        bench_recluster(args.points)
    if args.stored:
        bench_incremental(args.stored, args.batch, args.runs, args.profile)


if __name__ == "__main__":
    main()
