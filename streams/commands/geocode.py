"""``crisismap geocode``: JSON Lines {"id", "text", "hint"?} in, {"id", "locations": [...]} out."""

from __future__ import annotations

from typing import Annotated

import typer

_FIELDS = ("text", "start", "end", "lat", "lon", "radius_m", "kind", "name", "state", "district", "confidence")


def _row(loc: object, full: bool) -> dict:
    d = loc.to_json()  # type: ignore[attr-defined]
    return d if full else {k: d[k] for k in _FIELDS}


def register(app: typer.Typer) -> None:
    @app.command("geocode")
    def geocode(
        region: Annotated[str, typer.Option(help="Region whose places win ties (ISO country code).")] = "IN",
        batch: Annotated[int, typer.Option(min=1, help="Texts geocoded per batch.")] = 2000,
        full: Annotated[bool, typer.Option(help="Also print gazetteer id, LGD codes and method.")] = False,
        event_region: Annotated[str, typer.Option(
            help="States or countries the event is about, comma-separated (\"West Bengal, Odisha\" or \"PK\"): "
                 "between namesakes, places there win unless the text says otherwise.")] = "",
    ) -> None:
        """Find the places in each text (JSON Lines on stdin, one result line per input line)."""
        import sys

        from geo.errors import InputError
        from geo.geocoding import Geocoder
        from streams.cli import read_jsonl, write_jsonl

        geocoder = Geocoder.load(region)
        focus = [p.strip() for p in event_region.split(",") if p.strip()]
        unknown = [p for p in focus if geocoder.region_of(p) == (None, None)]
        if unknown:
            msg = f"--event-region: {', '.join(map(repr, unknown))} is no country code, country or state the gazetteer knows"
            raise InputError(msg)
        rows: list[dict] = []

        def flush() -> None:
            texts = [r["text"] if isinstance(r["text"], str) else "" for r in rows]
            hints = [r.get("hint") if isinstance(r.get("hint"), str) else None for r in rows]
            results = geocoder.locate_batch(texts, hints, event_region=focus)
            write_jsonl({"id": r["id"], "locations": [_row(loc, full) for loc in locs]}
                        for r, locs in zip(rows, results, strict=True))
            rows.clear()

        for obj in read_jsonl(sys.stdin):
            if obj["text"] is not None and not isinstance(obj["text"], str):
                msg = f"record {obj['id']!r} has a {type(obj['text']).__name__} 'text'; it must be a string"
                raise InputError(msg)
            rows.append(obj)
            if len(rows) >= batch:
                flush()
        if rows:
            flush()
