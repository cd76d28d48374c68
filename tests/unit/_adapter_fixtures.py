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
