"""Parsing throughput of the distress adapters (social + SMS) on one core.

Usage: .venv/bin/python benchmarks/bench_parse.py [--n 50000]
Rates are CPU time of this process (``time.process_time``), best of ``--repeat`` runs, so other
work on a shared machine does not count against the parser. Prints posts/s for X API v2 posts, plain posts, SMS gateway JSON, bare SMS and the mix; the target
is >= 20,000 posts/s for the mix. The posts are synthetic (written here), varied in text and ids.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import UTC, datetime
from typing import Any

from streams.adapters import AdapterContext, load_adapter

PHRASES = [
    "Water entering our house in Kakdwip, 4 people on the roof, please send a boat",
    "Tree fell on the road near Digha bus stand, no electricity since morning #Amphan",
    "পানি বাড়ছে, গোসাবায় আমরা ছাদে আটকে আছি",
    "मेरे गांव में पानी भर गया है, मदद चाहिए",
    "Praying for everyone in Odisha and West Bengal",
]


def _payloads(n: int, rng: random.Random) -> dict[str, list[bytes]]:
    out: dict[str, list[bytes]] = {"x_v2": [], "plain": [], "sms_json": [], "sms_text": []}
    for i in range(n):
        text = f"{rng.choice(PHRASES)} ({i})"
        lat, lon = 21.5 + rng.random(), 87.5 + rng.random()
        out["x_v2"].append(json.dumps({
            "data": {"id": str(10**15 + i), "text": text, "author_id": str(i % 997), "created_at": "2020-05-20T14:05:00.000Z",
                     "lang": "en", "geo": {"coordinates": {"type": "Point", "coordinates": [lon, lat]}},
                     "referenced_tweets": [{"type": "retweeted", "id": str(i // 3)}] if i % 3 else []},
            "includes": {"users": [{"id": str(i % 997), "username": f"user{i % 997}", "verified": i % 50 == 0}]},
        }, ensure_ascii=False).encode())  # fmt: skip
        out["plain"].append(json.dumps(
            {"id": f"p{i}", "text": text, "author": f"u{i % 500}", "created_at": "2020-05-20T10:00:00+05:30", "lat": lat, "lon": lon},
            ensure_ascii=False).encode())  # fmt: skip
        out["sms_json"].append(json.dumps(
            {"id": f"s{i}", "from": f"+9198{i:08d}", "text": text, "received_at": "2020-05-20T10:00:00+05:30"},
            ensure_ascii=False).encode())  # fmt: skip
        out["sms_text"].append(text.encode())
    return out


def _rate(jobs: list[tuple[Any, bytes]], ctx: AdapterContext, repeat: int) -> float:
    """Posts per CPU-second, best of ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for parse, payload in jobs:
            parse(payload, ctx)
        best = min(best, time.process_time() - start)
    return len(jobs) / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000, help="posts per kind")
    ap.add_argument("--repeat", type=int, default=3, help="runs; the best is reported")
    args = ap.parse_args()
    ctx = AdapterContext(feed="distress", source="bench", received_at=datetime.now(UTC))
    data = _payloads(args.n, random.Random(7))
    kinds = {"x_v2": "social", "plain": "social", "sms_json": "sms", "sms_text": "sms"}
    for kind, adapter in kinds.items():
        jobs = [(load_adapter(adapter), p) for p in data[kind]]
        print(f"{kind:9s} {_rate(jobs, ctx, args.repeat):>10,.0f} posts/s")
    mix = [(load_adapter(kinds[k]), p) for k in kinds for p in data[k]]
    random.Random(8).shuffle(mix)
    rate = _rate(mix, ctx, args.repeat)
    print(f"{'mix':9s} {rate:>10,.0f} posts/s  ({len(mix):,} posts, one core; target >= 20,000)")


if __name__ == "__main__":
    main()
