"""CAP field readers: controlled vocabularies (lenient across CAP 1.0/1.1/1.2) and area geometry.

Polygons arrive as ``"lat,lon lat,lon ..."`` and leave as GeoJSON-ordered ``(lon, lat)`` rings;
circles arrive as ``"lat,lon radius_km"`` and leave as ``(lon, lat, radius_km)``.
"""

from __future__ import annotations

import math
import re

from streams.errors import AdapterError

STATUS = ("Actual", "Exercise", "System", "Test", "Draft")
MSG_TYPE = ("Alert", "Update", "Cancel", "Ack", "Error")
SCOPE = ("Public", "Restricted", "Private")
URGENCY = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITY = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTY = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
CATEGORY = ("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other")

#: CAP 1.0 spellings that later versions renamed ("Very Likely" became "Likely" in CAP 1.1).
_ALIASES = {"very likely": "Likely", "verylikely": "Likely"}

_SPACE_COMMA = re.compile(r"\s*,\s*")


def vocab(value: str | None, allowed: tuple[str, ...], field: str) -> str | None:
    """``value`` as the canonical CAP spelling (case and spacing forgiven), or ``None`` if not in ``allowed``."""
    if value is None:
        return None
    key = " ".join(value.split()).lower()
    alias = _ALIASES.get(key)
    if alias in allowed:
        return alias
    for word in allowed:
        if word.lower() == key or word.lower() == key.replace(" ", ""):
            return word
    return None


def strict_vocab(value: str | None, allowed: tuple[str, ...], field: str, where: str) -> str:
    """A required CAP value that decides what a message does (status, msgType): absent or unknown is refused."""
    if value is None:
        msg = f"{where} has no <{field}>; CAP requires one of {', '.join(allowed)}"
        raise AdapterError(msg)
    canonical = vocab(value, allowed, field)
    if canonical is None:
        msg = f"{where} has <{field}> {value[:40]!r}, which is not one of {', '.join(allowed)}"
        raise AdapterError(msg)
    return canonical


def lenient_vocab(
    value: str | None, allowed: tuple[str, ...], field: str, where: str, problems: list[str], default: str
) -> str:
    """A descriptive CAP value: absent or unknown becomes ``default`` and is noted in ``problems``."""
    canonical = vocab(value, allowed, field)
    if canonical is not None:
        return canonical
    if value is None:
        problems.append(f"{where} has no <{field}>; read as {default!r}" if default else f"{where} has no <{field}>")
    else:
        problems.append(f"{where} has <{field}> {value[:40]!r}, not one of {', '.join(allowed)}; read as {default!r}")
    return default


def _number(token: str, what: str, limit: float) -> float:
    try:
        value = float(token)
    except ValueError:
        msg = f"{what} {token[:30]!r} is not a number"
        raise AdapterError(msg) from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        msg = f"{what} {token[:30]} is outside [-{limit:g}, {limit:g}]"
        raise AdapterError(msg)
    return value


def _point(token: str, where: str) -> tuple[float, float]:
    parts = token.split(",")
    if len(parts) != 2:
        msg = f"{where} has the point {token[:40]!r}; CAP points are 'latitude,longitude'"
        raise AdapterError(msg)
    lat = _number(parts[0], f"{where} latitude", 90.0)
    lon = _number(parts[1], f"{where} longitude", 180.0)
    return lon, lat


def parse_polygon(text: str, where: str, problems: list[str]) -> tuple[tuple[float, float], ...]:
    """A CAP ``<polygon>`` as a closed ``(lon, lat)`` ring; an unclosed ring is closed and noted."""
    tokens = _SPACE_COMMA.sub(",", text.strip()).split()
    ring = [_point(token, f"{where} polygon") for token in tokens]
    if ring and ring[0] != ring[-1]:
        problems.append(f"{where} has a polygon whose last point is not its first; it was closed")
        ring.append(ring[0])
    if len(ring) < 4:
        msg = f"{where} has a polygon with {len(ring)} points; at least 4 are needed (first and last equal)"
        raise AdapterError(msg)
    return tuple(ring)


def parse_circle(text: str, where: str) -> tuple[float, float, float]:
    """A CAP ``<circle>`` (``"lat,lon radius_km"``) as ``(lon, lat, radius_km)``."""
    tokens = _SPACE_COMMA.sub(",", text.strip()).split()
    if len(tokens) != 2:
        msg = f"{where} has the circle {text.strip()[:60]!r}; CAP circles are 'latitude,longitude radius_km'"
        raise AdapterError(msg)
    lon, lat = _point(tokens[0], f"{where} circle")
    radius = _number(tokens[1], f"{where} circle radius", 40_075.0)
    if radius < 0:
        msg = f"{where} has a circle with a negative radius ({tokens[1][:20]} km)"
        raise AdapterError(msg)
    return lon, lat, radius
