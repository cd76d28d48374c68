"""GeoJSON alert adapter on the real NWS fixture and on variants."""

from __future__ import annotations

import json

import pytest

from streams.adapters.geojson import parse
from streams.errors import AdapterError
from tests.unit._adapter_fixtures import cap_file, ctx


def _nws() -> dict:
    return json.loads(cap_file("nws_alerts_active_zone.geojson"))


def test_nws_feature_collection_keeps_geocodes_and_references() -> None:
    data = _nws()
    props = data["features"][0]["properties"]
    (alert,) = parse(cap_file("nws_alerts_active_zone.geojson"), ctx(source="nws"))
    assert alert.identifier == props["id"] and alert.sender == props["sender"]
    assert (alert.status, alert.msg_type, alert.format) == ("Actual", "Update", "geojson")
    (info,) = alert.info
    assert (info.event, info.severity, info.urgency, info.certainty) == ("Flood Watch", "Severe", "Future", "Possible")
    (area,) = info.areas
    assert area.polygons == () and area.description == props["areaDesc"]
    expected = [("UGC", c) for c in props["geocode"]["UGC"]] + [("SAME", c) for c in props["geocode"]["SAME"]]
    assert list(area.geocodes) == expected
    refs = props["references"]
    assert alert.references == tuple(f"{r['sender']},{r['identifier']},{r['sent']}" for r in refs)
    assert info.expires is not None and info.expires.isoformat() == props["expires"]


def test_polygon_and_multipolygon_geometries_become_outer_rings() -> None:
    data = _nws()
    feature = data["features"][0]
    feature["geometry"] = {"type": "Polygon", "coordinates": [[[88.0, 21.0], [89.0, 21.0], [89.0, 22.0]]]}
    (alert,) = parse(json.dumps(feature).encode(), ctx())
    assert alert.info[0].areas[0].polygons == (((88.0, 21.0), (89.0, 21.0), (89.0, 22.0), (88.0, 21.0)),)
    ring = [[0, 0], [1, 0], [1, 1], [0, 0]]
    feature["geometry"] = {"type": "MultiPolygon", "coordinates": [[ring, ring], [ring]]}
    assert len(parse(json.dumps(feature).encode(), ctx())[0].info[0].areas[0].polygons) == 2


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.update(type="Topology"), "expected 'FeatureCollection'"),
        (lambda d: d.update(features=[]), "no features"),
        (lambda d: d["features"][0]["properties"].pop("sender"), "has no 'sender'"),
        (lambda d: d["features"][0]["properties"].update(sent="soon"), "'sent' 'soon' is not an ISO-8601"),
        (lambda d: d["features"][0]["properties"].update(messageType="Shout"), "'Shout', which is not one of"),
        (lambda d: d["features"][0].update(geometry={"type": "Point", "coordinates": [1, 2]}), "not an area"),
        (
            lambda d: d["features"][0].update(geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 95], [0, 1]]]}),
            "latitude 95 is outside",
        ),
    ],
)
def test_broken_collections_are_refused_with_the_reason(change, reason: str) -> None:
    data = _nws()
    change(data)
    with pytest.raises(AdapterError, match=reason):
        parse(json.dumps(data).encode(), ctx())


def test_not_json_and_not_utf8() -> None:
    with pytest.raises(AdapterError, match="not valid JSON: .* line 1 column 2"):
        parse(b"{oops", ctx())
    with pytest.raises(AdapterError, match="not UTF-8 at byte 2"):
        parse(b'{"\xff": 1}', ctx())
