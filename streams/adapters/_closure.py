"""When a traffic closure starts and ends, read from the words of a police alert.

``closure_times(text, sent)`` returns ``{"start", "end", "until_further_notice"}``:

- ``start``: the stated start ("from 10 pm tonight", "w.e.f. 21.05.2020"), else the message's own
  time; ISO-8601.
- ``end``: ISO-8601 or ``None`` when the text states no end it can read ("till the water recedes").
  Read: "till 22 May", "until 6 pm", "up to 25/05/2020", "till 1800 hrs tomorrow", "till midnight",
  "for the next 48 hours", "from 10 pm tonight to 6 am tomorrow", "between 10 pm and 6 am".
- ``until_further_notice``: ``True`` for "until further notice/orders/intimation/instructions".

Everything is read relative to the message's sent time: a date without a year takes the year of the
message; a clock time without a zone is the sender's local time, which is the offset of the sent time
when it has one other than UTC and otherwise the ``zone`` given, Asia/Kolkata by default (the
project's police feeds are Indian); a zone in the text (IST, UTC, GMT) wins. A date alone ends at the end of that day (the midnight after it)
and starts at its beginning; "tomorrow morning" ends at noon, "this evening" at 21:00, "tonight" at
midnight (as a start: 06:00, 18:00, 20:00). A clock time alone is on the message's day, the next day when that time
has already passed (for an end) or is not after the stated start. A date earlier than the start moves
to the next year only when that puts it within 92 days of the message ("till 2 Jan" sent on 28 Dec);
any other end before the start is no readable end (``None``). Numeric dates are day first (25/05/2020).
Never raises for any text.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

try:
    from zoneinfo import ZoneInfo

    KOLKATA: tzinfo = ZoneInfo("Asia/Kolkata")
except Exception:  # pragma: no cover - no tz database: India has kept +05:30 without DST since 1945
    KOLKATA = timezone(timedelta(hours=5, minutes=30), "IST")

#: How far ahead a date without a year may be rolled into the next year ("till 2 Jan" sent on 28 Dec).
ROLL_OVER_DAYS = 92

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}  # fmt: skip
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_ORD = r"(?:st|nd|rd|th)?"
_ZONES: dict[str, tzinfo] = {"ist": KOLKATA, "utc": UTC, "gmt": UTC}
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "twenty-four": 24, "twenty four": 24, "thirty-six": 36, "forty-eight": 48,
    "seventy-two": 72,
}  # fmt: skip

#: A day named without a clock time: (days after it, time) where an end or a start falls.
_END_PART: dict[str | None, tuple[int, time]] = {
    None: (1, time(0, 0)), "morning": (0, time(12, 0)), "evening": (0, time(21, 0)), "night": (1, time(0, 0)),
}
_START_PART: dict[str | None, tuple[int, time]] = {
    None: (0, time(0, 0)), "morning": (0, time(6, 0)), "evening": (0, time(18, 0)), "night": (0, time(20, 0)),
}

#: One piece of a time expression; tried in this order at the current position.
_TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        ("iso", r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?(?![\d:])"),
        ("ampm", r"(\d{1,2})(?:[:.](\d{2}))?\s*(a\.?\s?m\b\.?|p\.?\s?m\b\.?)"),
        ("dmy", r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/.-]\d)"),
        ("dm", r"(\d{1,2})/(\d{1,2})(?![\d/])"),
        ("clock", r"([01]?\d|2[0-3])[:.]([0-5]\d)(?!\d)(?:\s*(?:hrs?\b\.?|hours\b|h\b))?"),
        ("hhmm", r"([01]\d|2[0-3])([0-5]\d)\s*(?:hrs?\b\.?|hours\b|h\b)"),
        ("hrs", r"([01]?\d|2[0-3])\s*(?:hrs\b\.?|hours\b)(?!\s+(?:from|on|after|later|ago))"),
        ("day_month", rf"(\d{{1,2}}){_ORD}\s*(?:of\s+)?({_MONTH})(?![a-z])(?:,?\s*(\d{{4}})(?!\d))?"),
        ("month_day", rf"({_MONTH})(?![a-z])\s*(\d{{1,2}}){_ORD}(?![\d:])(?:,?\s*(\d{{4}})(?!\d))?"),
        ("named", r"(midnight|mid-night|noon|mid-day|midday)\b"),
        ("day", r"(today|tonight|tomorrow|tmrw|day after tomorrow)\b(?:\s+(morning|evening|night))?"),
        ("this", r"this\s+(morning|evening|night)\b"),
        ("zone", r"\(?(IST|UTC|GMT)\)?(?![a-z])"),
    )
)
_GLUE = re.compile(r"[\s,]*(?:(?:on|at|of|the|hours?\s+of)\s+)*", re.I)
_UNTIL = r"(?:until|till|til|untill|upto|up\s+to|up-to|through|thru)"
_FURTHER_RE = re.compile(
    rf"\b{_UNTIL}\s+(?:further|next)\s+(?:notice|orders?|intimation|instructions?|announcement|advice)\b", re.I
)
_END_RE = re.compile(rf"\b{_UNTIL}\s+", re.I)
_START_RE = re.compile(r"\b(?:from|since|starting(?:\s+from)?|beginning|w\.?\s?e\.?\s?f\.?|with\s+effect\s+from|between)\s+", re.I)
_RANGE_END_RE = re.compile(rf"\s*(?:to|and|-|–|{_UNTIL})\s*", re.I)
_DURATION_RE = re.compile(
    r"\bfor\s+(?:the\s+)?(?:next\s+)?(\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
    r"twenty[- ]four|thirty-six|forty-eight|seventy-two)\s*(hours?|hrs?|days?)\b",
    re.I,
)


def closure_times(text: str, sent: datetime, zone: tzinfo | None = None) -> dict[str, Any]:
    """``{"start", "end", "until_further_notice"}`` stated in ``text``, relative to ``sent`` (see the module).

    ``zone``: the sender's zone when the sent time is UTC or naive (default Asia/Kolkata).
    """
    try:
        return _closure_times(text, sent, zone or KOLKATA)
    except (OverflowError, ValueError):  # a message dated at the ends of the calendar (year 1 or 9999)
        return {"start": _iso(sent), "end": None, "until_further_notice": bool(_FURTHER_RE.search(text))}


def local_zone(sent: datetime, default: tzinfo = KOLKATA) -> tzinfo:
    """The sender's zone: the sent time's own offset unless it is UTC or naive, else ``default``."""
    offset = sent.utcoffset() if sent.tzinfo is not None else None
    if offset is None or offset == timedelta(0):
        return default
    return sent.tzinfo  # type: ignore[return-value]


def _iso(value: datetime) -> str:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def _closure_times(text: str, sent: datetime, default_zone: tzinfo) -> dict[str, Any]:
    sent = sent if sent.tzinfo else sent.replace(tzinfo=UTC)
    zone = local_zone(sent, default_zone)
    further = bool(_FURTHER_RE.search(text))
    start, end = _stated_range(text, sent, zone)
    if end is None and not further:
        end = _stated_end(text, sent, start, zone)
    if end is None and not further:
        end = _duration_end(text, start or sent)
    if end is not None and end <= (start or sent) - timedelta(minutes=1) and start is None:
        end = None  # an end before the message: a stale or mistyped date, not a readable end
    if end is not None and start is not None and end <= start:
        end = None
    return {
        "start": _iso(start or sent),
        "end": _iso(end) if end is not None and not further else None,
        "until_further_notice": further,
    }


def _stated_range(text: str, sent: datetime, zone: tzinfo) -> tuple[datetime | None, datetime | None]:
    """A stated start ("from 10 pm tonight"), and the end that follows it ("to 6 am tomorrow")."""
    for match in _START_RE.finditer(text):
        parts, stop = _read_when(text, match.end())
        if not parts:
            continue
        start = _resolve(parts, sent, zone, anchor=None, is_end=False)
        if start is None:
            continue
        link = _RANGE_END_RE.match(text, stop)
        if link is None:
            return start, None
        end_parts, _ = _read_when(text, link.end())
        end = _resolve(end_parts, sent, zone, anchor=start, is_end=True) if end_parts else None
        return start, end
    return None, None


def _stated_end(text: str, sent: datetime, start: datetime | None, zone: tzinfo) -> datetime | None:
    for match in _END_RE.finditer(text):
        parts, _ = _read_when(text, match.end())
        if parts:
            end = _resolve(parts, sent, zone, anchor=start, is_end=True)
            if end is not None:
                return end
    return None


def _duration_end(text: str, start: datetime) -> datetime | None:
    match = _DURATION_RE.search(text)
    if match is None:
        return None
    word = match.group(1).lower().replace(" ", "-")
    amount = int(word) if word.isdigit() else _NUMBER_WORDS.get(word, _NUMBER_WORDS.get(word.replace("-", " "), 0))
    if amount <= 0:
        return None
    unit = match.group(2).lower()
    return start + (timedelta(days=amount) if unit.startswith("day") else timedelta(hours=amount))


def _read_when(text: str, pos: int) -> tuple[dict[str, Any], int]:
    """The pieces of one time expression starting at ``pos`` (date, day, time, zone), and where it stops."""
    parts: dict[str, Any] = {}
    stop = pos
    while True:
        glue = _GLUE.match(text, stop)
        at = glue.end() if glue else stop
        for kind, pattern in _TOKENS:
            match = pattern.match(text, at)
            if match is not None and _take(kind, match, parts):
                stop = match.end()
                break
        else:
            return parts, stop


def _take(kind: str, match: re.Match[str], parts: dict[str, Any]) -> bool:
    """Add a token's meaning to ``parts``; False when it is not a valid piece or repeats one already read."""
    g = match.groups()
    if kind == "zone":
        if "zone" in parts or not parts:
            return False
        parts["zone"] = _ZONES[(g[0] or "").lower()]
        return True
    if kind in ("day", "this"):
        if "day" in parts or "date" in parts:
            return False
        word = (g[0] or "").lower()
        if kind == "this":
            parts["day"], parts["part"] = 0, word
        else:
            parts["day"] = 2 if word.startswith("day after") else 1 if word in ("tomorrow", "tmrw") else 0
            parts["part"] = "night" if word == "tonight" else (g[1] or "").lower() or None
        return True
    if kind in ("iso", "dmy", "dm", "day_month", "month_day"):
        if "date" in parts or "day" in parts:
            return False
        when = _date_of(kind, g)
        if when is None:
            return False
        parts["date"], parts["year_stated"] = when
        if kind == "iso" and g[3] is not None:
            clock = _clock(int(g[3]), int(g[4]))
            if clock is None:
                return False
            parts["time"] = clock
        return True
    if "time" in parts:
        return False
    clock = _time_of(kind, g, parts)
    if clock is None:
        return False
    parts["time"] = clock
    return True


def _date_of(kind: str, g: tuple[str | None, ...]) -> tuple[tuple[int | None, int, int], bool] | None:
    if kind == "iso":
        year, month, day = int(g[0] or 0), int(g[1] or 0), int(g[2] or 0)
    elif kind in ("dmy", "dm"):
        day, month = int(g[0] or 0), int(g[1] or 0)
        if month > 12 >= day:  # 05/25/2020: month first, the only way it is a date
            day, month = month, day
        year = int(g[2]) if kind == "dmy" and g[2] else 0
        if year and year < 100:
            year += 2000
    elif kind == "day_month":
        day, month = int(g[0] or 0), _MONTHS[(g[1] or "").lower().rstrip(".")]
        year = int(g[2]) if g[2] else 0
    else:
        month, day = _MONTHS[(g[0] or "").lower().rstrip(".")], int(g[1] or 0)
        year = int(g[2]) if g[2] else 0
    try:
        date(year or 2000, month, day)  # 29 Feb is checked again once the year is known
    except ValueError:
        return None
    return (year or None, month, day), bool(year)


def _time_of(kind: str, g: tuple[str | None, ...], parts: dict[str, Any]) -> time | None:
    if kind == "ampm":
        hour, minute = int(g[0] or 0), int(g[1] or 0)
        if not 1 <= hour <= 12:
            return None
        pm = (g[2] or "").lower().startswith("p")
        parts["ampm"] = True
        return _clock(hour % 12 + (12 if pm else 0), minute)
    if kind == "clock":
        return _clock(int(g[0] or 0), int(g[1] or 0))
    if kind == "hhmm":
        return _clock(int(g[0] or 0), int(g[1] or 0))
    if kind == "hrs":
        return _clock(int(g[0] or 0), 0)
    if kind == "named":
        word = (g[0] or "").lower()
        if word in ("midnight", "mid-night"):
            parts["midnight"] = True
            return time(0, 0)
        return time(12, 0)
    return None


def _clock(hour: int, minute: int) -> time | None:
    return time(hour, minute) if 0 <= hour <= 23 and 0 <= minute <= 59 else None


def _resolve(
    parts: dict[str, Any], sent: datetime, local_tz: tzinfo, *, anchor: datetime | None, is_end: bool
) -> datetime | None:
    """The instant ``parts`` names, relative to the message (``sent``) and a stated start (``anchor``)."""
    if "date" not in parts and "day" not in parts and "time" not in parts:
        return None  # a zone alone is no time
    zone = parts.get("zone") or local_tz
    local = sent.astimezone(zone)
    clock: time | None = parts.get("time")
    part = parts.get("part")
    plain = clock is not None and not parts.get("ampm") and not parts.get("midnight")
    if plain and part in ("evening", "night") and 1 <= clock.hour < 12:  # type: ignore[union-attr]
        clock = time(clock.hour + 12, clock.minute)  # type: ignore[union-attr]  # "tonight 10", "this evening at 7"
    if "date" in parts:
        year, month, day = parts["date"]
        when = _dated(year or local.year, month, day, clock, zone, is_end)
        if when is None:
            return None
        floor = anchor or local
        if year is None and when < floor - timedelta(days=1):
            rolled = _dated(local.year + 1, month, day, clock, zone, is_end)
            if rolled is not None and rolled - local <= timedelta(days=ROLL_OVER_DAYS):
                when = rolled
        return when
    base = local.date() + timedelta(days=parts.get("day", 0))
    if clock is None:  # "till tomorrow", "from tonight", "till tomorrow morning"
        days, clock = (_END_PART if is_end else _START_PART)[part]
        return datetime.combine(base + timedelta(days=days), clock, zone)
    if part == "night" and clock.hour < 6:
        base += timedelta(days=1)  # "2 am tonight": the small hours after the evening
    when = datetime.combine(base, clock, zone)
    if parts.get("midnight") and is_end and "day" not in parts:
        when += timedelta(days=1)  # "till midnight": the coming one
    elif "day" not in parts:
        floor = anchor if anchor is not None else (local if is_end else None)
        if floor is not None and when <= floor:
            when += timedelta(days=1)
    return when


def _dated(year: int, month: int, day: int, clock: time | None, zone: tzinfo, is_end: bool) -> datetime | None:
    try:
        first = date(year, month, day)
    except ValueError:
        return None
    if clock is not None:
        return datetime.combine(first, clock, zone)
    return datetime.combine(first + timedelta(days=1) if is_end else first, time(0, 0), zone)
