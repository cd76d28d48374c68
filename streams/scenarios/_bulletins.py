"""IMD-style text bulletins, one per 3-hourly best-track fix, with distances and bearings from
coastal towns computed from the real coordinates (great circle, see :mod:`._track`)."""

from __future__ import annotations

from datetime import datetime

from streams.scenarios._track import (
    CATEGORY_RANK,
    IST,
    LANDFALL,
    NAMED_AT,
    TRACK,
    TrackPoint,
    bearing_deg,
    compass,
    distance_km,
)

#: Reference towns IMD measured Amphan's position from (name, state/country, lat, lon).
SEA_TOWNS: tuple[tuple[str, str, float, float], ...] = (
    ("Paradip", "Odisha", 20.3166, 86.6114),
    ("Digha", "West Bengal", 21.6266, 87.5074),
    ("Khepupara", "Bangladesh", 21.9925, 90.2260),
)
LAND_TOWNS: tuple[tuple[str, str, float, float], ...] = (
    ("Kolkata", "West Bengal", 22.5726, 88.3639),
    ("Jessore", "Bangladesh", 23.1664, 89.2081),
    ("Dhaka", "Bangladesh", 23.8103, 90.4125),
)

_ORDINAL = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


def _day(when: datetime) -> str:
    return f"{when.day}{_ORDINAL.get(when.day, 'th')} May, 2020"


def _kmph(knots: float) -> int:
    return int(round(knots * 1.852 / 5.0) * 5)


def _region(point: TrackPoint) -> str:
    if point.time > LANDFALL:
        return "Gangetic West Bengal" if point.lon < 88.9 else "Bangladesh and adjoining Gangetic West Bengal"
    if point.lat < 13.0:
        return "southeast Bay of Bengal" if point.lon >= 86.5 else "south Bay of Bengal"
    if point.lat < 18.0:
        return "west central Bay of Bengal"
    return "northwest Bay of Bengal"


def _relative(point: TrackPoint, town: tuple[str, str, float, float]) -> str:
    name, where, lat, lon = town
    km = int(round(distance_km(lat, lon, point.lat, point.lon) / 10.0) * 10)
    if km < 10:
        return f"close to {name} ({where})"
    direction = compass(bearing_deg(lat, lon, point.lat, point.lon))
    nearly = "nearly " if "-" not in direction else ""
    return f"{km} km {nearly}{direction} of {name} ({where})"


def _movement(prev: TrackPoint | None, point: TrackPoint) -> str:
    if prev is None:
        return "formed"
    hours = (point.time - prev.time).total_seconds() / 3600
    km = distance_km(prev.lat, prev.lon, point.lat, point.lon)
    speed = round(km / hours)
    if speed < 3:
        return f"remained practically stationary during past {hours:02.0f} hours and"
    direction = compass(bearing_deg(prev.lat, prev.lon, point.lat, point.lon))
    return f"moved {direction}wards with a speed of {speed} kmph during past {hours:02.0f} hours and"


def _name(point: TrackPoint) -> str:
    """IMD names a storm when it becomes a Cyclonic Storm; the name stays after it weakens."""
    named = point.time >= NAMED_AT
    return f"{point.category_name} 'AMPHAN' (pronounced as UM-PUN)" if named else point.category_name


def _outlook(point: TrackPoint) -> str:
    if point.time <= LANDFALL:
        hours = (LANDFALL - point.time).total_seconds() / 3600
        return (
            "It is very likely to move north-northeastwards across northwest Bay of Bengal and cross "
            "West Bengal - Bangladesh coasts between Digha (West Bengal) and Hatiya Islands (Bangladesh) "
            f"close to Sundarbans during afternoon to evening of 20th May, 2020 (in about {hours:.0f} hours)."
        )
    return (
        "The system crossed West Bengal - Bangladesh coasts close to Sundarbans, near Bakkhali (Sagar Island), "
        "during 1530-1730 hrs IST of 20th May, 2020. It is very likely to move north-northeastwards and "
        "weaken further."
    )


def _warning(point: TrackPoint) -> str:
    if point.time > LANDFALL:
        return (
            "Warning: heavy to very heavy rainfall over Kolkata, Howrah, Hooghly, North and South 24 Parganas "
            "and Nadia. Uprooting of trees, damage to kutcha houses, power and communication lines."
        )
    if CATEGORY_RANK[point.category] >= CATEGORY_RANK["SCS"]:
        return (
            "Warning: storm surge of 4-5 m above astronomical tide likely to inundate low lying areas of "
            "South and North 24 Parganas and 3-4 m over Purba Medinipur at the time of landfall. Fishermen are "
            "advised not to venture into the Bay of Bengal. Total suspension of fishing operations."
        )
    return "Fishermen are advised not to venture into south and adjoining central Bay of Bengal."


def bulletin_text(index: int) -> str:
    """The bulletin of best-track fix ``TRACK[index]`` (UTF-8 text, IMD's phrasing)."""
    point = TRACK[index]
    prev = TRACK[index - 1] if index else None
    local = point.time + IST
    towns = LAND_TOWNS if point.time > LANDFALL else SEA_TOWNS
    where = ", ".join(_relative(point, town) for town in towns[:-1]) + f" and {_relative(point, towns[-1])}"
    storm = _name(point)
    kmph = _kmph(point.wind_kt)
    gust = int(round(kmph * 1.12 / 5.0) * 5)
    movement = _movement(prev, point)
    lead = (
        f"The {storm} over {_region(point)} {movement} lay centered"
        if prev is not None
        else f"A {storm} formed over {_region(point)} and lay centered"
    )
    return (
        "INDIA METEOROLOGICAL DEPARTMENT\n"
        "Cyclone Warning Division, New Delhi\n"
        f"Bulletin No. {index + 1:02d} (BOB 01/2020)\n"
        f"Based on {point.time:%H%M} UTC of {point.time:%d.%m.%Y}\n"
        f"Sub: {point.category_name} over {_region(point)}\n\n"
        f"{lead} at {local:%H%M} hrs IST of {_day(local)} near latitude {point.lat:.1f}°N and "
        f"longitude {point.lon:.1f}°E, about {where}.\n\n"
        f"Intensity: {point.category_name} ({point.category}). Maximum sustained wind speed {kmph} kmph "
        f"({point.wind_kt:.0f} knots) gusting to {gust} kmph.\n"
        f"{_outlook(point)}\n"
        f"{_warning(point)}\n"
    )
