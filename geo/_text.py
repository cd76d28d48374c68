"""Tokens of crisis text and of gazetteer names, normalised the same way so they can be matched.

A token is a run of letters, digits and Indic combining marks (``\\w`` alone splits Bengali and
Devanagari words at their vowel signs). Hashtags are split at camel-case humps so ``#KeralaFloods``
yields ``Kerala`` and ``Floods`` with their own offsets.
"""

from __future__ import annotations

import re
import unicodedata

# Letters/digits plus the Indic blocks (Devanagari .. Malayalam) and zero-width (non-)joiners.
_TOKEN = re.compile(r"[^\W_\u0900-\u0DFF]*(?:[\u0900-\u0DFF\u200c\u200d][^\W_\u0900-\u0DFF]*)+|[^\W_]+(?:['’][^\W_]+)?")
_HUMP = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_INDIC = re.compile(r"[\u0900-\u0DFF]")
_NUKTAS = frozenset("\u093c\u09bc\u0a3c\u0abc\u0b3c")  # dropped: writers use ज़ and ज alike
_MAX_TEXT = 100_000  # characters of one text that are searched; longer texts are cut (never an error)

Token = tuple[str, int, int, bool]  # (normalised form, start, end, capitalised-or-not-latin)


def fold(s: str) -> str:
    """Case-fold and strip Latin diacritics; Indic scripts are kept as they are (NFC)."""
    s = unicodedata.normalize("NFC", s).casefold().replace("’", "'")
    if s.isascii():
        return s
    out = []
    for ch in unicodedata.normalize("NFD", s):
        if unicodedata.combining(ch) and not ("\u0900" <= ch <= "\u0dff") or ch in _NUKTAS:
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def is_indic(s: str) -> bool:
    return _INDIC.search(s) is not None


def tokenize(text: str) -> list[Token]:
    """Word tokens with their character offsets into ``text``; hashtags split into humps."""
    text = text[:_MAX_TEXT]
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        word, start = m.group(), m.start()
        if start > 0 and text[start - 1] == "#" and not word.islower() and not word.isupper():
            for h in _HUMP.finditer(word):
                hw = h.group()
                tokens.append((fold(hw), start + h.start(), start + h.end(), hw[:1].isupper()))
            continue
        first = word[:1]
        tokens.append((fold(word), start, m.end(), first.isupper() or not first.isalpha() or not first.isascii() and not first.islower()))
    return tokens


def name_key(name: str) -> str:
    """The lookup key of a gazetteer name: its folded tokens joined by single spaces."""
    return " ".join(fold(m.group()) for m in _TOKEN.finditer(name))
