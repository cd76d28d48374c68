"""``crisismap dashboard``: serve the Streamlit dashboard (live map) on the configured address."""

from __future__ import annotations

from typing import Annotated

import typer

from streams.commands._common import ConfigOpt, StoreOpt


def dashboard(
    port: Annotated[int | None, typer.Option("--port", help="Port of the web server (dashboard_port, 8501).")] = None,
    host: Annotated[str | None, typer.Option("--host", help="Address to bind (dashboard_host, 127.0.0.1).")] = None,
    store_url: StoreOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Serve the dashboard (reads only the store) until Ctrl-C or SIGTERM."""
    from dashboard.assets import assets_fetched, load_manifest
    from dashboard.server import start_dashboard
    from geo.settings import Settings
    from streams.commands._common import stop_event

    settings = Settings.load(config, dashboard_port=port, dashboard_host=host, store_url=store_url)
    if not assets_fetched(load_manifest()):
        typer.echo("crisismap dashboard: warning: local map assets are missing; run `make assets`", err=True)
    stop = stop_event()
    server = start_dashboard(settings)
    typer.echo(f"crisismap dashboard: {server.url}")
    try:
        while not stop.wait(0.5):
            if server.process.poll() is not None:
                from dashboard.errors import DashboardError

                msg = f"the Streamlit server exited with status {server.process.returncode}"
                raise DashboardError(msg)
    finally:
        server.stop()
    typer.echo("crisismap dashboard: stopped")


def register(app: typer.Typer) -> None:
    app.command("dashboard")(dashboard)
