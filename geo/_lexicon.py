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
        # Every term in one automaton; the ASCII terms also in a smaller one for ASCII-only texts
        # (they can match nothing else), which it walks faster.
        self._automaton = ahocorasick.Automaton()
        self._ascii_automaton = ahocorasick.Automaton()
        for label, term in entries:
            stem = term.endswith("*")
            word = term.rstrip("*").lower()
            latin = word.isascii()
            key = (len(word) - 1, label, _namespace(label), latin, stem)
            for automaton in (self._automaton, self._ascii_automaton) if latin else (self._automaton,):
                existing = automaton.get(word, ())
                automaton.add_word(word, (*existing, key))
        self._automaton.make_automaton()
        self._ascii_automaton.make_automaton()

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
        ascii_only = [i for i, text in enumerate(texts) if text.isascii()]
        others = [i for i, text in enumerate(texts) if not text.isascii()] if len(ascii_only) < len(texts) else []
        for automaton, which in ((self._ascii_automaton, ascii_only), (self._automaton, others)):
            if which and automaton.kind != ahocorasick.EMPTY:
                for doc, doc_spans in _spans(automaton, [texts[i] for i in which]).items():
                    _tally(doc_spans, found[which[doc]])
        return found


def _spans(automaton: ahocorasick.Automaton, texts: list[str]) -> dict[int, list[tuple[int, int, str, str]]]:
    """``(start, end, label, namespace)`` of every match in each text (by index), one scan."""
    joined = "\0".join(texts)
    size = len(joined)
    ends = list(accumulate(len(text) + 1 for text in texts))  # one past the separator after each text
    spans: dict[int, list[tuple[int, int, str, str]]] = {}
    for end, keys in automaton.iter(joined):
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
    return spans


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
