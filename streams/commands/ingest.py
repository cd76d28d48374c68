"""``crisismap ingest``: run one ingest worker of the consumer group."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from streams.commands._common import BootstrapOpt, ConfigOpt, StoreOpt


def ingest(
    store_url: StoreOpt = None,
    bootstrap_servers: BootstrapOpt = None,
    idle_exit: Annotated[
        float | None, typer.Option("--idle-exit", help="Exit after this many seconds without a new record.", min=0)
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Consume feeds.weather/traffic/distress, parse, locate, classify, store; bad messages go to feeds.deadletter."""
    from geo.settings import Settings
    from geo.store import open_store
    from streams.commands._common import stop_event
    from streams.ingest import IngestStats, IngestWorker
    from streams.topics import ensure_topics

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("kafka").setLevel(logging.CRITICAL)  # unreachable brokers get our one-line error instead
    settings = Settings.load(config, store_url=store_url, kafka_bootstrap_servers=bootstrap_servers)
    store = open_store(settings.store_url)  # a bad store URL fails fast, before waiting for Kafka
    ensure_topics(settings)
    stop = stop_event()
    typer.echo(f"crisismap ingest: {settings.bootstrap_servers} -> {settings.store_url} (group {settings.consumer_group})")

    def report(stats: IngestStats) -> None:
        lag = sum(stats.lag.values())
        typer.echo(
            f"ingest: {stats.records} records, {stats.reports} reports, {stats.alerts} alerts, "
            f"{stats.dead_letters} dead-lettered, lag {lag}"
        )

    try:
        stats = IngestWorker(settings, store).run(stop.is_set, idle_exit_s=idle_exit, on_batch=report)
    finally:
        store.close()
    typer.echo(f"crisismap ingest: stopped after {stats.records} records ({stats.dead_letters} dead-lettered)")


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
