"""Which incidents draw affected zones: corroborated or urgent ones, and those an operator took up;
one person's chatter stays an incident but makes no zone."""

from __future__ import annotations

import pandas as pd
import shapely

from geo import zoning
from tests.unit.test_zoning import report


def _frame(**cols) -> pd.DataFrame:
    base = {"reporters": [1], "people": [0], "needs": [()], "category": ["caution_and_advice"], "urgency": ["low"],
            "status": ["new"]}  # fmt: skip
    return pd.DataFrame({**base, **{k: [v] for k, v in cols.items()}})


def test_zone_worthy_needs_corroboration_an_urgent_need_or_an_operator():
    cases = [
        ({}, False),  # one person's advice
        ({"reporters": 3}, False),  # advice, however many say it
        ({"reporters": 2, "category": "infrastructure_and_utility_damage"}, True),
        ({"reporters": 2, "needs": ("power",)}, True),
        ({"needs": ("rescue",), "urgency": "high"}, False),  # urgent words in a donation appeal
        ({"needs": ("rescue",), "urgency": "high", "category": "requests_or_urgent_needs"}, True),
        ({"needs": ("food",), "people": 16, "category": "displaced_people_and_evacuations"}, True),
        ({"people": 500, "category": "injured_or_dead_people"}, False),  # a number, no need, one voice
        ({"status": "acknowledged"}, True),
        ({"status": "assigned"}, True),
    ]
    got = [bool(zoning.zone_worthy(_frame(**cols))[0]) for cols, _ in cases]
    assert got == [want for _, want in cases]
    assert zoning.zone_worthy(pd.DataFrame(columns=["reporters", "people", "needs", "urgency"])).size == 0


def test_a_lone_chatty_post_makes_an_incident_but_no_zone_until_triaged(store_factory):
    store = store_factory()
    lone = report("1", 22.16, 88.81, needs=(), category="caution_and_advice")
    store.upsert([lone, report("2", 21.80, 87.70), report("3", 21.8005, 87.7005, 1)])
    zoning.update(store)
    incidents = store.incidents_frame()
    assert len(incidents) == 2
    zones = store.zones_frame().query("kind == 'reports'")
    assert len(zones) == 1 and zones.geometry.iloc[0].contains(shapely.Point(87.7, 21.8))
    assert not zones.geometry.iloc[0].buffer(0.05).contains(shapely.Point(88.81, 22.16))
    lone_id = incidents.loc[incidents["reports"] == 1, "incident_id"].iloc[0]
    store.set_incident_status(lone_id, "acknowledged")
    store.upsert([report("4", 21.8003, 87.7, 2)])  # the next step redraws with the triaged one
    zoning.update(store, rebuild=True)
    assert len(store.zones_frame().query("kind == 'reports'")) == 2
