"""Which language a post is in, from its script and a short list of romanised Hindi/Bengali words.

No model: Devanagari letters mean Hindi, Bengali-Assamese letters mean Bengali, Odia letters mean
Odia; Latin-script posts are English unless they use at least two common romanised Hindi or
Bengali words ("madad chahiye", "amader jol nei"), which makes them code-mixed.

Labels (``LANGUAGES``):

``en``     English (also any other Latin-script language: there is no way to tell them apart here)
``hi``     Hindi in Devanagari
``bn``     Bengali in Bengali script
``or``     Odia in Odia script
``hi-en``  code-mixed Hindi/English: Devanagari with many Latin letters, or romanised Hindi
``bn-en``  code-mixed Bengali/English: Bengali script with many Latin letters, or romanised Bengali
``und``    undetermined: no letters at all (only numbers, emoji, links) or another script
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Literal

import numpy as np

from geo._lexicon import Lexicon

Language = Literal["en", "hi", "bn", "or", "hi-en", "bn-en", "und"]
LANGUAGES: tuple[str, ...] = ("en", "hi", "bn", "or", "hi-en", "bn-en", "und")

#: A native-script post with at least this share of Latin letters is code-mixed.
MIXED_LATIN_SHARE = 0.25
#: A Latin-script post with at least this many Devanagari/Bengali letters is code-mixed (a lone
#: symbol such as ॐ is not Hindi).
MIN_NATIVE_LETTERS = 2
#: A Latin-script post with at least this many romanised Hindi/Bengali words is code-mixed.
MIN_ROMANISED_WORDS = 2

# Words frequent in romanised Hindi (Hinglish) and rare in English. Shared Hindi/Bengali words
# (e.g. "pani") are left out of both lists.
_ROMAN_HINDI = """
hai hain nahi nahin nhi kya kyu kyon kripya kripaya madad sahayata bachao bachaao bachaiye chahiye
chaiye khana khaana bhojan bijli dawai davai dawa logon humein hume hamein hamara hamare hamari
yahan yaha wahan waha jaldi abhi turant tatkal raha rahe rahi gaya gaye gayi hua hue huye mein
aur bahut kuch koi kijiye karo karein bhejo bhejiye phanse phase fase fanse ghar gaon baadh badh
toofan tufan barish baarish sabhi unko unhe hamko mujhe meri mera mere bhai bhaiya paani ke liye
""".split()
_ROMAN_BENGALI = """
ami amra amader amar tumi tomra apni apnara achhe ache achi nei nai dorkar lagbe khabar jol bachan
sahajjo sahajya sahajyo bari barite ghore bonna bonya jhor toh kintu ekhane ekhon kothay hobe
hoyeche hoye korun koro kore theke manush khub onek ektu jonno jonyo aschhe asche gelo chilo
""".split()
#: The romanised Hindi and Bengali words of both lists.
ROMAN_WORDS: frozenset[str] = frozenset(_ROMAN_HINDI + _ROMAN_BENGALI)
#: ``(label, term)`` pairs of the romanised word lists, for a caller's combined Lexicon.
ROMAN_TERMS: tuple[tuple[str, str], ...] = tuple(
    [("roman:hi", w) for w in _ROMAN_HINDI] + [("roman:bn", w) for w in _ROMAN_BENGALI]
)
_ROMAN = Lexicon(ROMAN_TERMS)


def detect_languages(texts: Sequence[str], found: Sequence[Mapping[str, int]] | None = None) -> list[str]:
    """The language label of each text (see the module docstring), for a whole batch at once.

    ``found``: counts from a Lexicon holding ``ROMAN_TERMS`` run over the lower-cased texts, when
    the caller already has them; otherwise the texts are scanned here.
    """
    n = len(texts)
    if n == 0:
        return []
    joined = "\0".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    doc = np.cumsum(codes == 0)  # separators count towards the next post; harmless (not letters)
    # One script per character (``_SCRIPTS`` below 0x2000, none above), counted per post at once.
    script = _script_table()[np.minimum(codes, _SCRIPT_LIMIT)]
    per_post = np.bincount(doc * len(_SCRIPT_NAMES) + script, minlength=n * len(_SCRIPT_NAMES))
    per_post = per_post.reshape(n, len(_SCRIPT_NAMES))
    counts = {name: per_post[:, i] for i, name in enumerate(_SCRIPT_NAMES)}
    if found is None:
        found = _ROMAN.counts([t.lower() for t in texts])
    hi_hits = np.fromiter((c.get("roman:hi", 0) for c in found), dtype=np.int64, count=n)
    bn_hits = np.fromiter((c.get("roman:bn", 0) for c in found), dtype=np.int64, count=n)
    return _labels(counts["latin"], counts["deva"], counts["beng"], counts["odia"], counts["other"], hi_hits, bn_hits)


_SCRIPT_NAMES = ("none", "latin", "deva", "beng", "odia", "other")
_SCRIPT_LIMIT = 0x2000  # no script counted at or above


@lru_cache(maxsize=1)
def _script_table() -> np.ndarray:
    """Script index (into ``_SCRIPT_NAMES``) of each code point below ``_SCRIPT_LIMIT``, plus a last
    entry (none) for every code point above."""
    codes = np.arange(_SCRIPT_LIMIT + 1, dtype=np.uint32)
    table = np.zeros(codes.size, dtype=np.intp)
    table[((codes | 0x20) >= ord("a")) & ((codes | 0x20) <= ord("z"))] = 1
    table[(codes >= 0x0370) & (codes < _SCRIPT_LIMIT)] = 5  # other alphabets, unless one of these:
    table[(codes >= 0x0900) & (codes <= 0x097F)] = 2
    table[(codes >= 0x0980) & (codes <= 0x09FF)] = 3
    table[(codes >= 0x0B00) & (codes <= 0x0B7F)] = 4
    table.flags.writeable = False
    return table


def _labels(
    latin: np.ndarray, deva: np.ndarray, beng: np.ndarray, odia: np.ndarray, other: np.ndarray,
    hi_hits: np.ndarray, bn_hits: np.ndarray,
) -> list[str]:
    """The rule of the module docstring, on per-post letter counts of each script."""
    native = np.maximum(np.maximum(deva, beng), odia)
    letters = latin + deva + beng + odia + other
    mixed = latin >= MIXED_LATIN_SHARE * np.maximum(letters, 1)
    native_main = (native > 0) & (native >= latin * 0.5)
    hindi_side = deva >= beng
    romanised = hi_hits + bn_hits >= MIN_ROMANISED_WORDS
    conditions = [
        (letters == 0) | ((other > latin) & (other > native)),
        native_main & (odia == native),
        native_main & hindi_side & ~mixed,
        native_main & hindi_side & mixed,
        native_main & ~mixed,
        native_main,
        (native >= MIN_NATIVE_LETTERS) & hindi_side,
        native >= MIN_NATIVE_LETTERS,
        romanised & (bn_hits > hi_hits),
        romanised,
    ]
    choices = ["und", "or", "hi", "hi-en", "bn", "bn-en", "hi-en", "bn-en", "bn-en", "hi-en"]
    return np.select(conditions, choices, default="en").tolist()
