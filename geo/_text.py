"""Tokens of crisis text and of gazetteer names, normalised the same way so they can be matched.

A token is a run of letters, digits and Indic combining marks (``\\w`` alone splits Bengali and
Devanagari words at their vowel signs). Hashtags are split at camel-case humps so ``#KeralaFloods``
yields ``Kerala`` and ``Floods`` with their own offsets.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters/digits plus the Indic blocks (Devanagari .. Malayalam) and zero-width (non-)joiners.
_TOKEN = re.compile(r"[^\W_\u0900-\u0DFF]*(?:[\u0900-\u0DFF\u200c\u200d][^\W_\u0900-\u0DFF]*)+|[^\W_]+(?:['’](?![sS]\b)[^\W_]+)?")
_TOKEN_ASCII = re.compile(r"[A-Za-z0-9]+(?:'(?![sS]\b)[A-Za-z0-9]+)?")
_HUMP = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_INDIC = re.compile(r"[\u0900-\u0DFF]")
_NUKTAS = frozenset("\u093c\u09bc\u0a3c\u0abc\u0b3c")  # dropped: writers use ज़ and ज alike
_MAX_TEXT = 100_000  # characters of one text that are searched; longer texts are cut (never an error)

#: (normalised form, start, end, capitalised-or-not-Latin, hashtag start, hashtag end); the hashtag
#: span is (-1, -1) outside hashtags.
Token = tuple[str, int, int, bool, int, int]


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
    low = text.lower()
    ascii_text = text.isascii()
    same = ascii_text or len(low) == len(text)
    tokens: list[Token] = []
    append = tokens.append
    if ascii_text:  # the common case, about three times faster
        spans = [m.span() for m in _TOKEN_ASCII.finditer(text)]
        if "#" not in text:
            return [(low[a:b], a, b, not text[a].islower(), -1, -1) for a, b in spans]
        for start, end in spans:
            if start and text[start - 1] == "#":  # a hashtag
                word = text[start:end]
                if not word.islower() and not word.isupper():
                    for h in _HUMP.finditer(word):
                        hs, he = h.span()
                        append((low[start + hs:start + he], start + hs, start + he, word[hs].isupper(), start, end))
                else:
                    append((low[start:end], start, end, True, start, end))
            else:
                append((low[start:end], start, end, not text[start].islower(), -1, -1))
        return tokens
    for m in (_TOKEN_ASCII if ascii_text else _TOKEN).finditer(text):
        word = m.group()
        start, end = m.span()
        ts = te = -1
        if start > 0 and text[start - 1] == "#":
            ts, te = start, end
            if not word.islower() and not word.isupper():
                for h in _HUMP.finditer(word):
                    hw = h.group()
                    append((fold(hw), start + h.start(), start + h.end(), hw[:1].isupper(), ts, te))
                continue
        first = word[0]
        form = low[start:end] if same and word.isascii() else fold(word)
        cap = ts >= 0 or first.isupper() or not first.isalpha() or (not first.isascii() and not first.islower())
        append((form, start, end, cap, ts, te))  # a hashtag counts as capitalised: it was tagged on purpose
    return tokens


def name_key(name: str) -> str:
    """The lookup key of a gazetteer name: its folded tokens joined by single spaces."""
    return " ".join(fold(m.group()) for m in _TOKEN.finditer(name))


_SKELETON_RULES = (("aa", "a"), ("ee", "i"), ("oo", "u"), ("ou", "u"), ("ph", "f"), ("sh", "s"), ("ck", "k"),
                   ("th", "t"), ("dh", "d"), ("bh", "b"), ("kh", "k"), ("gh", "g"), ("jh", "j"), ("ch", "c"),
                   ("w", "v"), ("z", "j"), ("q", "k"), ("y", "i"))
_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=65_536)
def skeleton(key: str) -> str:
    """A spelling-insensitive form of a romanised South Asian name: Chenganoor and Chengannur agree.

    Long vowels written doubled, aspirates written with h, doubled consonants and v/w, z/j are
    collapsed; a final short "a" is dropped (Rama/Ram).
    """
    s = key
    for a, b in _SKELETON_RULES:
        if a in s:
            s = s.replace(a, b)
    s = _DOUBLE.sub(r"\1", s)
    return s[:-1] if len(s) > 4 and s.endswith("a") else s
