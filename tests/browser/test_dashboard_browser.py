"""The dashboard in headless Chromium: the map draws alerts and reports, offline, and runs no public text."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from geo.store import open_store
from tests.browser.conftest import XSS_LATLON, RunningDashboard, fill_store, free_port, start_dashboard, stop_dashboard

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
WAIT_MS = 60_000
#: Where the screenshot goes (a temp dir unless CRISISMAP_SCREENSHOT_DIR says otherwise).
SHOT_DIR = Path(os.environ.get("CRISISMAP_SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="crisismap-shot-"))


@pytest.fixture(scope="module")
def loaded(dashboard: RunningDashboard, browser: Any) -> Iterator[dict[str, Any]]:
    """The dashboard page, opened once, with every request and dialog recorded; off-host requests
    are recorded and aborted."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    seen: dict[str, Any] = {"requests": [], "external": [], "dialogs": [], "errors": []}
    host = f"127.0.0.1:{dashboard.port}"

    def route(route: Any) -> None:
        url = route.request.url
        seen["requests"].append(url)
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != host:
            seen["external"].append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.goto(dashboard.url, wait_until="domcontentloaded")
    frame = page.wait_for_selector(MAP_FRAME, timeout=WAIT_MS).content_frame()
    frame.wait_for_selector(".leaflet-container", timeout=WAIT_MS)
    frame.wait_for_selector("path.cm-alert", state="attached", timeout=WAIT_MS)
    frame.wait_for_selector(".leaflet-marker-pane > *", state="attached", timeout=WAIT_MS)
    frame.wait_for_selector("path.cm-incident-marker", state="attached", timeout=WAIT_MS)
    page.wait_for_timeout(1500)  # let tiles of the cluster animation settle before the screenshot
    seen |= {"page": page, "frame": frame}
    yield seen
    context.close()


def test_alert_polygons_are_drawn_by_severity(loaded: dict[str, Any]) -> None:
    frame = loaded["frame"]
    assert frame.locator("path.cm-alert").count() == 2  # A3 expired before the latest event time
    assert frame.locator("path.cm-sev-extreme").count() == 1
    assert frame.locator("path.cm-sev-severe").count() == 1
    assert frame.locator("path.cm-sev-moderate").count() == 0
    assert frame.locator("path.cm-state").count() > 3  # the offline base map


def test_zone_and_incident_layers_are_drawn(loaded: dict[str, Any], dashboard: RunningDashboard) -> None:
    frame = loaded["frame"]
    store = open_store(dashboard.store_url)
    try:
        zones, incidents = store.zones_frame(), store.incidents_frame()
    finally:
        store.close()
    assert len(incidents) >= 2 and {"reports", "alert"} <= set(zones["kind"])
    assert frame.locator("path.cm-zone").count() == len(zones)
    assert frame.locator("path.cm-zone-reports").count() == int((zones["kind"] == "reports").sum())
    assert frame.locator("path.cm-incident").count() == int(incidents.geometry.notna().sum())
    assert frame.locator("path.cm-incident-marker").count() == len(incidents)
    labels = frame.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    names = [label.strip() for label in labels]
    assert names.index("Affected zones") < names.index("Incidents") < names.index("Reports")


def test_incidents_page_lists_the_incidents(dashboard: RunningDashboard, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{dashboard.url}/incidents", wait_until="domcontentloaded")
    page.wait_for_selector("text=Incidents: triage", timeout=WAIT_MS)
    page.wait_for_selector("text=Evidence reports", timeout=WAIT_MS)
    page.wait_for_selector("[data-testid='stDataFrameResizable'] canvas", state="attached", timeout=WAIT_MS)
    page.wait_for_timeout(2000)
    assert page.locator("[data-testid='stDataFrame']").count() >= 2  # the triage table and the evidence
    assert page.evaluate("() => window.__xss === undefined") and dialogs == []
    page.screenshot(path=str(SHOT_DIR / "dashboard-incidents.png"))
    context.close()


def test_report_markers_and_clusters_are_drawn(loaded: dict[str, Any]) -> None:
    frame = loaded["frame"]
    assert frame.locator(".marker-cluster").count() >= 1
    assert frame.locator(".awesome-marker").count() >= 1
    in_clusters = sum(int(t) for t in frame.locator(".marker-cluster span").all_inner_texts())
    singles = frame.locator(".leaflet-marker-pane .awesome-marker").count()
    assert in_clusters + singles == 41  # 40 near Gosaba + the Digha post; the unlocated one has no marker


def test_no_request_leaves_the_machine(loaded: dict[str, Any]) -> None:
    assert loaded["external"] == []
    local = [u for u in loaded["requests"] if "/app/static/vendor/" in u]
    assert any(u.endswith("/leaflet/dist/leaflet.js") for u in local)
    assert any(u.endswith("/leaflet.markercluster/dist/leaflet.markercluster.js") for u in local)
    assert any("/fontawesome-free/webfonts/" in u for u in local)
    assert loaded["errors"] == []


def test_public_text_is_shown_not_run(loaded: dict[str, Any]) -> None:
    frame = loaded["frame"]
    lat, lon = XSS_LATLON
    opened = frame.evaluate(
        """([lat, lon]) => { let n = 0; window.map.eachLayer(l => {
             if (l.getLatLng && l.options.icon && l.getPopup && l.getPopup() && Math.abs(l.getLatLng().lat - lat) < 1e-6
                 && Math.abs(l.getLatLng().lng - lon) < 1e-6) { l.fire('click', {latlng: l.getLatLng()}); n += 1; }
           }); return n; }""",
        [lat, lon],
    )
    assert opened == 1
    content = frame.wait_for_selector(".leaflet-popup-content", timeout=WAIT_MS).inner_text()
    assert '<script>window.__xss = "script"</script>' in content
    assert "${window.__xss = 'template'}" in content
    assert "Digha" in content and "\u00b1 1.5 km" in content
    assert "FACT-CHECKED: false (<b>PIB</b> Fact Check)" in content  # the badge, its source shown as text
    loaded["page"].wait_for_timeout(500)
    assert frame.evaluate("() => window.__xss === undefined")
    assert loaded["page"].evaluate("() => window.__xss === undefined")
    assert frame.locator('img[src="x"]').count() == 0
    assert loaded["dialogs"] == []
    loaded["page"].screenshot(path=str(SHOT_DIR / "dashboard-popup.png"))


def test_screenshot(loaded: dict[str, Any]) -> None:
    path = SHOT_DIR / "dashboard.png"
    loaded["frame"].evaluate("() => window.map.closePopup()")
    loaded["page"].mouse.move(5, 5)  # no tooltip in the picture
    loaded["page"].screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 20_000
    print(f"screenshot: {path}")


@pytest.mark.integration
def test_sigterm_stops_the_server_cleanly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    fill_store(url)
    running = start_dashboard(url, free_port())
    assert stop_dashboard(running) == 0
    running.process.wait()
    assert "crisismap dashboard: stopped" in running.output[-3:] or any(
        line == "crisismap dashboard: stopped" for line in running.output
    )
