"""``crisismap classify``: JSON Lines ``{"id", "text"}`` in, one classification per line out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

#: Posts classified per call of the model (the ingest worker's batches are of this order too).
BATCH_SIZE = 2000


def register(app: typer.Typer) -> None:
    @app.command("classify")
    def classify(
        model: Annotated[
            Path | None,
            typer.Option("--model", help="A model file from benchmarks/train_classifier.py (default: the shipped one)."),
        ] = None,
        confidence: Annotated[
            bool, typer.Option("--confidence", help="Also write the model's confidence in the category.")
        ] = False,
    ) -> None:
        """Classify public posts: HumAID category, stated needs, urgency, number of people, language.

        Reads JSON Lines {"id", "text"} on stdin; writes {"id", "category", "needs", "urgency",
        "people", "language"} per line, in input order.
        """
        from geo.classification import Classifier
        from geo.errors import InputError
        from streams.cli import read_jsonl, write_jsonl

        if model is not None and not model.is_file():
            msg = f"model file {model} does not exist; train one with benchmarks/train_classifier.py --out {model}"
            raise InputError(msg)
        classifier = Classifier.load(model)
        batch: list[dict[str, object]] = []
        for number, obj in enumerate(read_jsonl(sys.stdin), start=1):
            if not isinstance(obj["text"], str):
                msg = f"line {number} of stdin has a 'text' that is a {type(obj['text']).__name__}, not a string"
                raise InputError(msg)
            batch.append(obj)
            if len(batch) >= BATCH_SIZE:
                write_jsonl(_rows(classifier, batch, confidence))
                batch = []
        if batch:
            write_jsonl(_rows(classifier, batch, confidence))


def _rows(classifier: object, batch: list[dict[str, object]], confidence: bool) -> list[dict[str, object]]:
    results = classifier.classify_batch([str(obj["text"]) for obj in batch])  # type: ignore[attr-defined]
    rows = []
    for obj, result in zip(batch, results, strict=True):
        row: dict[str, object] = {
            "id": obj["id"],
            "category": result.category,
            "needs": list(result.needs),
            "urgency": result.urgency,
            "people": result.people,
            "language": result.language,
        }
        if confidence:
            row["confidence"] = result.confidence
        rows.append(row)
    return rows
