"""True incidents of the scenario (a flooded village, a breached embankment, people on a roof...)
and the place weights the public's posts are drawn with.

Incidents sit at real villages, favouring places near the storm's path; most start after landfall
(Odisha's coast was hit a few hours before it). Each one draws posts with an activity that decays
exponentially from its start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import numpy as np

from streams.scenarios._geography import DISTRICT_BY_LGD, DISTRICTS, Places, district_shapes, places
from streams.scenarios._texts import INCIDENT_TYPES
from streams.scenarios._track import LANDFALL, TRACK, distances_km

_TYPE_P = np.array([0.22, 0.15, 0.12, 0.10, 0.10, 0.10, 0.07, 0.07, 0.07])
JITTER_POINTS = 8  # candidate true locations per incident (people a few hundred metres apart)
_JITTER_DEG = 0.003


@dataclass(frozen=True, slots=True)
class Incidents:
    """Parallel arrays, one row per incident. Times are hours relative to landfall."""

    place: np.ndarray  # index into places()
    kind: tuple[str, ...]
    people: np.ndarray
    start_h: np.ndarray
    tau_h: np.ndarray
    lat: np.ndarray  # (n, JITTER_POINTS) true locations, all inside the district
    lon: np.ndarray

    def __len__(self) -> int:
        return len(self.kind)

    def activity(self, hours: float) -> np.ndarray:
        """Relative rate of posts about each incident at ``hours`` after landfall."""
        age = hours - self.start_h
        live = (age >= 0) & (age <= 4 * self.tau_h)
        return np.where(live, np.exp(-np.clip(age, 0, None) / self.tau_h), 0.0)


@cache
def _track_distance_km() -> np.ndarray:
    """Distance of every place to the storm's path near the coast (fixes of 19-20 May)."""
    pl = places()
    near = [p for p in TRACK if LANDFALL - timedelta(hours=36) <= p.time <= LANDFALL + timedelta(hours=6)]
    best = np.full(len(pl), np.inf)
    for fix in near:
        best = np.minimum(best, distances_km(fix.lat, fix.lon, pl.lat, pl.lon))
    return best


def place_weights(kind: str) -> np.ndarray:
    """Cumulative, normalised weights over places() for picking the place of a post.

    ``incident``: by district share of damage, boosted near the storm's path; ``noise``: by
    district share of posting (cities post more)."""
    return _place_weights(kind)


@cache
def _place_weights(kind: str) -> np.ndarray:
    pl = places()
    weights = np.zeros(len(pl))
    for district in DISTRICTS:
        mask = pl.district_lgd == district.lgd
        share = district.weight_incident if kind == "incident" else district.weight_noise
        weights[mask] = share / max(1, int(mask.sum()))
    if kind == "incident":
        weights *= 0.3 + np.exp(-_track_distance_km() / 60.0)
    cum = np.cumsum(weights)
    return cum / cum[-1]


def make_incidents(count: int, rng: np.random.Generator, pl: Places | None = None) -> Incidents:
    """``count`` incidents at real places, with start times, decay and true locations."""
    import shapely

    pl = pl or places()
    cum = place_weights("incident")
    probs = np.diff(cum, prepend=0.0)
    replace = count > int((probs > 0).sum())
    chosen = rng.choice(len(pl), size=count, replace=replace, p=probs)
    kinds = tuple(INCIDENT_TYPES[i] for i in rng.choice(len(INCIDENT_TYPES), size=count, p=_TYPE_P))
    people = rng.integers(3, 41, size=count)
    odisha = np.array([DISTRICT_BY_LGD[int(code)].state_lgd == 21 for code in pl.district_lgd[chosen]])
    start = np.where(odisha, -8.0 + rng.uniform(0, 14, size=count), -1.0 + rng.gamma(2.0, 5.0, size=count))
    start = np.minimum(start, 36.0)
    tau = rng.uniform(3.0, 12.0, size=count)
    lat = pl.lat[chosen, None] + rng.normal(0, _JITTER_DEG, size=(count, JITTER_POINTS))
    lon = pl.lon[chosen, None] + rng.normal(0, _JITTER_DEG, size=(count, JITTER_POINTS))
    shapes = district_shapes()
    codes = pl.district_lgd[chosen]
    for code in np.unique(codes):
        rows = codes == code
        inside = shapely.contains_xy(shapes[int(code)], lon[rows], lat[rows])
        lat[rows] = np.where(inside, lat[rows], pl.lat[chosen[rows], None])
        lon[rows] = np.where(inside, lon[rows], pl.lon[chosen[rows], None])
    return Incidents(chosen, kinds, people, start, tau, np.round(lat, 6), np.round(lon, 6))
