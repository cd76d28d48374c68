"""Settings precedence: defaults < config/default.toml < --config file < environment < flags."""

from __future__ import annotations

import pytest

from geo.errors import SettingsError
from geo.settings import Settings


def test_defaults_use_embedded_broker(monkeypatch):
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.delenv("CRISISMAP_KAFKA_BOOTSTRAP_SERVERS", raising=False)
    s = Settings.load()
    assert s.embedded_broker
    assert s.bootstrap_servers == "127.0.0.1:9092"
    assert s.feed_topics == ("feeds.weather", "feeds.traffic", "feeds.distress")


def test_kafka_bootstrap_servers_env_disables_embedded_broker(monkeypatch):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    s = Settings.load()
    assert not s.embedded_broker
    assert s.bootstrap_servers == "kafka:9092"


def test_precedence_file_env_flag(tmp_path, monkeypatch):
    cfg = tmp_path / "site.toml"
    cfg.write_text('broker_port = 9300\nstore_url = "sqlite:///from-file.db"\nscenario_size = 50\n')
    monkeypatch.setenv("CRISISMAP_STORE_URL", "sqlite:///from-env.db")
    s = Settings.load(cfg, scenario_size=77)
    assert s.broker_port == 9300  # file beats default.toml
    assert s.store_url == "sqlite:///from-env.db"  # env beats file
    assert s.scenario_size == 77  # flag beats everything
    assert Settings.load(cfg, scenario_size=None).scenario_size == 50  # unset flag falls through


def test_settings_are_frozen():
    s = Settings.load()
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises ValidationError on frozen assignment
        s.broker_port = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("content", "message"),
    [("broker_port = 99999\n", "broker_port"), ("[kafka]\nport = 1\n", "section"), ("nonsense = = 1\n", "not valid TOML"),
     ("unknown_key = 1\n", "unknown_key")],
)
def test_bad_config_is_a_one_line_error(tmp_path, content, message):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(content)
    with pytest.raises(SettingsError, match=message) as info:
        Settings.load(cfg)
    assert "\n" not in str(info.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        Settings.load(tmp_path / "nope.toml")


def test_unreadable_environment_value_is_a_one_line_error(monkeypatch):
    monkeypatch.setenv("CRISISMAP_OFFICIAL_ACCOUNTS", "('a', 'b')")
    with pytest.raises(SettingsError, match="official_accounts") as info:
        Settings.load()
    assert "\n" not in str(info.value)
    monkeypatch.setenv("CRISISMAP_OFFICIAL_ACCOUNTS", '["@KolkataPolice"]')
    assert Settings.load().official_accounts == ("@KolkataPolice",)
