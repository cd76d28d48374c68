"""The envelope of a feed record on Kafka: the value is the original payload, untouched; the
headers say how to read it.

- key: the source's message id (UTF-8), used for partitioning and as ``source_id`` when the payload
  has no id of its own;
- header ``format``: the adapter name (``cap``, ``geojson``, ``bulletin``, ``traffic``, ``social``, ``sms``);
- header ``source``: who sent it (``imd``, ``sachet``, ``kolkata-traffic-police``, ``twitter``, ``sms-gateway``);
- header ``event-time``: ISO-8601 time of the event the message reports (replay sets it).

A record without a ``format`` header is sniffed (see :func:`sniff_format`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from geo.model import Feed

HEADER_FORMAT = "format"
HEADER_SOURCE = "source"
HEADER_EVENT_TIME = "event-time"

#: The adapter used for a feed's plain text when nothing else says.
_TEXT_FORMAT_BY_FEED: dict[str, str] = {"weather": "bulletin", "traffic": "traffic", "distress": "sms"}


@dataclass(frozen=True, slots=True)
class FeedMessage:
    """One message a producer publishes (replay builds these from a scenario)."""

    feed: Feed
    value: bytes
    format: str
    source: str
    key: str | None = None
    event_time: datetime | None = None

    def headers(self) -> list[tuple[str, bytes]]:
        out = [(HEADER_FORMAT, self.format.encode()), (HEADER_SOURCE, self.source.encode())]
        if self.event_time is not None:
            out.append((HEADER_EVENT_TIME, self.event_time.isoformat().encode()))
        return out


def header_dict(headers: list[tuple[str, bytes]] | None) -> dict[str, str]:
    """Kafka headers as text; undecodable bytes are replaced, never raised on."""
    return {k: (v or b"").decode("utf-8", "replace") for k, v in (headers or [])}


def sniff_format(value: bytes, feed: str) -> str:
    """Guess the adapter for a record that has no ``format`` header."""
    head = value[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "cap"
    if head.startswith(b"{") and b'"FeatureCollection"' in value[:4096]:
        return "geojson"
    if head.startswith(b"{"):
        return "social" if feed == "distress" else "traffic" if feed == "traffic" else "geojson"
    return _TEXT_FORMAT_BY_FEED.get(feed, "sms")
