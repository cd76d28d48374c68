"""Topics crisismap uses, their creation, and the Kafka client settings that work with every broker.

kafka-python against Tansu: a consumer group needs ``session_timeout_ms=6000,
heartbeat_interval_ms=1000`` or it takes ~23 s to join; ``end_offsets()`` can under-report, so lag
is measured with the consumer's ``highwater()``.
"""

from __future__ import annotations

import time
from typing import Any

from geo.settings import Settings
from streams.errors import BrokerError

CONSUMER_DEFAULTS: dict[str, Any] = {
    "session_timeout_ms": 6000,
    "heartbeat_interval_ms": 1000,
    "enable_auto_commit": False,
    "auto_offset_reset": "earliest",
    "max_poll_interval_ms": 300_000,
}
PRODUCER_DEFAULTS: dict[str, Any] = {"acks": "all", "linger_ms": 5, "retries": 5}


def topic_feeds(settings: Settings) -> dict[str, str]:
    """topic name -> feed (weather, traffic, distress)."""
    return {settings.topic_weather: "weather", settings.topic_traffic: "traffic", settings.topic_distress: "distress"}


def all_topics(settings: Settings) -> dict[str, int]:
    """Every topic crisismap creates, with its partition count."""
    feeds = {t: settings.topic_partitions for t in settings.feed_topics}
    return feeds | {settings.topic_deadletter: 1, settings.topic_outbound: 1}


def admin_client(bootstrap: str, timeout_s: float = 15.0) -> Any:
    """A KafkaAdminClient, retried until the cluster answers; BrokerError naming it if it never does."""
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return KafkaAdminClient(bootstrap_servers=bootstrap, client_id="crisismap-admin", request_timeout_ms=10_000)
        except (KafkaError, OSError) as exc:
            if time.monotonic() > deadline:
                msg = f"cannot reach Kafka at {bootstrap} ({exc}); start it (crisismap broker) or fix kafka_bootstrap_servers"
                raise BrokerError(msg) from None
            time.sleep(0.5)


def ensure_topics(settings: Settings, bootstrap: str | None = None) -> list[str]:
    """Create the topics that do not exist yet; returns the names created."""
    from kafka.admin import NewTopic
    from kafka.errors import TopicAlreadyExistsError

    admin = admin_client(bootstrap or settings.bootstrap_servers)
    try:
        existing = set(admin.list_topics())
        wanted = [NewTopic(name, parts, 1) for name, parts in all_topics(settings).items() if name not in existing]
        if wanted:
            try:
                admin.create_topics(wanted)
            except TopicAlreadyExistsError:
                pass  # another worker created them between list and create
        return [t.name for t in wanted]
    finally:
        admin.close()
