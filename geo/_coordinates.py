"""Explicit positions written in text: coordinates in every common notation, map links, PIN codes, DIGIPINs.

Each finder returns :class:`Found` spans; none of them raises on any input. A coordinate pair is kept
only if it is on the Earth (|lat| <= 90, |lon| <= 180), is not (0, 0), and has the marks of a coordinate
(a degree sign, a hemisphere letter, a lat/long label, or two decimals on each number).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from geo._text import _ctokens

_MAX_TEXT = 100_000
_DIGIT = re.compile(r"\d")
_NUM_HINT = re.compile(r"\d(?:[.,]\d\d|\s?[NSEWnsew]\b)")
_COORD_CUES = ("°", "º", "˚", "′", "lat", "lon", "lng", "deg", "maps", "openstreetmap")
_MAP_CUES = ("maps", "goo.gl", "openstreetmap")
_SIX_DIGITS = re.compile(r"\d{3}\s?\d{3}")


@dataclass(frozen=True, slots=True)
class Found:
    start: int
    end: int
    lat: float
    lon: float
    radius_m: float
    kind: str  # "coordinates" | "pin" | "digipin"
    confidence: float
    code: str = ""


_NUM = r"[-+\u2212]?\d{1,3}(?:[.,]\d+)?"
_COMP = re.compile(
    r"(?P<lab>\b(?:lat(?:itude)?|lon(?:g(?:itude)?)?|lng)\b\.?\s*[:=]?\s*)?"
    rf"(?P<num>{_NUM})(?![\d])\s*(?P<deg>°|º|˚|\bdeg(?:rees?)?\b|\bdeg\.)?\s*"
    r"(?:(?P<min>\d{1,2}(?:\.\d+)?)\s*(?:'|′|’|‘)\s*(?:(?P<sec>\d{1,2}(?:\.\d+)?)\s*(?:\"|″|''|”|’’)\s*)?)?"
    r"(?P<hem>[NSEW](?![A-Za-z]))?",
    re.I,
)
# What _component needs of a number without two decimals: a degree sign or word, minutes, a hemisphere
# letter right after it, or a lat/long label (the same expressions and flags as in _COMP).
_MARK = re.compile(r"[°º˚]|deg|\d\s*['′’‘]|\d\s*[NSEW](?![A-Za-z])|\b(?:lat(?:itude)?|lon(?:g(?:itude)?)?|lng)\b", re.I)
_GAP = re.compile(r"^\s*(?:,|;|/|\band\b|&)?\s*$", re.I)
_MAP_LINK = re.compile(
    r"(?:https?://)?(?:www\.)?(?:google\.[a-z.]{2,6}/maps|maps\.google\.[a-z.]{2,6}|maps\.app\.goo\.gl|goo\.gl/maps"
    r"|openstreetmap\.org|bing\.com/maps|maps\.apple\.com)\S*",
    re.I,
)
_LINK_PAIR = re.compile(r"(?:[@=/]|%40|q=loc:)(-?\d{1,2}\.\d+)(?:,|%2C)\s*(?:\+|%20)?(-?\d{1,3}\.\d+)", re.I)
_OSM_PAIR = re.compile(r"(?:map=\d+/|mlat=)(-?\d{1,2}\.\d+)(?:/|&mlon=)(-?\d{1,3}\.\d+)", re.I)
_PIN = re.compile(r"(?<![\d/\-:+₹$])(?<!\d[.,])([1-9]\d{2})\s?(\d{3})(?!\d|[.,:/]\d|%|\s?(?:km|kms|m|mm|cm|ft|people|rs|inr|crore|lakh)\b)", re.I)
_PIN_CUE = re.compile(r"(?:pin|pincode|pin code|postal code|zip|post)\s*(?:code|no\.?|number)?\s*[:\-#.]?\s*$", re.I)
_MONEY_CUE = re.compile(r"(?:rs\.?|inr|₹|\$|usd|rupees|tk|amount|price|cost)\s*$", re.I)
_DIGIPIN = re.compile(r"(?<![A-Za-z0-9])([2-9CFJKLMPT]{3})[- ]([2-9CFJKLMPT]{3})[- ]([2-9CFJKLMPT]{4})(?![A-Za-z0-9])", re.I)
_DIGIPIN_HINT = re.compile(r"[2-9CFJKLMPT]{3}[- ][2-9CFJKLMPT]{3}[- ][2-9CFJKLMPT]{4}|[Dd][Ii][Gg][Ii][Pp][Ii][Nn]")
_DIGIPIN_CUE = re.compile(r"digipin\s*[:\-#]?\s*([2-9CFJKLMPT]{10})(?![A-Za-z0-9])", re.I)


def _has_any(text: str, cues: tuple[str, ...]) -> bool:
    for c in cues:  # a plain loop: half the cost of any() over a generator
        if c in text:
            return True
    return False


def _finite(lat: float, lon: float) -> bool:
    return (math.isfinite(lat) and math.isfinite(lon) and -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0
            and not (abs(lat) < 1e-9 and abs(lon) < 1e-9))


def _radius_for(num: str) -> float:
    """Uncertainty from the number of decimals written: 0.1 degree is ~11 km."""
    dec = len(num.split(".")[1]) if "." in num else 0
    return float(min(max(111_000 * 10 ** (-dec) / 2, 10.0), 50_000.0))


def find_map_links(text: str) -> list[Found]:
    out = []
    for m in _MAP_LINK.finditer(text[:_MAX_TEXT]):
        url = m.group()
        p = _OSM_PAIR.search(url) or _LINK_PAIR.search(url)
        if not p:
            continue
        try:
            lat, lon = float(p.group(1)), float(p.group(2))
        except ValueError:
            continue
        if _finite(lat, lon):
            out.append(Found(m.start(), m.end(), lat, lon, _radius_for(p.group(1)), "coordinates", 0.95))
    return out


def _component(m: re.Match[str]) -> tuple[float, str | None, bool, str] | None:
    """(value, axis 'lat'/'lon'/None, has a coordinate mark, raw number) of one component."""
    raw = m.group("num").replace("\u2212", "-").replace(",", ".")
    try:
        val = float(raw)
    except ValueError:
        return None
    lab, hem = (m.group("lab") or "").lower(), (m.group("hem") or "").upper()
    mins, secs = m.group("min"), m.group("sec")
    if mins is not None:
        mv, sv = float(mins), float(secs or 0)
        if mv >= 60 or sv >= 60 or "." in raw:
            return None
        val = math.copysign(abs(val) + mv / 60 + sv / 3600, val if val != 0 else 1.0)
    axis = None
    if lab.startswith("lat") or hem in {"N", "S"}:
        axis = "lat"
    elif lab.startswith(("lon", "lng")) or hem in {"E", "W"}:
        axis = "lon"
    if hem in {"S", "W"}:
        val = -abs(val)
    marked = bool(lab or hem or m.group("deg") or mins is not None)
    if not marked and not re.fullmatch(r"-?\d{1,3}\.\d{2,}", raw):
        return None
    return val, axis, marked, raw


def find_coordinates(text: str) -> list[Found]:
    """Coordinate pairs written as decimals, degrees-minutes-seconds, hemispheres or lat/long labels."""
    text = text[:_MAX_TEXT]
    low = text.lower()
    if not (_NUM_HINT.search(text) or _has_any(low, _COORD_CUES)):
        return []  # no decimals with two places, no degree sign, no lat/long label, no hemisphere, no map
    return _coordinates(text, low)


def _coordinates(text: str, low: str, decimals: bool = True) -> list[Found]:
    """:func:`find_coordinates` past its first check (``low``: ``text.lower()``; ``decimals``: False
    when the text has no number with two decimals, so every component must carry a mark)."""
    out = find_map_links(text) if _has_any(low, _MAP_CUES) else []
    if not decimals and not _MARK.search(text):
        return out  # "along", "latest", "long" passed the first check, but no number has a mark
    taken = [(f.start, f.end) for f in out]
    comps = []
    for m in _COMP.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        c = _component(m)
        if c is not None:
            comps.append((m, c))
    i = 0
    while i + 1 < len(comps):
        (m1, (v1, a1, k1, r1)), (m2, (v2, a2, k2, r2)) = comps[i], comps[i + 1]
        gap = text[m1.end(): m2.start()]
        pair = None
        if _GAP.match(gap) and k1 == k2:
            if a1 in {"lat", None} and a2 in {"lon", None}:
                pair = (v1, v2)
            elif a1 == "lon" and a2 == "lat":
                pair = (v2, v1)
            if pair and a1 is None and a2 is None and abs(pair[0]) > 90 >= abs(pair[1]):
                pair = (pair[1], pair[0])  # written lon, lat
        if pair and _finite(*pair):
            conf = 0.95 if k1 else 0.8
            out.append(Found(m1.start(), m2.end(), pair[0], pair[1], min(_radius_for(r1), _radius_for(r2)) if "." in r1 + r2
                             else (1_800.0 if m1.group("min") else 55_000.0), "coordinates", conf))
            i += 2
            continue
        i += 1
    return out


def find_pins(text: str, known: dict[int, tuple[float, float]] | None) -> list[Found]:
    """Six-digit Indian PIN codes that exist (known = PIN -> centroid); a 'PIN' cue raises confidence."""
    text = text[:_MAX_TEXT]
    if not known or not _SIX_DIGITS.search(text):
        return []
    return _pins(text, known)


def _pins(text: str, known: dict[int, tuple[float, float]]) -> list[Found]:
    out = []
    for m in _PIN.finditer(text):
        code = int(m.group(1) + m.group(2))
        pt = known.get(code)
        if pt is None:
            continue
        before = text[max(0, m.start() - 20): m.start()]
        if _MONEY_CUE.search(before):
            continue
        cue = _PIN_CUE.search(before) is not None
        out.append(Found(m.start(), m.end(), pt[0], pt[1], 5_000.0, "pin", 0.95 if cue else 0.6, str(code)))
    return out


def decode_digipin(code: str) -> tuple[float, float] | None:
    """Centre of a DIGIPIN cell (``XXX-XXX-XXXX``, any case, dashes or spaces optional), or None."""
    pin = re.sub(r"[\s\-]", "", code or "").upper()
    if len(pin) != 10 or not re.fullmatch(r"[2-9CFJKLMPT]{10}", pin):
        return None
    try:
        import digipin

        lat, lon = digipin.decode(pin)
    except (ValueError, ImportError):
        return None
    return (float(lat), float(lon)) if _finite(float(lat), float(lon)) else None


def find_digipins(text: str) -> list[Found]:
    text = text[:_MAX_TEXT]
    if not _DIGIPIN_HINT.search(text):
        return []
    return _digipins(text)


def _digipins(text: str) -> list[Found]:
    out: list[Found] = []
    for rx in (_DIGIPIN, _DIGIPIN_CUE):
        for m in rx.finditer(text):
            if rx is _DIGIPIN and not any(ch.isalpha() for ch in m.group()):
                continue  # all digits: a phone number, not a DIGIPIN
            pt = decode_digipin("".join(m.groups()))
            if pt and not any(f.start <= m.start() < f.end for f in out):
                out.append(Found(m.start(), m.end(), pt[0], pt[1], 4.0, "digipin", 0.95, "".join(m.groups()).upper()))
    return out


def position_cues(text: str) -> int:
    """Which finders can find anything in ``text``: bit 1 ``_NUM_HINT`` matches, 2 ``_DIGIPIN_HINT``,
    4 ``_SIX_DIGITS`` (the checks :func:`find_coordinates`, :func:`find_digipins` and :func:`find_pins`
    start with). One pass in C when ``geo._ctokens`` is built, else the three searches."""
    if _ctokens is not None:
        return _ctokens.position_cues(text)  # type: ignore[no-any-return]
    return py_position_cues(text)


def py_position_cues(text: str) -> int:
    return (1 if _NUM_HINT.search(text) else 0) | (2 if _DIGIPIN_HINT.search(text) else 0) | (
        4 if _SIX_DIGITS.search(text) else 0)


def find_positions(text: str, known: dict[int, tuple[float, float]] | None) -> list[Found]:
    """Every explicit position in ``text``: coordinates, then the DIGIPINs that overlap none of them,
    then the PIN codes that overlap none of those (the finders above, their first checks made at once)."""
    text = text[:_MAX_TEXT]
    cues = position_cues(text)
    low = text.lower()
    if cues & 1:
        found = _coordinates(text, low)
    else:  # no number with two decimals: perhaps a degree sign or a label
        found = _coordinates(text, low, decimals=False) if _has_any(low, _COORD_CUES) else []
    if cues & 2:
        found += [f for f in _digipins(text) if not _overlaps(f, found)]
    if cues & 4 and known:
        found += [f for f in _pins(text, known) if not _overlaps(f, found)]
    return found


def _overlaps(f: Found, spans: list[Found]) -> bool:
    return any(f.start < g.end and g.start < f.end for g in spans)
