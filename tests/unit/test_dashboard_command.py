"""``crisismap dashboard`` without a browser: settings hand-over, the streamlit command line, errors."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

from dashboard import server
from geo.settings import Settings
from streams.cli import main


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port something listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_settings_reach_the_app_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    given = Settings.load(
        store_url="sqlite:////tmp/x.db", dashboard_port=8600, refresh_seconds=2.5, tile_url="http://127.0.0.1:9/{z}/{x}/{y}.png"
    )
    env = server.settings_env(given)
    assert env["CRISISMAP_STORE_URL"] == "sqlite:////tmp/x.db" and env["CRISISMAP_DASHBOARD_PORT"] == "8600"
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert Settings.load() == given


def test_streamlit_command_is_headless_with_static_serving_on_the_configured_address() -> None:
    cmd = server.streamlit_command(Settings.load(dashboard_host="127.0.0.1", dashboard_port=8777))
    pairs = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert cmd[1:5] == ["-m", "streamlit", "run", str(server.APP)]
    assert pairs["--server.headless"] == "true"
    assert pairs["--server.enableStaticServing"] == "true"
    assert pairs["--server.address"] == "127.0.0.1" and pairs["--server.port"] == "8777"
    assert pairs["--browser.gatherUsageStats"] == "false"


def test_port_in_use_is_detected(busy_port: int) -> None:
    assert server.port_in_use("127.0.0.1", busy_port)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free = sock.getsockname()[1]
    assert not server.port_in_use("127.0.0.1", free)


def test_port_in_use_is_one_line_and_exit_2(busy_port: int, tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["dashboard", "--port", str(busy_port), "--store-url", f"sqlite:///{tmp_path / 's.db'}"])
    assert exit_info.value.code == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert err == [f"error: port {busy_port} on 127.0.0.1 is already in use; stop what runs there or pick another with --port"]


def test_bad_port_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["dashboard", "--port", "99999"])
    assert exit_info.value.code == 2
    assert "dashboard_port" in capsys.readouterr().err


def test_indic_font_faces_are_served_from_the_static_folder() -> None:
    cmd = server.streamlit_command(Settings.load())
    faces = json.loads(cmd[cmd.index("--theme.fontFaces") + 1])
    assert [f["family"] for f in faces] == ["cm-noto-bengali", "cm-noto-devanagari"]
    assert cmd[cmd.index("--theme.font") + 1] == "sans-serif, cm-noto-bengali, cm-noto-devanagari"
    for face in faces:  # "app/static/..." is the app's static folder, filled by `make assets` (npm packages)
        assert face["url"].startswith("app/static/") and "://" not in face["url"]
        assert (server.APP.parent / face["url"].removeprefix("app/")).is_file()
    assert list(server.FONT_FACES) == faces
