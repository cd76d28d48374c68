"""Shared helpers for the adapter tests: contexts and the real CAP files in shared/data."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import DATA

from streams.adapters import AdapterContext

CAP_DIR = DATA / "cap"


def ctx(feed: str = "weather", source: str = "test", key: str | None = None, event_time: datetime | None = None):
    return AdapterContext(
        feed=feed,  # type: ignore[arg-type]
        source=source,
        received_at=datetime(2020, 5, 20, 8, 0, tzinfo=UTC),
        key=key,
        event_time=event_time,
    )


def cap_file(name: str) -> bytes:
    return (CAP_DIR / name).read_bytes()


def edxl_binary(content: bytes, mime: str = "application/cap+xml", *, version: str = "1.0", extra: str = "") -> bytes:
    """An EDXL-DE envelope carrying ``content`` base64-encoded in ``<nonXMLContent><contentData>``
    (DE 1.0 spells the type ``mimeType``, DE 2.0 ``MIMEType``); ``extra`` adds contentObjects before it."""
    import base64

    tag = "mimeType" if version == "1.0" else "MIMEType"
    data = base64.encodebytes(content).decode("ascii")  # 76-character lines, as senders wrap it
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<EDXLDistribution xmlns="urn:oasis:names:tc:emergency:EDXL:DE:{version}">'
        "<distributionID>crisismap-test-1</distributionID><senderID>test@example.org</senderID>"
        f"<dateTimeSent>2020-05-20T08:00:00Z</dateTimeSent>{extra}<contentObject><nonXMLContent>"
        f"<{tag}>{mime}</{tag}><size>{len(content)}</size><contentData>{data}</contentData>"
        "</nonXMLContent></contentObject></EDXLDistribution>"
    ).encode()
