"""Shared assembly for the text/JSON adapters that produce a :class:`geo.model.Report`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from geo.model import Report
from streams.adapters import AdapterContext
from streams.adapters._payload import parse_time
from streams.errors import AdapterError


def event_time(value: Any, ctx: AdapterContext, what: str) -> datetime | None:
    """The message's own timestamp; absent means the record's event-time header (or ``None``)."""
    if value is None or value == "":
        return ctx.event_time
    return parse_time(value, what)


def make_report(
    ctx: AdapterContext,
    *,
    source_id: str,
    fmt: str,
    text: str,
    when: datetime | None,
    author: str | None = None,
    language: str | None = None,
    gps: tuple[float, float] | None = None,
    reply_to: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Report:
    """A Report of the record's feed; provenance is added by the ingest worker, which knows the offset."""
    if not text.strip():
        msg = f"{fmt} message {source_id[:60]!r} has no text"
        raise AdapterError(msg)
    return Report(
        source=ctx.source,
        source_id=source_id,
        feed=ctx.feed,
        format=fmt,
        text=text,
        event_time=when,
        author=author,
        language=language,
        gps=gps,
        reply_to=reply_to,
        extra=extra if extra is not None else {},
    )
