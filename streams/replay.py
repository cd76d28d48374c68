"""Replay of a scenario onto the feed topics, in event-time order, at a chosen speed."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path

from geo.settings import Settings
from streams.envelope import FeedMessage
from streams.errors import ScenarioError
from streams.topics import PRODUCER_DEFAULTS


def topic_for(message: FeedMessage, settings: Settings) -> str:
    return {"weather": settings.topic_weather, "traffic": settings.topic_traffic, "distress": settings.topic_distress}[
        message.feed
    ]


def read_messages(path: Path) -> Iterator[FeedMessage]:
    """Messages from a file written by ``crisismap scenario --out`` (messages.jsonl)."""
    try:
        fh = open(path, encoding="utf-8")
    except OSError as exc:
        msg = f"cannot read scenario file {path}: {exc.strerror}"
        raise ScenarioError(msg) from None
    with fh:
        for number, line in enumerate(fh, start=1):
            try:
                obj = json.loads(line)
                when = obj.get("event_time")
                yield FeedMessage(
                    feed=obj["feed"], value=obj["value"].encode("utf-8"), format=obj["format"], source=obj["source"],
                    key=obj.get("key"), event_time=datetime.fromisoformat(when) if when else None,
                )  # fmt: skip
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                msg = f"{path} line {number} is not a scenario message ({type(exc).__name__}: {exc})"
                raise ScenarioError(msg) from None


def _sleep_unless(seconds: float, should_stop: Callable[[], bool]) -> None:
    end = time.monotonic() + seconds
    while not should_stop() and (left := end - time.monotonic()) > 0:
        time.sleep(min(left, 0.2))


def replay(
    messages: Iterable[FeedMessage],
    settings: Settings,
    *,
    speed: float = 0.0,
    total: int | None = None,
    progress: bool = True,
    should_stop: Callable[[], bool] = lambda: False,
) -> dict[str, int]:
    """Publish ``messages`` to their feed topics; returns how many went to each topic.

    ``speed`` is event time per wall time (60 = one minute of the scenario per second); 0 publishes
    as fast as the broker takes them. Waits until the broker acknowledged every message it sent;
    stops early (between messages) when ``should_stop()`` turns true.
    """
    from kafka import KafkaProducer
    from tqdm import tqdm

    producer = KafkaProducer(bootstrap_servers=settings.bootstrap_servers, client_id="crisismap-replay", **PRODUCER_DEFAULTS)
    counts: dict[str, int] = {}
    first_event: datetime | None = None
    start = time.monotonic()
    bar = tqdm(total=total, unit="msg", desc="replay", disable=not progress, mininterval=0.5)
    try:
        for message in messages:
            if should_stop():
                break
            if speed > 0 and message.event_time is not None:
                first_event = first_event or message.event_time
                due = (message.event_time - first_event).total_seconds() / speed
                delay = due - (time.monotonic() - start)
                if delay > 0:
                    producer.flush()
                    _sleep_unless(delay, should_stop)
            topic = topic_for(message, settings)
            producer.send(
                topic, key=message.key.encode() if message.key else None, value=message.value, headers=message.headers()
            )
            counts[topic] = counts.get(topic, 0) + 1
            bar.update(1)
        producer.flush()
    finally:
        bar.close()
        producer.close()
    return counts
