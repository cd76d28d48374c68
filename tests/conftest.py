"""Shared fixtures: factories for settings and stores, sample domain objects."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from geo.model import Alert, AlertArea, AlertInfo, Location, Provenance, Report
from geo.settings import Settings
from geo.store import Store, open_store

#: ../shared beside the checkout (CI clones main next to a copy of shared/); real data is read from there.
SHARED = Path(__file__).resolve().parents[2] / "shared"
DATA = SHARED / "data"


@pytest.fixture
def settings_factory(tmp_path: Path) -> Callable[..., Settings]:
    """Settings on a temporary SQLite store; keyword arguments override any field."""

    def make(**overrides: object) -> Settings:
        values: dict[str, object] = {"store_url": f"sqlite:///{tmp_path / 'store.db'}"} | overrides
        return Settings.load(**values)

    return make


@pytest.fixture
def store_factory(tmp_path: Path) -> Iterator[Callable[..., Store]]:
    """Opens stores on temporary SQLite files (``name`` picks the file); all closed at teardown."""
    opened: list[Store] = []

    def make(name: str = "store") -> Store:
        store = open_store(f"sqlite:///{tmp_path / name}.db")
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


def make_report(source_id: str = "1", text: str = "Water rising in Gosaba, need boat", *, lat: float | None = 22.16,
                lon: float | None = 88.81, when: datetime | None = None, feed: str = "distress") -> Report:
    """A distress report as the ingest worker would store it (located when lat/lon given)."""
    location = (
        Location(lat=lat, lon=lon, radius_m=2000.0, kind="village", name="Gosaba", method="gazetteer",
                 state="WEST BENGAL", district="SOUTH 24 PARGANAS", district_lgd=338)
        if lat is not None and lon is not None else None
    )  # fmt: skip
    return Report(
        source="twitter", source_id=source_id, feed=feed, format="social", text=text,  # type: ignore[arg-type]
        event_time=when or datetime(2020, 5, 20, 12, 0, tzinfo=UTC), author="someone",
        provenance=Provenance("feeds.distress", 0, int(source_id) if source_id.isdigit() else 0,
                              datetime(2020, 5, 20, 12, 1, tzinfo=UTC)),
        location=location, locations=(location,) if location else (),
    )  # fmt: skip


def make_alert(identifier: str = "A1", msg_type: str = "Alert", references: tuple[str, ...] = (),
               sent: datetime | None = None, expires: datetime | None = None,
               severity: str = "Severe") -> Alert:
    """A CAP alert over a small square near Sagar Island."""
    ring = ((88.0, 21.6), (88.3, 21.6), (88.3, 21.9), (88.0, 21.9), (88.0, 21.6))
    info = AlertInfo(
        language="en-IN", event="Cyclone", urgency="Immediate", severity=severity, certainty="Observed",
        headline=f"Cyclone warning {identifier}", expires=expires or datetime(2020, 5, 21, 0, 0, tzinfo=UTC),
        areas=(AlertArea(description="Sagar", polygons=(ring,), geocodes=(("LGD District Code", "338"),)),),
    )  # fmt: skip
    return Alert(
        identifier=identifier, sender="sachet.ndma@gov.in", sent=sent or datetime(2020, 5, 19, 6, 0, tzinfo=UTC),
        status="Actual", msg_type=msg_type, scope="Public", source="sachet", format="cap", info=(info,),
        references=references,
    )  # fmt: skip
