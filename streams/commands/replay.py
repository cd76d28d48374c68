"""``crisismap replay``: publish a scenario to the feed topics."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from streams.commands._common import BootstrapOpt, ConfigOpt


def replay(
    size: Annotated[int | None, typer.Option("--size", help="Messages to generate (scenario_size).", min=10)] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Generator seed (scenario_seed).")] = None,
    speed: Annotated[
        float | None, typer.Option("--speed", help="Event time per wall time, e.g. 60; 0 = as fast as possible.", min=0)
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Replay messages.jsonl written by `crisismap scenario` instead.")
    ] = None,
    bootstrap_servers: BootstrapOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Publish the bundled Amphan scenario (or a scenario file) to feeds.weather/traffic/distress."""
    from geo.settings import Settings
    from streams.replay import read_messages
    from streams.replay import replay as run_replay
    from streams.errors import ScenarioError
    from streams.topics import ensure_topics

    settings = Settings.load(
        config, scenario_size=size, scenario_seed=seed, replay_speed=speed, kafka_bootstrap_servers=bootstrap_servers
    )
    if file is not None and not file.is_file():
        msg = f"scenario file {file} does not exist; write one with `crisismap scenario --out DIR`"
        raise ScenarioError(msg)
    logging.getLogger("kafka").setLevel(logging.CRITICAL)  # unreachable brokers get our one-line error instead
    ensure_topics(settings)
    if file is not None:
        messages = read_messages(file)
        total = None
    else:
        from streams.scenarios.amphan import iter_scenario

        messages = (m for m, _ in iter_scenario(settings.scenario_size, settings.scenario_seed))
        total = settings.scenario_size
    counts = run_replay(messages, settings, speed=settings.replay_speed, total=total)
    summary = ", ".join(f"{topic} {n}" for topic, n in sorted(counts.items()))
    typer.echo(f"crisismap replay: published {sum(counts.values())} messages to {settings.bootstrap_servers} ({summary})")


def register(app: typer.Typer) -> None:
    app.command("replay")(replay)
