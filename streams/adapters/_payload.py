"""Plumbing shared by the feed adapters: size limit, UTF-8 decoding, ids, timestamps, numbers.

Everything here raises :class:`streams.errors.AdapterError` (never another exception) with a
reason a person can act on.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime
from typing import Any

from streams.adapters import AdapterContext
from streams.errors import AdapterError

#: Same default as ``Settings.max_message_bytes``; the ingest worker applies the configured value first.
MAX_PAYLOAD_BYTES = 1_000_000
_BOM = b"\xef\xbb\xbf"


def check_size(payload: bytes, what: str) -> None:
    """Refuse an empty or oversize payload before any parsing work."""
    if not isinstance(payload, (bytes, bytearray, memoryview)):
        msg = f"{what} payload is a {type(payload).__name__}, not bytes"
        raise AdapterError(msg)
    size = len(payload)
    if size > MAX_PAYLOAD_BYTES:
        msg = f"{what} payload is {size:,} bytes; limit {MAX_PAYLOAD_BYTES:,}: split it into smaller messages"
        raise AdapterError(msg)
    if not bytes(payload).strip():
        msg = f"{what} payload is empty"
        raise AdapterError(msg)


def decode_utf8(payload: bytes, what: str) -> str:
    """The payload as text (a UTF-8 byte-order mark is dropped); invalid UTF-8 names the byte."""
    data = bytes(payload)
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{what} payload is not UTF-8 at byte {exc.start}; the sender must encode text as UTF-8"
        raise AdapterError(msg) from None


def load_json(text: str, what: str) -> Any:
    """``json.loads`` with a located reason instead of JSONDecodeError/RecursionError."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"{what} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        raise AdapterError(msg) from None
    except RecursionError:
        msg = f"{what} JSON is nested too deeply to read"
        raise AdapterError(msg) from None
    except ValueError as exc:  # e.g. an integer literal longer than Python's 4,300-digit limit
        msg = f"{what} JSON cannot be read: {str(exc)[:80]}"
        raise AdapterError(msg) from None


def payload_id(payload: bytes, ctx: AdapterContext) -> str:
    """The record key when the producer gave one, else the SHA-1 of the payload (stable on redelivery)."""
    if ctx.key:
        return ctx.key
    return hashlib.sha1(bytes(payload)).hexdigest()  # noqa: S324 - an id, not a signature


def parse_time(value: Any, what: str) -> datetime:
    """An ISO-8601 timestamp (``Z`` allowed); a time without a zone is taken as UTC."""
    if not isinstance(value, str) or not value.strip():
        msg = f"{what} is {value!r}, not an ISO-8601 timestamp"
        raise AdapterError(msg)
    text = value.strip()
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        msg = f"{what} {value[:60]!r} is not an ISO-8601 timestamp such as 2020-05-20T14:30:00+05:30"
        raise AdapterError(msg) from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp


def optional_time(value: Any, what: str) -> datetime | None:
    """:func:`parse_time` for an optional field: absent or empty is ``None``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_time(value, what)


def coordinate(value: Any, what: str, limit: float) -> float:
    """A finite number within ``[-limit, limit]`` (numbers as JSON numbers or numeric strings)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        msg = f"{what} is a JSON {type(value).__name__}, not a number"
        raise AdapterError(msg)
    try:
        number = float(value)
    except (ValueError, OverflowError):
        msg = f"{what} is not a number"
        raise AdapterError(msg) from None
    if not math.isfinite(number) or not -limit <= number <= limit:
        msg = f"{what} {number:g} is outside [-{limit:g}, {limit:g}]"
        raise AdapterError(msg)
    return number


def lat_lon(lat: Any, lon: Any, what: str) -> tuple[float, float]:
    """A validated ``(lat, lon)`` pair."""
    return coordinate(lat, f"{what} latitude", 90.0), coordinate(lon, f"{what} longitude", 180.0)


def text_field(obj: dict[str, Any], name: str, what: str, *, required: bool = True) -> str | None:
    """A string (or number, as text) field of a JSON object; a missing required one is an AdapterError."""
    value = obj.get(name)
    if value is None or value == "":
        if required:
            msg = f"{what} has no {name!r} field"
            raise AdapterError(msg)
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        msg = f"{what} field {name!r} is a JSON {type(value).__name__}, not a string"
        raise AdapterError(msg)
    return str(value)
