"""The real dashboard server (``crisismap dashboard``) on a free loopback port and headless Chromium.

A missing Chromium, a missing ``crisismap`` command or a server that does not come up fails the
run: nothing here skips.
"""

from __future__ import annotations

import dataclasses
import math
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from geo._process import stop_process
from geo import zoning
from geo.model import Location
from geo.store import open_store
from tests.conftest import make_alert, make_report

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip
STARTUP_TIMEOUT_S = 90.0
#: Public text that must never run in the browser; each payload would set window.__xss.
XSS_TEXT = (
    '<script>window.__xss = "script"</script><img src=x onerror="window.__xss = \'img\'"> '
    "${window.__xss = 'template'} `+(window.__xss = 'backtick')+` help at Digha"
)
XSS_LATLON = (21.627, 87.509)  # Digha: far from the other reports, so its marker is not clustered


@dataclass(frozen=True, slots=True)
class RunningDashboard:
    url: str
    port: int
    process: subprocess.Popen[str]
    output: list[str]
    store_url: str = ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def crisismap_command() -> str:
    path = Path(sys.executable).parent / "crisismap"
    if not path.exists():
        pytest.fail(f"{path} does not exist: install the project (make venv) before the browser tests")
    return str(path)


def fill_store(url: str) -> None:
    """Two live alerts, one expired, 40 clustered reports near Gosaba, the XSS post and an unlocated
    one; then the zoning (incidents at Gosaba and Digha, zones around them and the live alerts)."""
    store = open_store(url)
    base = datetime(2020, 5, 20, 12, 0, tzinfo=UTC)
    reports = []
    for i in range(40):
        angle, dist = i * 2.4, 0.02 + 0.004 * i
        lat, lon = 22.16 + dist * math.sin(angle), 88.81 + dist * math.cos(angle)
        report = make_report(str(100 + i), f"Water entering houses, report {i}", lat=lat, lon=lon,
                             when=base - timedelta(minutes=7 * i))  # fmt: skip
        category = ("requests_or_urgent_needs", "infrastructure_and_utility_damage", None)[i % 3]
        urgent = {"needs": ("rescue",), "urgency": "high"} if i % 3 == 0 else {}  # these draw zones (zone_worthy)
        reports.append(dataclasses.replace(report, category=category, author=f"resident{i}", **urgent))
    xss = make_report("1", XSS_TEXT, lat=XSS_LATLON[0], lon=XSS_LATLON[1], when=base - timedelta(hours=1))
    digha = Location(lat=XSS_LATLON[0], lon=XSS_LATLON[1], radius_m=1500.0, kind="town", name="Digha",
                     method="gazetteer", state="WEST BENGAL", district="PURBA MEDINIPUR")  # fmt: skip
    check = {"id": "fc1", "verdict": "false", "source": "<b>PIB</b> Fact Check", "url": "https://example.invalid"}
    reports.append(dataclasses.replace(xss, location=digha, locations=(digha,), extra={"fact_check": check}))
    reports.append(make_report("2", "need help, no place given", lat=None, lon=None, when=base))
    alerts = [
        make_alert("A1", severity="Extreme", sent=base - timedelta(days=1), expires=base + timedelta(days=1)),
        dataclasses.replace(
            make_alert("A2", severity="Severe", sent=base - timedelta(hours=6), expires=base + timedelta(hours=6)),
            info=tuple(
                dataclasses.replace(
                    info,
                    headline="Storm surge warning for Purba Medinipur",
                    areas=tuple(
                        dataclasses.replace(a, polygons=(((87.4, 21.5), (88.0, 21.5), (88.0, 22.0), (87.4, 22.0), (87.4, 21.5)),))
                        for a in info.areas
                    ),
                )
                for info in make_alert("A2").info
            ),
        ),
        make_alert("A3", severity="Moderate", sent=base - timedelta(days=3), expires=base - timedelta(days=2)),
    ]
    store.upsert(reports, alerts)
    zoning.update(store)  # incidents and affected zones, as the zoning worker writes them
    store.close()


def start_dashboard(store_url: str, port: int) -> RunningDashboard:
    """Run ``crisismap dashboard`` and wait for its "crisismap dashboard: <url>" line."""
    env = os.environ | {"CRISISMAP_REFRESH_SECONDS": "3"}
    env.pop("CRISISMAP_CONFIG", None)
    process = subprocess.Popen(
        [crisismap_command(), "dashboard", "--port", str(port), "--store-url", store_url],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True,
    )  # fmt: skip
    lines: queue.Queue[str | None] = queue.Queue()
    output: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line.rstrip("\n"))
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    expected = f"crisismap dashboard: http://127.0.0.1:{port}"
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1.0)
        except queue.Empty:
            continue
        if line is None:
            break
        if line.strip() == expected:
            return RunningDashboard(url=f"http://127.0.0.1:{port}", port=port, process=process, output=output,
                                    store_url=store_url)  # fmt: skip
    process.kill()
    process.wait()
    pytest.fail(f"crisismap dashboard did not print {expected!r}; its output:\n" + "\n".join(output[-30:]))


def stop_dashboard(running: RunningDashboard, timeout: float = 20.0) -> int:
    return stop_process(running.process, timeout)


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDashboard]:
    """The dashboard on a filled temporary store, stopped with SIGTERM at the end."""
    url = f"sqlite:///{tmp_path_factory.mktemp('dashboard') / 'store.db'}"
    fill_store(url)
    running = start_dashboard(url, free_port())
    yield running
    stop_dashboard(running)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, driven by Python playwright (never a downloaded browser)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
