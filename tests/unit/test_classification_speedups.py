"""The classifier's fast paths give exactly what their plain reference versions give."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from geo import _features, _needs
from geo._features import normalise_batch

TRICKY = [
    "#CycloneAmphan iPhone aBcD eFG",
    "1,000.5 people, 2..3 and 4,5,6 x12y ५ ৩০ ½ ² 𝟘",
    "Help?! Now!!?? ¿qué?",
    "snake_case @user_1 __init__ http://t.co/a_b www.x.org/1?2",
    "tab\there\u00a0nbsp\u2028line \x1c\x1d\x1f end",
    "a\x00b\x1ec help",
    "हम 5 लोग फंसे हैं! আমরা ১০ জন আটকে?",
    "emoji 🌊🌊 ok 😀x",
    "İstanbul ΑΣ Σ",  # context-dependent lower-casing: the reference path
    "\ud800 stranded",
    "&amp;amp; Tom&amp;Jerry",
    "",
    "   ",
]


def _reference(texts: list[str]) -> list[str]:
    joined = _features._RS.join(t.replace(_features._RS, " ") for t in texts)
    joined = _features._MENTION.sub(" atuser ", _features._URL.sub(" httpurl ", joined))
    return _features._normalise_regex(joined)


@pytest.mark.parametrize("text", TRICKY)
def test_array_normaliser_matches_the_regex_reference(text: str) -> None:
    assert normalise_batch([text]) == _reference([text])


def test_array_normaliser_matches_on_random_mixes() -> None:
    rng = random.Random(11)
    pieces = [*"aAzZ09.,?!_ @#&\t\x1e\x00", "५", "क", "ि", "ক", "া", "é", "É", "😀", "²", "http://x.y", "12,5.6", "&amp;", "Σ"]
    for _ in range(2000):
        texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) for _ in range(rng.randint(1, 4))]
        assert normalise_batch(texts) == _reference(texts), texts
    assert normalise_batch(TRICKY) == _reference(TRICKY)


def test_char_ngrams_are_the_same_in_any_size_order() -> None:
    """Longer char n-grams continue the Horner sums of shorter ones; the columns must not depend on it."""
    texts = normalise_batch(["Family of 5 stranded on rooftop", "हम 5 लोग फंसे हैं", "x", ""])
    docs, cols, sizes = _features._ngram_families(texts, 18, (3, 5))
    docs_r, cols_r, sizes_r = _features._ngram_families(texts, 18, (5, 3))
    words = sizes[0] + sizes[1]
    assert sizes[:2] == sizes_r[:2] and sizes[2:] == sizes_r[:1:-1]
    three, five = slice(words, words + sizes[2]), slice(words + sizes[2], None)
    three_r, five_r = slice(words + sizes_r[2], None), slice(words, words + sizes_r[2])
    assert np.array_equal(cols[three], cols_r[three_r]) and np.array_equal(cols[five], cols_r[five_r])
    assert np.array_equal(docs[five], docs_r[five_r])
    alone = _features._ngram_families(texts, 18, (5,))
    assert np.array_equal(alone[1][words:], cols[five])


def test_number_words_grouped_by_first_character_match_as_the_flat_alternation() -> None:
    words = sorted(_needs._UNITS, key=lambda w: len(re.escape(w)), reverse=True)
    flat = re.compile("(?:" + "|".join(re.escape(w) for w in words) + r")(?:\s|$)")
    grouped = re.compile("(?:" + _needs._by_first_char(words) + r")(?:\s|$)")
    for text in [*words, *(w + "teen" for w in words), *(w + " lakh" for w in words), "seventeen seventy sixty six"]:
        assert [m.span() for m in flat.finditer(text)] == [m.span() for m in grouped.finditer(text)], text


def _column(gram: str, family: int, bits: int = 18) -> int:
    """The column of one n-gram, hashed in plain Python (Horner's rule modulo 2**64, then mixed)."""
    mask, p, mix = 2**64 - 1, int(_features._P), int(_features._MIX)
    h = 0
    for char in gram:
        h = (h * p + ord(char)) & mask
    return (((h ^ ((family * mix) & mask)) * mix) & mask) >> (64 - bits)


@pytest.mark.parametrize("sizes", [(3, 5), (5, 3), (2, 4)])
def test_char_ngram_columns_are_the_plain_horner_hash(sizes: tuple[int, ...]) -> None:
    _, cols, counts = _features._ngram_families(["abcd", "xy"], 18, sizes)
    offset = counts[0] + counts[1]
    for n, count in zip(sizes, counts[2:], strict=True):
        grams = [w[i : i + n] for w in (" abcd ", " xy ") for i in range(len(w) - n + 1)]
        assert sorted(cols[offset : offset + count].tolist()) == sorted(_column(g, 10 + n) for g in grams)
        offset += count


def test_lexicon_finds_latin_terms_in_native_texts_and_native_terms_only_there() -> None:
    """ASCII-only texts are walked by a smaller automaton; a mixed batch must count as text by text."""
    from geo._lexicon import Lexicon

    lexicon = Lexicon([("food", "খাবার"), ("drinking_water", "খাবার জল"), ("rescue", "sos"), ("rescue", "stranded*")])
    texts = ["sos strandedd", "খাবার জল নেই sos", "nothing", "খাবার চাই, stranded", "xsos"]
    expected = [{"rescue": 2}, {"drinking_water": 1, "rescue": 1}, {}, {"food": 1, "rescue": 1}, {}]
    assert lexicon.counts(texts) == expected
    assert [lexicon.counts([text])[0] for text in texts] == expected
