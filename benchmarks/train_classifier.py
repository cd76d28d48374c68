"""Train the shipped HumAID classifier (geo/models/humaid_linear.npz.gz) and score it event by event.

Data: the IDRISI-R gold tweets (HumAID labels, CC BY 4.0, Suwaileh et al.) read in place from
``../shared/data/idrisi/lmr/*.jsonl``; no tweet is copied into the repository.

    .venv/bin/python benchmarks/train_classifier.py                      # train on every event, ship
    .venv/bin/python benchmarks/train_classifier.py --loeo               # + leave-one-event-out scores
    .venv/bin/python benchmarks/train_classifier.py --holdout cyclone_idai_2019 --out /tmp/m.npz.gz
    python3 ../shared/tools/eval_classify.py ../shared/data/idrisi/lmr/cyclone_idai_2019.jsonl \
        --cmd '.venv/bin/crisismap classify --model /tmp/m.npz.gz'

Model: hashed word 1-2-grams + char_wb 3- and 5-grams, TF-IDF (geo/_features.py), over the text the
classifier builds (``geo.classification.model_texts``: normalised text + one token per need the lexicons
find, + English glosses for Hindi/Bengali posts), one-vs-rest linear SVM
with balanced class weights; margins become probabilities by a softmax with a temperature fitted on
leave-one-event-out margins (log-loss). ``--loeo`` writes per-event and per-class F1 to the card.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo._features import HashedTfidf  # noqa: E402
from geo.classification import MODEL_PATH, Classifier, model_texts  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "idrisi" / "lmr"


def load_events(data: Path) -> dict[str, list[tuple[str, str]]]:
    """``{event: [(text, humAID_class), ...]}`` from every ``*.jsonl`` file in ``data``."""
    events: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(data.glob("*.jsonl")):
        rows = []
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if record.get("humAID_class"):
                    rows.append((record["text"], record["humAID_class"]))
        events[path.stem] = rows
    if not events:
        msg = f"no *.jsonl files in {data}; pass --data with the IDRISI-R lmr folder"
        raise SystemExit(msg)
    return events


def train(
    rows: list[tuple[str, str]], c: float, bits: int, char_sizes: tuple[int, ...], temperature: float
) -> Classifier:
    """Fit features and the linear SVM on ``rows``; returns a ready Classifier."""
    from sklearn.svm import LinearSVC

    texts = model_texts([text for text, _ in rows])  # what classify_batch gives the model
    labels = [label for _, label in rows]
    features = HashedTfidf.fit(texts, bits=bits, char_sizes=char_sizes)
    model = LinearSVC(C=c, class_weight="balanced", random_state=0)
    model.fit(features.transform(texts), labels)
    return Classifier(
        features=features,
        weights=np.ascontiguousarray(model.coef_.T, dtype=np.float32),
        bias=model.intercept_.astype(np.float64),
        classes=tuple(str(c) for c in model.classes_),
        temperature=temperature,
    )


def per_class_f1(gold: list[str], pred: list[str]) -> dict[str, float]:
    """F1 of every class present in ``gold`` (the scoring of ../shared/tools/eval_classify.py)."""
    scores = {}
    for label in sorted(set(gold)):
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores[label] = round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0
    return scores


def leave_one_event_out(events: dict[str, list[tuple[str, str]]], args: argparse.Namespace) -> dict[str, object]:
    """Train without each event in turn, classify that event with the full pipeline, score it."""
    per_event: dict[str, object] = {}
    pooled_gold: list[str] = []
    pooled_pred: list[str] = []
    for event, test in events.items():
        train_rows = [row for name, rows in events.items() if name != event for row in rows]
        clf = train(train_rows, args.C, args.bits, args.char_sizes, args.temperature)
        pred = [r.category for r in clf.classify_batch([text for text, _ in test])]
        gold = [label for _, label in test]
        scores = per_class_f1(gold, pred)
        macro = round(float(np.mean(list(scores.values()))), 3)
        per_event[event] = {"n": len(test), "macro_f1": macro, "per_class_f1": scores}
        pooled_gold += gold
        pooled_pred += pred
        print(f"{event:34s} n={len(test):5d} macro_f1={macro:.3f}", flush=True)
    macros = [v["macro_f1"] for v in per_event.values()]  # type: ignore[index]
    pooled = per_class_f1(pooled_gold, pooled_pred)
    summary = {
        "mean_macro_f1_over_events": round(float(np.mean(macros)), 3),
        "pooled_per_class_f1": pooled,
        "pooled_macro_f1": round(float(np.mean(list(pooled.values()))), 3),
        "per_event": per_event,
    }
    print(f"mean macro-F1 over {len(macros)} held-out events: {summary['mean_macro_f1_over_events']:.3f}")
    print("pooled per-class F1:", json.dumps(pooled))
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of IDRISI-R *.jsonl files")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="model file to write (.npz.gz)")
    parser.add_argument("--holdout", action="append", default=[], help="event (file stem) to leave out")
    parser.add_argument("--loeo", action="store_true", help="also score leave-one-event-out (slow)")
    parser.add_argument("--C", type=float, default=0.2, help="inverse regularisation of the linear SVM")
    parser.add_argument("--temperature", type=float, default=4.0, help="softmax scale of SVM margins (calibrated on LOEO)")
    parser.add_argument("--bits", type=int, default=18, help="log2 of the number of hashed features")
    parser.add_argument("--char-sizes", type=lambda s: tuple(int(n) for n in s.split(",")), default=(3, 5))
    args = parser.parse_args()

    events = load_events(args.data)
    unknown = [e for e in args.holdout if e not in events]
    if unknown:
        raise SystemExit(f"unknown event {unknown[0]!r}; events: {', '.join(events)}")
    card: dict[str, object] = {
        "model": "hashed word 1-2-gram + char_wb n-gram TF-IDF (+ need tokens), one-vs-rest linear SVM (balanced), softmax(T * margin)",
        "params": {"C": args.C, "bits": args.bits, "char_sizes": list(args.char_sizes), "temperature": args.temperature},
        "data": "IDRISI-R gold (HumAID labels), CC BY 4.0, Suwaileh et al.; ../shared/data/idrisi/lmr",
        "held_out_events": args.holdout,
    }
    if args.loeo:
        card["leave_one_event_out"] = leave_one_event_out(events, args)
    rows = [row for name, rows in events.items() if name not in args.holdout for row in rows]
    started = time.perf_counter()
    clf = train(rows, args.C, args.bits, args.char_sizes, args.temperature)
    card["trained_on"] = {"events": [e for e in events if e not in args.holdout], "n": len(rows),
                          "class_counts": dict(Counter(label for _, label in rows))}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    clf.save(args.out, card)
    size = args.out.stat().st_size
    print(f"trained on {len(rows)} posts in {time.perf_counter() - started:.1f}s -> {args.out} ({size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
