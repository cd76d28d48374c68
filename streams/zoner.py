"""The zoning worker: every ``interval`` seconds, fold the reports stored since the last step into
incidents and zones (:func:`geo.zoning.update`). It reads and writes only the store, never Kafka,
so one zoning worker serves any number of ingest workers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from geo.zoning import TrackFix, ZoningParams, ZoningResult, ZoningWindow, update

log = logging.getLogger(__name__)


def freeze_working_set() -> None:
    """Move what the process holds now (the zoning window's hundreds of thousands of rows) out of the
    cyclic garbage collector's reach, so its full collections stop walking them at every step; young
    cyclic garbage is collected first. (The objects are still freed when no longer referenced.)"""
    import gc

    gc.collect(1)
    gc.freeze()


def run_zoner(
    store: Any,
    *,
    params: ZoningParams | None = None,
    track: Sequence[TrackFix] | Callable[[], Sequence[TrackFix]] = (),
    interval_s: float = 5.0,
    once: bool = False,
    rebuild: bool = False,
    should_stop: Callable[[], bool] = lambda: False,
    wait: Callable[[float], Any] | None = None,
    on_step: Callable[[ZoningResult], None] | None = None,
) -> list[ZoningResult]:
    """Run zoning steps until ``should_stop()`` (or one step with ``once``); a step that finds a full
    batch of changes runs again at once, so a backlog drains without waiting ``interval_s``.
    ``track`` may be a callable, re-read each step (the store's ``bulletin_fixes`` as bulletins arrive)."""
    import time

    params = params or ZoningParams()
    sleep = wait or time.sleep
    # recent members and incidents in memory, kept in step with the store by each update (a single
    # step would read more to fill it than it saves)
    window = None if once else ZoningWindow()
    frozen = window.generation if window is not None else 0
    results: list[ZoningResult] = []
    first = True
    while True:
        fixes = track() if callable(track) else track
        result = update(store, params, track=fixes, rebuild=rebuild and first, window=window)
        if window is not None and window.generation != frozen:  # new long-lived rows: out of the cyclic GC
            frozen = window.generation
            freeze_working_set()
        first = False
        results.append(result)
        if on_step is not None:
            on_step(result)
        if once and result.reports < params.batch_limit:
            return results
        if should_stop():
            return results
        if result.reports < params.batch_limit:
            sleep(interval_s)
            if should_stop():
                return results
