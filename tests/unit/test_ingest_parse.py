"""The ingest worker's parse step on plain records: no broker needed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from geo.model import Alert, Report
from streams.ingest import parse_records
from streams.sinks import DLQ_OFFSET, DLQ_REASON, DeadLetter, DeadLetterSink, StoreSink
from tests.conftest import DATA, make_alert, make_report
from tests.unit._adapter_fixtures import edxl_binary


@dataclass
class Rec:
    topic: str
    value: bytes | None
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    key: bytes | None = b"k1"
    partition: int = 0
    offset: int = 7


def test_each_format_goes_to_its_adapter_with_provenance(settings_factory):
    settings = settings_factory()
    sms = json.dumps({"id": "s1", "from": "+919000000001", "text": "Gosaba te jal, help", "received_at": "2020-05-20T11:00:00Z"})
    cap = (DATA / "cap" / "IN-1787546092152029_29.xml").read_bytes()
    records = [
        Rec("feeds.distress", sms.encode(), [("format", b"sms"), ("source", b"sms-gateway")], offset=1),
        Rec("feeds.weather", cap, [("format", b"cap"), ("source", b"sachet")], offset=2),
        Rec("feeds.traffic", b"Traffic movement is closed on Ultadanga flyover due to tree fall.", [], offset=3),
    ]
    result = parse_records(records, settings)
    assert result.dead == ()
    kinds = [type(i) for i in result.items]
    assert kinds.count(Report) == 2 and kinds.count(Alert) >= 1
    sms_report = next(i for i in result.items if isinstance(i, Report) and i.feed == "distress")
    assert sms_report.author == "+919000000001"
    assert (sms_report.provenance.topic, sms_report.provenance.offset) == ("feeds.distress", 1)
    traffic = next(i for i in result.items if isinstance(i, Report) and i.feed == "traffic")
    assert traffic.format == "traffic"  # sniffed from the topic: no format header
    assert traffic.event_time is not None  # falls back to the time it was received


def test_bad_messages_become_dead_letters_with_reasons(settings_factory):
    settings = settings_factory(max_message_bytes=2048)
    records = [
        Rec("feeds.weather", b"<alert><identifier>x", [("format", b"cap")], offset=1),
        Rec("feeds.distress", b"", [("format", b"sms")], offset=2),
        Rec("feeds.distress", b"y" * 5000, [("format", b"sms")], offset=3),
        Rec("feeds.distress", b"hello", [("format", b"carrier-pigeon")], offset=4),
        Rec("not.a.feed", b"hello", [], offset=5),
        Rec("feeds.distress", None, [("format", b"sms")], offset=6),
    ]
    result = parse_records(records, settings)
    assert result.items == ()
    reasons = {d.offset: d.reason for d in result.dead}
    assert reasons[1].startswith("cap: ")
    assert reasons[2] == reasons[6] == "message is empty"
    assert "5,000 bytes" in reasons[3]
    assert "unknown format 'carrier-pigeon'" in reasons[4]
    assert "not a feed topic" in reasons[5]
    assert {d.value for d in result.dead if d.offset == 3} == {b"y" * 5000}  # original bytes kept


def test_cap_base64_in_edxl_is_stored_and_a_bad_envelope_is_a_dead_letter(settings_factory):
    cap = (DATA / "cap" / "IN-1788205224883023_23.xml").read_bytes()
    bad = edxl_binary(cap).replace(b"<contentData>", b"<contentData>***")
    headers = [("format", b"cap"), ("source", b"sachet")]
    result = parse_records([Rec("feeds.weather", edxl_binary(cap), headers, offset=1), Rec("feeds.weather", bad, headers, offset=2)], settings_factory())
    (alert,) = result.items
    assert isinstance(alert, Alert) and alert.identifier == "IN-1788205224883023_23" and alert.raw == cap
    (letter,) = result.dead
    assert letter.offset == 2 and letter.value == bad
    assert letter.reason.startswith("cap: EDXL-DE nonXMLContent <contentData> is not valid base64")


def test_a_crashing_adapter_is_a_dead_letter_not_a_stopped_feed(settings_factory, monkeypatch):
    import streams.ingest as ingest

    def boom(payload, ctx):
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(ingest, "load_adapter", lambda name: boom)
    result = parse_records([Rec("feeds.distress", b"x", [("format", b"sms")])], settings_factory())
    assert result.dead[0].reason == "sms: internal error ZeroDivisionError: bug"


def test_store_sink_writes_only_on_flush(store_factory):
    store = store_factory()
    sink = StoreSink(store)
    sink.add(make_report("1"))
    sink.add(make_alert("A1"))
    assert store.count_reports() == 0
    assert sink.flush() == (1, 1)
    assert (store.count_reports(), store.count_alerts()) == (1, 1)
    assert sink.flush() == (0, 0)


class _Future:
    def __init__(self, fail: bool) -> None:
        self.fail = fail

    def get(self, timeout: float) -> None:
        if self.fail:
            raise TimeoutError("broker did not acknowledge")


class _Producer:
    """Records what the dead-letter sink sends; the real broker is in tests/integration."""

    def __init__(self, fail: bool = False) -> None:
        self.sent: list[dict] = []
        self.fail = fail

    def send(self, topic, key, value, headers):
        self.sent.append({"topic": topic, "key": key, "value": value, "headers": dict(headers)})
        return _Future(self.fail)

    def flush(self) -> None:
        pass


def test_dead_letter_sink_keeps_original_headers_and_adds_reason():
    producer = _Producer()
    sink = DeadLetterSink(producer, "feeds.deadletter")
    sink.add(DeadLetter("feeds.distress", 2, 41, b"k", b"\xff", (("format", b"sms"),), "sms: not UTF-8"))
    assert producer.sent == []
    assert sink.flush() == 1
    sent = producer.sent[0]
    assert sent["value"] == b"\xff" and sent["key"] == b"k"
    assert sent["headers"]["format"] == b"sms"
    assert sent["headers"][DLQ_REASON] == b"sms: not UTF-8"
    assert sent["headers"][DLQ_OFFSET] == b"41"


def test_dead_letter_sink_raises_when_broker_refuses():
    sink = DeadLetterSink(_Producer(fail=True), "feeds.deadletter")
    sink.add(DeadLetter("feeds.distress", 0, 1, None, b"x", (), "bad"))
    with pytest.raises(TimeoutError):  # a refused dead letter must stop the offset commit
        sink.flush()


def test_a_senders_gps_wins_and_is_placed_in_its_district(settings_factory):
    import dataclasses

    from streams.ingest import Enricher

    enricher = Enricher(settings_factory())
    post = dataclasses.replace(make_report("1", "help, water everywhere"), gps=(22.16, 88.81), location=None, locations=())
    bulletin = dataclasses.replace(make_report("2", "Cyclone lay centered 150 km south of Digha"), feed="weather",
                                   gps=(19.5, 88.0), location=None, locations=())  # fmt: skip
    off_globe = dataclasses.replace(make_report("3", "sos"), gps=(95.0, 88.0), location=None, locations=())
    out = enricher.enrich([post, bulletin, off_globe])
    gps = out[0].location
    assert (gps.kind, gps.method, gps.radius_m, gps.lat, gps.lon) == ("coordinates", "gps", 50.0, 22.16, 88.81)
    assert gps.state == "West Bengal" and gps.district == "South 24 Parganas"
    assert out[1].location is None or out[1].location.method != "gps"  # the storm's position is no place
    assert out[2].location is None or out[2].location.method != "gps"  # a fix off the globe is no fix


def test_traffic_reports_are_pinned_on_their_roads_with_the_segment_to_draw(settings_factory):
    from streams.ingest import Enricher

    texts = [
        "NH-16 closed between Balasore and Bhadrak due to tree fall",
        "Traffic diverted at Ultadanga flyover due to waterlogging",
        "NH-16 and NH-49 closed at Kharagpur till 6 pm",
        "Heavy rain tonight, please stay safe",
        "Traffic on NH 12 is slow; boats needed in Hingalganj",
    ]
    records = [Rec("feeds.traffic", t.encode(), [("format", b"traffic")], offset=i) for i, t in enumerate(texts)]
    settings = settings_factory()
    segment, landmark, two, none, far = Enricher(settings).enrich(parse_records(records, settings).items)
    pin = segment.location
    assert (pin.kind, pin.method, pin.state) == ("road", "road_table", "Odisha") and pin.district is not None
    assert pin in segment.locations and any(loc.method == "gazetteer" for loc in segment.locations)
    geometry = segment.extra["road_geometry"]
    assert geometry["type"] == "LineString" and len(geometry["coordinates"]) >= 2
    assert segment.extra["road_segments"][0]["from"] == "Balasore" and segment.extra["road_segments"][0]["to"] == "Bhadrak"
    assert (landmark.location.kind, landmark.location.name, landmark.location.state) == ("landmark", "Ultadanga flyover", "West Bengal")
    assert "road_geometry" not in landmark.extra  # a landmark is a point with a radius: nothing to draw
    assert two.extra["road_geometry"]["type"] == "MultiLineString"
    assert [s["road"] for s in two.extra["road_segments"]] == ["NH-16", "NH-49"]
    assert "road_segments" not in none.extra
    # NH-12 with no place on it is the whole road: kept to draw, but the place the text names is the pin
    assert far.extra["road_segments"][0]["road"] == "NH-12" and far.location.text == "Hingalganj"
    json.dumps(segment.extra)  # stored as JSON
