"""GeoJSON alert adapter: an NWS-style alert FeatureCollection (or one Feature) to Alerts.

Each Feature is one alert; its properties carry the CAP fields under the NWS API's names
(``messageType``, ``senderName``, ``areaDesc``, ``geocode: {"UGC": [...], "SAME": [...]}``,
``references: [{"identifier", "sender", "sent"}]``). A null geometry is normal (zone-based alerts):
the geocodes are kept as the area's geocodes. Polygon and MultiPolygon geometries become the
area's outer rings (lon, lat, RFC 7946); holes are not part of a CAP area and are dropped.
"""

from __future__ import annotations

from typing import Any

from geo.model import Alert, AlertArea, AlertInfo
from streams.adapters import AdapterContext
from streams.adapters._cap_fields import (
    CATEGORY,
    CERTAINTY,
    MSG_TYPE,
    SCOPE,
    SEVERITY,
    STATUS,
    URGENCY,
    lenient_vocab,
    strict_vocab,
    vocab,
)
from streams.adapters._payload import check_size, coordinate, decode_utf8, load_json, optional_time, parse_time
from streams.errors import AdapterError


def parse(payload: bytes, ctx: AdapterContext) -> tuple[Alert, ...]:
    """Every alert Feature of the payload; AdapterError naming the first broken one."""
    check_size(payload, "GeoJSON")
    data = load_json(decode_utf8(payload, "GeoJSON"), "GeoJSON payload")
    features = _features(data)
    return tuple(
        _read_feature(feature, f"GeoJSON feature #{n}", ctx.source, bytes(payload) if len(features) == 1 else b"")
        for n, feature in enumerate(features, start=1)
    )


def _features(data: Any) -> list[Any]:
    if not isinstance(data, dict):
        msg = f"GeoJSON payload is a JSON {type(data).__name__}, not a FeatureCollection or Feature object"
        raise AdapterError(msg)
    kind = data.get("type")
    if kind == "Feature":
        return [data]
    if kind != "FeatureCollection":
        msg = f"GeoJSON payload has type {str(kind)[:40]!r}; expected 'FeatureCollection' or 'Feature'"
        raise AdapterError(msg)
    features = data.get("features")
    if not isinstance(features, list):
        msg = "GeoJSON FeatureCollection has no 'features' list"
        raise AdapterError(msg)
    if not features:
        msg = "GeoJSON FeatureCollection has no features (no alerts in force); nothing to store"
        raise AdapterError(msg)
    return features


def _text(props: dict[str, Any], name: str, where: str) -> str | None:
    value = props.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        msg = f"{where} property {name!r} is a JSON {type(value).__name__}, not text"
        raise AdapterError(msg)
    return str(value).strip() or None


def _read_feature(feature: Any, where: str, source: str, raw: bytes) -> Alert:
    if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
        msg = f"{where} is not a Feature object with 'properties'"
        raise AdapterError(msg)
    props: dict[str, Any] = feature["properties"]
    identifier = _text(props, "identifier", where) or _text(props, "id", where)
    if identifier is None and isinstance(feature.get("id"), (str, int)) and not isinstance(feature.get("id"), bool):
        identifier = str(feature["id"])
    if identifier is None:
        msg = f"{where} has no 'id' or 'identifier'"
        raise AdapterError(msg)
    where = f"GeoJSON alert {identifier[:80]!r}"
    sender = _text(props, "sender", where)
    if sender is None:
        msg = f"{where} has no 'sender'"
        raise AdapterError(msg)
    problems: list[str] = []  # forgiven oddities; a GeoJSON alert has nowhere to carry them
    info = AlertInfo(
        language=_text(props, "language", where) or "en-US",
        event=_text(props, "event", where) or "",
        urgency=lenient_vocab(_text(props, "urgency", where), URGENCY, "urgency", where, problems, "Unknown"),
        severity=lenient_vocab(_text(props, "severity", where), SEVERITY, "severity", where, problems, "Unknown"),
        certainty=lenient_vocab(_text(props, "certainty", where), CERTAINTY, "certainty", where, problems, "Unknown"),
        category=_categories(props.get("category")),
        headline=_text(props, "headline", where),
        description=_text(props, "description", where),
        instruction=_text(props, "instruction", where),
        sender_name=_text(props, "senderName", where),
        effective=optional_time(_text(props, "effective", where), f"{where} 'effective'"),
        onset=optional_time(_text(props, "onset", where), f"{where} 'onset'"),
        expires=optional_time(_text(props, "expires", where), f"{where} 'expires'"),
        areas=(_area(feature.get("geometry"), props, where),),
    )
    return Alert(
        identifier=identifier,
        sender=sender,
        sent=parse_time(_text(props, "sent", where), f"{where} 'sent'"),
        status=strict_vocab(_text(props, "status", where), STATUS, "status", where),
        msg_type=strict_vocab(
            _text(props, "messageType", where) or _text(props, "msgType", where), MSG_TYPE, "messageType", where
        ),
        scope=lenient_vocab(_text(props, "scope", where), SCOPE, "scope", where, problems, ""),
        source=source,
        format="geojson",
        info=(info,),
        references=_references(props.get("references"), where),
        raw=raw,
    )


def _categories(value: Any) -> tuple[str, ...]:
    words = value if isinstance(value, list) else [value]
    out = []
    for word in words:
        if isinstance(word, str) and word.strip():
            out.append(vocab(word, CATEGORY, "category") or "Other")
    return tuple(out)


def _references(value: Any, where: str) -> tuple[str, ...]:
    """NWS ``references`` objects as CAP "sender,identifier,sent" triples (strings are kept as given)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(value.split())
    if not isinstance(value, list):
        msg = f"{where} 'references' is a JSON {type(value).__name__}, not a list"
        raise AdapterError(msg)
    out = []
    for ref in value:
        if isinstance(ref, str):
            out.append(ref)
        elif isinstance(ref, dict) and all(isinstance(ref.get(k), str) for k in ("sender", "identifier", "sent")):
            out.append(f"{ref['sender']},{ref['identifier']},{ref['sent']}")
        else:
            msg = f"{where} has a reference without 'sender', 'identifier' and 'sent'"
            raise AdapterError(msg)
    return tuple(out)


def _area(geometry: Any, props: dict[str, Any], where: str) -> AlertArea:
    geocodes: list[tuple[str, str]] = []
    raw_codes = props.get("geocode") or {}
    if not isinstance(raw_codes, dict):
        msg = f"{where} 'geocode' is a JSON {type(raw_codes).__name__}, not an object of lists"
        raise AdapterError(msg)
    for name, values in raw_codes.items():
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                geocodes.append((str(name), str(value)))
    return AlertArea(
        description=_text(props, "areaDesc", where) or "",
        polygons=_rings(geometry, where),
        geocodes=tuple(geocodes),
    )


def _rings(geometry: Any, where: str) -> tuple[tuple[tuple[float, float], ...], ...]:
    if geometry is None:
        return ()
    if not isinstance(geometry, dict):
        msg = f"{where} geometry is a JSON {type(geometry).__name__}, not a GeoJSON geometry object"
        raise AdapterError(msg)
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon" and isinstance(coords, list):
        polygons = coords
    else:
        msg = f"{where} geometry type {str(kind)[:30]!r} is not an area; expected Polygon, MultiPolygon or null"
        raise AdapterError(msg)
    rings = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon or not isinstance(polygon[0], list):
            msg = f"{where} has a polygon without an outer ring"
            raise AdapterError(msg)
        rings.append(_ring(polygon[0], where))
    return tuple(rings)


def _ring(points: list[Any], where: str) -> tuple[tuple[float, float], ...]:
    ring = []
    for point in points:
        if not isinstance(point, list) or len(point) < 2:
            msg = f"{where} has a polygon position that is not [lon, lat]"
            raise AdapterError(msg)
        ring.append((coordinate(point[0], f"{where} longitude", 180.0), coordinate(point[1], f"{where} latitude", 90.0)))
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    if len(ring) < 4:
        msg = f"{where} has a polygon ring with {len(ring)} positions; at least 4 are needed"
        raise AdapterError(msg)
    return tuple(ring)
