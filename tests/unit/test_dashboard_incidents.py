"""The incidents (triage) page through AppTest, on a store filled by the real zoning."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data import district_names
from geo import zoning
from geo.model import Location
from geo.store import Store
from tests.conftest import make_report

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)> roof ${alert(3)}"
HOSTILE = "<script>alert(4)</script> still on the roof <img src=y onerror=alert(5)> `${alert(6)}`"
BASE = datetime(2020, 5, 20, 12, 0, tzinfo=UTC)
PAGE = """
from dashboard.views import incidents
from geo.settings import Settings

incidents.page(Settings.load())
"""


def _report(i: int, text: str, lat: float | None, lon: float | None, **fields: object):
    report = make_report(str(i), text, lat=lat, lon=lon, when=BASE - timedelta(minutes=10 * i))
    return dataclasses.replace(report, author=f"person{i}", **fields)  # type: ignore[arg-type]


def fill_incidents(store: Store) -> None:
    """Seven urgent posts at Gosaba (one hostile, one a copy, one a fact-checked hostile rumour that is
    counted but never part of an incident), two at Digha, one coarse (district only) and one
    unlocated post; then the zoning, as the worker runs it."""
    urgent = {"category": "requests_or_urgent_needs", "urgency": "high"}
    texts = ("Water rising near the embankment, need a boat", "Our house in Gosaba is under water, send rescue",
             "Family stuck on the roof of the school, please help", "Old mother cannot walk, water up to the chest",
             "No food since yesterday, children crying, boat needed")  # fmt: skip
    gosaba = [
        _report(i, text, 22.16 + 0.001 * i, 88.81, needs=("rescue", "boat"), people=3 + i, **urgent)
        for i, text in enumerate(texts, start=1)
    ]  # fmt: skip
    gosaba.append(_report(6, XSS, 22.161, 88.812, needs=("food",), people=2, **urgent,
                          extra={"fact_check": {"id": "fc1", "verdict": "false", "source": "PIB Fact Check",
                                                "url": "https://example.invalid"}}))  # fmt: skip
    gosaba.append(_report(7, "RT water rising near the embankment", 22.162, 88.811, **urgent,
                          extra={"duplicate_of": "twitter:1", "official": True}))  # fmt: skip
    gosaba.append(_report(12, HOSTILE, 22.1615, 88.8115, needs=("rescue",), people=1, **urgent, extra={"verified": True}))
    digha = [_report(i, text, 21.627, 87.509 + 0.001 * i, category="infrastructure_and_utility_damage",
                     urgency="medium") for i, text in ((8, "Trees down on the Digha road"),
                                                       (9, "Shop roofs gone at Digha market"))]  # fmt: skip
    district = Location(lat=22.0, lon=88.5, radius_m=40_000.0, kind="district", name="South 24 Parganas",
                        method="gazetteer", state="WEST BENGAL", district="SOUTH 24 PARGANAS", district_lgd=338)  # fmt: skip
    coarse = dataclasses.replace(_report(10, "Whole district flooded", None, None, **urgent),
                                 location=district, locations=(district,))  # fmt: skip
    unlocated = _report(11, "need help, no place given", None, None, **urgent)
    store.upsert([*gosaba, *digha, coarse, unlocated])
    zoning.update(store)


@pytest.fixture
def filled(store_factory: Callable[..., Store], monkeypatch: pytest.MonkeyPatch) -> Store:
    store = store_factory("triage")
    fill_incidents(store)
    monkeypatch.setenv("CRISISMAP_STORE_URL", store.url)
    return store


def _page() -> AppTest:
    return AppTest.from_string(PAGE, default_timeout=60)


def _frame(at: AppTest, column: str):
    """The first table on the page with this column (triage table: severity, evidence: flags,
    history: kind); AppTest does not expose a dataframe's key."""
    [frame] = [d.value for d in at.dataframe if column in d.value.columns][:1]
    return frame


def _gosaba(store: Store) -> str:
    incidents = store.incidents_frame()
    return str(incidents.loc[incidents["reports"].idxmax(), "incident_id"])


def test_the_table_lists_active_incidents_most_pressing_first(filled: Store) -> None:
    at = _page().run()
    assert not at.exception
    table = _frame(at, "severity")
    assert len(table) == len(filled.incidents_frame()) == 2
    first, second = table.to_dict("records")
    assert first["incident_id"] == _gosaba(filled)  # high urgency, more reports, in the more severe zone
    assert first["reports"] >= 5 and first["reporters"] >= 5 and first["people"] >= 7
    assert "boat" in first["needs"] and "rescue" in first["needs"]
    assert district_names()[338] in first["districts"]  # make_report's LGD code, named
    assert first["severity"] >= second["severity"]
    assert set(table.columns) >= {"first_seen", "last_seen", "trend", "status"}
    assert at.selectbox(key="incident").value == first["incident_id"]
    assert at.query_params["incident"] == first["incident_id"]


def test_evidence_is_shown_as_text_with_flags(filled: Store) -> None:
    at = _page().run()
    evidence = _frame(at, "flags")
    assert HOSTILE in list(evidence["text"])  # st.dataframe shows cells as text, never HTML
    assert XSS not in list(evidence["text"])  # the fact-checked rumour is counted, never evidence
    flags = dict(zip(evidence["text"], evidence["flags"], strict=True))
    assert flags[HOSTILE] == "verified"
    assert flags["RT water rising near the embankment"] == "copy of twitter:1, official account"
    assert not [m for m in at.markdown if "<script>" in m.value or "onerror" in m.value]


def test_status_change_persists_and_appears_in_history(filled: Store) -> None:
    at = _page().run()
    incident_id = at.selectbox(key="incident").value
    at.selectbox(key=f"status_{incident_id}").set_value("assigned")
    at.text_input(key=f"note_{incident_id}").set_value("boat team 3 <b>go</b>")
    at.button(key=f"save_{incident_id}").click().run()
    assert not at.exception
    assert filled.incidents_frame(ids=[incident_id])["status"].tolist() == ["assigned"]
    stored = filled.incident_history(incident_id)
    assert stored.iloc[-1]["kind"] == "status" and stored.iloc[-1]["note"] == "assigned boat team 3 <b>go</b>"
    history = _frame(at, "kind")
    assert list(history["kind"])[-1] == "status"
    assert list(history["note"])[-1] == "assigned boat team 3 <b>go</b>"
    assert "status set to assigned" in at.success[0].value
    table = _frame(at, "severity")
    assert dict(zip(table["incident_id"], table["status"], strict=True))[incident_id] == "assigned"


def test_status_survives_the_next_zoning_run(filled: Store) -> None:
    at = _page().run()
    incident_id = at.selectbox(key="incident").value
    at.selectbox(key=f"status_{incident_id}").set_value("acknowledged")
    at.button(key=f"save_{incident_id}").click().run()
    filled.upsert([_report(12, "Still water rising near the embankment, need boat", 22.163, 88.81,
                           category="requests_or_urgent_needs", urgency="high")])  # fmt: skip
    zoning.update(filled)
    assert filled.incidents_frame(ids=[incident_id])["status"].tolist() == ["acknowledged"]


def test_filters_come_from_and_go_to_the_query_string(filled: Store) -> None:
    filled.set_incident_status(_gosaba(filled), "resolved")
    at = _page()
    at.query_params["status"] = ["resolved"]
    at.run()
    assert at.multiselect(key="triage_status").value == ["resolved"]
    assert list(_frame(at, "severity")["incident_id"]) == [_gosaba(filled)]
    at.multiselect(key="triage_status").set_value([]).run()  # every status
    at.number_input(key="min_reports").set_value(3).run()
    assert at.query_params["min_reports"] == "3"
    assert list(_frame(at, "severity")["incident_id"]) == [_gosaba(filled)]


def test_a_shared_link_opens_its_incident(filled: Store) -> None:
    incidents = filled.incidents_frame()
    other = str(incidents.loc[incidents["reports"].idxmin(), "incident_id"])
    at = _page()
    at.query_params["incident"] = other
    at.run()
    assert at.selectbox(key="incident").value == other
    evidence = _frame(at, "flags")
    assert all("Digha" in t for t in evidence["text"])


def test_an_empty_store_says_what_to_do(store_factory: Callable[..., Store], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRISISMAP_STORE_URL", store_factory("none").url)
    at = _page().run()
    assert not at.exception
    assert "crisismap zones" in at.info[0].value
