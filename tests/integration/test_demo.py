"""`crisismap demo` end to end: broker, workers, replay and dashboard start; Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

from geo.store import open_store
from streams.broker import free_port, port_in_use


def test_demo_runs_the_whole_pipeline_and_stops_on_ctrl_c(tmp_path):
    broker_port, dashboard_port = free_port(), free_port()
    store = tmp_path / "demo.db"
    config = tmp_path / "demo.toml"
    config.write_text(
        f"broker_port = {broker_port}\ndashboard_port = {dashboard_port}\nscenario_size = 300\nreplay_speed = 0.0\n"
        f'store_url = "sqlite:///{store}"\nfactcheck_file = "config/factchecks/amphan.jsonl"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRISISMAP_") and k != "KAFKA_BOOTSTRAP_SERVERS"}
    proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "demo", "--config", str(config)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path)  # fmt: skip
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not any("replayed" in line for line in lines):
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "".join(lines)
            lines.append(line)
        assert any(f"http://127.0.0.1:{dashboard_port}" in line for line in lines), "".join(lines)
        with urllib.request.urlopen(f"http://127.0.0.1:{dashboard_port}/", timeout=10) as page:
            assert page.status == 200
        stored = 0
        while time.monotonic() < deadline and stored < 300:
            if store.exists():
                s = open_store(f"sqlite:///{store}")
                stored = s.count_reports() + s.count_alerts()
                s.close()
            time.sleep(1)
        assert stored >= 300 - 5  # a CAP document may hold several alerts; every message is in
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, out
        assert "crisismap demo: stopped" in out
        time.sleep(1)
        assert not port_in_use(broker_port) and not port_in_use(dashboard_port)
    finally:
        if proc.poll() is None:
            proc.kill()
