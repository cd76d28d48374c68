"""Keyword lexicons matched over a whole batch in one Aho-Corasick pass (pyahocorasick, in C).

Terms are literal, lower-case phrases. Latin-script terms must start at a word boundary and, unless
they end in ``*`` (a stem: ``evacuat*``), end at one too. Devanagari and Bengali terms are matched
as written: their vowel signs are not word characters, so word boundaries would cut words apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import ahocorasick


class Lexicon:
    """Labelled terms; ``find`` returns the labels each text of a batch mentions."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self._automaton = ahocorasick.Automaton()
        for label, term in entries:
            stem = term.endswith("*")
            word = term.rstrip("*").lower()
            latin = word.isascii()
            key = (word, label, latin, stem)
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
        ends = []
        position = -1
        for text in texts:
            position += len(text) + 1
            ends.append(position)  # index of the separator after each text
        doc = 0
        spans: list[tuple[int, int, str]] = []  # (start, end, label) of the current text
        for end, keys in self._automaton.iter(joined):
            if ends[doc] < end:
                _tally(spans, found[doc])
                spans = []
                while ends[doc] < end:
                    doc += 1
            for word, label, latin, stem in keys:
                start = end - len(word) + 1
                if latin:
                    before = joined[start - 1] if start else " "
                    if before.isalnum() or before == "_":
                        continue
                    after = joined[end + 1] if end + 1 < size else " "
                    if not stem and (after.isalnum() or after == "_"):
                        continue
                spans.append((start, end, label))
        _tally(spans, found[doc])
        return found


def _tally(spans: list[tuple[int, int, str]], counts: dict[str, int]) -> None:
    """Add the labels of ``spans`` to ``counts``, skipping spans inside a longer span of a label in
    the same namespace (the part before ":"; labels without one share a namespace)."""
    if len(spans) > 1:
        spans = [
            (s, e, label)
            for s, e, label in spans
            if not any(
                s2 <= s and e <= e2 and (e2 - s2) > (e - s) and _namespace(l2) == _namespace(label)
                for s2, e2, l2 in spans
            )
        ]
    for _, _, label in spans:
        counts[label] = counts.get(label, 0) + 1


def _namespace(label: str) -> str:
    return label.partition(":")[0] if ":" in label else ""
