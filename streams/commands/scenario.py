"""``crisismap scenario``: write the bundled Amphan scenario to files.

``DIR/messages.jsonl`` holds one message a line (feed, format, source, key, event_time, value as
text), in event-time order, ready for ``crisismap replay --file``; ``DIR/truth.jsonl`` holds the
ground truth of every distress post (true point, place, district, incident, kind, original).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def scenario(
    size: Annotated[int, typer.Option("--size", help="Total number of messages to generate.")] = 3000,
    seed: Annotated[int, typer.Option("--seed", help="Generator seed; same size and seed, same bytes.")] = 2020,
    out: Annotated[Path, typer.Option("--out", help="Directory to write messages.jsonl and truth.jsonl into.")] = Path(
        "var/scenario"
    ),
) -> None:
    """Generate the Amphan scenario (bulletins, CAP alerts, traffic alerts, distress posts) to files."""
    from geo.errors import InputError
    from streams.errors import ScenarioError
    from streams.scenarios.amphan import MAX_SIZE, iter_scenario

    if not 1 <= size <= MAX_SIZE:
        msg = f"--size must be from 1 to {MAX_SIZE:,}, not {size}"
        raise InputError(msg)
    if seed < 0:
        msg = f"--seed must be 0 or more, not {seed}"
        raise InputError(msg)
    if out.exists() and not out.is_dir():
        msg = f"--out {out} is a file; give a directory (it is created if missing)"
        raise InputError(msg)
    try:
        out.mkdir(parents=True, exist_ok=True)
        messages_path, truth_path = out / "messages.jsonl", out / "truth.jsonl"
        counts: dict[str, int] = {}
        with (
            open(messages_path, "w", encoding="utf-8", newline="\n") as messages,
            open(truth_path, "w", encoding="utf-8", newline="\n") as truths,
        ):
            for message, truth in iter_scenario(size, seed):
                record = {
                    "feed": message.feed, "format": message.format, "source": message.source, "key": message.key,
                    "event_time": message.event_time.isoformat() if message.event_time else None,
                    "value": message.value.decode("utf-8"),
                }  # fmt: skip
                messages.write(json.dumps(record, ensure_ascii=False) + "\n")
                if truth is not None:
                    truths.write(json.dumps(truth, ensure_ascii=False) + "\n")
                counts[message.format] = counts.get(message.format, 0) + 1
    except OSError as exc:
        msg = f"cannot write the scenario to {out}: {exc.strerror}; choose a writable --out directory"
        raise ScenarioError(msg) from None
    summary = ", ".join(f"{fmt} {n}" for fmt, n in sorted(counts.items()))
    typer.echo(f"crisismap scenario: wrote {sum(counts.values())} messages ({summary}) to {messages_path} and {truth_path}")


def register(app: typer.Typer) -> None:
    app.command("scenario")(scenario)
