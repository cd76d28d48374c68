"""Errors of the domain layer. Each message is safe to show a user and says what to do."""

from __future__ import annotations


class CrisismapError(Exception):
    """Base of every error crisismap raises on purpose; ``str(err)`` is a one-line user message."""


class SettingsError(CrisismapError, ValueError):
    """A setting has a value that cannot be used."""


class StoreError(CrisismapError, RuntimeError):
    """The store cannot be opened, or a write to it failed."""


class GeocodeError(CrisismapError, ValueError):
    """Input to the geocoder is not what it expects."""


class InputError(CrisismapError, ValueError):
    """A line of JSON Lines input (or a file) is not what the command expects."""
