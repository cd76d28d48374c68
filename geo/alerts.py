"""Geometry and lifecycle of official alerts (CAP areas to shapes; which alerts are in force)."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from geo.model import Alert, AlertArea

_GEOD = Geod(ellps="WGS84")
_CIRCLE_STEPS = 64


def circle_polygon(lon: float, lat: float, radius_km: float) -> Polygon:
    """A geodesic circle on the WGS84 ellipsoid (pyproj ``Geod.fwd``), as a 64-gon in lon/lat."""
    azimuths = np.linspace(0.0, 360.0, _CIRCLE_STEPS, endpoint=False)
    lons, lats, _ = _GEOD.fwd(
        np.full(_CIRCLE_STEPS, lon), np.full(_CIRCLE_STEPS, lat), azimuths, np.full(_CIRCLE_STEPS, radius_km * 1000.0)
    )
    return Polygon(zip(lons, lats, strict=True))


def area_geometry(area: AlertArea) -> BaseGeometry | None:
    """The union of an area's polygons and circles; ``None`` when it has neither (geocodes only)."""
    shapes: list[BaseGeometry] = [shapely.make_valid(Polygon(ring)) for ring in area.polygons if len(ring) >= 4]
    shapes += [circle_polygon(lon, lat, r) for lon, lat, r in area.circles if r > 0]
    if not shapes:
        return None
    return shapely.union_all(shapes)


def alert_geometry(alert: Alert) -> BaseGeometry | None:
    """The union of every area of every info block of an alert, or ``None`` if none has a shape."""
    shapes = [g for info in alert.info for area in info.areas if (g := area_geometry(area)) is not None]
    return shapely.union_all(shapes) if shapes else None


def alert_expires(alert: Alert) -> datetime | None:
    """The latest ``expires`` over the alert's info blocks (``None``: no stated expiry)."""
    stamps = [info.expires for info in alert.info if info.expires is not None]
    return max(stamps) if stamps else None


def reference_ids(alert: Alert) -> tuple[str, ...]:
    """CAP ``references`` ("sender,identifier,sent" triples) as ``sender:identifier`` alert ids."""
    out = []
    for ref in alert.references:
        parts = ref.split(",")
        if len(parts) >= 2:
            out.append(f"{parts[0].strip()}:{parts[1].strip()}")
    return tuple(out)
