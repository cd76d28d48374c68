"""CLI subcommands, one module each. A module here defines ``register(app)`` and is found by name.

Modules import their heavy dependencies inside the command function, so ``crisismap --help`` is fast.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer


def register_all(app: typer.Typer) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}").register(app)
