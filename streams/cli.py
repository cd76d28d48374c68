"""The ``crisismap`` command: one entry point, a subcommand per job.

Batch subcommands read JSON Lines on stdin and write JSON Lines on stdout. Every user mistake ends
with a one-line ``error: ...`` on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from geo.errors import CrisismapError, InputError
from geo.settings import Settings

app = typer.Typer(
    name="crisismap",
    help="Crisis-time geolocated alert dashboard: feeds in, incidents and zones out, on a live map.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="Extra TOML settings file (over config/default.toml).")
]


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Settings for one command: defaults, config files, environment, then the command's flags."""
    return Settings.load(config, **overrides)


def read_jsonl(stream: Any, required: tuple[str, ...] = ("id", "text")) -> Iterator[dict[str, Any]]:
    """Objects from JSON Lines on ``stream``; a bad line raises InputError naming its line number."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            msg = f"line {number} of stdin is not JSON ({exc.msg}); each line must be one JSON object"
            raise InputError(msg) from None
        if not isinstance(obj, dict):
            msg = f"line {number} of stdin is a JSON {type(obj).__name__}, not an object"
            raise InputError(msg)
        missing = [k for k in required if k not in obj]
        if missing:
            msg = f"line {number} of stdin has no {missing[0]!r} field; expected fields: {', '.join(required)}"
            raise InputError(msg)
        yield obj


def write_jsonl(objects: Any, stream: Any = None) -> None:
    out = stream or sys.stdout
    for obj in objects:
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    out.flush()


# Subcommands live in streams/commands/<name>.py and register themselves on ``app``.
from streams.commands import register_all  # noqa: E402

register_all(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning crisismap's own errors into one line and exit 2."""
    try:
        app(args=argv, standalone_mode=False)
    except CrisismapError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
    except typer.Abort:
        typer.echo("aborted", err=True)
        raise SystemExit(130) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:  # usage errors (typer's click) arrive here in non-standalone mode
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            message = " ".join(exc.format_message().split())
            typer.echo(f"error: {message} (see crisismap --help)", err=True)
            raise SystemExit(2) from None
        raise




if __name__ == "__main__":
    main()
