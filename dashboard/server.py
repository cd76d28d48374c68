"""Start and stop the Streamlit server that runs the dashboard (used by ``crisismap dashboard``).

The server is ``streamlit run dashboard/app.py`` in a child process, headless, with static file
serving on (the local Leaflet assets), bound to ``settings.dashboard_host:dashboard_port``. Every
setting is handed to the app as a ``CRISISMAP_*`` environment variable, so the app builds the same
``Settings`` the command did.
"""

from __future__ import annotations

import json

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from dashboard.errors import DashboardError
from geo._process import stop_process
from geo.settings import Settings

APP = Path(__file__).resolve().parent / "app.py"
#: Bengali and Devanagari faces served from the app's static folder (fetched at install time), so
#: Streamlit's own text and tables (drawn on a canvas) show Indic posts on a machine without Indic
#: system fonts; each face covers only its script (unicodeRange), Latin stays Streamlit's font.
FONT_FACES = (
    {"family": "cm-noto-bengali", "unicodeRange": "U+0980-09FF, U+200C-200D",
     "url": "app/static/vendor/noto-sans-bengali/files/noto-sans-bengali-bengali-400-normal.woff2"},
    {"family": "cm-noto-devanagari", "unicodeRange": "U+0900-097F, U+A8E0-A8FF",
     "url": "app/static/vendor/noto-sans-devanagari/files/noto-sans-devanagari-devanagari-400-normal.woff2"},
)  # fmt: skip
STARTUP_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class DashboardServer:
    """A running Streamlit server; :meth:`stop` ends it (SIGTERM, then SIGKILL after ``timeout``)."""

    process: subprocess.Popen[bytes]
    url: str

    def stop(self, timeout: float = 15.0) -> int:
        return stop_process(self.process, timeout)


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on ``host:port`` (a bind there would fail)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def settings_env(settings: Settings) -> dict[str, str]:
    """``CRISISMAP_<FIELD>`` for every set field, so the app rebuilds exactly these settings."""
    return {
        f"CRISISMAP_{name.upper()}": json.dumps(value) if isinstance(value, list | tuple | dict) else str(value)
        for name, value in settings.model_dump().items()
        if value is not None
    }


def streamlit_command(settings: Settings) -> list[str]:
    """The ``streamlit run`` command line for ``settings``."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true",
        "--server.address", settings.dashboard_host,
        "--server.port", str(settings.dashboard_port),
        "--server.enableStaticServing", "true",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "minimal",
        "--theme.base", "dark",
        "--theme.primaryColor", "#f48c06",
        "--theme.backgroundColor", "#0b1622",
        "--theme.secondaryBackgroundColor", "#13202e",
        "--theme.textColor", "#e6edf3",
        "--theme.font", ", ".join(["sans-serif", *(f["family"] for f in FONT_FACES)]),
        "--theme.fontFaces", json.dumps(list(FONT_FACES)),
    ]  # fmt: skip


def start_dashboard(
    settings: Settings, *, output: IO[bytes] | int | None = None, timeout: float = STARTUP_TIMEOUT_S
) -> DashboardServer:
    """Start the server and wait until it answers its health check; raise DashboardError if it cannot."""
    host, port = settings.dashboard_host, settings.dashboard_port
    if port_in_use(host, port):
        msg = f"port {port} on {host} is already in use; stop what runs there or pick another with --port"
        raise DashboardError(msg)
    env = os.environ | settings_env(settings)
    env.pop("CRISISMAP_CONFIG", None)  # the environment above already holds every value
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        streamlit_command(settings),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=output if output is not None else sys.stderr.fileno(),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url_host = f"[{host}]" if ":" in host else host
    server = DashboardServer(process=process, url=f"http://{url_host}:{port}")
    try:
        _wait_healthy(server, timeout)
    except BaseException:
        server.stop(timeout=5)
        raise
    return server


def _wait_healthy(server: DashboardServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    health = f"{server.url}/_stcore/health"
    while time.monotonic() < deadline:
        code = server.process.poll()
        if code is not None:
            msg = f"the Streamlit server exited with status {code} before answering on {server.url}; see its output above"
            raise DashboardError(msg)
        try:
            with urllib.request.urlopen(health, timeout=2) as response:  # noqa: S310 - loopback URL we built
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    msg = f"the Streamlit server did not answer on {server.url} within {timeout:g} s"
    raise DashboardError(msg)
