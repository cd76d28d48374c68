"""Posts per second of the public-post classifier on one core (category, needs, urgency, people, language).

    .venv/bin/python benchmarks/bench_classify.py [--posts 100000] [--batch 2000]

Texts: the IDRISI-R tweets from ../shared/data/idrisi/lmr when present, plus short Hindi, Bengali and
romanised posts written for the project; otherwise only the latter. Pins the process to one CPU
(Linux) and limits BLAS threads to one, so the number is a one-core number. Prints wall-clock and
CPU-time rates: on a shared, busy machine the CPU-time rate is the one-core throughput.

Then the same posts end to end, as the ingest worker sees them: each one a plain social-post JSON
payload parsed by the social adapter (``streams.adapters.social.parse``), the parsed texts classified
in batches; that rate (parse + classify, per CPU-second) is the one issue 4 sets at >= 20,000.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from geo.classification import Classifier

DATA = ROOT.parent / "shared" / "data" / "idrisi" / "lmr"
WRITTEN = [
    "हम 5 लोग छत पर फंसे हैं, पानी बढ़ रहा है, तुरंत मदद भेजें",
    "আমাদের গ্রামে ৩০ জন আটকে আছে, খাবার জল নেই, ওষুধ দরকার",
    "bhai madad chahiye, 20 log phanse hain, paani nahi hai",
    "amader barite jol dhukeche, khabar lagbe, please help",
    "Tree fell on the road near Ultadanga flyover, power lines down",
    "Family of 5 stranded on rooftop in Bhadrak, need rescue urgently #CycloneAmphan",
]


def load_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(DATA.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            texts.extend(json.loads(line)["text"] for line in handle)
    return texts + WRITTEN * 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000, help="posts to classify")
    parser.add_argument("--batch", type=int, default=2000, help="posts per classify_batch call")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    from geo.classification import Classifier

    started = time.perf_counter()
    classifier = Classifier.load()
    load_s = time.perf_counter() - started
    texts = list(itertools.islice(itertools.cycle(load_texts()), args.posts))
    classifier.classify_batch(texts[: args.batch])  # warm-up
    started, cpu_started = time.perf_counter(), time.process_time()
    for i in range(0, len(texts), args.batch):
        classifier.classify_batch(texts[i : i + args.batch])
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(f"model load: {load_s * 1000:.0f} ms")
    print(f"classified {len(texts)} posts, batch {args.batch}: {elapsed:.2f} s wall, {cpu:.2f} s CPU")
    print(f"{len(texts) / elapsed:,.0f} posts/s wall clock; {len(texts) / cpu:,.0f} posts/s per CPU-second (one core)")
    combined = parse_and_classify_rate(classifier, texts, args.batch)
    print(f"parse + classify: {combined:,.0f} posts/s per CPU-second (one core; target >= 20,000)")


def parse_and_classify_rate(classifier: Classifier, texts: list[str], batch: int) -> float:
    """Posts per CPU-second of the social adapter's parse plus ``classify_batch`` on its texts."""
    from streams.adapters import AdapterContext
    from streams.adapters.social import parse

    ctx = AdapterContext(feed="distress", source="bench", received_at=datetime.now(UTC))
    payloads = [
        json.dumps(
            {"id": f"b{i}", "text": text, "author": f"u{i % 500}", "created_at": "2020-05-20T10:00:00+05:30"},
            ensure_ascii=False,
        ).encode()
        for i, text in enumerate(texts)
    ]
    cpu_started = time.process_time()
    for i in range(0, len(payloads), batch):
        reports = [report for payload in payloads[i : i + batch] for report in parse(payload, ctx)]
        classifier.classify_batch([report.text for report in reports])
    return len(payloads) / (time.process_time() - cpu_started)


if __name__ == "__main__":
    main()
