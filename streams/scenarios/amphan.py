"""The bundled scenario: Super Cyclonic Storm Amphan, 16-21 May 2020 (IMD best track 202001).

:func:`iter_scenario` replays the storm as a control room would have seen it: IMD bulletins every
3 hours of the real track, CAP 1.2 alerts for 12 coastal districts of Odisha and West Bengal that
escalate as the storm approaches and are cancelled after it, Kolkata traffic-police alerts, and the
public's posts (X/Twitter JSON and SMS) in English, Hindi, Bengali and code-mixed text: true
incidents at real villages, retweets, duplicates, rumours, "I am safe" posts and chatter.

The generator is seeded and deterministic (same size and seed, same bytes), yields in event-time
order and works one 10-minute bin at a time, so a million messages need little memory.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from streams.envelope import FeedMessage
from streams.errors import ScenarioError
from streams.scenarios._bulletins import bulletin_text
from streams.scenarios._cap import cap_messages
from streams.scenarios._geography import DISTRICTS, places
from streams.scenarios._incidents import make_incidents
from streams.scenarios._posts import BIN, END, START, PostFactory
from streams.scenarios._track import LANDFALL, TRACK, TrackPoint

__all__ = ["KIND_SHARES", "MAX_SIZE", "TRACK", "TrackPoint", "iter_scenario", "landfall_time"]

#: Share of each kind among the distress posts.
KIND_SHARES: dict[str, float] = {
    "incident": 0.40, "retweet": 0.15, "duplicate": 0.07, "rumour": 0.08, "safe": 0.12, "chatter": 0.18,
}  # fmt: skip
WEATHER_SHARE = 0.06  # at most; the full set of bulletins and CAP alerts is ~150 messages
TRAFFIC_SHARE = 0.04
MAX_SIZE = 4_000_000  # post ids keep a 22-bit sequence number

Truth = dict[str, Any]


def landfall_time() -> datetime:
    """When Amphan crossed the coast near Bakkhali/Sagar Island (UTC; IMD: 1530-1730 IST, 20 May 2020)."""
    return LANDFALL


def iter_scenario(size: int, seed: int) -> Iterator[tuple[FeedMessage, Truth | None]]:
    """``size`` messages of the Amphan scenario in event-time order, each with the ground truth of
    a distress post (``None`` for bulletins, CAP alerts and traffic alerts)."""
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_SIZE:
        msg = f"scenario size must be a whole number from 1 to {MAX_SIZE:,}, not {size!r}"
        raise ScenarioError(msg)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        msg = f"scenario seed must be a non-negative whole number, not {seed!r}"
        raise ScenarioError(msg)
    weather = _weather(round(size * WEATHER_SHARE))
    n_traffic = min(round(size * TRAFFIC_SHARE), size - len(weather))
    n_distress = size - len(weather) - n_traffic
    return _generate(weather, n_traffic, n_distress, seed)


def _weather(budget: int) -> list[FeedMessage]:
    """Bulletins and CAP alerts; when the budget is small, every k-th bulletin and whole CAP chains
    (the most affected districts first) so that Updates and Cancels still have their Alert."""
    bulletins = [
        FeedMessage("weather", bulletin_text(i).encode("utf-8"), "bulletin", "imd", f"imd-bob01-2020-{i + 1:02d}", p.time)
        for i, p in enumerate(TRACK)
    ]
    caps = [FeedMessage("weather", c.xml.encode("utf-8"), "cap", "sachet", c.identifier, c.sent) for c in cap_messages()]
    if budget >= len(bulletins) + len(caps):
        chosen = bulletins + caps
    else:
        n_bulletins = min(len(bulletins), max(1, budget // 3)) if budget else 0
        room = budget - n_bulletins
        chosen = []
        for district in DISTRICTS:
            chain = [c for c in caps if f"-{district.lgd}-" in c.key]
            if len(chain) <= room:
                chosen += chain
                room -= len(chain)
        n_bulletins += room
        if n_bulletins == 1:
            chosen.append(bulletins[0])
        elif n_bulletins > 1:
            step = (len(bulletins) - 1) / (n_bulletins - 1)
            chosen += [bulletins[round(i * step)] for i in range(n_bulletins)]
    return sorted(chosen, key=lambda m: (m.event_time, m.key))


def _allocate(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Split ``total`` by ``shares`` exactly (largest remainder)."""
    raw = {k: total * v / sum(shares.values()) for k, v in shares.items()}
    out = {k: math.floor(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: (out[k] - raw[k], k))[: total - sum(out.values())]:
        out[k] += 1
    return out


def _profiles(hours: np.ndarray, incident_rate: np.ndarray) -> dict[str, np.ndarray]:
    """Relative rate of each kind of message in each bin (hours relative to landfall)."""
    rumour = np.where(hours > -30, np.exp(-(((hours - 4) / 14) ** 2)), 0.0)
    lagged = np.concatenate([np.zeros(3), (incident_rate + rumour * incident_rate.sum() / rumour.sum())[:-3]])
    return {
        "incident": incident_rate,
        "retweet": lagged,
        "duplicate": lagged,
        "rumour": rumour,
        "safe": np.where(hours > -6, np.exp(-(((hours - 14) / 12) ** 2)), 0.0) + 1e-3,
        "chatter": np.where(hours > -96, 0.15 + np.exp(-(((hours + 6) / 30) ** 2)), 0.02),
        "traffic": np.where(hours > -8, np.exp(-(((hours - 10) / 14) ** 2)), 0.0),
    }


@dataclass(frozen=True, slots=True)
class _Plan:
    """How many messages of each kind fall in each 10-minute bin, and the incidents behind them."""

    hours: np.ndarray  # bin centres, hours after landfall
    counts: dict[str, np.ndarray]  # kind (and "traffic") -> messages per bin
    activity: np.ndarray  # (incidents, bins) relative post rate of each incident
    factory: PostFactory


def _plan(n_traffic: int, n_distress: int, rng: np.random.Generator) -> _Plan:
    pl = places()
    kinds = _allocate(n_distress, KIND_SHARES)
    n_incidents = max(1, min(4000, round(2 * math.sqrt(kinds["incident"]))))
    incidents = make_incidents(n_incidents, rng, pl)
    n_bins = int((END - START) / BIN)
    hours = np.array([((START + BIN * b + BIN / 2) - LANDFALL).total_seconds() / 3600 for b in range(n_bins)])
    activity = np.stack([incidents.activity(h) for h in hours], axis=1)
    profiles = _profiles(hours, activity.sum(axis=0))
    totals = {**kinds, "traffic": n_traffic}
    counts = {k: rng.multinomial(n, profiles[k] / profiles[k].sum()) for k, n in totals.items()}
    return _Plan(hours, counts, activity, PostFactory(pl, incidents, n_authors=max(50, n_distress // 4)))


def _bin_items(plan: _Plan, b: int, weather: list[FeedMessage], rng: np.random.Generator) -> list[tuple]:
    """(second in bin, source order, index, payload) of every message of bin ``b``, sorted.
    Source order: 0 weather (a FeedMessage), 1 traffic (randoms), 2 distress (kind, index, randoms)."""
    start = START + BIN * b
    items = [(int((m.event_time - start).total_seconds()), 0, i, m) for i, m in enumerate(weather)]
    n_incident = int(plan.counts["incident"][b])
    rates = plan.activity[:, b]
    per_incident = rng.multinomial(n_incident, rates / rates.sum()) if n_incident else np.zeros(0, dtype=np.int64)
    specs = plan.factory.plan({k: int(plan.counts[k][b]) for k in KIND_SHARES}, per_incident, rng)
    traffic_u = rng.random((int(plan.counts["traffic"][b]), 4)).tolist()
    traffic_secs = rng.integers(0, 600, size=len(traffic_u)).tolist()
    items += [(s, 1, i, u) for i, (s, u) in enumerate(zip(traffic_secs, traffic_u, strict=True))]
    items += [(s, 2, i, spec) for i, (s, *spec) in enumerate(specs)]
    items.sort(key=lambda item: item[:3])
    return items


def _generate(
    weather: list[FeedMessage], n_traffic: int, n_distress: int, seed: int
) -> Iterator[tuple[FeedMessage, Truth | None]]:
    rng = np.random.default_rng(seed)
    plan = _plan(n_traffic, n_distress, rng)
    factory, w = plan.factory, 0
    for b in range(len(plan.hours)):
        start = START + BIN * b
        first = w
        while w < len(weather) and weather[w].event_time < start + BIN:
            w += 1
        for sec, source, _, payload in _bin_items(plan, b, weather[first:w], rng):
            if source == 0:
                yield payload, None
                continue
            when = start + timedelta(seconds=sec)
            if source == 1:
                yield factory.traffic_message(payload, when, float(plan.hours[b])), None
            else:
                yield factory.build(payload[0], payload[1], payload[2], when)
    for message in weather[w:]:  # nothing is scheduled after END; kept so no message is ever lost
        yield message, None
