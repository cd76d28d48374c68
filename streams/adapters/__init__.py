"""Feed adapters: pure functions ``(payload bytes, context) -> tuple[Report | Alert, ...]``.

Selected by name from :data:`ADAPTERS` (like pygeoapi's ``PLUGINS``) and loaded lazily, so each is
testable without a broker. An adapter raises :class:`streams.errors.AdapterError` with a reason a
person can act on; the ingest worker dead-letters the message with that reason.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from geo.model import Feed, Parsed
from streams.errors import AdapterError


@dataclass(frozen=True, slots=True)
class AdapterContext:
    """What an adapter knows besides the payload: the feed, the sender, the record key."""

    feed: Feed
    source: str
    received_at: datetime
    key: str | None = None
    event_time: datetime | None = None


Adapter = Callable[[bytes, AdapterContext], tuple[Parsed, ...]]

#: name -> "module:function". Add a format by adding a module and a line here.
ADAPTERS: dict[str, str] = {
    "cap": "streams.adapters.cap:parse",
    "geojson": "streams.adapters.geojson:parse",
    "bulletin": "streams.adapters.bulletin:parse",
    "traffic": "streams.adapters.traffic:parse",
    "social": "streams.adapters.social:parse",
    "sms": "streams.adapters.sms:parse",
}


@cache
def load_adapter(name: str) -> Adapter:
    """The adapter registered as ``name``; an unknown name is an AdapterError (dead-letter reason)."""
    target = ADAPTERS.get(name)
    if target is None:
        msg = f"unknown format {name!r}; known formats: {', '.join(sorted(ADAPTERS))}"
        raise AdapterError(msg)
    module, _, func = target.partition(":")
    return getattr(importlib.import_module(module), func)
