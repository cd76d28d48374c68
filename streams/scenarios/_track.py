"""The IMD best track of Super Cyclonic Storm Amphan (IMD id 202001) and the spherical geometry the
scenario needs: great-circle distances, bearings and their compass names.

Distances are great-circle distances on a sphere of radius 6371.0088 km (the IUGG mean radius);
that is within 0.5 % of the geodesic distance, finer than the 10 km IMD rounds its bulletins to.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources

import numpy as np

EARTH_RADIUS_KM = 6371.0088

#: IMD intensity codes -> the words IMD bulletins use.
CATEGORY_NAMES: dict[str, str] = {
    "D": "Depression",
    "DD": "Deep Depression",
    "CS": "Cyclonic Storm",
    "SCS": "Severe Cyclonic Storm",
    "VSCS": "Very Severe Cyclonic Storm",
    "ESCS": "Extremely Severe Cyclonic Storm",
    "SUCS": "Super Cyclonic Storm",
}
#: Intensity order, weakest first.
CATEGORY_RANK: dict[str, int] = {code: rank for rank, code in enumerate(CATEGORY_NAMES)}

#: IMD: Amphan crossed the West Bengal - Bangladesh coast close to Sundarbans, near Bakkhali
#: (Sagar Island), during 1530-1730 hrs IST of 20 May 2020; this is the middle of that window.
LANDFALL = datetime(2020, 5, 20, 11, 0, tzinfo=UTC)

_COMPASS = (
    "north", "north-northeast", "northeast", "east-northeast",
    "east", "east-southeast", "southeast", "south-southeast",
    "south", "south-southwest", "southwest", "west-southwest",
    "west", "west-northwest", "northwest", "north-northwest",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TrackPoint:
    """One 3-hourly best-track fix: UTC time, centre (degrees), IMD category code, wind in knots."""

    time: datetime
    lat: float
    lon: float
    category: str
    wind_kt: float

    @property
    def category_name(self) -> str:
        return CATEGORY_NAMES[self.category]


def _load_track() -> tuple[TrackPoint, ...]:
    text = resources.files(__package__).joinpath("amphan_track.csv").read_text(encoding="utf-8")
    points = []
    for row in csv.DictReader(text.splitlines()):
        when = datetime.strptime(row["DATETIME"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        points.append(TrackPoint(when, float(row["LAT"]), float(row["LON"]), row["CAT"], float(row["MSWS"])))
    return tuple(points)


TRACK: tuple[TrackPoint, ...] = _load_track()


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in km on the mean-radius sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distances_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """:func:`distance_km` from one point to arrays of points."""
    p1, p2 = np.radians(lat), np.radians(lats)
    dp, dl = p2 - p1, np.radians(lons - lon)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial great-circle bearing from point 1 to point 2, degrees clockwise from north."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(x, y)) % 360.0


def compass(bearing: float) -> str:
    """The 16-point compass name of a bearing, as IMD writes it ("south-southwest")."""
    return _COMPASS[round(bearing / 22.5) % 16]


def position_at(when: datetime) -> tuple[float, float]:
    """The storm centre at ``when``, linearly interpolated between best-track fixes (clamped)."""
    if when <= TRACK[0].time:
        return TRACK[0].lat, TRACK[0].lon
    for a, b in zip(TRACK, TRACK[1:], strict=False):
        if a.time <= when <= b.time:
            f = (when - a.time) / (b.time - a.time)
            return a.lat + f * (b.lat - a.lat), a.lon + f * (b.lon - a.lon)
    return TRACK[-1].lat, TRACK[-1].lon


IST = timedelta(hours=5, minutes=30)

#: When IMD named the storm: its first fix as a Cyclonic Storm.
NAMED_AT = next(p.time for p in TRACK if CATEGORY_RANK[p.category] >= CATEGORY_RANK["CS"])


def storm_label(point: TrackPoint) -> str:
    """'Super Cyclonic Storm AMPHAN', or just 'Deep Depression' before the storm was named."""
    return f"{point.category_name} AMPHAN" if point.time >= NAMED_AT else point.category_name
