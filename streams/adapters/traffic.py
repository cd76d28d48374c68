"""Traffic adapter: police alerts as plain text, or JSON ``{"id","text","road","status","start","end"}``.

Reads ``extra = {"status", "roads", "carriageway", "start", "end", "until_further_notice"}``:

- ``status``: ``closed`` | ``diverted`` | ``slow`` | ``waterlogged`` | ``reopened`` (``None`` when the
  text says none of them). When several are said, the one that matters most to a driver wins:
  reopened > closed > diverted > waterlogged > slow ("diverted as the road is closed" is closed).
- ``roads``: highway numbers ("NH-24") and named roads ("Ghazipur Border", "Outer Ring Road").
- ``carriageway``: ``both`` | ``one`` | ``None``.
- ``start``, ``end``, ``until_further_notice``: when the closure starts (stated, else the message's
  time: its JSON ``start`` or event time, else when it arrived) and ends (ISO-8601, or ``None`` when
  no end is stated or readable), and whether it holds "until further notice/orders". Read from the
  words ("till 22 May", "until 6 pm", "up to 25/05/2020", "for the next 48 hours", "from 10 pm tonight
  to 6 am tomorrow") relative to the message's time, as :mod:`streams.adapters._closure` documents;
  a JSON ``end`` is an ISO-8601 time, "further notice", or words such as "6 pm tomorrow".
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from geo.model import Report
from streams.adapters import AdapterContext
from streams.adapters._closure import closure_times
from streams.adapters._payload import check_size, decode_utf8, load_json, parse_time, payload_id, text_field
from streams.adapters._report import event_time, make_report
from streams.errors import AdapterError

STATUSES = ("reopened", "closed", "diverted", "waterlogged", "slow")
_STATUS_RE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("reopened", re.compile(r"\b(?:re-?opened|restored|resumed|(?:back to|now|is) normal|normali[sz]ed|open(?:ed)? for traffic|cleared|receded)\b", re.I)),
    ("closed", re.compile(r"\b(?:closed?|closure|blocked|suspended|not allowed|no entry|shut|barricaded|prohibited|banned)\b", re.I)),
    ("diverted", re.compile(r"\b(?:divert(?:ed|ing)?|diversions?|alternate route|alternative route)\b", re.I)),
    ("waterlogged", re.compile(r"\b(?:water[- ]?logg(?:ed|ing)|inundat\w*|submerged|flooded)\b", re.I)),
    ("slow", re.compile(r"\b(?:slow\w*|heavy traffic|congest\w*|jams?|tree[- ]?falls?|fallen trees?|trees? fallen|uprooted|breakdown|affected|delays?)\b", re.I)),
)  # fmt: skip
_HIGHWAY_RE = re.compile(r"\b(NH|SH|MDR|AH)\s*[-–]?\s*(\d{1,4}[A-Z]?)\b")
_ROAD_WORDS = (
    r"Road|Rd\.?|Marg|Border|Flyover|Bridge|Setu|Expressway|Highway|Underpass|Chowk|Crossing|Bypass|"
    r"Sarani|Avenue|Street|Lane|Tunnel|Toll Plaza|Path|Connector|Junction"
)
_NAMED_ROAD_RE = re.compile(rf"\b((?:[A-Z0-9][\w.'&-]*\s+){{1,4}}(?i:{_ROAD_WORDS}))(?![\w])")
_PLACE = r"([A-Z][\w'&-]*(?:[ -](?!(?:due|for|after|from|towards|till|until|as|and|is|has|in|between|will|to|with)\b)[\w'&-]+){0,5})"
#: "closed on <place> due to", "waterlogging at <place>.", "diverted via <place>"
_ON_AT_RE = re.compile(rf"\b(?:on|at|via|near)\s+(?:the\s+)?{_PLACE}")
#: "<place> is closed", "<place> has been reopened", at the start of a sentence
_SUBJECT_RE = re.compile(rf"(?:^|[:.;]\s+){_PLACE}\s+(?:is|has been|remains|will remain)\s+(?:now\s+)?(?:closed|reopened|blocked|waterlogged|open)\b")
_NOT_PLACES = {"traffic", "vehicular", "vehicles", "all", "movement", "water", "road", "citizens", "motorists", "the", "it", "this"}
_LEADING_STOPWORDS = {"on", "at", "the", "near", "from", "to", "via", "towards", "of", "in", "traffic", "due", "and", "for"}
_BOTH_RE = re.compile(r"\bboth\s+(?:the\s+)?(?:carriage\s?ways?|sides|directions|lanes|ways)\b", re.I)
_ONE_RE = re.compile(
    r"\b(?:one|single|either|1)\s+(?:carriage\s?way|side|direction|lane)s?\b|\bcarriage\s?ways?\b", re.I
)


def parse(payload: bytes, ctx: AdapterContext) -> tuple[Report, ...]:
    check_size(payload, "traffic")
    body = decode_utf8(payload, "traffic").strip()
    if body.startswith("{"):
        data = load_json(body, "traffic alert")
        if not isinstance(data, dict):  # pragma: no cover - a text starting with "{" parses to a dict or fails
            msg = "traffic alert JSON is not an object"
            raise AdapterError(msg)
        return (_structured(data, ctx),)
    reference = ctx.event_time or ctx.received_at
    return (
        make_report(
            ctx, source_id=payload_id(payload, ctx), fmt="traffic", text=body, when=ctx.event_time,
            extra=read_traffic(body, reference),
        ),
    )  # fmt: skip


def _structured(data: dict[str, Any], ctx: AdapterContext) -> Report:
    alert_id = text_field(data, "id", "traffic alert JSON", required=ctx.key is None) or str(ctx.key)
    where = f"traffic alert {alert_id[:40]!r}"
    text = text_field(data, "text", where, required=False) or ""
    road = text_field(data, "road", where, required=False)
    status_word = text_field(data, "status", where, required=False)
    when = event_time(data.get("start"), ctx, f"{where} start")
    reference = when or ctx.received_at
    extra = read_traffic(text, reference)
    if road:
        extra["roads"] = [road, *[r for r in extra["roads"] if r.lower() != road.lower()]]
    if status_word:
        status = _status(status_word)
        if status is None:
            msg = f"{where} has status {status_word[:30]!r}; expected one of {', '.join(STATUSES)}"
            raise AdapterError(msg)
        extra["status"] = status
    end = data.get("end")
    if end not in (None, ""):
        extra |= _stated_end(end, reference, f"{where} end")
    if not text:
        text = " ".join(x for x in (road, status_word) if x)
    return make_report(ctx, source_id=alert_id, fmt="traffic", text=text, when=when, extra=extra)


def _stated_end(end: Any, reference: datetime, what: str) -> dict[str, Any]:
    """A JSON ``end``: an ISO-8601 time, "further notice/orders", or words read like the text's."""
    try:
        return {"end": parse_time(end, what).isoformat(), "until_further_notice": False}
    except AdapterError:
        if not isinstance(end, str):
            raise
        said = closure_times(f"until {end[:200]}", reference)
        if said["end"] is None and not said["until_further_notice"]:
            raise
        return {"end": said["end"], "until_further_notice": said["until_further_notice"]}


def read_traffic(text: str, reference: datetime) -> dict[str, Any]:
    """Status, roads, carriageway, and when the closure starts and ends, as a traffic alert's text says."""
    carriageway = "both" if _BOTH_RE.search(text) else "one" if _ONE_RE.search(text) else None
    return {"status": _status(text), "roads": _roads(text), "carriageway": carriageway, **closure_times(text, reference)}


def _status(text: str) -> str | None:
    key = text.strip().lower()
    if key in STATUSES:
        return key
    for status, pattern in _STATUS_RE:
        if pattern.search(text):
            return status
    return None


def _roads(text: str) -> list[str]:
    roads: list[str] = []
    for pattern in (_SUBJECT_RE, _ON_AT_RE):
        for match in pattern.finditer(text):
            place = match.group(1).strip(" .-")
            if place.split()[0].lower() not in _NOT_PLACES and not _HIGHWAY_RE.fullmatch(place):
                roads.append(place)
    for match in _NAMED_ROAD_RE.finditer(text):
        words = match.group(1).split()
        while len(words) > 1 and words[0].lower() in _LEADING_STOPWORDS:
            words = words[1:]
        roads.append(" ".join(words))
    out: list[str] = []
    for road in roads:  # drop repeats and names inside a longer one already kept
        key = road.lower()
        if not any(key == kept.lower() or f" {key} " in f" {kept.lower()} " for kept in out):
            out.append(road)
    for prefix, number in _HIGHWAY_RE.findall(text):  # highway numbers always on their own
        if f"{prefix}-{number}" not in out:
            out.append(f"{prefix}-{number}")
    return out
