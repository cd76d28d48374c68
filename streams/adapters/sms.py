"""SMS adapter: the gateway's JSON ``{"id","from","text","received_at"}`` or a bare UTF-8 text body.

A body that starts with ``{`` but is not a JSON object is someone's text, not a broken gateway
message, and is kept as text. The id of a bare text is the record key, else the SHA-1 of the body.
"""

from __future__ import annotations

import json

from geo.model import Report
from streams.adapters import AdapterContext
from streams.adapters._payload import check_size, decode_utf8, payload_id, text_field
from streams.adapters._report import event_time, make_report
from streams.errors import AdapterError


def parse(payload: bytes, ctx: AdapterContext) -> tuple[Report, ...]:
    check_size(payload, "SMS")
    body = decode_utf8(payload, "SMS")
    if body.lstrip().startswith("{"):
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, dict):
            return (_gateway(data, ctx),)
    text = body.strip()
    return (make_report(ctx, source_id=payload_id(payload, ctx), fmt="sms", text=text, when=ctx.event_time),)


def _gateway(data: dict[str, object], ctx: AdapterContext) -> Report:
    sms_id = text_field(data, "id", "SMS JSON", required=ctx.key is None) or str(ctx.key)
    where = f"SMS {sms_id[:40]!r}"
    text = text_field(data, "text", where)
    if text is None:  # pragma: no cover - text_field raised already
        msg = f"{where} has no text"
        raise AdapterError(msg)
    return make_report(
        ctx,
        source_id=sms_id,
        fmt="sms",
        text=text,
        when=event_time(data.get("received_at"), ctx, f"{where} received_at"),
        author=text_field(data, "from", where, required=False),
        language=text_field(data, "lang", where, required=False),
    )
