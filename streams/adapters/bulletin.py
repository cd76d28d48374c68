"""Bulletin adapter: IMD-style free-text cyclone bulletins to a weather Report.

From "... lay centered near latitude 14.0°N and longitude 86.3°E, about 700 km nearly south of
Paradip (Odisha) ..." it reads the system's position (``Report.gps = (lat, lon)`` and
``extra["lat"]``/``extra["lon"]``), its intensity ("Super Cyclonic Storm" -> ``intensity`` and the
IMD best-track code ``category`` "SUCS"), the maximum sustained wind in knots when stated
(``wind_kt``; a stated km/h figure is converted, the lower end of a range is taken, as IMD's
best track does) and every "N km <direction> of <Place> (<Region>)" as
``extra["distances"] = [{"km", "bearing", "direction", "place", "region"}]`` with ``bearing`` in
degrees clockwise from north. A bulletin that states no position is still a Report (gps ``None``).
"""

from __future__ import annotations

import re
from typing import Any

from geo.model import Report
from streams.adapters import AdapterContext
from streams.adapters._payload import check_size, decode_utf8, payload_id
from streams.adapters._report import make_report
from streams.errors import AdapterError

#: IMD intensity classes, strongest first (longest names first so "Severe Cyclonic Storm" is not read as "Cyclonic Storm").
INTENSITIES: tuple[tuple[str, str], ...] = (
    ("super cyclonic storm", "SUCS"),
    ("extremely severe cyclonic storm", "ESCS"),
    ("very severe cyclonic storm", "VSCS"),
    ("severe cyclonic storm", "SCS"),
    ("cyclonic storm", "CS"),
    ("deep depression", "DD"),
    ("well marked low pressure area", "WML"),
    ("low pressure area", "L"),
    ("depression", "D"),
)
_INTENSITY_RE = re.compile("|".join(re.escape(name) for name, _ in INTENSITIES), re.IGNORECASE)
_CODES = dict(INTENSITIES)

_NUM = r"(\d{1,3}(?:\.\d+)?)"
_DEG = r"\s*(?:°|º|deg(?:rees?)?\.?)?\s*"
_LAT_RE = re.compile(rf"(?:lat(?:itude)?\.?\s*)?{_NUM}{_DEG}([NS])\b", re.IGNORECASE)
_POSITION_RE = re.compile(
    rf"lat(?:itude)?\.?\s*{_NUM}{_DEG}([NS])\b[\s,/]*(?:and\s+)?(?:long?(?:itude)?\.?\s*)?{_NUM}{_DEG}([EW])\b",
    re.IGNORECASE,
)
_BARE_POSITION_RE = re.compile(rf"\b{_NUM}{_DEG}([NS])\s*[,/]?\s*(?:and\s+)?{_NUM}{_DEG}([EW])\b", re.IGNORECASE)

_POINTS = ("north", "south", "east", "west")
_DIR = r"(?:north|south|east|west)(?:[- ]?(?:north|south|east|west)){0,2}"
_DISTANCE_RE = re.compile(
    rf"(\d{{1,5}}(?:\.\d+)?)\s*(?:km|kms|kilometres|kilometers)\s+(?:\(?\s*\d+\s*(?:nm|n\.m\.)?\s*\)?\s+)?"
    rf"(?:(?:nearly|about|approximately|roughly)\s+)?({_DIR})(?:wards?)?\s+of\s+"
    r"([A-Z][\w.'-]*(?:[ -][A-Z][\w.'-]*){0,4})(?:\s*\(([^()]{1,60})\))?"
)
_WIND_RE = re.compile(
    r"(?:maximum\s+)?(?:sustained\s+)?(?:surface\s+)?wind\s+speed\s+(?:of\s+|is\s+|was\s+)?(?:about\s+)?"
    r"(\d{1,3})(?:\s*-\s*(\d{1,3}))?\s*(kmph|km/h|km/hr|kmh|knots|knot|kts|kt)\b",
    re.IGNORECASE,
)
_KNOTS_RE = re.compile(r"\(\s*(\d{1,3})(?:\s*-\s*\d{1,3})?\s*(?:knots|kts|kt)\s*\)", re.IGNORECASE)
_KMPH_PER_KT = 1.852

_COMPASS = {
    "n": 0.0, "nne": 22.5, "ne": 45.0, "ene": 67.5, "e": 90.0, "ese": 112.5, "se": 135.0, "sse": 157.5,
    "s": 180.0, "ssw": 202.5, "sw": 225.0, "wsw": 247.5, "w": 270.0, "wnw": 292.5, "nw": 315.0, "nnw": 337.5,
}  # fmt: skip


def parse(payload: bytes, ctx: AdapterContext) -> tuple[Report, ...]:
    check_size(payload, "bulletin")
    text = decode_utf8(payload, "bulletin").strip()
    extra = read_bulletin(text)
    gps = (extra["lat"], extra["lon"]) if "lat" in extra else None
    return (
        make_report(ctx, source_id=payload_id(payload, ctx), fmt="bulletin", text=text, when=ctx.event_time, gps=gps, extra=extra),
    )


def read_bulletin(text: str) -> dict[str, Any]:
    """Position, intensity, wind and distances stated in a bulletin (keys only for what is stated)."""
    extra: dict[str, Any] = {}
    position = _position(text)
    if position is not None:
        extra["lat"], extra["lon"] = position
    intensity = _INTENSITY_RE.search(text)
    if intensity:
        name = intensity.group(0).lower()
        extra["intensity"] = name.title()
        extra["category"] = _CODES[name]
    wind = _wind_kt(text)
    if wind is not None:
        extra["wind_kt"] = wind
    extra["distances"] = [_distance(m) for m in _DISTANCE_RE.finditer(text)]
    return extra


def _position(text: str) -> tuple[float, float] | None:
    match = _POSITION_RE.search(text) or _BARE_POSITION_RE.search(text)
    if match is None:
        return None
    lat, ns, lon, ew = match.groups()
    lat_value = float(lat) * (-1 if ns.upper() == "S" else 1)
    lon_value = float(lon) * (-1 if ew.upper() == "W" else 1)
    if not (-90 <= lat_value <= 90 and -180 <= lon_value <= 180):
        msg = f"bulletin states the position {match.group(0)[:60]!r}, which is outside the globe"
        raise AdapterError(msg)
    return lat_value, lon_value


def _wind_kt(text: str) -> float | None:
    match = _WIND_RE.search(text)
    if match is None:
        return None
    knots = _KNOTS_RE.search(text[match.end() : match.end() + 40])
    if knots:
        return float(knots.group(1))
    low, unit = float(match.group(1)), match.group(3).lower()
    return low if unit.startswith(("kt", "knot")) else round(low / _KMPH_PER_KT, 1)


def _direction_name(words: list[str]) -> str:
    """["south", "south", "west"] -> "south-southwest" (the compass-point spelling IMD uses)."""
    if len(words) == 3:
        return f"{words[0]}-{words[1]}{words[2]}"
    return "".join(words)


def _distance(match: re.Match[str]) -> dict[str, Any]:
    km, direction, place, region = match.groups()
    words = re.findall("|".join(_POINTS), direction.lower())
    code = "".join(w[0] for w in words)
    return {
        "km": float(km),
        "bearing": _COMPASS.get(code),
        "direction": _direction_name(words),
        "place": place.strip(),
        "region": region.strip() if region else None,
    }
