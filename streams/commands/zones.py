"""``crisismap zones``: keep incidents and affected zones up to date from the store."""

from __future__ import annotations

from typing import Annotated

import typer

from streams.commands._common import ConfigOpt, StoreOpt


def zones(
    store_url: StoreOpt = None,
    once: Annotated[bool, typer.Option("--once", help="Fold in what is stored now, then exit.")] = False,
    interval: Annotated[float, typer.Option("--interval", help="Seconds between zoning steps.", min=0.1)] = 5.0,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Recluster every stored report first (ids and triage status are kept).")] = False,
    eps_m: Annotated[
        float | None, typer.Option("--eps-m", help="Link distance between two precise reports (metres; default 400).", min=1)
    ] = None,
    window_h: Annotated[
        float | None, typer.Option("--window-h", help="Most hours between two linked reports (default 24).", min=0.01)
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Cluster located reports into incidents and combine them with official alerts and the cyclone's
    wind radii into affected zones with severity and trend (reads only the store, no Kafka)."""
    import logging

    from geo.clustering import ClusterParams
    from geo.settings import Settings
    from geo.store import open_store
    from geo.zoning import ZoningParams, ZoningResult
    from streams.commands._common import stop_event
    from streams.zoner import run_zoner

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.load(config, store_url=store_url)
    given = {k: v for k, v in {"eps_m": eps_m, "window_h": window_h}.items() if v is not None}
    params = ZoningParams(cluster=ClusterParams(**given))  # unset flags keep ClusterParams' own defaults
    stop = stop_event()
    store = open_store(settings.store_url)

    def report(r: ZoningResult) -> None:
        typer.echo(
            f"zones: {r.reports} reports read, {r.incidents_touched} incidents updated ({r.created} new, "
            f"{r.merged} merges, {r.split} splits), {r.zones} zones at {r.now:%Y-%m-%d %H:%M}Z in {r.seconds:.2f}s"
        )

    try:
        run_zoner(store, params=params, track=store.bulletin_fixes, interval_s=interval, once=once, rebuild=rebuild,
                  should_stop=stop.is_set, wait=stop.wait, on_step=report)  # fmt: skip
    finally:
        store.close()


def register(app: typer.Typer) -> None:
    app.command("zones")(zones)
