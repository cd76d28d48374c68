"""Incidents and zones against the Amphan scenario's ground truth, over several seeds.

Run: ``.venv/bin/python benchmarks/eval_zones.py [--size 1500] [--batch 300] [--seeds 11 1 2 3 4 5]``.
Each seed goes through the real adapters, geocoder, classifier and a SQLite store, with one zoning
step per batch. Prints per seed: adjusted Rand index and purity of the report-to-incident
assignment, the share of true incidents found, and the zone coverage figures of
``streams.scenarios.scoring`` averaged over the steps (area of the true affected area inside reports
zones, live true incidents inside a zone, their districts listed, zones holding a true incident).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from geo.store import open_store
from streams.scenarios.scoring import replay_scenario, score_incidents


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=300)
    ap.add_argument("--seeds", type=int, nargs="+", default=[11, 1, 2, 3, 4, 5])
    args = ap.parse_args()
    print(f"{'seed':>4} {'ARI':>6} {'purity':>7} {'found':>6} {'area':>6} {'inc in':>7} {'dists':>6} {'zones+':>7} {'s':>5}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            t = time.perf_counter()
            store = open_store(f"sqlite:///{Path(tmp) / f'seed{seed}.db'}")
            run = replay_scenario(store, args.size, seed, batch=args.batch)
            s, c = score_incidents(store, run.truth), run.mean_coverage()
            store.close()
            rows.append((s.ari, s.purity, s.found, c["area"], c["incidents"], c["districts"], c["zones_with_truth"]))
            print(f"{seed:>4} {s.ari:6.3f} {s.purity:7.3f} {s.found:6.2f} {c['area']:6.3f} {c['incidents']:7.3f} "
                  f"{c['districts']:6.3f} {c['zones_with_truth']:7.3f} {time.perf_counter() - t:5.0f}")
    mean = [statistics.fmean(col) for col in zip(*rows, strict=True)]
    print("mean " + " ".join(f"{v:6.3f}" for v in mean))
    print(f"min  {min(r[0] for r in rows):6.3f}  (ARI)")


if __name__ == "__main__":
    main()
