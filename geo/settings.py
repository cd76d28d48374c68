"""One typed, frozen settings object, built once per entry point and passed down explicitly.

Precedence, lowest first: the defaults declared here, ``config/default.toml``, an optional TOML file
named by ``CRISISMAP_CONFIG`` (or ``--config``), environment variables (``CRISISMAP_*``, and the
conventional ``KAFKA_BOOTSTRAP_SERVERS``), then command-line flags (``Settings.load(**overrides)``).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings import SettingsError as PydanticSettingsError

from geo.errors import SettingsError

#: The repository's ``config/`` folder: defaults and the bundled scenario's settings.
CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
DEFAULT_CONFIG = CONFIG_DIR / "default.toml"


class Settings(BaseSettings):
    """Every knob crisismap has, with its help text. Frozen: build a new one to change a value."""

    model_config = SettingsConfigDict(env_prefix="CRISISMAP_", frozen=True, extra="forbid")

    # --- Kafka -------------------------------------------------------------------------------
    kafka_bootstrap_servers: str | None = Field(
        default=None,
        validation_alias=AliasChoices("kafka_bootstrap_servers", "CRISISMAP_KAFKA_BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP_SERVERS"),
        description="host:port list of an existing Kafka cluster. Unset: crisismap starts its embedded broker.",
    )
    broker_port: int = Field(9092, ge=1, le=65535, description="Loopback port of the embedded broker.")
    topic_weather: str = Field("feeds.weather", description="Topic of weather-agency alerts and bulletins.")
    topic_traffic: str = Field("feeds.traffic", description="Topic of traffic-police alerts.")
    topic_distress: str = Field("feeds.distress", description="Topic of public distress posts and SMS.")
    topic_deadletter: str = Field("feeds.deadletter", description="Where malformed messages go, with their reason.")
    topic_outbound: str = Field("alerts.outbound", description="Approved broadcasts (CAP 1.2 XML).")
    topic_partitions: int = Field(3, ge=1, le=1024, description="Partitions per feed topic when crisismap creates it.")
    consumer_group: str = Field("crisismap-ingest", description="Consumer group of the ingest workers.")
    ingest_batch_size: int = Field(500, ge=1, le=100_000, description="Most records handled per store transaction.")
    max_message_bytes: int = Field(1_000_000, ge=1024, description="Larger feed messages are dead-lettered as oversize.")

    # --- Public posts -------------------------------------------------------------------------
    official_accounts: tuple[str, ...] = Field(
        (),
        description="Handles or sender numbers of verified official accounts (police, NDRF, IMD...); their "
        "posts are flagged official. Case-insensitive, a leading @ is ignored.",
    )
    event_region: tuple[str, ...] = Field(
        (),
        description="States or countries the event is about (e.g. West Bengal, Odisha). Between namesakes "
        "(India has dozens of Ghazipurs) the geocoder prefers one there, unless the text says otherwise.",
    )
    factcheck_file: str | None = Field(
        None,
        description="JSON Lines fact-check feed (id, claim, verdict, source, url); posts repeating a claim are "
        "flagged. A relative path is taken from the repository root.",
    )

    # --- Store -------------------------------------------------------------------------------
    store_url: str = Field(
        "sqlite:///var/crisismap.db",
        description="sqlite:///relative/or/absolute.db, or postgresql://user@host/db (PostGIS).",
    )

    # --- Scenario and replay -----------------------------------------------------------------
    scenario_size: int = Field(3000, ge=10, le=2_000_000, description="Messages the bundled scenario generates.")
    scenario_seed: int = Field(2020, description="Seed of the scenario generator; same seed, same messages.")
    replay_speed: float = Field(0.0, ge=0.0, description="Event-time speed-up of replay (60 = 60x); 0 = as fast as possible.")

    # --- Dashboard ---------------------------------------------------------------------------
    dashboard_host: str = Field("127.0.0.1", description="Address the Streamlit server binds.")
    dashboard_port: int = Field(8501, ge=1, le=65535, description="Port of the Streamlit server.")
    tile_url: str | None = Field(
        None,
        description="XYZ tile URL template for the base map (e.g. a local tile server). Unset: no base tiles, "
        "district and state outlines only, so the map works offline.",
    )
    refresh_seconds: float = Field(5.0, gt=0, description="How often the live map re-reads the store.")

    @field_validator("kafka_bootstrap_servers")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @property
    def embedded_broker(self) -> bool:
        """True when no external cluster is configured, so crisismap runs its own broker."""
        return self.kafka_bootstrap_servers is None

    @property
    def bootstrap_servers(self) -> str:
        """Where Kafka clients connect: the configured cluster, else the embedded broker."""
        return self.kafka_bootstrap_servers or f"127.0.0.1:{self.broker_port}"

    @property
    def factcheck_path(self) -> Path | None:
        if self.factcheck_file is None:
            return None
        path = Path(self.factcheck_file)
        return path if path.is_absolute() else CONFIG_DIR.parent / path

    @property
    def feed_topics(self) -> tuple[str, str, str]:
        return (self.topic_weather, self.topic_traffic, self.topic_distress)

    @classmethod
    def load(cls, config_file: str | Path | None = None, **overrides: Any) -> Settings:
        """Build settings from defaults, TOML files, the environment, then ``overrides`` (flags).

        Overrides whose value is ``None`` are ignored, so unset CLI flags fall through.
        """
        values: dict[str, Any] = {}
        files = [DEFAULT_CONFIG]
        extra = config_file or os.environ.get("CRISISMAP_CONFIG")
        if extra:
            files.append(Path(extra))
        for path in files:
            values.update(_read_toml(path))
        env_names = {f"CRISISMAP_{name.upper()}" for name in cls.model_fields} | {"KAFKA_BOOTSTRAP_SERVERS"}
        from_env = {k for k in os.environ if k in env_names}
        # Environment beats files: drop file values the environment sets, pydantic-settings reads env.
        for key in from_env:
            name = key.removeprefix("CRISISMAP_").lower()
            values.pop(name, None)
            if key == "KAFKA_BOOTSTRAP_SERVERS":
                values.pop("kafka_bootstrap_servers", None)
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls(**values)
        except PydanticSettingsError as exc:  # an environment variable that cannot be read
            msg = f"{exc}; complex settings in the environment are JSON, e.g. CRISISMAP_OFFICIAL_ACCOUNTS='[\"a\", \"b\"]'"
            raise SettingsError(msg) from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "settings"
            msg = f"setting {where!r}: {first['msg']} (got {first.get('input')!r})"
            raise SettingsError(msg) from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        msg = f"config file {path} does not exist; pass an existing TOML file"
        raise SettingsError(msg) from None
    except tomllib.TOMLDecodeError as exc:
        msg = f"config file {path} is not valid TOML: {exc}"
        raise SettingsError(msg) from None
    nested = [key for key, value in data.items() if isinstance(value, dict)]
    if nested:
        msg = f"config file {path} has a [{nested[0]}] section; settings are flat keys (see config/default.toml)"
        raise SettingsError(msg)
    return data
