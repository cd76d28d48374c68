"""Keyword lexicons matched over a whole batch in one Aho-Corasick pass (pyahocorasick, in C).

Terms are literal, lower-case phrases. Latin-script terms must start at a word boundary and, unless
they end in ``*`` (a stem: ``evacuat*``), end at one too. Devanagari and Bengali terms are matched
as written: their vowel signs are not word characters, so word boundaries would cut words apart.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate

import ahocorasick


class Lexicon:
    """Labelled terms; ``find`` returns the labels each text of a batch mentions."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self._automaton = ahocorasick.Automaton()
        for label, term in entries:
            stem = term.endswith("*")
            word = term.rstrip("*").lower()
            latin = word.isascii()
            key = (len(word) - 1, label, _namespace(label), latin, stem)
            existing = self._automaton.get(word, ())
            self._automaton.add_word(word, (*existing, key))
        self._automaton.make_automaton()

    def find(self, texts: Sequence[str]) -> list[set[str]]:
        """Labels found in each (already lower-cased) text, from one scan of the joined batch."""
        return [set(counts) for counts in self.counts(texts)]

    def counts(self, texts: Sequence[str]) -> list[dict[str, int]]:
        """``{label: occurrences}`` for each (already lower-cased) text, one scan of the batch.

        A match inside a longer match of the same text does not count ("খাবার জল", drinking water,
        holds "খাবার", food).
        """
        found: list[dict[str, int]] = [{} for _ in texts]
        if not texts:
            return found
        joined = "\0".join(texts)
        size = len(joined)
        ends = list(accumulate(len(text) + 1 for text in texts))  # one past the separator after each text
        spans: dict[int, list[tuple[int, int, str, str]]] = {}  # text -> (start, end, label, namespace)
        for end, keys in self._automaton.iter(joined):
            doc_spans = None
            for offset, label, namespace, latin, stem in keys:
                start = end - offset
                if latin:
                    before = joined[start - 1] if start else " "
                    if before.isalnum() or before == "_":
                        continue
                    after = joined[end + 1] if end + 1 < size else " "
                    if not stem and (after.isalnum() or after == "_"):
                        continue
                if doc_spans is None:
                    doc_spans = spans.setdefault(bisect_right(ends, end), [])
                doc_spans.append((start, end, label, namespace))
        for doc, doc_spans in spans.items():
            _tally(doc_spans, found[doc])
        return found


def _tally(spans: list[tuple[int, int, str, str]], counts: dict[str, int]) -> None:
    """Add the labels of ``spans`` to ``counts``, skipping spans inside a longer span of a label in
    the same namespace (the part before ":"; labels without one share a namespace)."""
    if len(spans) == 1:
        label = spans[0][2]
        counts[label] = counts.get(label, 0) + 1
        return
    for s, e, label, namespace in spans:
        for s2, e2, _, namespace2 in spans:
            if s2 <= s and e <= e2 and (e2 - s2) > (e - s) and namespace2 == namespace:
                break
        else:
            counts[label] = counts.get(label, 0) + 1


def _namespace(label: str) -> str:
    return label.partition(":")[0] if ":" in label else ""
