"""The offline gazetteer: every place crisismap can name, with its point, size and administrative unit.

Built once from installed packages (see :mod:`geo._gazetteer_build`: India Post offices checked against
LGD district polygons, LGD districts and states, GeoNames places worldwide, world admin units) and
cached as a pickle under ``var/cache/`` (``CRISISMAP_CACHE_DIR`` overrides). Building takes about half
a minute; loading the cache about a second. User places (shelters, hospitals, ghats...) added with
``crisismap gazetteer add FILE`` live in ``var/gazetteer/user_places.jsonl`` and are merged at load.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from geo._text import name_key
from geo.errors import GeocodeError

#: Bump when the build changes: a stale cache is rebuilt, never misread.
BUILD_VERSION = "17"
_ROOT = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    env = os.environ.get("CRISISMAP_CACHE_DIR")
    return Path(env) if env else _ROOT / "var" / "cache"


def user_places_path() -> Path:
    env = os.environ.get("CRISISMAP_USER_PLACES")
    return Path(env) if env else _ROOT / "var" / "gazetteer" / "user_places.jsonl"


@dataclass(frozen=True, slots=True)
class UserPlace:
    """A place a user supplied: a shelter, hospital, embankment, ghat..."""

    name: str
    lat: float
    lon: float
    kind: str = "landmark"
    radius_m: float = 200.0
    aliases: tuple[str, ...] = ()
    population: float | None = None  # known for GeoNames dumps: then it ranks like any other place
    country: str = ""


class Gazetteer:
    """Columns of entries (``cols``) and a name index (folded name -> entry ids, best prior first)."""

    def __init__(self, tables: dict[str, Any]) -> None:
        self.cols: dict[str, Any] = tables["cols"]
        self.index: dict[str, tuple[int, ...]] = tables["index"]
        self.concat: dict[str, tuple[int, ...]] = tables["concat"]
        self.common: dict[str, float] = tables["common"]
        self.max_tokens: int = min(int(tables["max_tokens"]), 6)
        self.pins: dict[int, tuple[float, float]] = tables["pins"]
        self.prefixes: set[str] = tables["prefixes"]
        self.variants: dict[str, tuple[int, ...]] = tables.get("variants", {})

    def __len__(self) -> int:
        return len(self.cols["name"])

    def lookup(self, name: str) -> tuple[int, ...]:
        """Entry ids whose name or alias is ``name`` (any case, punctuation, diacritics)."""
        return self.index.get(name_key(name), ())

    @classmethod
    def load(cls, region: str = "IN", *, rebuild: bool = False) -> Gazetteer:
        """The cached gazetteer (built on first use), with the user's places merged in."""
        path = cache_dir() / f"gazetteer-v{BUILD_VERSION}.pickle"
        fallback = Path.home() / ".cache" / "crisismap" / path.name
        if not path.exists() and fallback.exists() and "CRISISMAP_CACHE_DIR" not in os.environ:
            path = fallback
        tables = None
        if path.exists() and not rebuild:
            try:
                with open(path, "rb") as fh:
                    tables = pickle.load(fh)
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
                tables = None
        if tables is None:
            from geo._gazetteer_build import build_tables

            tables = build_tables()
            _save(tables, path)
        gaz = cls(tables)
        places = read_user_places()
        if places:
            gaz = gaz.with_places(places)
        return gaz

    def with_places(self, places: list[UserPlace]) -> Gazetteer:
        """A copy with user places appended (they win ties: their prior is high)."""
        from geo import boundaries
        from geo._gazetteer_build import KIND_CODE

        n0 = len(self)
        admin = boundaries.reverse_many([p.lat for p in places], [p.lon for p in places])
        cols = dict(self.cols)
        extra: dict[str, list[Any]] = {k: [] for k in cols}
        for i, p in enumerate(places):
            st, di, sl, dl = admin[i]
            row = {"lat": p.lat, "lon": p.lon, "kind": KIND_CODE.get(p.kind, KIND_CODE["landmark"]),
                   "radius": p.radius_m, "pop": p.population if p.population is not None else 1e5, "state_lgd": sl or 0, "district_lgd": dl or 0,
                   "gid": f"user:{_place_id(p)}", "name": p.name, "cc": "IN" if st else "", "state": st,
                   "district": di, "main": name_key(p.name),
                   "prior": 7.0 if p.population is None else math.log10(p.population + 10.0) + 0.3}
            if p.country:
                row["cc"] = p.country
            for k in cols:
                extra[k].append(row[k])
        for k, v in cols.items():
            cols[k] = np.concatenate([v, np.asarray(extra[k], dtype=v.dtype)]) if isinstance(v, np.ndarray) else [*v, *extra[k]]
        index = dict(self.index)
        new_keys = {name_key(nm) for p in places for nm in (p.name, *p.aliases)}
        for i, p in enumerate(places):
            for nm in (p.name, *p.aliases):
                k = name_key(nm)
                if k:
                    index[k] = (n0 + i, *index.get(k, ()))
        return Gazetteer({"cols": cols, "index": index, "concat": self.concat, "common": self.common, "prefixes": self.prefixes | _prefixes(new_keys), "variants": self.variants,
                          "max_tokens": max(self.max_tokens, *(name_key(p.name).count(" ") + 1 for p in places)),
                          "pins": self.pins})


def _save(tables: dict[str, Any], path: Path) -> None:
    """Write the cache atomically; a read-only install falls back to ~/.cache, then to no cache."""
    for target in (path, Path.home() / ".cache" / "crisismap" / path.name):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".tmp{os.getpid()}")
            with open(tmp, "wb") as fh:
                pickle.dump(tables, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(target)
            return
        except OSError:
            continue


def _prefixes(index: Any) -> set[str]:
    return {" ".join(k.split(" ")[:n]) for k in index if " " in k for n in range(1, k.count(" ") + 1)}


def _place_id(p: UserPlace) -> str:
    return hashlib.sha1(f"{p.name}|{p.lat:.6f}|{p.lon:.6f}".encode()).hexdigest()[:12]


def read_user_places(path: Path | None = None) -> list[UserPlace]:
    path = path or user_places_path()
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(UserPlace(d["name"], float(d["lat"]), float(d["lon"]), d.get("kind", "landmark"),
                                 float(d.get("radius_m", 200.0)), tuple(d.get("aliases", ())), d.get("population"),
                                 d.get("country") or ""))
    return out


_NAME_COLS = ("name", "title", "place", "facility", "label")
_LAT_COLS = ("lat", "latitude", "y")
_LON_COLS = ("lon", "lng", "long", "longitude", "x")


def parse_places(path: Path) -> list[UserPlace]:
    """User places from a CSV (name, lat, lon[, kind, radius_m, aliases]), a GeoJSON of Points, or a
    GeoNames country dump (``XX.txt``, tab-separated)."""
    if not path.exists():
        msg = f"{path} does not exist; give a CSV or GeoJSON file of places"
        raise GeocodeError(msg)
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    if path.suffix.lower() in {".geojson", ".json"} or text.lstrip().startswith("{"):
        return _places_from_geojson(text, path)
    first = text.split("\n", 1)[0]
    if first.count("\t") >= 18:
        return _places_from_geonames(text, path)
    return _places_from_csv(text, path)


_GEONAMES_KIND = {"ADM1": ("state", 100_000.0), "ADM2": ("district", 30_000.0), "ADM3": ("district", 10_000.0),
                  "PPLC": ("city", 10_000.0), "PPLA": ("city", 8_000.0)}


def _places_from_geonames(text: str, path: Path) -> list[UserPlace]:
    """A GeoNames country dump (``NP.txt``: 19 tab-separated columns): populated places and admin units."""
    from geo._gazetteer_build import _keep_alt

    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        f = line.split("\t")
        if len(f) < 19 or f[6] not in {"P", "A"}:
            continue
        try:
            lat, lon, pop = float(f[4]), float(f[5]), float(f[14] or 0)
        except ValueError:
            msg = f"{path} line {n}: latitude/longitude/population are not numbers; is this a GeoNames dump?"
            raise GeocodeError(msg) from None
        _check_point(f[1], lat, lon, f"{path} line {n}")
        kind, radius = _GEONAMES_KIND.get(f[7], ("town" if pop >= 10_000 else "village", 2_000.0))
        if f[6] == "A" and f[7] not in _GEONAMES_KIND:
            continue
        aliases = tuple(a for a in f[3].split(",") if a and _keep_alt(a, f[1], pop))[:20]
        out.append(UserPlace(f[1], lat, lon, kind, radius, aliases, pop, f[8]))
    if not out:
        msg = f"{path} has no populated places or admin units; expected a GeoNames dump (19 tab-separated columns)"
        raise GeocodeError(msg)
    return out


def _check_point(name: str, lat: float, lon: float, where: str) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        msg = f"{where}: place {name!r} has coordinates ({lat}, {lon}) outside the Earth; fix lat/lon (WGS84 degrees)"
        raise GeocodeError(msg)


def _places_from_csv(text: str, path: Path) -> list[UserPlace]:
    import csv

    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        msg = f"{path} has no rows; expected a header line with name, lat, lon"
        raise GeocodeError(msg)
    header = {h.strip().lower(): h for h in rows[0] if h}
    pick = lambda opts: next((header[o] for o in opts if o in header), None)  # noqa: E731
    cn, ca, co = pick(_NAME_COLS), pick(_LAT_COLS), pick(_LON_COLS)
    if not (cn and ca and co):
        msg = f"{path} needs columns name, lat and lon (found: {', '.join(header)})"
        raise GeocodeError(msg)
    ck, cr, cal = pick(("kind", "type")), pick(("radius_m", "radius")), pick(("aliases", "alias"))
    out = []
    for n, r in enumerate(rows, start=2):
        name = (r.get(cn) or "").strip()
        try:
            lat, lon = float(r[ca]), float(r[co])
        except (TypeError, ValueError):
            msg = f"{path} line {n}: lat/lon {r.get(ca)!r}, {r.get(co)!r} are not numbers"
            raise GeocodeError(msg) from None
        if not name:
            msg = f"{path} line {n}: the place has no name"
            raise GeocodeError(msg)
        _check_point(name, lat, lon, f"{path} line {n}")
        out.append(_user_place(name, lat, lon, r.get(ck) if ck else None, r.get(cr) if cr else None,
                               (r.get(cal) or "").split("|") if cal else []))
    return out


def _user_place(name: str, lat: float, lon: float, kind: Any, radius: Any, aliases: list[str]) -> UserPlace:
    from geo._gazetteer_build import KIND_CODE

    k = str(kind or "landmark").strip().lower()
    try:
        rad = float(radius) if radius not in (None, "") else 200.0
    except ValueError:
        rad = 200.0
    return UserPlace(name, lat, lon, k if k in KIND_CODE else "landmark", max(rad, 10.0),
                     tuple(a.strip() for a in aliases if a and a.strip()))


def _places_from_geojson(text: str, path: Path) -> list[UserPlace]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"{path} is not valid JSON ({exc.msg} at line {exc.lineno})"
        raise GeocodeError(msg) from None
    feats = doc.get("features", [doc] if doc.get("type") == "Feature" else []) if isinstance(doc, dict) else []
    out = []
    for n, f in enumerate(feats):
        geom, props = (f or {}).get("geometry") or {}, (f or {}).get("properties") or {}
        if geom.get("type") != "Point":
            continue
        try:
            lon, lat = float(geom["coordinates"][0]), float(geom["coordinates"][1])
        except (KeyError, IndexError, TypeError, ValueError):
            msg = f"{path} feature {n}: Point coordinates are not [lon, lat] numbers"
            raise GeocodeError(msg) from None
        name = next((str(props[c]).strip() for c in _NAME_COLS if props.get(c)), "")
        if not name:
            continue
        _check_point(name, lat, lon, f"{path} feature {n}")
        al = props.get("aliases") or []
        out.append(_user_place(name, lat, lon, props.get("kind") or props.get("amenity"), props.get("radius_m"),
                               al.split("|") if isinstance(al, str) else list(al)))
    if not out:
        msg = f"{path} has no named Point features; each needs properties.name and Point geometry"
        raise GeocodeError(msg)
    return out


def add_user_places(places: list[UserPlace], path: Path | None = None) -> int:
    """Merge places into the user gazetteer (same name and point = same place). Returns the new total."""
    path = path or user_places_path()
    known = {(p.name, round(p.lat, 6), round(p.lon, 6)): p for p in read_user_places(path)}
    for p in places:
        known[(p.name, round(p.lat, 6), round(p.lon, 6))] = p
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for p in known.values():
            fh.write(json.dumps({"name": p.name, "lat": p.lat, "lon": p.lon, "kind": p.kind, "radius_m": p.radius_m,
                                 "aliases": list(p.aliases), "population": p.population, "country": p.country},
                                ensure_ascii=False) + "\n")
    tmp.replace(path)
    return len(known)
