"""``crisismap parse-cap FILE...``: every CAP alert in the files as JSON Lines (one object per alert)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer


def register(app: typer.Typer) -> None:
    app.command("parse-cap")(parse_cap)


def parse_cap(
    files: Annotated[list[Path], typer.Argument(help="CAP XML files (also EDXL-DE, Atom or RSS with embedded CAP).")],
) -> None:
    """Print every CAP alert in FILE... as one JSON object per line, with areas as GeoJSON.

    A file that holds no readable CAP alert is named on stderr and makes the command exit 2
    (after the other files were printed). Broken alerts beside good ones are warned about on stderr.
    """
    from geo.errors import InputError
    from streams.adapters.cap import parse_document
    from streams.cli import write_jsonl
    from streams.errors import AdapterError

    failures: list[str] = []
    for path in files:
        try:
            payload = _read(path)
            doc = parse_document(payload, source="file")
        except (AdapterError, InputError) as exc:
            failures.append(f"{path}: {exc}")
            continue
        for reason in doc.errors:
            typer.echo(f"warning: {path}: {reason}", err=True)
        if not doc.alerts:
            failures.append(f"{path}: no readable CAP alert ({len(doc.errors)} broken)")
            continue
        write_jsonl(alert_json(p.alert, p.problems, str(path)) for p in doc.alerts)
    for line in failures[:-1]:
        typer.echo(f"error: {line}", err=True)
    if failures:
        raise InputError(failures[-1])


def _read(path: Path) -> bytes:
    from geo.errors import InputError

    try:
        return path.read_bytes()
    except FileNotFoundError:
        msg = "no such file"
    except IsADirectoryError:
        msg = "is a directory, not a CAP file"
    except OSError as exc:
        msg = f"cannot be read ({exc.strerror})"
    raise InputError(msg)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def alert_json(alert: Any, problems: tuple[str, ...] = (), file: str | None = None) -> dict[str, Any]:
    """An Alert as the JSON object parse-cap prints (areas with GeoJSON polygons and geometry)."""
    return {
        "identifier": alert.identifier,
        "sender": alert.sender,
        "sent": _iso(alert.sent),
        "status": alert.status,
        "msg_type": alert.msg_type,
        "scope": alert.scope or None,
        "references": list(alert.references),
        "info": [_info_json(info, alert.sender) for info in alert.info],
        "problems": list(problems),
        "file": file,
    }


def _info_json(info: Any, sender: str) -> dict[str, Any]:
    return {
        "language": info.language,
        "category": list(info.category),
        "event": info.event,
        "urgency": info.urgency,
        "severity": info.severity,
        "certainty": info.certainty,
        "effective": _iso(info.effective),
        "onset": _iso(info.onset),
        "expires": _iso(info.expires),
        "sender_name": info.sender_name,
        "headline": info.headline,
        "description": info.description,
        "instruction": info.instruction,
        "areas": [_area_json(area, sender) for area in info.areas],
    }


def _area_json(area: Any, sender: str) -> dict[str, Any]:
    geometry, note = _area_geometry(area, sender)
    out = {
        "description": area.description,
        "polygons": [{"type": "Polygon", "coordinates": [[list(p) for p in ring]]} for ring in area.polygons],
        "circles": [{"lon": lon, "lat": lat, "radius_km": r} for lon, lat, r in area.circles],
        "geocodes": [{"name": name, "value": value} for name, value in area.geocodes],
        "uri": area.uri,
        "geometry": geometry,
    }
    if note:
        out["geometry_note"] = note
    return out


def _area_geometry(area: Any, sender: str) -> tuple[dict[str, Any] | None, str | None]:
    """GeoJSON of the area: polygons and circles (geodesic 64-gons); a zero-radius circle alone is a
    point; else the districts of its LGD geocodes when they can be trusted; else null."""
    import shapely
    from shapely.geometry import mapping

    from geo.alerts import area_geometry
    from streams.adapters._lgd import district_geometry, lgd_codes

    geom = area_geometry(area)
    if geom is None and area.circles:
        geom = shapely.multipoints([(lon, lat) for lon, lat, _ in area.circles])
        if len(area.circles) == 1:
            geom = shapely.Point(area.circles[0][0], area.circles[0][1])
    note = None
    if geom is None:
        codes = lgd_codes(area.geocodes)
        if codes:
            geom, note = district_geometry(codes, f"{sender} {area.description}")
    if geom is None:
        return None, note
    return mapping(geom), note
