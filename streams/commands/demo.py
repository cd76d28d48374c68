"""``crisismap demo``: the whole product on one machine, no setup.

Embedded broker -> topics -> ingest worker + zoning worker -> replay of the bundled Amphan scenario -> dashboard on
http://127.0.0.1:8501. Ctrl-C (or SIGTERM) stops everything it started.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

from streams.commands._common import ConfigOpt, StoreOpt


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = open(log, "ab")  # noqa: SIM115 - the child owns it
    return subprocess.Popen(
        [sys.executable, "-m", "streams.cli", *args], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


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

    settings = Settings.load(config or CONFIG_DIR / "amphan.toml", store_url=store_url)
    if port_in_use(settings.dashboard_port, settings.dashboard_host):
        msg = f"port {settings.dashboard_port} (dashboard) is already in use; stop what runs there or set CRISISMAP_DASHBOARD_PORT"
        raise BrokerError(msg)
    logs = Path("var/log")
    logs.mkdir(parents=True, exist_ok=True)
    stop = stop_event()
    broker = start_broker(settings.broker_port, logs / "broker.log") if settings.embedded_broker else None
    procs: list[subprocess.Popen[bytes]] = []
    try:
        ensure_topics(settings)
        env = os.environ | {
            "CRISISMAP_KAFKA_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
            "CRISISMAP_STORE_URL": settings.store_url,
        }
        procs.append(_spawn(["ingest"], env, logs / "ingest.log"))
        procs.append(_spawn(["zones"], env, logs / "zones.log"))
        procs.append(_spawn(["dashboard"], env, logs / "dashboard.log"))
        typer.echo(f"crisismap demo: broker {settings.bootstrap_servers}, store {settings.store_url}, logs in {logs}/")
        counts = replay(
            (m for m, _ in iter_scenario(settings.scenario_size, settings.scenario_seed)),
            settings,
            speed=settings.replay_speed,
            total=settings.scenario_size,
        )
        typer.echo(f"crisismap demo: replayed {sum(counts.values())} messages of the Amphan scenario")
        url = f"http://{settings.dashboard_host}:{settings.dashboard_port}"
        typer.echo(f"crisismap demo: dashboard on {url}  (Ctrl-C stops everything)")
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
