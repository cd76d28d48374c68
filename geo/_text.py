"""Tokens of crisis text and of gazetteer names, normalised the same way so they can be matched.

A token is a run of letters, digits and Indic combining marks (``\\w`` alone splits Bengali and
Devanagari words at their vowel signs). Hashtags are split at camel-case humps so ``#KeralaFloods``
yields ``Kerala`` and ``Floods`` with their own offsets.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from functools import lru_cache
from typing import Any
from itertools import accumulate

try:
    from geo import _ctokens
except ImportError:  # not built (no C compiler): py_token_columns gives the same columns
    _ctokens = None

# Letters/digits plus the Indic blocks (Devanagari .. Malayalam) and zero-width (non-)joiners.
_TOKEN = re.compile(r"[^\W_\u0900-\u0DFF]*(?:[\u0900-\u0DFF\u200c\u200d][^\W_\u0900-\u0DFF]*)+|[^\W_]+(?:['’](?![sS]\b)[^\W_]+)?")
_TOKEN_ASCII = re.compile(r"[A-Za-z0-9]+(?:'(?![sS]\b)[A-Za-z0-9]+)?")
# The same patterns as one capturing group: ``split`` gives separators and tokens in turn.
_SPLIT = re.compile(f"({_TOKEN.pattern})")
_SPLIT_ASCII = re.compile(f"({_TOKEN_ASCII.pattern})")
_SPLIT_WORD = re.compile(f"({_TOKEN.pattern.split('|', 1)[1]})")  # _TOKEN's second alternative
_INDIC_OR_JOINER = re.compile(r"[\u0900-\u0DFF\u200c\u200d]")
_HUMP = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_INDIC = re.compile(r"[\u0900-\u0DFF]")
_NUKTAS = frozenset("\u093c\u09bc\u0a3c\u0abc\u0b3c")  # dropped: writers use ज़ and ज alike
_MAX_TEXT = 100_000  # characters of one text that are searched; longer texts are cut (never an error)

#: (normalised form, start, end, capitalised-or-not-Latin, hashtag start, hashtag end); the hashtag
#: span is (-1, -1) outside hashtags.
Token = tuple[str, int, int, bool, int, int]
TokenColumns = tuple[list[str], list[int], list[int], list[bool], list[int], list[int], list[int]]


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
    """Word tokens with their character offsets into ``text``; hashtags split into humps.

    The definition of the tokens: :func:`token_columns` gives the same ones column-wise, faster."""
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


class Memo(dict):  # type: ignore[type-arg]
    """``memo[x]`` is ``func(x)``, computed once: a dict whose misses fill it, cheaper to ask than
    ``functools.lru_cache`` (``map(memo.__getitem__, xs)`` runs in C). When ``size`` values are kept
    it starts afresh, so a long stream keeps the words of the day, not those of its first hours."""

    def __init__(self, func: Any, size: int) -> None:
        super().__init__()
        self.func, self.size = func, size

    def __missing__(self, key: Any) -> Any:
        value = self.func(key)
        if len(self) >= self.size:
            self.clear()
        self[key] = value
        return value


def _cap(first: str) -> bool:
    """Whether a token that starts with ``first`` counts as capitalised (as in :func:`tokenize`)."""
    return first.isupper() or not first.isalpha() or (not first.isascii() and not first.islower())


_FOLDED = Memo(fold, 100_000)
_CAPS = Memo(_cap, 100_000)


def token_columns(text: str) -> TokenColumns:
    """The tokens of :func:`tokenize` as columns (forms, starts, ends, caps, hashtag starts, hashtag
    ends), plus the indices of the tokens that start a hashtag. Scanned in C (``geo/_ctokens.c``)
    when that module is built, else by :func:`py_token_columns`: the same columns either way."""
    text = text[:_MAX_TEXT]
    if _ctokens is not None:
        return _ctokens.columns(text, _FOLDED)  # type: ignore[no-any-return]
    return py_token_columns(text)


def py_token_columns(text: str) -> TokenColumns:
    """:func:`token_columns` in Python, mostly in C all the same: ``split`` on the token pattern
    gives separators and words in turn, offsets are running sums of their lengths, forms are the
    words folded (memoised per word)."""
    text = text[:_MAX_TEXT]
    if text.isascii():
        parts = _SPLIT_ASCII.split(text)
    else:  # without an Indic letter or joiner the first alternative of _TOKEN never matches
        parts = (_SPLIT if _INDIC_OR_JOINER.search(text) else _SPLIT_WORD).split(text)
    n = len(parts) // 2
    if not n:
        return [], [], [], [], [], [], []
    offs = list(accumulate(map(len, parts)))
    starts, ends, words = offs[0:-1:2], offs[1::2], parts[1::2]
    forms = list(map(_FOLDED.__getitem__, words))
    caps = list(map(_CAPS.__getitem__, map(text.__getitem__, starts)))
    tss, tes = [-1] * n, [-1] * n
    if "#" not in text:
        return forms, starts, ends, caps, tss, tes, []
    tagged = []
    p = text.find("#")
    while p >= 0:  # a hashtag is a token right after a '#'
        k = bisect_left(starts, p + 1)
        if k < n and starts[k] == p + 1:
            tagged.append(k)
        p = text.find("#", p + 1)
    heads: list[int] = []
    for k in reversed(tagged):  # from the end, so the indices of earlier tokens stay valid
        word, start, end = words[k], starts[k], ends[k]
        if not word.islower() and not word.isupper():  # camel case: split at the humps
            humps = [(h.group(), start + h.start(), start + h.end()) for h in _HUMP.finditer(word)]
            forms[k:k + 1] = [hw.lower() for hw, _, _ in humps]
            starts[k:k + 1] = [a for _, a, _ in humps]
            ends[k:k + 1] = [b for _, _, b in humps]
            caps[k:k + 1] = [hw[:1].isupper() for hw, _, _ in humps]
            tss[k:k + 1], tes[k:k + 1] = [start] * len(humps), [end] * len(humps)
            heads = [h + len(humps) - 1 for h in heads]
            if humps and humps[0][1] == start:
                heads.append(k)
        else:
            caps[k], tss[k], tes[k] = True, start, end
            heads.append(k)
    heads.reverse()
    return forms, starts, ends, caps, tss, tes, heads


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
