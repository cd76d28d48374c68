"""``crisismap demo``: the whole product on one machine, no setup.

Embedded broker -> topics -> ingest worker + zoning worker -> replay of the bundled Amphan scenario -> dashboard on
http://127.0.0.1:8501. Ctrl-C (or SIGTERM) stops everything it started.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import typer

from geo._process import stop_process
from streams.commands._common import ConfigOpt, StoreOpt


#: The demo's own store (config/amphan.toml), recreated at each run; --store-url keeps yours untouched.
DEMO_STORE_URL = "sqlite:///var/demo.db"


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = open(log, "ab")  # noqa: SIM115 - the child owns it
    return subprocess.Popen(
        [sys.executable, "-m", "streams.cli", *args], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:  # signal all first, so they wind down together
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        stop_process(proc, timeout=15)


def _wait_for_port(host: str, port: int, proc: subprocess.Popen[bytes], should_stop: Callable[[], bool]) -> None:
    """Wait (at most 90 s) until the dashboard answers, so the printed address works when printed."""
    from streams.broker import port_in_use

    deadline = time.monotonic() + 90
    while not should_stop() and proc.poll() is None and time.monotonic() < deadline:
        if port_in_use(port, host):
            return
        time.sleep(0.25)


def _reset_demo_store(store_url: str) -> None:
    """The demo replays into a fresh store each run (the embedded broker starts empty too)."""
    if store_url.startswith("sqlite:///"):
        path = Path(store_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)


def demo(
    store_url: StoreOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Run broker, ingest, zoning, replay and the dashboard together on the bundled Amphan scenario."""
    from geo.settings import CONFIG_DIR, Settings
    from streams.broker import port_in_use, start_broker
    from streams.commands._common import stop_event
    from streams.errors import BrokerError
    from streams.replay import replay
    from streams.scenarios.amphan import iter_scenario
    from streams.topics import ensure_topics

    config = config or CONFIG_DIR / "amphan.toml"
    settings = Settings.load(config, store_url=store_url)
    if port_in_use(settings.dashboard_port, settings.dashboard_host):
        msg = f"port {settings.dashboard_port} (dashboard) is already in use; stop what runs there or set CRISISMAP_DASHBOARD_PORT"
        raise BrokerError(msg)
    if store_url is None and settings.store_url == DEMO_STORE_URL:
        _reset_demo_store(settings.store_url)
    logs = Path("var/log")
    logs.mkdir(parents=True, exist_ok=True)
    stop = stop_event()
    broker = start_broker(settings.broker_port, logs / "broker.log") if settings.embedded_broker else None
    procs: list[subprocess.Popen[bytes]] = []
    try:
        ensure_topics(settings)
        env = os.environ | {
            "CRISISMAP_CONFIG": str(config),  # the workers read the same scenario settings (fact-checks...)
            "CRISISMAP_KAFKA_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
            "CRISISMAP_STORE_URL": settings.store_url,
        }
        procs.append(_spawn(["ingest"], env, logs / "ingest.log"))
        procs.append(_spawn(["zones"], env, logs / "zones.log"))
        procs.append(_spawn(["dashboard"], env, logs / "dashboard.log"))
        url = f"http://{settings.dashboard_host}:{settings.dashboard_port}"
        _wait_for_port(settings.dashboard_host, settings.dashboard_port, procs[-1], stop.is_set)
        typer.echo(f"crisismap demo: broker {settings.bootstrap_servers}, store {settings.store_url}, logs in {logs}/")
        typer.echo(f"crisismap demo: dashboard on {url}  (Ctrl-C stops everything)")
        pace = f"at {settings.replay_speed:g}x event time" if settings.replay_speed else "as fast as possible"
        typer.echo(f"crisismap demo: replaying {settings.scenario_size} messages of Cyclone Amphan (16-21 May 2020) {pace}")
        counts = replay(
            (m for m, _ in iter_scenario(settings.scenario_size, settings.scenario_seed)),
            settings,
            speed=settings.replay_speed,
            total=settings.scenario_size,
            should_stop=stop.is_set,
        )
        typer.echo(f"crisismap demo: replayed {sum(counts.values())} messages; the dashboard stays up until Ctrl-C")
        while not stop.wait(1.0):
            for proc in procs:
                if proc.poll() is not None:
                    msg = f"a demo process exited with status {proc.returncode} ({' '.join(map(str, proc.args))}); see {logs}/"
                    raise BrokerError(msg)
    finally:
        _stop(procs)
        if broker is not None:
            broker.stop()
        typer.echo("crisismap demo: stopped")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
