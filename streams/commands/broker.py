"""``crisismap broker``: run the embedded Kafka-protocol broker (Tansu) on 127.0.0.1."""

from __future__ import annotations

from typing import Annotated

import typer

from streams.commands._common import ConfigOpt


def broker(
    port: Annotated[int | None, typer.Option("--port", help="Loopback port (broker_port, default 9092).")] = None,
    config: ConfigOpt = None,
) -> None:
    """Start the embedded broker, create crisismap's topics, and run until Ctrl-C or SIGTERM."""
    from geo.settings import Settings
    from streams.broker import start_broker
    from streams.commands._common import stop_event
    from streams.errors import BrokerError
    from streams.topics import ensure_topics

    settings = Settings.load(config, broker_port=port)
    if not settings.embedded_broker:
        msg = (
            f"kafka_bootstrap_servers is set to {settings.kafka_bootstrap_servers}; "
            "nothing embedded starts. Unset it (and KAFKA_BOOTSTRAP_SERVERS) to run the embedded broker"
        )
        raise BrokerError(msg)
    stop = stop_event()
    with start_broker(settings.broker_port) as running:
        created = ensure_topics(settings, running.bootstrap_servers)
        typer.echo(f"crisismap broker: Kafka protocol on {running.bootstrap_servers} (in memory); topics created: "
                   f"{', '.join(created) or 'none (already there)'}. Ctrl-C stops it.")  # fmt: skip
        while not stop.wait(0.5):
            if running.process.poll() is not None:
                msg = f"the embedded broker exited with status {running.process.returncode}"
                raise BrokerError(msg)
    typer.echo("crisismap broker: stopped")


def register(app: typer.Typer) -> None:
    app.command("broker")(broker)
