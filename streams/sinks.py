"""Sinks with a small lifecycle, like quix-streams' ``BaseSink``: ``add()`` per record, ``flush()`` at
a checkpoint. The ingest worker commits Kafka offsets only after every sink flushed successfully.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from geo.model import Alert, Parsed, Report
from geo.store import Store

log = logging.getLogger(__name__)

#: Headers the dead-letter topic adds to the original record's headers.
DLQ_REASON = "dlq-reason"
DLQ_TOPIC = "dlq-topic"
DLQ_PARTITION = "dlq-partition"
DLQ_OFFSET = "dlq-offset"
DLQ_AT = "dlq-at"


@dataclass
class StoreSink:
    """Buffers parsed reports and alerts; ``flush()`` writes them in one store transaction."""

    store: Store
    reports: list[Report] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    def add(self, item: Parsed) -> None:
        if isinstance(item, Report):
            self.reports.append(item)
        else:
            self.alerts.append(item)

    def flush(self) -> tuple[int, int]:
        """Write the buffer (raises StoreError and keeps the buffer if the write fails)."""
        counts = (len(self.reports), len(self.alerts))
        if self.reports or self.alerts:
            self.store.upsert(self.reports, self.alerts)
        self.reports, self.alerts = [], []
        return counts


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A message that could not be used, with everything needed to find and replay it."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]
    reason: str

    def dlq_headers(self) -> list[tuple[str, bytes]]:
        ours = {DLQ_REASON, DLQ_TOPIC, DLQ_PARTITION, DLQ_OFFSET, DLQ_AT}
        kept = [(k, v) for k, v in self.headers if k not in ours]
        return kept + [
            (DLQ_REASON, self.reason.encode("utf-8", "replace")[:2000]),
            (DLQ_TOPIC, self.topic.encode()),
            (DLQ_PARTITION, str(self.partition).encode()),
            (DLQ_OFFSET, str(self.offset).encode()),
            (DLQ_AT, datetime.now(UTC).isoformat().encode()),
        ]


@dataclass
class DeadLetterSink:
    """Publishes bad messages (original bytes + reason) to the dead-letter topic; ``flush()`` waits
    until the broker acknowledged every one of them."""

    producer: Any  # kafka.KafkaProducer
    topic: str
    pending: list[DeadLetter] = field(default_factory=list)

    def add(self, letter: DeadLetter) -> None:
        log.warning(
            "dead-letter %s[%d]@%d: %s", letter.topic, letter.partition, letter.offset, letter.reason
        )
        self.pending.append(letter)

    def flush(self) -> int:
        futures = [
            self.producer.send(self.topic, key=d.key, value=d.value, headers=d.dlq_headers()) for d in self.pending
        ]
        self.producer.flush()
        for fut in futures:
            fut.get(timeout=30)  # raises if the broker refused one: then offsets are not committed
        sent, self.pending = len(self.pending), []
        return sent
