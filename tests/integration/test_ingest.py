"""End to end on the real embedded broker: replay -> ingest worker -> store / dead-letter topic.

Every generated message must end up stored or dead-lettered, and a worker killed mid-stream and
restarted must lose and duplicate nothing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from kafka import KafkaConsumer

from geo.store import open_store
from streams.envelope import FeedMessage
from streams.replay import replay
from streams.scenarios.amphan import iter_scenario
from streams.sinks import DLQ_OFFSET, DLQ_PARTITION, DLQ_REASON, DLQ_TOPIC
from streams.topics import ensure_topics

BAD = [
    FeedMessage("weather", b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><identifier>x", "cap", "sachet", "bad-xml"),
    FeedMessage("distress", b'{"data": {"id": ', "social", "twitter", "bad-json"),
    FeedMessage("distress", b"\xff\xfe\x00garbage", "sms", "sms-gateway", "bad-bytes"),
    FeedMessage("traffic", b"Road closed", "no-such-format", "police", "bad-format"),
    FeedMessage("distress", b"x" * 200_000, "sms", "sms-gateway", "oversize"),
]


def _scenario(size: int) -> list[FeedMessage]:
    messages = [m for m, _ in iter_scenario(size, seed=7)]
    step = len(messages) // (len(BAD) + 1)
    for i, bad in enumerate(BAD, start=1):  # malformed messages mid-stream
        messages.insert(i * step, bad)
    return messages


def _dead_letters(settings, expected: int, timeout_s: float = 30.0) -> list:
    consumer = KafkaConsumer(settings.topic_deadletter, bootstrap_servers=settings.bootstrap_servers,
                             auto_offset_reset="earliest", consumer_timeout_ms=3000)  # fmt: skip
    records, deadline = [], time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        records += list(consumer)
        if len({_origin(r) for r in records}) >= expected:
            break
    consumer.close()
    return records


def _origin(record) -> tuple[str, str, str]:
    h = dict(record.headers)
    return (h[DLQ_TOPIC].decode(), h[DLQ_PARTITION].decode(), h[DLQ_OFFSET].decode())


def _ingest(settings, *extra: str) -> subprocess.Popen:
    env = os.environ | {
        "CRISISMAP_KAFKA_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
        "CRISISMAP_STORE_URL": settings.store_url,
        "CRISISMAP_TOPIC_WEATHER": settings.topic_weather,
        "CRISISMAP_TOPIC_TRAFFIC": settings.topic_traffic,
        "CRISISMAP_TOPIC_DISTRESS": settings.topic_distress,
        "CRISISMAP_TOPIC_DEADLETTER": settings.topic_deadletter,
        "CRISISMAP_TOPIC_OUTBOUND": settings.topic_outbound,
        "CRISISMAP_CONSUMER_GROUP": settings.consumer_group,
        "CRISISMAP_INGEST_BATCH_SIZE": str(settings.ingest_batch_size),
        "CRISISMAP_MAX_MESSAGE_BYTES": str(settings.max_message_bytes),
    }
    return subprocess.Popen([sys.executable, "-m", "streams.cli", "ingest", *extra], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip


def _expected_ids(messages: list[FeedMessage]) -> int:
    return sum(1 for m in messages if not m.key.startswith(("bad-", "oversize")))


def test_every_message_is_stored_or_dead_lettered(kafka_settings):
    settings = kafka_settings(ingest_batch_size=200, max_message_bytes=100_000)
    ensure_topics(settings)
    messages = _scenario(400)
    replay(messages, settings, progress=False)
    proc = _ingest(settings, "--idle-exit", "8")
    out, _ = proc.communicate(timeout=240)
    assert proc.returncode == 0, out
    store = open_store(settings.store_url)
    reports = store.reports_frame()
    n_alerts = store.count_alerts()
    dead = _dead_letters(settings, len(BAD))
    reasons = {dict(r.headers)[DLQ_REASON].decode() for r in dead}
    # the bad messages are dead-lettered with their original bytes and a reason each
    assert {r.key.decode() for r in dead} >= {m.key for m in BAD}
    assert {bytes(r.value) for r in dead} >= {m.value for m in BAD}
    assert any("200,000 bytes" in reason for reason in reasons)
    assert any("unknown format 'no-such-format'" in reason for reason in reasons)
    # nothing lost: each good message is a stored report/alert or a dead letter
    assert len(reports) + n_alerts + len({_origin(r) for r in dead}) >= len(messages)
    stored_keys = set(reports["source_id"]) | set(store.alerts_frame()["identifier"])
    dead_keys = {r.key.decode() for r in dead if r.key}
    missing = [m.key for m in messages if m.key not in stored_keys and m.key not in dead_keys]
    assert missing == []
    # provenance is kept
    row = reports.iloc[0]
    assert row["topic"] in settings.feed_topics and row["offset"] >= 0 and row["text"]
    # the worker located most distress posts (the scenario names real places)
    distress = reports[reports["feed"] == "distress"]
    assert (distress["status"] == "located").mean() > 0.5
    store.close()


def test_worker_killed_mid_stream_loses_and_duplicates_nothing(kafka_settings):
    settings = kafka_settings(ingest_batch_size=25, max_message_bytes=100_000)
    ensure_topics(settings)
    messages = _scenario(600)
    replay(messages, settings, progress=False)
    store = open_store(settings.store_url)
    first = _ingest(settings)
    deadline = time.monotonic() + 120
    while store.count_reports() < 100 and time.monotonic() < deadline:
        assert first.poll() is None, first.stdout.read()
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)  # no clean shutdown, no final commit
    first.wait(timeout=10)
    partial = store.count_reports()
    assert 0 < partial < len(messages)
    second = _ingest(settings, "--idle-exit", "8")
    out, _ = second.communicate(timeout=240)
    assert second.returncode == 0, out
    reports = store.reports_frame()
    dead = _dead_letters(settings, len(BAD))
    assert reports["report_id"].is_unique
    stored_keys = set(reports["source_id"]) | set(store.alerts_frame()["identifier"])
    dead_keys = {r.key.decode() for r in dead if r.key}
    assert [m.key for m in messages if m.key not in stored_keys and m.key not in dead_keys] == []
    assert not (stored_keys & {m.key for m in BAD})  # nothing both stored and dead-lettered
    # each stored report kept the offset it was first read at: re-reads after the kill overwrote, not added
    assert reports.groupby(["topic", "partition", "offset"]).size().max() == 1
    store.close()
