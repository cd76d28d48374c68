"""Errors of the Kafka edge. Each message is safe to show a user and says what to do."""

from __future__ import annotations

from geo.errors import CrisismapError


class AdapterError(CrisismapError, ValueError):
    """A feed message cannot be parsed; its message becomes the dead-letter reason."""


class BrokerError(CrisismapError, RuntimeError):
    """The embedded broker cannot start, or the configured cluster cannot be reached."""


class ScenarioError(CrisismapError, ValueError):
    """A scenario cannot be generated or replayed with the given parameters."""
