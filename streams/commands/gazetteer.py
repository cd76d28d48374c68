"""``crisismap gazetteer``: add the user's own places (shelters, hospitals, ghats...) or rebuild the cache."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    sub = typer.Typer(help="The offline gazetteer: add your own places, rebuild the cache.", no_args_is_help=True)
    app.add_typer(sub, name="gazetteer")

    @sub.command("add")
    def add(
        file: Annotated[Path, typer.Argument(help="CSV (name, lat, lon[, kind, radius_m, aliases]) or GeoJSON Points.")],
    ) -> None:
        """Merge places from FILE into the user gazetteer (var/gazetteer/user_places.jsonl)."""
        from geo.gazetteer import add_user_places, parse_places, user_places_path

        places = parse_places(file)
        total = add_user_places(places)
        typer.echo(f"added {len(places)} places from {file}; {total} user places in {user_places_path()}")

    @sub.command("build")
    def build() -> None:
        """Rebuild the gazetteer cache from the installed packages (about a minute)."""
        import time

        from geo.gazetteer import Gazetteer

        t0 = time.perf_counter()
        gaz = Gazetteer.load(rebuild=True)
        typer.echo(f"built {len(gaz)} entries, {len(gaz.index)} names in {time.perf_counter() - t0:.1f} s")
