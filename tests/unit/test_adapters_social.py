"""Social and SMS adapters."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest

from streams.adapters import load_adapter
from streams.errors import AdapterError
from tests.unit._adapter_fixtures import ctx

X_POST = {
    "data": {
        "id": "1263",
        "text": "Water entering our house in Kakdwip, 4 people on roof #Amphan",
        "author_id": "99",
        "created_at": "2020-05-20T14:05:00.000Z",
        "lang": "en",
        "geo": {"coordinates": {"type": "Point", "coordinates": [88.18, 21.87]}},
        "referenced_tweets": [{"type": "replied_to", "id": "5"}, {"type": "quoted", "id": "6"}, {"type": "retweeted", "id": "7"}],
    },
    "includes": {"users": [{"id": "99", "username": "rina_k", "verified": True}]},
}  # fmt: skip


def social(obj, **kw):
    return load_adapter("social")(json.dumps(obj).encode(), ctx(feed="distress", source="twitter", **kw))


def test_x_api_v2_post() -> None:
    (r,) = social(X_POST)
    assert (r.source_id, r.author, r.language, r.gps, r.reply_to) == ("1263", "rina_k", "en", (21.87, 88.18), "7")
    assert r.event_time == datetime(2020, 5, 20, 14, 5, tzinfo=UTC) and r.extra["verified"] is True
    assert r.feed == "distress" and r.format == "social" and r.text.startswith("Water entering")


def test_x_api_list_quoted_unverified_and_no_geo() -> None:
    post = {**X_POST["data"], "referenced_tweets": [{"type": "quoted", "id": "6"}], "geo": {"place_id": "abc"}, "lang": "und"}
    (r1, r2) = social({"data": [post, {**post, "id": "1264"}], "includes": {"users": [{"id": "99", "username": "x"}]}})
    assert (r1.reply_to, r1.gps, r1.language, r1.extra["verified"], r2.source_id) == ("6", None, None, False, "1264")


@pytest.mark.parametrize(
    ("coords", "reason"),
    [([88.0, 91.0], "latitude 91 is outside"), ([181, 20], "longitude 181 is outside"), (["a", 1], "not a number"), ([1], "Point")],
)  # fmt: skip
def test_x_api_bad_coordinates_are_refused(coords, reason: str) -> None:
    post = json.loads(json.dumps(X_POST))
    post["data"]["geo"]["coordinates"]["coordinates"] = coords
    with pytest.raises(AdapterError, match=reason):
        social(post)


def test_plain_post_and_its_errors() -> None:
    plain = {"id": "p1", "text": "help at Gosaba", "author": "u1", "created_at": "2020-05-20T10:00:00+05:30", "lat": 22.16, "lon": 88.8}
    (r,) = social(plain)
    assert (r.source_id, r.author, r.gps, r.reply_to) == ("p1", "u1", (22.16, 88.8), None)
    with pytest.raises(AdapterError, match="latitude -91 is outside"):
        social({**plain, "lat": -91})
    with pytest.raises(AdapterError, match="has lat without lon"):
        social({k: v for k, v in plain.items() if k != "lon"})
    with pytest.raises(AdapterError, match="has no 'text' field"):
        social({"id": "p2"})
    with pytest.raises(AdapterError, match="created_at 'tuesday' is not an ISO-8601"):
        social({**plain, "created_at": "tuesday"})
    with pytest.raises(AdapterError, match="not an object"):
        social([1, 2])
    event = datetime(2020, 5, 20, tzinfo=UTC)
    (keyed,) = social({"text": "no id here"}, key="k-9", event_time=event)
    assert keyed.source_id == "k-9" and keyed.event_time == event


def sms(payload: bytes, **kw):
    return load_adapter("sms")(payload, ctx(feed="distress", source="sms-gateway", **kw))


def test_sms_gateway_json_and_bare_text() -> None:
    msg = {"id": "s1", "from": "+919800000000", "text": "पानी बढ़ रहा है, छत पर हैं", "received_at": "2020-05-20T10:00:00+05:30"}
    (r,) = sms(json.dumps(msg, ensure_ascii=False).encode())
    assert (r.source_id, r.author, r.text, r.feed, r.format) == ("s1", "+919800000000", msg["text"], "distress", "sms")
    body = "{stuck} at Namkhana jetty".encode()
    (t,) = sms(body)
    assert t.source_id == hashlib.sha1(body).hexdigest() and t.text == "{stuck} at Namkhana jetty" and t.author is None
    assert sms(b"\xef\xbb\xbfhelp", key="gw-1")[0].source_id == "gw-1"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"help \xff me", "not UTF-8 at byte 5"),
        (b"   ", "empty"),
        (b'{"id": "s2", "from": "x"}', "has no 'text' field"),
        (b'{"id": "s3", "text": "hi", "received_at": "noon"}', "received_at 'noon' is not an ISO-8601"),
        (b"x" * 1_000_001, "payload is 1,000,001 bytes; limit 1,000,000"),
    ],
)
def test_sms_errors(payload: bytes, reason: str) -> None:
    with pytest.raises(AdapterError, match=reason):
        sms(payload)
