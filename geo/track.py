"""The cyclone track as the weather feed reported it: positions and winds from stored bulletins.

The wind zones follow what the agencies said, not a bundled scenario: each IMD-style bulletin the
ingest worker stored with a position and a maximum sustained wind is one fix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd


@dataclass(frozen=True, slots=True)
class Fix:
    """One reported position of the storm (fits :class:`geo.zoning.TrackFix`)."""

    time: datetime
    lat: float
    lon: float
    wind_kt: float


def track_from_bulletins(rows: Any) -> list[Fix]:
    """Fixes from ``(event_time, extra_json)`` rows of bulletin reports, in time order.

    A bulletin without a position or a wind, or with a position off the globe, is no fix; two
    bulletins for the same time keep the later-stored one.
    """
    fixes: dict[datetime, Fix] = {}
    for when, extra in rows:
        try:
            data = json.loads(extra) if isinstance(extra, str) else dict(extra or {})
            lat, lon, wind = float(data["lat"]), float(data["lon"]), float(data["wind_kt"])
            at = pd.Timestamp(when).to_pydatetime()
        except (KeyError, TypeError, ValueError):
            continue
        if at.tzinfo is not None and -90 <= lat <= 90 and -180 <= lon <= 180 and wind >= 0:
            fixes[at] = Fix(at, lat, lon, wind)
    return [fixes[t] for t in sorted(fixes)]
