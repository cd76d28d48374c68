"""Property tests: whatever bytes arrive, an adapter returns parsed records or raises AdapterError, nothing else."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.model import Alert, Report
from streams.adapters import ADAPTERS, load_adapter
from streams.errors import AdapterError
from tests.unit._adapter_fixtures import CAP_DIR, ctx, edxl_binary

FORMATS = sorted(ADAPTERS)
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SEEDS: dict[str, list[bytes]] = {
    "cap": [(CAP_DIR / n).read_bytes() for n in ("thunderstorm.cap", "earthquake.cap", "weather.atom", "IN-1788205224883023_23.xml")]
    + [edxl_binary((CAP_DIR / "thunderstorm.cap").read_bytes())],
    "geojson": [(CAP_DIR / "nws_alerts_active_zone.geojson").read_bytes()],
    "bulletin": ["lay centered near latitude 14.0°N and longitude 86.3°E, about 700 km nearly south of Paradip (Odisha). Maximum sustained wind speed 220-230 kmph".encode()],
    "traffic": [b"Traffic movement is closed on Ghazipur Border NH-24 (Both carriageway) till 6 pm",
                json.dumps({"id": "t", "text": "diverted", "road": "NH-16", "status": "diverted", "start": "2020-05-20T10:00:00Z", "end": "2020-05-21T10:00:00Z"}).encode()],
    "social": [json.dumps({"data": {"id": "1", "text": "help", "author_id": "9", "created_at": "2020-05-20T10:00:00Z", "lang": "en",
                                     "geo": {"coordinates": {"type": "Point", "coordinates": [88.1, 21.9]}},
                                     "referenced_tweets": [{"type": "retweeted", "id": "2"}]},
                            "includes": {"users": [{"id": "9", "username": "u", "verified": True}]}}).encode(),
               json.dumps({"id": "2", "text": "roof", "author": "a", "created_at": "2020-05-20T10:00:00Z", "lat": 22.0, "lon": 88.0}).encode()],
    "sms": [json.dumps({"id": "s", "from": "+91", "text": "पानी", "received_at": "2020-05-20T10:00:00+05:30"}, ensure_ascii=False).encode(), b"help"],
}  # fmt: skip


def _run(fmt: str, payload: bytes) -> None:
    try:
        out = load_adapter(fmt)(payload, ctx(feed="distress" if fmt in ("social", "sms") else "weather"))
    except AdapterError as exc:
        assert str(exc).strip(), "an AdapterError must carry a reason"
        return
    assert isinstance(out, tuple) and out
    assert all(isinstance(item, Alert | Report) for item in out)


@pytest.mark.parametrize("fmt", FORMATS)
@FUZZ
@given(payload=st.binary(max_size=400))
def test_random_bytes(fmt: str, payload: bytes) -> None:
    _run(fmt, payload)


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "delete" and data:
            del data[pos : pos + draw(st.integers(1, 40))]
        elif op == "insert":
            data[pos:pos] = draw(st.sampled_from([b"<", b">", b"&", b"\"", b",", b"{", b"}", b"]", b"-", b"999", b"\x00", b"\xff", b"NaN", b"1e999", b"<!DOCTYPE a>", b"null", "°".encode()]))
        elif op == "truncate":
            del data[pos:]
        elif op == "duplicate" and data:
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 200))]
    return bytes(data)


@pytest.mark.parametrize("fmt", FORMATS)
@FUZZ
@given(data=st.data())
def test_mutated_real_messages(fmt: str, data: st.DataObject) -> None:
    _run(fmt, data.draw(mutated(SEEDS[fmt])))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
KEYS = ["id", "text", "author", "author_id", "created_at", "lat", "lon", "lang", "geo", "referenced_tweets", "data",
        "includes", "from", "received_at", "road", "status", "start", "end", "type", "features", "properties", "geometry"]  # fmt: skip


@pytest.mark.parametrize("fmt", ["social", "sms", "traffic", "geojson"])
@FUZZ
@given(obj=st.dictionaries(st.sampled_from(KEYS), JSON_VALUES, max_size=8))
def test_json_objects_with_the_right_keys_and_wrong_values(fmt: str, obj: dict) -> None:
    _run(fmt, json.dumps(obj).encode())


@pytest.mark.parametrize("fmt", FORMATS)
def test_oversize_payload_is_refused_before_parsing(fmt: str) -> None:
    with pytest.raises(AdapterError, match="payload is 1,000,001 bytes; limit 1,000,000"):
        load_adapter(fmt)(b"{" + b" " * 1_000_000, ctx())


@pytest.mark.parametrize("start", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+05:30", "9999-12-31T23:00:00-12:00"])
def test_traffic_times_at_the_ends_of_the_calendar(start: str) -> None:
    payload = json.dumps({"id": "t", "text": "closed till 11 pm", "start": start}).encode()
    _run("traffic", payload)


@FUZZ
@given(content=st.binary(max_size=400) | mutated([(CAP_DIR / "thunderstorm.cap").read_bytes()]),
       mime=st.sampled_from(["application/cap+xml", "text/xml", "", "application/octet-stream"]))  # fmt: skip
def test_random_and_mutated_cap_base64_in_edxl(content: bytes, mime: str) -> None:
    _run("cap", edxl_binary(content, mime))
