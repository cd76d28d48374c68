"""The dashboard app through streamlit.testing.v1.AppTest, on a temporary SQLite store."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import zoning
from geo.store import Store
from tests.conftest import make_alert, make_report

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
XSS = "<script>alert(1)</script><img src=x onerror=alert(2)> help ${alert(3)}"


def _at(when: int, hour: int) -> datetime:
    return datetime(2020, 5, when, hour, 0, tzinfo=UTC)


def fill(store: Store) -> None:
    """Four reports and two alerts around Amphan's landfall (20 May 2020)."""
    def urgent(report, category="requests_or_urgent_needs", need="rescue"):  # draws a zone alone (zone_worthy)
        return dataclasses.replace(report, category=category, needs=(need,), urgency="high")

    reports = [
        urgent(make_report("1", when=_at(20, 12))),
        urgent(make_report("2", XSS, lat=22.57, lon=88.36, when=_at(20, 10)), "infrastructure_and_utility_damage", "power"),
        make_report("3", "no place named here", lat=None, lon=None, when=_at(20, 11)),
        make_report("4", "Tree fall on EM Bypass", lat=22.52, lon=88.40, when=_at(18, 9), feed="traffic"),
    ]
    alerts = [
        make_alert("A1", severity="Extreme", sent=_at(19, 6), expires=_at(21, 0)),
        make_alert("A2", severity="Severe", sent=_at(18, 0), expires=_at(19, 0)),
    ]
    store.upsert(reports, alerts)
    zoning.update(store)  # incidents and zones, as the zoning worker writes them


@pytest.fixture
def app(store_factory: Callable[..., Store], monkeypatch: pytest.MonkeyPatch) -> AppTest:
    store = store_factory("dash")
    fill(store)
    monkeypatch.setenv("CRISISMAP_STORE_URL", store.url)
    return AppTest.from_file(str(APP), default_timeout=60)


def query(at: AppTest, key: str) -> list[str]:
    """A query parameter's values (AppTest keeps a single value as a plain string)."""
    value = at.query_params[key]
    return [value] if isinstance(value, str) else list(value)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def map_args(at: AppTest) -> tuple[str, dict[str, object]]:
    [component] = [e for e in at.main if e.type == "component_instance"]
    assert component.proto.component_name == "streamlit_folium.st_folium"
    return component.proto.json_args, json.loads(component.proto.json_args)


def test_counts_at_the_latest_event_time(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert metrics(app) == {
        "Reports located": "2",  # the traffic report of the 18th is outside the 24 h window
        "Reports unlocated": "1",
        "Alerts live": "1",  # A2 expired on the 19th
        "Extreme / severe alerts": "1",
        "Active incidents": "2",  # each located report is its own incident; the traffic one is older than 24 h
        "Affected zones": "3",  # two around the incidents, one for the live alert
    }
    assert any(c.value.startswith("As of 20 May 2020 12:00 UTC") for c in app.caption)


def test_map_uses_local_assets_only_and_escapes_public_text(app: AppTest) -> None:
    app.run()
    raw, args = map_args(app)
    assert "http://" not in raw and "https://" not in raw
    links = [*args["js_links"], *args["css_links"]]  # type: ignore[misc]
    assert links and all(link.startswith("/app/static/vendor/") for link in links)
    assert "/app/static/vendor/leaflet/dist/leaflet.js" in links
    layers = str(args["feature_group"])
    assert "<script>alert(1)" not in raw and "<img src=x" not in raw and "${alert(3)}" not in raw
    shown = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; help &#36;&#123;alert(3)&#125;"
    assert shown.replace("&", "\\u0026") in layers  # folium writes the marker data with tojson
    assert "cm-sev-extreme" in layers and "cm-sev-severe" not in layers
    assert "L.markerClusterGroup" in layers


def test_tables_show_text_as_text(app: AppTest) -> None:
    app.run()
    unlocated, located, _ = app.dataframe
    assert list(unlocated.value["text"]) == ["no place named here"]
    assert XSS in list(located.value["text"])  # st.dataframe renders cells as text, never HTML
    assert not [m for m in app.markdown if "<script>" in m.value]


def test_zone_and_incident_layers_are_drawn_under_the_reports(app: AppTest) -> None:
    app.run()
    args = map_args(app)[1]
    control = str(args["layer_control"])  # toggleable, listed bottom to top
    assert control.index('"Affected zones"') < control.index('"Incidents"') < control.index('"Reports"')
    layers = str(args["feature_group"])
    assert layers.count("cm-incident-marker") == 2  # the traffic report's incident is outside the 24 h window
    assert layers.count("cm-zone cm-zone-reports") == 2 and layers.count("cm-zone cm-zone-alert") == 1
    assert layers.index("cm-zone") < layers.index("cm-incident-marker") < layers.index("L.markerClusterGroup")


def test_reports_are_counted_per_district_never_dropped(app: AppTest) -> None:
    app.run()
    tallies = app.dataframe[2].value
    rows = {r["district"]: r for r in tallies.to_dict("records")}
    assert rows["unknown district"]["unlocated"] == 1
    assert sum(r["point"] for r in rows.values()) == 3
    assert tallies["total"].sum() == 4  # every stored report the zoning saw


def test_filters_come_from_the_query_string(app: AppTest) -> None:
    app.query_params["feed"] = ["traffic"]
    app.query_params["window"] = "0"
    app.run()
    assert app.multiselect(key="feeds").value == ["traffic"]
    assert app.selectbox(key="window").value == "whole event"
    assert metrics(app)["Reports located"] == "1"
    assert metrics(app)["Reports unlocated"] == "0"


def test_changing_filters_updates_the_query_string(app: AppTest) -> None:
    app.run()
    app.multiselect(key="feeds").set_value(["distress"]).run()
    app.multiselect(key="categories").set_value(["requests_or_urgent_needs"]).run()
    assert query(app, "feed") == ["distress"]
    assert query(app, "category") == ["requests_or_urgent_needs"]
    assert metrics(app)["Reports located"] == "1"
    assert metrics(app)["Reports unlocated"] == "0"


def test_scrubbing_back_in_time(app: AppTest) -> None:
    app.run()
    assert app.slider(key="as_of").disabled
    app.toggle(key="follow").set_value(False).run()
    app.slider(key="as_of").set_value(datetime(2020, 5, 18, 12, 0)).run()
    assert not app.exception
    assert query(app, "as_of") == ["2020-05-18T12:00"]
    assert metrics(app) == {
        "Reports located": "1",  # only the traffic report of the 18th
        "Reports unlocated": "0",
        "Alerts live": "1",  # A2, in force on the 18th; A1 not sent yet
        "Extreme / severe alerts": "1",
        "Active incidents": "1",  # only the traffic report's incident was seen by then
        "Affected zones": "3",  # zones are the zoning's latest state
    }
    assert "cm-sev-severe" in str(map_args(app)[1]["feature_group"])


def test_a_shared_link_opens_at_its_time(app: AppTest) -> None:
    app.query_params["as_of"] = "2020-05-19T07:00"
    app.run()
    assert app.toggle(key="follow").value is False
    assert app.slider(key="as_of").value == datetime(2020, 5, 19, 7, 0)
    assert metrics(app)["Alerts live"] == "1"


def test_empty_store_says_what_to_do(store_factory: Callable[..., Store], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRISISMAP_STORE_URL", store_factory("empty").url)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert "no reports or alerts yet" in at.info[0].value
    assert not [e for e in at.main if e.type == "component_instance"]


def test_bad_settings_are_shown_not_raised(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CRISISMAP_STORE_URL", f"sqlite:///{tmp_path / 's.db'}")
    monkeypatch.setenv("CRISISMAP_REFRESH_SECONDS", "-1")
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert "refresh_seconds" in at.error[0].value


def test_the_app_never_imports_streams_or_kafka() -> None:
    code = (
        "import sys, dashboard.app, dashboard.views.live_map, dashboard.data, dashboard.mapview, dashboard.server;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'streams', 'kafka'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]"


def test_alert_history_survives_updates_and_cancels(store_factory: Callable[..., Store]) -> None:
    """An alert later updated or cancelled was still in force before that happened."""
    from dashboard.data import load_alerts

    store = store_factory("history")
    first = make_alert("H1", sent=_at(18, 0), expires=_at(22, 0))
    ref = f"{first.sender},{first.identifier},{first.sent.isoformat()}"
    update = make_alert("H2", msg_type="Update", references=(ref,), sent=_at(19, 0), expires=_at(22, 0))
    ref2 = f"{update.sender},{update.identifier},{update.sent.isoformat()}"
    cancel = make_alert("H3", msg_type="Cancel", references=(ref2,), sent=_at(20, 0), expires=_at(22, 0))
    store.upsert([], [first, update, cancel])

    def live(day: int, hour: int) -> list[str]:
        return sorted(load_alerts(store.url, _at(day, hour))["identifier"])

    assert live(17, 12) == []
    assert live(18, 12) == ["H1"]
    assert live(19, 12) == ["H2"]
    assert live(20, 12) == []
