"""The PostGIS backend passes the same store tests as SQLite, on the real PostgreSQL + PostGIS."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from geo._postgis_store import PostgisStore
from geo.errors import StoreError
from geo.store import Store, open_store
from tests.conftest import make_alert, make_report
from tests.unit.test_store import (  # noqa: F401 - the shared store behaviour, run here on PostGIS
    test_alert_geometry_and_live_window,
    test_bbox_query_uses_rtree_and_follows_relocation,
    test_originals_by_text_key_skips_copies_and_prefers_the_earliest,
    test_reports_by_id,
    test_reports_frame_keeps_unlocated_without_a_fake_point,
    test_until_filters_on_event_time,
    test_update_arriving_before_its_original_still_wins,
    test_replaced_alerts_stay_on_the_map_for_the_times_they_were_in_force,
    test_update_supersedes_and_cancel_removes_from_live_map,
    test_upsert_is_idempotent_by_source_id,
)

@pytest.fixture
def store_factory(pg_store_factory: Callable[..., Store]) -> Callable[..., Store]:
    """The shared store tests (imported above) run on PostGIS through this factory."""

    def make(name: str = "store") -> Store:
        store = pg_store_factory(name)
        assert isinstance(store, PostgisStore)
        return store

    return make


def test_geometry_columns_are_postgis(store_factory):
    store = store_factory()
    store.upsert([make_report("1")], [make_alert("A1")])
    kind = store._db.execute("SELECT GeometryType(geom), ST_SRID(geom) FROM reports").fetchone()
    assert kind == ("POINT", 4326)
    inside = store._db.execute(
        "SELECT count(*) FROM alerts a JOIN reports r ON ST_Intersects(a.geom, ST_Buffer(r.geom, 1))"
    ).fetchone()[0]
    assert inside == 1


def test_nul_in_public_text_is_kept_not_refused(store_factory):
    store = store_factory()
    store.upsert([make_report("1", "help\x00 at Gosaba <b>now</b>")])
    assert store.reports_frame()["text"].iloc[0] == "help\ufffd at Gosaba <b>now</b>"


def test_failed_write_rolls_back_whole_batch(store_factory):
    store = store_factory()
    store.upsert([make_report("1")])
    store._db.execute("ALTER TABLE alerts ADD CONSTRAINT no_alerts CHECK (identifier <> 'A1')")
    with pytest.raises(StoreError, match="no_alerts"):
        store.upsert([make_report("2")], [make_alert("A1")])
    assert store.report_ids() == {"twitter:1"}


def test_unreachable_server_is_a_clear_error():
    with pytest.raises(StoreError, match="cannot open the PostGIS store at 127.0.0.1:1"):
        open_store("postgresql://postgres@127.0.0.1:1/test")


def test_window_sees_a_status_change_that_commits_after_a_later_one(store_factory):
    # Sequence numbers are taken at insert time: operator A's change (lower number) can commit after
    # operator B's (higher number) has been read by the zoning window. A's must not be lost.
    import psycopg

    from geo import zoning
    from tests.integration.conftest import PG
    from tests.unit.test_zoning import incident_of, report

    store = store_factory()
    store.upsert([report("1", 22.0, 88.0), report("2", 22.0005, 88.0), report("3", 22.5, 88.5), report("4", 22.5005, 88.5)])
    zoning.update(store)
    first, second = incident_of(store, "twitter:1"), incident_of(store, "twitter:3")
    assert first and second and first != second
    window = zoning.ZoningWindow()
    window.sync(store, store.zoning_cursor())
    live = lambda: set(window.zoning_incidents(datetime(2000, 1, 1, tzinfo=UTC))["incident_id"])  # noqa: E731
    assert live() == {first, second}

    with psycopg.connect(PG) as slow:  # operator A, in a transaction that stays open
        slow.execute(f"SET search_path TO {store.schema}, public")
        slow.execute("UPDATE incidents SET status = 'dismissed' WHERE incident_id = %s", (first,))
        slow.execute("INSERT INTO incident_history (incident_id, at, kind, other_ids, reports, note) "
                     "VALUES (%s, '2020-05-20T12:00:00+00:00', 'status', '[]', 0, 'dismissed')", (first,))  # fmt: skip
        store.set_incident_status(second, "resolved")  # operator B: a later number, committed first
        window.sync(store, store.zoning_cursor())
        assert live() == {first}
        slow.commit()
    window.sync(store, store.zoning_cursor())
    assert live() == set()
