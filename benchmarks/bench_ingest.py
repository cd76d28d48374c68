"""End-to-end ingest throughput on the real embedded broker.

Replays N messages of the Amphan scenario to a fresh embedded broker, then runs one ingest worker
(parse, geocode, classify, store in SQLite, commit) until the topics are drained, and prints
messages per second for each stage. Run: ``.venv/bin/python benchmarks/bench_ingest.py [N]``
(default 20,000).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from geo.settings import Settings
from geo.store import open_store
from streams.broker import free_port, start_broker
from streams.ingest import Enricher, IngestWorker, parse_records
from streams.replay import replay
from streams.scenarios.amphan import iter_scenario
from streams.topics import ensure_topics


class _Rec:
    __slots__ = ("topic", "partition", "offset", "key", "value", "headers")

    def __init__(self, topic: str, offset: int, message) -> None:  # noqa: ANN001
        self.topic, self.partition, self.offset = topic, 0, offset
        self.key, self.value, self.headers = message.key.encode(), message.value, message.headers()


def main(n: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="crisismap-bench-"))
    t0 = time.perf_counter()
    messages = [m for m, _ in iter_scenario(n, seed=2020)]
    t_gen = time.perf_counter() - t0
    enricher = Enricher()  # gazetteer + classifier load, once
    with start_broker(free_port(), tmp / "broker.log") as broker:
        settings = Settings.load(kafka_bootstrap_servers=broker.bootstrap_servers, store_url=f"sqlite:///{tmp}/bench.db")
        ensure_topics(settings)
        topic_of = {"weather": settings.topic_weather, "traffic": settings.topic_traffic, "distress": settings.topic_distress}

        records = [_Rec(topic_of[m.feed], i, m) for i, m in enumerate(messages)]
        t0 = time.process_time()  # CPU time: the machine may be shared, one process is one core
        parsed = parse_records(records, settings)
        t_parse = time.process_time() - t0
        t0 = time.process_time()
        for i in range(0, len(parsed.items), settings.ingest_batch_size):
            enricher.enrich(parsed.items[i : i + settings.ingest_batch_size])
        t_enrich = time.process_time() - t0

        t0 = time.perf_counter()
        replay(messages, settings, progress=False)
        t_replay = time.perf_counter() - t0
        store = open_store(settings.store_url)
        worker = IngestWorker(settings, store, enricher)
        t0, c0 = time.perf_counter(), time.process_time()
        stats = worker.run(idle_exit_s=3.0)
        t_ingest = time.perf_counter() - t0 - 3.0  # minus the idle wait that ends the run
        c_ingest = time.process_time() - c0
        stored = store.count_reports() + store.count_alerts()
        store.close()
    print(f"messages: {n:,} (generated in {t_gen:.1f} s)")
    print(f"parse (adapters), per CPU-second:                  {n / t_parse:>9,.0f} msg/s")
    print(f"locate + classify + flag, per CPU-second:          {n / t_enrich:>9,.0f} msg/s")
    print(f"replay to the embedded broker, wall:               {n / t_replay:>9,.0f} msg/s")
    print(f"ingest end to end (poll..commit), one worker, wall: {stats.records / t_ingest:>9,.0f} msg/s "
          f"({stats.records / c_ingest:,.0f} per CPU-second of the worker; {stats.records:,} records, "
          f"{stored:,} stored, {stats.dead_letters} dead-lettered)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
