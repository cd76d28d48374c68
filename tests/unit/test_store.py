"""SQLite store: idempotent upserts, R*Tree box queries, alert lifecycle (Update, Cancel, expiry)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from geo.errors import StoreError
from geo.store import open_store
from tests.conftest import make_alert, make_report


def test_upsert_is_idempotent_by_source_id(store_factory):
    store = store_factory()
    batch = [make_report("1"), make_report("2", "I am safe in Kolkata", lat=None, lon=None)]
    store.upsert(batch)
    store.upsert(batch)  # redelivery after a crash
    assert store.count_reports() == 2
    assert store.report_ids() == {"twitter:1", "twitter:2"}


def test_reports_frame_keeps_unlocated_without_a_fake_point(store_factory):
    store = store_factory()
    store.upsert([make_report("1"), make_report("2", "help", lat=None, lon=None)])
    frame = store.reports_frame().set_index("report_id")
    assert frame.loc["twitter:1", "status"] == "located"
    assert frame.loc["twitter:1", "geometry"].x == pytest.approx(88.81)
    assert frame.loc["twitter:2", "status"] == "unlocated"
    assert frame.loc["twitter:2", "geometry"] is None
    assert frame.crs.to_epsg() == 4326


def test_bbox_query_uses_rtree_and_follows_relocation(store_factory):
    store = store_factory()
    store.upsert([make_report("1"), make_report("2", lat=19.8, lon=85.8)])  # Gosaba and Puri
    sundarbans = (88.0, 21.5, 89.5, 22.8)
    assert list(store.reports_frame(bbox=sundarbans)["report_id"]) == ["twitter:1"]
    store.upsert([make_report("1", lat=None, lon=None)])  # re-geocoded as unlocated: leaves the index
    assert store.reports_frame(bbox=sundarbans).empty


def test_until_filters_on_event_time(store_factory):
    store = store_factory()
    t0 = datetime(2020, 5, 20, 10, tzinfo=UTC)
    store.upsert([make_report("1", when=t0), make_report("2", when=t0 + timedelta(hours=2))])
    assert list(store.reports_frame(until=t0 + timedelta(hours=1))["report_id"]) == ["twitter:1"]
    assert store.latest_event_time() == t0 + timedelta(hours=2)


def test_text_is_stored_verbatim(store_factory):
    store = store_factory()
    text = "<script>alert(1)</script> বাঁচাও 'quote' \"dq\" \x00"
    store.upsert([make_report("1", text)])
    assert store.reports_frame()["text"].iloc[0] == text


def test_alert_geometry_and_live_window(store_factory):
    store = store_factory()
    store.upsert([], [make_alert("A1")])
    frame = store.alerts_frame()
    assert frame["geometry"].iloc[0].bounds == pytest.approx((88.0, 21.6, 88.3, 21.9))
    assert frame["severity"].iloc[0] == "Severe"
    assert len(store.alerts_frame(live_at=datetime(2020, 5, 20, tzinfo=UTC))) == 1
    assert store.alerts_frame(live_at=datetime(2020, 5, 22, tzinfo=UTC)).empty  # expired
    assert store.alerts_frame(live_at=datetime(2020, 5, 18, tzinfo=UTC)).empty  # not sent yet


def test_update_supersedes_and_cancel_removes_from_live_map(store_factory):
    store = store_factory()
    live = datetime(2020, 5, 20, tzinfo=UTC)
    store.upsert([], [make_alert("A1")])
    ref = "sachet.ndma@gov.in,A1,2020-05-19T06:00:00+00:00"
    store.upsert([], [make_alert("A2", "Update", (ref,), sent=datetime(2020, 5, 19, 12, tzinfo=UTC), severity="Extreme")])
    frame = store.alerts_frame(live_at=live)
    assert list(frame["identifier"]) == ["A2"]
    assert frame["severity"].iloc[0] == "Extreme"
    ref2 = "sachet.ndma@gov.in,A2,2020-05-19T12:00:00+00:00"
    store.upsert([], [make_alert("A3", "Cancel", (ref2,), sent=datetime(2020, 5, 19, 18, tzinfo=UTC))])
    assert store.alerts_frame(live_at=live).empty
    states = store.alerts_frame().set_index("identifier")["state"].to_dict()
    assert states == {"A1": "updated", "A2": "cancelled", "A3": "cancel"}


def test_failed_write_rolls_back_whole_batch(store_factory):
    store = store_factory()
    store.upsert([make_report("1")])
    store._db.execute("CREATE TRIGGER boom BEFORE INSERT ON alerts BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises(StoreError, match="disk full"):
        store.upsert([make_report("2")], [make_alert("A1")])
    assert store.report_ids() == {"twitter:1"}  # report 2 was not half-written


def test_unknown_store_url_is_a_clear_error():
    with pytest.raises(StoreError, match="not supported; use sqlite"):
        open_store("mysql://x")


def test_update_arriving_before_its_original_still_wins(store_factory):
    store = store_factory()
    ref = "sachet.ndma@gov.in,A1,2020-05-19T06:00:00+00:00"
    store.upsert([], [make_alert("A2", "Update", (ref,), sent=datetime(2020, 5, 19, 12, tzinfo=UTC))])
    store.upsert([], [make_alert("A1")])  # late, from another partition
    live = store.alerts_frame(live_at=datetime(2020, 5, 20, tzinfo=UTC))
    assert list(live["identifier"]) == ["A2"]


def test_replaced_alerts_stay_on_the_map_for_the_times_they_were_in_force(store_factory):
    store = store_factory()
    ref1 = "sachet.ndma@gov.in,A1,2020-05-19T06:00:00+00:00"
    ref2 = "sachet.ndma@gov.in,A2,2020-05-19T12:00:00+00:00"
    store.upsert([], [make_alert("A1")])
    store.upsert([], [make_alert("A2", "Update", (ref1,), sent=datetime(2020, 5, 19, 12, tzinfo=UTC))])
    store.upsert([], [make_alert("A3", "Cancel", (ref1, ref2), sent=datetime(2020, 5, 20, 18, tzinfo=UTC))])

    def live(hour: int, day: int = 19) -> list[str]:
        return list(store.alerts_frame(live_at=datetime(2020, 5, day, hour, tzinfo=UTC))["identifier"])

    assert live(8) == ["A1"]  # before the Update
    assert live(13) == ["A2"]  # the Update replaced A1 at 12:00; the Cancel later does not revive A1
    assert live(12, day=20) == ["A2"]
    assert live(19, day=20) == []  # cancelled


def test_store_written_before_alert_history_is_migrated(tmp_path):
    import sqlite3

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE alerts (alert_id TEXT PRIMARY KEY, identifier TEXT NOT NULL, sender TEXT NOT NULL, "
               "sent TEXT NOT NULL, status TEXT NOT NULL, msg_type TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'active')")
    db.close()
    store = open_store(f"sqlite:///{path}")
    columns = {row[1] for row in store._db.execute("PRAGMA table_info(alerts)")}
    store.close()
    assert "replaced_at" in columns


def test_originals_by_text_key_skips_copies_and_prefers_the_earliest(store_factory):
    import dataclasses

    store = store_factory()
    t0 = datetime(2020, 5, 20, 10, tzinfo=UTC)
    first = dataclasses.replace(make_report("1", when=t0), extra={"text_key": "k1"})
    later = dataclasses.replace(make_report("2", when=t0 + timedelta(hours=1)), extra={"text_key": "k1"})
    copy = dataclasses.replace(make_report("3", when=t0 - timedelta(hours=1)), extra={"text_key": "k1", "duplicate_of": "twitter:9"})
    store.upsert([later, copy, first])
    assert store.originals_by_text_key(["k1", "k2"]) == {"k1": "twitter:1"}
    assert store.originals_by_text_key([]) == {}


def test_reports_by_id(store_factory):
    store = store_factory()
    store.upsert([make_report("1"), make_report("2", lat=None, lon=None)])
    found = store.reports_by_id(["twitter:2", "twitter:9", "twitter:1"])
    assert sorted(found["report_id"]) == ["twitter:1", "twitter:2"]
    assert store.reports_by_id([]).empty
