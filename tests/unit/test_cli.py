"""Bad input on the long-running commands: one line on stderr, exit 2, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["ingest", "--store-url", "mysql://x"], "is not supported; use sqlite"),
        (["replay", "--file", "/nonexistent/messages.jsonl"], "does not exist; write one with"),
        (["replay", "--speed", "-1"], "'--speed'"),
        (["broker", "--port", "70000"], "broker_port"),
        (["demo", "--config", "/nonexistent.toml"], "does not exist"),
        (["no-such-command"], "No such command"),
    ],
)
def test_user_mistakes_are_one_line_and_exit_2(args, expected):
    proc = subprocess.run([sys.executable, "-m", "streams.cli", *args], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert expected in lines[0]
    assert "Traceback" not in proc.stderr


def test_help_lists_every_job():
    proc = subprocess.run([sys.executable, "-m", "streams.cli", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    for job in ("demo", "broker", "replay", "ingest", "zones", "dashboard", "geocode", "classify", "parse-cap", "scenario"):
        assert job in proc.stdout
