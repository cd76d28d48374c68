"""CAP adapter on the real agency files and on variants written for the project."""

from __future__ import annotations

import base64
import hashlib

import defusedxml.ElementTree as DET
import pytest

from streams.adapters import load_adapter
from streams.adapters.cap import CAP_NAMESPACES, parse, parse_document
from streams.errors import AdapterError
from tests.unit._adapter_fixtures import CAP_DIR, cap_file, ctx, edxl_binary

GOOD = [
    "canada.cap", "earthquake.cap", "thunderstorm.cap", "weather.cap", "no_optional_fields.cap", "invalid.cap",
    "IN-1787546092152029_29.xml", "IN-1788205224883023_23.xml", "weather.atom",
]  # fmt: skip
REJECTED = {
    "xee.atom": "DOCTYPE",
    "sachet_rss_sample.xml": "links only",
    "LICENSE.pynws": "not XML",
    "nws_alerts_active_zone.geojson": "not XML",
}


def _independent(payload: bytes) -> list[dict]:
    """What each alert holds, read with the XML tree directly (not through the adapter)."""
    out = []
    for el in DET.fromstring(payload).iter():
        ns, _, tag = el.tag[1:].partition("}")
        if tag != "alert" or ns not in CAP_NAMESPACES:
            continue
        q = lambda t, ns=ns: f"{{{ns}}}{t}"  # noqa: E731
        infos = []
        for info in el.findall(q("info")):
            areas = []
            for area in info.findall(q("area")):
                polys = [p.text.split() for p in area.findall(q("polygon"))]
                circles = [c.text.split() for c in area.findall(q("circle"))]
                codes = [(g.findtext(q("valueName")), g.findtext(q("value"))) for g in area.findall(q("geocode"))]
                areas.append((polys, circles, codes))
            infos.append(areas)
        out.append({"identifier": el.findtext(q("identifier")).strip(), "infos": infos})
    return out


@pytest.mark.parametrize("name", GOOD)
def test_real_alert_matches_an_independent_reading_of_the_file(name: str) -> None:
    payload = cap_file(name)
    alerts = load_adapter("cap")(payload, ctx(source="agency"))
    expected = _independent(payload)
    assert [a.identifier for a in alerts] == [e["identifier"] for e in expected]
    for alert, exp in zip(alerts, expected, strict=True):
        assert alert.source == "agency" and alert.format == "cap"
        assert len(alert.info) == len(exp["infos"])
        for info, exp_areas in zip(alert.info, exp["infos"], strict=True):
            assert len(info.areas) == len(exp_areas)
            for area, (polys, circles, codes) in zip(info.areas, exp_areas, strict=True):
                assert list(area.geocodes) == [(n.strip(), v.strip()) for n, v in codes]
                assert len(area.polygons) == len(polys)
                for ring, tokens in zip(area.polygons, polys, strict=True):
                    lat, lon = (float(x) for x in tokens[0].split(","))
                    assert ring[0] == (lon, lat)  # GeoJSON order
                    assert ring[0] == ring[-1] and len(ring) == len(tokens)
                for circle, (point, radius) in zip(area.circles, circles, strict=True):
                    lat, lon = (float(x) for x in point.split(","))
                    assert circle == (lon, lat, float(radius))


@pytest.mark.parametrize(("name", "reason"), sorted(REJECTED.items()))
def test_real_non_alert_files_are_rejected_with_the_reason(name: str, reason: str) -> None:
    with pytest.raises(AdapterError, match=reason):
        parse(cap_file(name), ctx())


def test_canada_polygon_and_vocabulary_values() -> None:
    (alert,) = parse(cap_file("canada.cap"), ctx())
    assert (alert.status, alert.msg_type, alert.scope) == ("Actual", "Update", "Public")
    assert len(alert.references) == 2 and alert.references[0].startswith("cap@ec.gc.ca,2.49.0.1.124.a3f342a4.2012,")
    en, fr = alert.info
    assert (en.language, fr.language) == ("en-CA", "fr-CA")
    assert (en.urgency, en.severity, en.certainty, en.category) == ("Past", "Minor", "Observed", ("Met",))
    ring = en.areas[0].polygons[0]
    assert ring[1] == (-82.6937, 42.3363) and len(ring) == 17
    assert alert.sent.utcoffset().total_seconds() == 0


def test_sachet_alert_keeps_lgd_geocodes_and_polygon_url() -> None:
    (alert,) = parse(cap_file("IN-1787546092152029_29.xml"), ctx())
    mr, en = alert.info
    assert mr.language == "MR" and en.language == "en-IN"
    area = en.areas[0]
    assert area.geocodes == tuple(("LGD District Code", c) for c in ("491", "490", "497", "494"))
    assert area.uri is not None and area.uri.endswith("identifier=1787546092152029")
    assert area.polygons == () and area.circles == ()


def test_missing_scope_is_forgiven_and_noted() -> None:
    (parsed,) = parse_document(cap_file("invalid.cap")).alerts
    assert parsed.alert.scope == ""
    assert any("<scope>" in p for p in parsed.problems)


def test_atom_with_embedded_alert_is_parsed_and_keeps_that_alert_only() -> None:
    (alert,) = parse(cap_file("weather.atom"), ctx())
    assert alert.identifier.startswith("NOAA-NWS-ALERTS-MT2012")
    assert alert.raw.lstrip().startswith(b"<") and b"<feed" not in alert.raw and b"identifier" in alert.raw


ALERT_12 = """<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
<identifier>{ident}</identifier><sender>imd@example.in</sender><sent>2020-05-20T10:00:00+05:30</sent>
<status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
<info><category>Met</category><event>Cyclone</event><urgency>Immediate</urgency><severity>Extreme</severity>
<certainty>Observed</certainty><headline>{headline}</headline>
<area><areaDesc>Digha</areaDesc>{geometry}</area></info></alert>"""


def _alert(ident: str = "A1", headline: str = "Amphan", geometry: str = "<circle>21.6,87.5 50</circle>") -> str:
    return ALERT_12.format(ident=ident, headline=headline, geometry=geometry)


def test_bom_and_iso_8859_1_declaration() -> None:
    text = '<?xml version="1.0" encoding="ISO-8859-1"?>\n' + _alert(headline="Café à Digha")
    (alert,) = parse(b"\xef\xbb\xbf" + text.replace('encoding="ISO-8859-1"', 'encoding="UTF-8"').encode(), ctx())
    assert alert.info[0].headline == "Café à Digha"
    (latin,) = parse(text.encode("iso-8859-1"), ctx())
    assert latin.info[0].headline == "Café à Digha"
    assert latin.info[0].areas[0].circles == ((87.5, 21.6, 50.0),)


def test_several_alerts_in_one_document_and_in_edxl() -> None:
    many = f"<alerts>{_alert('A1')}{_alert('A2')}</alerts>".encode()
    assert [a.identifier for a in parse(many, ctx())] == ["A1", "A2"]
    edxl = (
        '<EDXLDistribution xmlns="urn:oasis:names:tc:emergency:EDXL:DE:1.0"><distributionID>d1</distributionID>'
        f"<contentObject><xmlContent><embeddedXMLContent>{_alert('E1')}</embeddedXMLContent></xmlContent>"
        "</contentObject></EDXLDistribution>"
    ).encode()
    (alert,) = parse(edxl, ctx())
    assert alert.identifier == "E1" and alert.info[0].severity == "Extreme"
    empty = b'<EDXLDistribution xmlns="urn:oasis:names:tc:emergency:EDXL:DE:1.0"><contentObject/></EDXLDistribution>'
    with pytest.raises(AdapterError, match="EDXL-DE envelope holds no CAP"):
        parse(empty, ctx())


@pytest.mark.parametrize("name", ["IN-1787546092152029_29.xml", "canada.cap", "earthquake.cap"])
@pytest.mark.parametrize(("mime", "version"), [("application/cap+xml", "1.0"), ("text/xml", "2.0"), ("", "1.0")])
def test_real_alert_base64_in_edxl_reads_as_the_file_itself(name: str, mime: str, version: str) -> None:
    payload = cap_file(name)
    direct = parse(payload, ctx())
    wrapped = parse(edxl_binary(payload, mime, version=version), ctx())
    assert wrapped == direct  # same alert, info blocks, areas and raw bytes (the decoded file)
    assert wrapped[0].raw == payload
    doc = parse_document(edxl_binary(payload, mime, version=version))
    assert doc.container == "edxl" and doc.errors == ()


def test_edxl_with_xml_and_base64_cap_and_a_pdf_beside_them() -> None:
    xml_object = f"<contentObject><xmlContent><embeddedXMLContent>{_alert('E1')}</embeddedXMLContent></xmlContent></contentObject>"
    pdf = base64.b64encode(b"%PDF-1.4 map").decode()
    pdf_object = f"<contentObject><nonXMLContent><mimeType>application/pdf</mimeType><contentData>{pdf}</contentData></nonXMLContent></contentObject>"
    payload = edxl_binary(cap_file("thunderstorm.cap"), extra=xml_object + pdf_object)
    assert [a.identifier for a in parse(payload, ctx())] == ["E1", "KSTO1055887203"]
    with pytest.raises(AdapterError, match=r"nonXMLContent has MIME type 'application/pdf', not CAP XML"):
        parse(edxl_binary(b"%PDF-1.4 map", "application/pdf"), ctx())


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, r"<contentData> is not valid base64"),
        (b"hello, not xml", r"nonXMLContent \(application/cap\+xml\) decodes to bytes starting b'hello, not xml', not XML"),
        (b"<html><body>Storm</body></html>", r"decodes to XML with root <html> \(no namespace\), not a CAP <alert>"),
        (b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><identifier>x", r"is not well-formed XML"),
    ],
)
def test_edxl_base64_that_is_not_cap_is_refused_with_a_reason(content: bytes | None, reason: str) -> None:
    if content is None:
        payload = edxl_binary(b"<alert/>").replace(b"<contentData>", b"<contentData>%%not base64%%")
    else:
        payload = edxl_binary(content)
    with pytest.raises(AdapterError, match=reason):
        parse(payload, ctx())


def test_edxl_base64_content_goes_through_the_hardened_parser() -> None:
    with pytest.raises(AdapterError, match="DOCTYPE"):
        parse(edxl_binary(cap_file("xee.atom"), "text/xml"), ctx())
    uri_only = edxl_binary(b"x").replace(b"<contentData>eA==\n</contentData>", b"<uri>https://example.org/cap.xml</uri>")
    with pytest.raises(AdapterError, match=r"no <contentData>; its <uri> 'https://example.org/cap.xml' is never fetched"):
        parse(uri_only, ctx())
    # a broken base64 CAP beside a good one refuses the envelope, naming the broken content
    good = f"<contentObject><xmlContent><embeddedXMLContent>{_alert('E1')}</embeddedXMLContent></xmlContent></contentObject>"
    broken = edxl_binary(b"<alert", extra=good)
    with pytest.raises(AdapterError, match=r"not well-formed XML.*1 of 2 alerts"):
        parse(broken, ctx())


def test_one_broken_alert_refuses_the_document_but_names_it() -> None:
    doc = f"<alerts>{_alert('A1')}{_alert('A2', geometry='<polygon>1,2 3,4 1,2</polygon>')}</alerts>".encode()
    with pytest.raises(AdapterError, match=r"'A2'.*polygon with 3 points.*1 of 2 alerts"):
        parse(doc, ctx())
    assert [p.alert.identifier for p in parse_document(doc).alerts] == ["A1"]


def test_escaped_cap_in_rss_description() -> None:
    escaped = _alert("R1").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    rss = f'<rss version="2.0"><channel><item><title>t</title><description>{escaped}</description></item></channel></rss>'
    (alert,) = parse(rss.encode(), ctx())
    assert alert.identifier == "R1"


def test_cap_10_and_prefix_spellings_are_read_leniently() -> None:
    text = (
        _alert()
        .replace("cap:1.2", "cap:1.0")
        .replace("<certainty>Observed", "<certainty>Very Likely")
        .replace("<severity>Extreme", "<severity> extreme ")
    )
    (alert,) = parse(text.encode(), ctx())
    assert (alert.info[0].certainty, alert.info[0].severity) == ("Likely", "Extreme")
    prefixed = text.replace("<", "<cap:").replace("<cap:/", "</cap:").replace('xmlns="', 'xmlns:cap="')
    assert parse(prefixed.encode(), ctx())[0].identifier == "A1"


def test_unclosed_polygon_is_closed_and_converted_to_lon_lat() -> None:
    doc = parse_document(_alert(geometry="<polygon>21.0,87.0 21.0,88.0 22.0,88.0</polygon>").encode())
    ring = doc.alerts[0].alert.info[0].areas[0].polygons[0]
    assert ring == ((87.0, 21.0), (88.0, 21.0), (88.0, 22.0), (87.0, 21.0))
    assert any("closed" in p for p in doc.alerts[0].problems)


@pytest.mark.parametrize(
    ("geometry", "reason"),
    [
        ("<polygon>95.0,87.0 21.0,88.0 22.0,88.0 95.0,87.0</polygon>", "latitude 95.0 is outside"),
        ("<polygon>a,b c,d e,f a,b</polygon>", "not a number"),
        ("<circle>21.6,87.5</circle>", "latitude,longitude radius_km"),
        ("<circle>21.6,87.5 -3</circle>", "negative radius"),
    ],
)
def test_broken_geometry_is_refused_with_the_reason(geometry: str, reason: str) -> None:
    with pytest.raises(AdapterError, match=reason):
        parse(_alert(geometry=geometry).encode(), ctx())


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("<identifier>A1</identifier>", "", "has no <identifier>"),
        ("<sender>imd@example.in</sender>", "", "has no <sender>"),
        ("2020-05-20T10:00:00+05:30", "yesterday", "<sent> 'yesterday' is not an ISO-8601"),
        ("<status>Actual", "<status>Maybe", "<status> 'Maybe', which is not one of"),
        ("<msgType>Alert</msgType>", "", "has no <msgType>"),
    ],
)
def test_missing_or_wrong_required_fields(old: str, new: str, reason: str) -> None:
    with pytest.raises(AdapterError, match=reason):
        parse(_alert().replace(old, new).encode(), ctx())


def test_entity_bomb_and_external_entity_are_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        "<lolz>&lol2;</lolz>"
    )
    with pytest.raises(AdapterError, match="DOCTYPE"):
        parse(bomb.encode(), ctx())
    xxe = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + _alert(headline="&x;")
    with pytest.raises(AdapterError, match="DOCTYPE"):
        parse(xxe.encode(), ctx())


def test_oversize_empty_and_malformed_payloads() -> None:
    with pytest.raises(AdapterError, match=r"payload is 1,000,001 bytes; limit 1,000,000"):
        parse(b"<" + b" " * 1_000_000, ctx())
    with pytest.raises(AdapterError, match="empty"):
        parse(b"  \n", ctx())
    with pytest.raises(AdapterError, match=r"not well-formed XML: unclosed token at line 6, column \d+"):
        parse(_alert().encode()[:-10], ctx())
    with pytest.raises(AdapterError, match="not a CAP <alert>"):
        parse(b"<html><body>hi</body></html>", ctx())


def test_raw_of_a_single_alert_is_the_payload() -> None:
    payload = cap_file("thunderstorm.cap")
    (alert,) = parse(payload, ctx())
    assert alert.raw == payload and hashlib.sha1(alert.raw).digest() == hashlib.sha1(payload).digest()
    assert CAP_DIR.is_dir()
