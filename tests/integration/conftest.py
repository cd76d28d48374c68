"""Real services for integration tests: the embedded Tansu broker on a free loopback port.

A missing service fails the run; nothing here skips.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from geo.settings import Settings
from geo.store import Store, open_store
from streams.broker import EmbeddedBroker, free_port, start_broker

#: The local PostgreSQL + PostGIS (trust auth); `.ci/run` installs PostGIS and starts the server.
PG = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    """One embedded broker for the session, stopped by PID at the end."""
    log = tmp_path_factory.mktemp("broker") / "tansu.log"
    running = start_broker(free_port(), log)
    yield running
    running.stop()


@pytest.fixture
def kafka_settings(broker: EmbeddedBroker, tmp_path: Path) -> Callable[..., Settings]:
    """Settings pointing at the session broker with topics of their own (so tests do not share data)."""

    def make(**overrides: object) -> Settings:
        run = uuid.uuid4().hex[:8]
        values: dict[str, object] = {
            "kafka_bootstrap_servers": broker.bootstrap_servers,
            "store_url": f"sqlite:///{tmp_path / f'store-{run}.db'}",
            "topic_weather": f"t{run}.weather",
            "topic_traffic": f"t{run}.traffic",
            "topic_distress": f"t{run}.distress",
            "topic_deadletter": f"t{run}.deadletter",
            "topic_outbound": f"t{run}.outbound",
            "consumer_group": f"g{run}",
            "topic_partitions": 3,
        } | overrides
        return Settings.load(**values)

    return make


@pytest.fixture
def pg_store_factory() -> Iterator[Callable[..., Store]]:
    """Stores on the real PostgreSQL + PostGIS, each in a schema of its own, dropped at teardown."""
    opened: list = []

    def make(name: str = "store") -> Store:
        store = open_store(f"{PG}?schema=t_{name}_{uuid.uuid4().hex[:8]}")
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.drop()
        store.close()
