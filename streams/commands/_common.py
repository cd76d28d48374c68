"""Flags and helpers shared by several subcommands."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Annotated

import typer

ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Extra TOML settings file (over config/default.toml).")]
StoreOpt = Annotated[str | None, typer.Option("--store-url", help="sqlite:///path.db or postgresql://... (store_url).")]
BootstrapOpt = Annotated[
    str | None,
    typer.Option("--bootstrap-servers", help="host:port of an existing Kafka cluster; unset = the embedded broker."),
]


def stop_event() -> threading.Event:
    """An event set on SIGTERM or SIGINT, so long-running commands stop cleanly between batches."""
    event = threading.Event()

    def _handler(signum: int, frame: object) -> None:
        event.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
    return event
