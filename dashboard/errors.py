"""Errors of the dashboard. Each message is safe to show a user and says what to do."""

from __future__ import annotations

from geo.errors import CrisismapError


class DashboardError(CrisismapError, RuntimeError):
    """The dashboard server cannot start (port in use, Streamlit missing, ...)."""


class AssetError(CrisismapError, RuntimeError):
    """The local web assets (Leaflet and friends) are missing, or fetching them failed."""
