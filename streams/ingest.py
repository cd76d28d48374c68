"""The ingest worker: feed topics -> parse -> locate + classify -> store, THEN commit offsets.

At-least-once from Kafka, idempotent in the store (upsert by source id): exactly-once in effect.
A message that cannot be used goes to the dead-letter topic with its original bytes and the
reason, and the worker goes on. Several workers in one consumer group share the partitions.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from geo.model import Location, Parsed, Provenance, Report
from geo.settings import Settings
from geo.store import Store
from streams.adapters import AdapterContext, load_adapter
from streams.envelope import HEADER_EVENT_TIME, HEADER_FORMAT, HEADER_SOURCE, header_dict, sniff_format
from streams.errors import AdapterError
from streams.sinks import DeadLetter, DeadLetterSink, StoreSink
from streams.topics import CONSUMER_DEFAULTS, PRODUCER_DEFAULTS, topic_feeds

log = logging.getLogger(__name__)

#: A GPS fix a sender attached is trusted to this radius (phone GPS, metres).
GPS_RADIUS_M = 50.0


class Record(Protocol):
    """The part of kafka-python's ConsumerRecord the worker reads."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What one batch produced: items to store and messages to dead-letter."""

    items: tuple[Parsed, ...]
    dead: tuple[DeadLetter, ...]


@dataclass
class IngestStats:
    records: int = 0
    reports: int = 0
    alerts: int = 0
    dead_letters: int = 0
    batches: int = 0
    lag: dict[str, int] = field(default_factory=dict)


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_records(records: Sequence[Record], settings: Settings, received_at: datetime | None = None) -> BatchResult:
    """Parse a batch of Kafka records with the adapter each names; never raises for a bad message."""
    feeds = topic_feeds(settings)
    now = received_at or datetime.now(UTC)
    items: list[Parsed] = []
    dead: list[DeadLetter] = []
    for rec in records:
        value = rec.value or b""
        headers = tuple(rec.headers or ())

        def reject(reason: str, rec: Record = rec, value: bytes = value, headers: tuple = headers) -> None:
            dead.append(DeadLetter(rec.topic, rec.partition, rec.offset, rec.key, value, headers, reason))

        feed = feeds.get(rec.topic)
        if feed is None:
            reject(f"topic {rec.topic!r} is not a feed topic")
            continue
        if len(value) > settings.max_message_bytes:
            reject(f"message is {len(value):,} bytes; the limit is {settings.max_message_bytes:,} (max_message_bytes)")
            continue
        if not value.strip():
            reject("message is empty")
            continue
        meta = header_dict(list(headers))
        fmt = meta.get(HEADER_FORMAT) or sniff_format(value, feed)
        ctx = AdapterContext(
            feed=feed,  # type: ignore[arg-type]
            source=meta.get(HEADER_SOURCE) or f"unknown-{feed}",
            received_at=now,
            key=rec.key.decode("utf-8", "replace") if rec.key else None,
            event_time=_parse_time(meta.get(HEADER_EVENT_TIME)),
        )
        try:
            parsed = load_adapter(fmt)(value, ctx)
        except AdapterError as exc:
            reject(f"{fmt}: {exc}")
            continue
        except Exception as exc:  # a bug in an adapter must not stop the feed: keep the message
            log.exception("adapter %s crashed on %s[%d]@%d", fmt, rec.topic, rec.partition, rec.offset)
            reject(f"{fmt}: internal error {type(exc).__name__}: {exc}")
            continue
        if not parsed:
            reject(f"{fmt}: the message holds nothing to store")
            continue
        prov = Provenance(rec.topic, rec.partition, rec.offset, now)
        for item in parsed:
            changes: dict[str, Any] = {"provenance": prov}
            if isinstance(item, Report) and item.event_time is None:
                changes["event_time"] = ctx.event_time or now
            items.append(dataclasses.replace(item, **changes))
    return BatchResult(tuple(items), tuple(dead))


def _no_known_copies(keys: Any) -> dict[str, str]:
    return {}


class Enricher:
    """Locates, classifies and flags reports in batches (gazetteer, classifier and fact-checks load once).

    Flags on distress posts, in ``Report.extra``: ``duplicate_of`` (a retweet, forward or
    near-duplicate of an earlier report), ``fact_check`` (repeats a claim of the fact-check feed)
    and ``official`` (sent by one of ``settings.official_accounts``).

    Traffic reports are also located on their roads (:mod:`geo.roads`): highway segments and named
    landmarks join ``locations``, the report is pinned on the most precise of them (a whole road,
    named with no place on it, only when the text names no other place), and the
    segments' GeoJSON goes to ``extra["road_geometry"]`` (a LineString, or a MultiLineString for
    several roads) with ``extra["road_segments"]`` describing each.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        from geo.classification import Classifier
        from geo.factchecks import FactChecks
        from geo.geocoding import Geocoder

        settings = settings or Settings.load()
        from geo.roads import RoadLocator

        self._geocoder = Geocoder.load()
        self._roads = RoadLocator.load(self._geocoder.gaz)
        self._classifier = Classifier.load()
        self._factchecks = FactChecks.load(settings.factcheck_path)
        self._official = frozenset(a.lower().lstrip("@") for a in settings.official_accounts)
        self._event_region = settings.event_region

    def enrich(
        self, items: Sequence[Parsed], known: Callable[[Any], dict[str, str]] = _no_known_copies
    ) -> list[Parsed]:
        """``known(text_keys)`` names stored originals (the store's ``originals_by_text_key``)."""
        from geo.duplicates import link_duplicates
        from geo.geocoding import best_location

        at = [i for i, it in enumerate(items) if isinstance(it, Report)]
        reports: list[Report] = [items[i] for i in at]  # type: ignore[misc]
        if not reports:
            return list(items)
        texts = [r.text for r in reports]
        found = self._geocoder.locate_batch(texts, event_region=self._event_region)
        distress = [k for k, r in enumerate(reports) if r.feed == "distress"]
        labels = dict(zip(distress, self._classifier.classify_batch([texts[k] for k in distress]), strict=True))
        checks = dict(zip(distress, self._factchecks.match([texts[k] for k in distress]), strict=True))
        gps = self._gps_locations(reports)
        roads = self._road_matches(reports, found)
        enriched = []
        for k, report in enumerate(reports):
            locations = tuple(found[k])
            on_roads = tuple(m.location for m in roads.get(k, ()))
            confident_roads = [loc for loc in on_roads if loc.confidence >= 0.5]  # not a whole road
            pin = gps.get(k) or best_location(confident_roads) or best_location(locations) or best_location(on_roads)
            changes: dict[str, Any] = {"locations": locations + on_roads, "location": pin}
            if (label := labels.get(k)) is not None:
                changes |= {
                    "category": label.category,
                    "needs": tuple(label.needs),
                    "urgency": label.urgency,
                    "people": label.people,
                    "language": report.language or label.language,
                }
            extra = dict(report.extra)
            if (check := checks.get(k)) is not None:
                extra["fact_check"] = check.flag()
            if report.feed == "distress":
                extra["official"] = (report.author or "").lower().lstrip("@") in self._official
            if roads.get(k):
                extra |= _road_extra(roads[k])
            enriched.append(dataclasses.replace(report, extra=extra, **changes))
        out = list(items)
        for i, report in zip(at, link_duplicates(enriched, known), strict=True):
            out[i] = report
        return out

    def _road_matches(self, reports: Sequence[Report], found: Sequence[Sequence[Location]]) -> dict[int, tuple[Any, ...]]:
        """Roads and landmarks of each traffic report, road segments placed in their district and state."""
        from geo.boundaries import reverse_many

        at = [k for k, r in enumerate(reports) if r.feed == "traffic"]
        names = [[n for n in reports[k].extra.get("roads") or () if isinstance(n, str)] for k in at]
        matched = self._roads.locate_batch([reports[k].text for k in at], [found[k] for k in at], names)
        segments = [(k, i, m) for k, ms in zip(at, matched, strict=True) for i, m in enumerate(ms) if m.geometry]
        admin = reverse_many([m.location.lat for *_, m in segments], [m.location.lon for *_, m in segments])
        out = {k: list(ms) for k, ms in zip(at, matched, strict=True) if ms}
        for (k, i, m), (state, district, state_lgd, district_lgd) in zip(segments, admin, strict=True):
            loc = dataclasses.replace(
                m.location, state=state, district=district, state_lgd=state_lgd, district_lgd=district_lgd
            )
            out[k][i] = dataclasses.replace(m, location=loc)
        return {k: tuple(ms) for k, ms in out.items()}

    @staticmethod
    def _gps_locations(reports: Sequence[Report]) -> dict[int, Location]:
        """The GPS fix each sender attached (not a bulletin's: that point is the storm, not a place),
        with its district and state from one batched point-in-polygon query."""
        from geo.boundaries import reverse_many

        at = [
            k for k, r in enumerate(reports)
            if r.gps is not None and r.feed != "weather" and -90 <= r.gps[0] <= 90 and -180 <= r.gps[1] <= 180
        ]  # fmt: skip
        points = [reports[k].gps for k in at]
        admin = reverse_many([p[0] for p in points], [p[1] for p in points])  # type: ignore[index]
        out = {}
        for k, (lat, lon), (state, district, state_lgd, district_lgd) in zip(at, points, admin, strict=True):  # type: ignore[misc]
            out[k] = Location(
                lat=lat, lon=lon, radius_m=GPS_RADIUS_M, kind="coordinates", name=f"{lat:.5f}, {lon:.5f}",
                method="gps", confidence=0.95, state=state, district=district, state_lgd=state_lgd,
                district_lgd=district_lgd,
            )  # fmt: skip
        return out


def _road_extra(matches: Sequence[Any]) -> dict[str, Any]:
    """``road_segments`` (each road or landmark found) and ``road_geometry`` (GeoJSON of the segments)."""
    lines = [m.geometry["coordinates"] for m in matches if m.geometry]
    extra: dict[str, Any] = {"road_segments": [m.to_json() for m in matches]}
    if len(lines) == 1:
        extra["road_geometry"] = {"type": "LineString", "coordinates": lines[0]}
    elif lines:
        extra["road_geometry"] = {"type": "MultiLineString", "coordinates": lines}
    return extra


class IngestWorker:
    """One member of the ingest consumer group."""

    def __init__(self, settings: Settings, store: Store, enricher: Enricher | None = None) -> None:
        self.settings = settings
        self.store = store
        self.enricher = enricher or Enricher(settings)
        self.stats = IngestStats()
        self._consumer: Any = None
        self._producer: Any = None

    def _connect(self) -> None:
        from kafka import KafkaConsumer, KafkaProducer

        servers = self.settings.bootstrap_servers
        self._consumer = KafkaConsumer(
            *self.settings.feed_topics,
            bootstrap_servers=servers,
            group_id=self.settings.consumer_group,
            max_poll_records=self.settings.ingest_batch_size,
            client_id="crisismap-ingest",
            **CONSUMER_DEFAULTS,
        )
        self._producer = KafkaProducer(bootstrap_servers=servers, client_id="crisismap-deadletter", **PRODUCER_DEFAULTS)

    def process(self, records: Sequence[Record]) -> None:
        """Parse, enrich and store one batch, dead-letter its bad messages, then commit offsets."""
        result = parse_records(records, self.settings)
        sink = StoreSink(self.store)
        for item in self.enricher.enrich(result.items, self.store.originals_by_text_key):
            sink.add(item)
        dlq = DeadLetterSink(self._producer, self.settings.topic_deadletter)
        for letter in result.dead:
            dlq.add(letter)
        n_reports, n_alerts = sink.flush()
        dlq.flush()
        self._consumer.commit()  # only now: the batch is durable in the store and the DLQ
        self.stats.records += len(records)
        self.stats.reports += n_reports
        self.stats.alerts += n_alerts
        self.stats.dead_letters += len(result.dead)
        self.stats.batches += 1

    def lag(self) -> dict[str, int]:
        """Messages not yet consumed, per topic (highwater minus position; Tansu's end_offsets under-reports)."""
        out: dict[str, int] = {}
        for tp in self._consumer.assignment():
            high = self._consumer.highwater(tp)
            if high is not None:
                out[tp.topic] = out.get(tp.topic, 0) + max(0, high - self._consumer.position(tp))
        return out

    def run(
        self,
        should_stop: Callable[[], bool] = lambda: False,
        idle_exit_s: float | None = None,
        on_batch: Callable[[IngestStats], None] | None = None,
    ) -> IngestStats:
        """Consume until ``should_stop()`` or, with ``idle_exit_s``, until no record came for that long
        after the worker got its partitions (joining a group after a crash can take a session timeout)."""
        from geo.errors import StoreError

        self._connect()
        last_record = time.monotonic()
        try:
            while not should_stop():
                polled = self._consumer.poll(timeout_ms=500, max_records=self.settings.ingest_batch_size)
                records = [r for batch in polled.values() for r in batch]
                if not records:
                    if not self._consumer.assignment():  # still joining the group: not idle yet
                        last_record = time.monotonic()
                    elif idle_exit_s is not None and time.monotonic() - last_record > idle_exit_s:
                        break
                    continue
                last_record = time.monotonic()
                try:
                    self.process(records)
                except StoreError as exc:
                    # Backpressure: the store refused the batch. Rewind to the batch start and retry later.
                    log.error("store write failed, retrying in 2 s: %s", exc)
                    self._rewind(records)
                    time.sleep(2.0)
                    continue
                self.stats.lag = self.lag()
                if on_batch:
                    on_batch(self.stats)
        finally:
            self.close()
        return self.stats

    def _rewind(self, records: Sequence[Record]) -> None:
        from kafka import TopicPartition

        first: dict[tuple[str, int], int] = {}
        for r in records:
            key = (r.topic, r.partition)
            first[key] = min(first.get(key, r.offset), r.offset)
        for (topic, partition), offset in first.items():
            self._consumer.seek(TopicPartition(topic, partition), offset)

    def close(self) -> None:
        if self._consumer is not None:
            self._consumer.close()
            self._consumer = None
        if self._producer is not None:
            self._producer.close()
            self._producer = None
