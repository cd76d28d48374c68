"""CAP adapter: CAP 1.0/1.1/1.2 XML, alone, several per document, inside an EDXL-DE envelope, or
embedded in an Atom/RSS index, to :class:`geo.model.Alert`.

XML is read with defusedxml only and any DOCTYPE is refused (XXE and entity-expansion attacks).
Nothing is ever fetched: an area given only by a URL keeps the URL in ``AlertArea.uri``, and an
index whose entries only link to alerts is refused with a reason (publish each alert as a message).
An EDXL-DE envelope may carry CAP as XML (``<xmlContent>``) or base64 in ``<nonXMLContent>``
``<contentData>``; decoded bytes go through the same hardened parser and size limit as a payload.

A document whose alerts cannot all be read is refused whole (the ingest worker dead-letters it with
the reason); ``crisismap parse-cap`` shows the readable alerts and names the broken ones.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from xml.etree.ElementTree import Element, tostring

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
    parse_circle,
    parse_polygon,
    strict_vocab,
    vocab,
)
from streams.adapters._payload import check_size, optional_time, parse_time
from streams.adapters._xml import child_text, children_text, load_xml, split_tag
from streams.errors import AdapterError

CAP_NAMESPACES = (
    "urn:oasis:names:tc:emergency:cap:1.0",
    "urn:oasis:names:tc:emergency:cap:1.1",
    "urn:oasis:names:tc:emergency:cap:1.2",
)
ATOM_NS = "http://www.w3.org/2005/Atom"
_EDXL_PREFIX = "urn:oasis:names:tc:emergency:EDXL:DE"
#: nonXMLContent MIME types read as XML (a missing type is read when the decoded bytes start with '<').
_XML_MIME_WORDS = ("xml", "cap")
_AREA_URL_NAMES = ("polygon url", "polygon uri", "area url", "area uri", "shape url", "polygonurl")


@dataclass(frozen=True, slots=True)
class ParsedAlert:
    """One alert of a document and what was forgiven while reading it (missing scope, unknown severity...)."""

    alert: Alert
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CapDocument:
    """Every ``<alert>`` of one payload: those that could be read, and the reasons for those that could not."""

    alerts: tuple[ParsedAlert, ...]
    errors: tuple[str, ...] = ()
    container: str = "alert"  # alert | edxl | atom | rss | xml


def parse(payload: bytes, ctx: AdapterContext) -> tuple[Alert, ...]:
    """Adapter entry point: every alert of the payload, or AdapterError if any of them is broken."""
    doc = parse_document(payload, source=ctx.source)
    if doc.errors:
        total = len(doc.errors) + len(doc.alerts)
        suffix = f" ({len(doc.errors)} of {total} alerts in the {doc.container} are broken)" if total > 1 else ""
        msg = f"{doc.errors[0]}{suffix}"
        raise AdapterError(msg)
    return tuple(p.alert for p in doc.alerts)


def parse_document(payload: bytes, *, source: str = "file", fmt: str = "cap") -> CapDocument:
    """Read every CAP alert in ``payload``; AdapterError when it holds none (with the reason why)."""
    check_size(payload, "CAP")
    head = bytes(payload[:64]).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<") and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        msg = f"CAP payload is not XML: it starts with {head[:24]!r}, not '<'"
        raise AdapterError(msg)
    root = load_xml(payload, "CAP payload")
    container = _container(root)
    found: list[tuple[str, Element, bytes | None]] = [(ns, el, None) for ns, el in _find_alerts(root)]
    errors: list[str] = []
    skipped: list[str] = []
    if container == "edxl":
        binary, errors, skipped = _edxl_binary_alerts(root)
        found += binary
    if not found and container in ("atom", "rss"):
        found = [(ns, el, None) for ns, el in _embedded_escaped_alerts(root)]
    if not found:
        raise AdapterError((errors or skipped or [_why_no_alert(root, container)])[0])
    alerts: list[ParsedAlert] = []
    single = len(found) == 1 and found[0][1] is root
    for number, (ns, el, decoded) in enumerate(found, start=1):
        where = "CAP <alert>" if len(found) == 1 else f"CAP <alert> #{number}"
        raw = bytes(payload) if single else decoded or tostring(el, encoding="utf-8", xml_declaration=False)
        try:
            alerts.append(_read_alert(el, ns, where, source=source, fmt=fmt, raw=raw))
        except AdapterError as exc:
            errors.append(str(exc))
    return CapDocument(alerts=tuple(alerts), errors=tuple(errors), container=container)


def _container(root: Element) -> str:
    ns, local = split_tag(root.tag)
    if local == "alert":
        return "alert"
    if ns.startswith(_EDXL_PREFIX) or local == "EDXLDistribution":
        return "edxl"
    if ns == ATOM_NS and local == "feed":
        return "atom"
    if local in ("rss", "RDF"):
        return "rss"
    return "xml"


def _find_alerts(root: Element) -> list[tuple[str, Element]]:
    """Every namespaced CAP ``<alert>`` in document order; a bare ``<alert>`` root is accepted too."""
    found = []
    for el in root.iter():
        ns, local = split_tag(el.tag)
        if local == "alert" and ns in CAP_NAMESPACES:
            found.append((ns, el))
    if not found and split_tag(root.tag) == ("", "alert") and root.find("identifier") is not None:
        found.append(("", root))
    return found


def _edxl_binary_alerts(root: Element) -> tuple[list[tuple[str, Element, bytes | None]], list[str], list[str]]:
    """CAP carried base64-encoded in EDXL-DE ``<nonXMLContent><contentData>`` (DE 1.0 ``mimeType``,
    DE 2.0 ``MIMEType``): ``(alerts, errors, skipped)``.

    ``errors`` are contents that claim to be XML but cannot be read (bad base64, malformed or unsafe
    XML): they refuse the envelope like a broken alert. ``skipped`` are contents that are simply not
    CAP (a PDF, an image, other XML, a ``<uri>`` that is never fetched): their reason is given only
    when the envelope holds no CAP at all. The decoded bytes of a content whose root is the
    ``<alert>`` are kept as that alert's raw bytes.
    """
    found: list[tuple[str, Element, bytes | None]] = []
    errors: list[str] = []
    skipped: list[str] = []
    contents = [el for el in root.iter() if split_tag(el.tag)[1] == "nonXMLContent"]
    for number, content in enumerate(contents, start=1):
        where = "EDXL-DE nonXMLContent" if len(contents) == 1 else f"EDXL-DE nonXMLContent #{number}"
        fields = {split_tag(c.tag)[1].lower(): "".join(c.itertext()).strip() for c in content}
        mime = fields.get("mimetype", "")
        data = fields.get("contentdata", "")
        if not data:
            uri = fields.get("uri", "")
            skipped.append(
                f"{where} has no <contentData>"
                + (f"; its <uri> {uri[:80]!r} is never fetched: send the CAP in the envelope" if uri else "")
            )
            continue
        if mime and not any(word in mime.lower() for word in _XML_MIME_WORDS):
            skipped.append(f"{where} has MIME type {mime[:60]!r}, not CAP XML (expected application/cap+xml or text/xml)")
            continue
        decoded = _decode_base64(data, where)
        if isinstance(decoded, str):
            errors.append(decoded)
            continue
        what = f"{where} ({mime or 'no MIME type'})"
        head = decoded[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(b"<") and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            errors.append(f"{what} decodes to bytes starting {head[:24]!r}, not XML")
            continue
        try:
            check_size(decoded, what)
            inner = load_xml(decoded, what)
        except AdapterError as exc:
            errors.append(str(exc))
            continue
        alerts = _find_alerts(inner)
        if not alerts:
            ns, local = split_tag(inner.tag)
            skipped.append(f"{what} decodes to XML with root <{local[:60]}> ({ns[:80] or 'no namespace'}), not a CAP <alert>")
            continue
        found += [(ns, el, decoded if el is inner else None) for ns, el in alerts]
    return found, errors, skipped


def _decode_base64(data: str, where: str) -> bytes | str:
    """The bytes of a base64 text (whitespace and line breaks allowed), or the reason it is not base64."""
    compact = "".join(data.split())
    try:
        return base64.b64decode(compact.encode("ascii"), validate=True)
    except UnicodeEncodeError:
        return f"{where} <contentData> is not base64: it holds non-ASCII characters"
    except (binascii.Error, ValueError) as exc:
        return f"{where} <contentData> is not valid base64 ({str(exc)[:80]})"


def _entries(root: Element) -> list[Element]:
    return [el for el in root.iter() if split_tag(el.tag)[1] in ("entry", "item")]


def _embedded_escaped_alerts(root: Element) -> list[tuple[str, Element]]:
    """CAP carried as escaped text (or CDATA) in an Atom ``<content>`` or RSS ``<description>``."""
    found: list[tuple[str, Element]] = []
    for entry in _entries(root):
        for el in entry:
            text = (el.text or "").strip()
            if split_tag(el.tag)[1] in ("content", "description", "summary", "encoded") and text.startswith("<"):
                if "emergency:cap" not in text[:2000]:
                    continue
                inner = load_xml(text.encode("utf-8"), "CAP embedded in an index entry")
                found.extend(_find_alerts(inner))
    return found


def _why_no_alert(root: Element, container: str) -> str:
    ns, local = split_tag(root.tag)
    if container in ("atom", "rss"):
        entries = _entries(root)
        kind = "Atom" if container == "atom" else "RSS"
        if not entries:
            return f"{kind} index has no entries and no CAP alert"
        linked = sum(1 for e in entries if any(split_tag(c.tag)[1] in ("link", "guid") for c in e))
        noun = "entry" if len(entries) == 1 else "entries"
        return (
            f"{kind} index has {len(entries)} {noun} ({linked} with links only) and no embedded CAP alert; "
            "crisismap never fetches links: publish each linked CAP alert as its own message"
        )
    if container == "edxl":
        return "EDXL-DE envelope holds no CAP <alert> in its contentObject (neither xmlContent nor nonXMLContent)"
    if local == "alert":
        return (
            f"XML root <alert> is in namespace {ns or 'none'!r}, not a CAP namespace "
            f"({', '.join(CAP_NAMESPACES)})"
        )
    shown = f"{{{ns}}}{local}" if ns else local
    return (
        f"XML root is <{shown[:80]}>, not a CAP <alert>, an EDXL-DE envelope or an Atom/RSS index "
        "with embedded CAP; the payload holds no CAP alert"
    )


def _read_alert(el: Element, ns: str, where: str, *, source: str, fmt: str, raw: bytes) -> ParsedAlert:
    problems: list[str] = []
    if not ns:
        problems.append(f"{where} has no CAP namespace; read as CAP 1.2")
    identifier = child_text(el, ns, "identifier")
    if identifier is None:
        msg = f"{where} has no <identifier>"
        raise AdapterError(msg)
    where = f"CAP <alert> {identifier[:80]!r}"
    sender = child_text(el, ns, "sender")
    if sender is None:
        msg = f"{where} has no <sender>"
        raise AdapterError(msg)
    sent_text = child_text(el, ns, "sent")
    if sent_text is None:
        msg = f"{where} has no <sent>"
        raise AdapterError(msg)
    sent = parse_time(sent_text, f"{where} <sent>")
    status = strict_vocab(child_text(el, ns, "status"), STATUS, "status", where)
    msg_type = strict_vocab(child_text(el, ns, "msgType"), MSG_TYPE, "msgType", where)
    scope = lenient_vocab(child_text(el, ns, "scope"), SCOPE, "scope", where, problems, "")
    references = tuple(" ".join(children_text(el, ns, "references")).split())
    infos = tuple(
        _read_info(info, ns, f"{where} <info> #{n}", problems) for n, info in enumerate(el.findall(_q(ns, "info")), 1)
    )
    alert = Alert(
        identifier=identifier,
        sender=sender,
        sent=sent,
        status=status,
        msg_type=msg_type,
        scope=scope,
        source=source,
        format=fmt,
        info=infos,
        references=references,
        raw=raw,
    )
    return ParsedAlert(alert=alert, problems=tuple(problems))


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}" if ns else name


def _read_info(info: Element, ns: str, where: str, problems: list[str]) -> AlertInfo:
    categories = []
    for word in children_text(info, ns, "category"):
        canonical = vocab(word, CATEGORY, "category")
        if canonical is None:
            problems.append(f"{where} has <category> {word[:40]!r}, not a CAP category; read as 'Other'")
            canonical = "Other"
        categories.append(canonical)
    event = child_text(info, ns, "event")
    if event is None:
        problems.append(f"{where} has no <event>")
    area_uri = _area_url(info, ns)
    areas = tuple(
        _read_area(area, ns, f"{where} <area> #{n}", problems, area_uri)
        for n, area in enumerate(info.findall(_q(ns, "area")), 1)
    )
    return AlertInfo(
        language=child_text(info, ns, "language") or "en-US",
        event=event or "",
        urgency=lenient_vocab(child_text(info, ns, "urgency"), URGENCY, "urgency", where, problems, "Unknown"),
        severity=lenient_vocab(child_text(info, ns, "severity"), SEVERITY, "severity", where, problems, "Unknown"),
        certainty=lenient_vocab(child_text(info, ns, "certainty"), CERTAINTY, "certainty", where, problems, "Unknown"),
        category=tuple(categories),
        headline=child_text(info, ns, "headline"),
        description=child_text(info, ns, "description"),
        instruction=child_text(info, ns, "instruction"),
        sender_name=child_text(info, ns, "senderName"),
        effective=optional_time(child_text(info, ns, "effective"), f"{where} <effective>"),
        onset=optional_time(child_text(info, ns, "onset"), f"{where} <onset>"),
        expires=optional_time(child_text(info, ns, "expires"), f"{where} <expires>"),
        areas=areas,
    )


def _area_url(info: Element, ns: str) -> str | None:
    """A ``<parameter>`` that gives the area's shape as a URL (SACHET's "Polygon URL"), if any."""
    for param in info.findall(_q(ns, "parameter")):
        name = (child_text(param, ns, "valueName") or "").lower()
        value = child_text(param, ns, "value")
        if value and name in _AREA_URL_NAMES and value.lower().startswith(("http://", "https://")):
            return value
    return None


def _read_area(area: Element, ns: str, where: str, problems: list[str], info_uri: str | None) -> AlertArea:
    description = child_text(area, ns, "areaDesc")
    if description is None:
        problems.append(f"{where} has no <areaDesc>")
    polygons = tuple(
        parse_polygon("".join(p.itertext()), where, problems) for p in area.findall(_q(ns, "polygon"))
    )
    circles = tuple(parse_circle("".join(c.itertext()), where) for c in area.findall(_q(ns, "circle")))
    geocodes = tuple(
        (child_text(g, ns, "valueName") or "", child_text(g, ns, "value") or "") for g in area.findall(_q(ns, "geocode"))
    )
    uri = info_uri if not polygons and not circles else None
    return AlertArea(
        description=description or "", polygons=polygons, circles=circles, geocodes=geocodes, uri=uri
    )
