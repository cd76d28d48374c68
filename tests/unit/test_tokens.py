"""The geocoder's token scan: the C module, the pure-Python columns and the reference tokenizer agree."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from geo import _text
from geo._text import _FOLDED, py_token_columns, token_columns, tokenize
from geo import geocoding
from geo.geocoding import Geocoder, py_visit

_VISIT = geocoding._visit

# Characters where the token rules have corners: apostrophes before s, hashtags, camel humps, digits of
# other scripts, Indic letters, vowel signs and joiners, title case, dotted capital I, Roman numerals.
_TRICKY = "aAbZsS #'’_-.,0129\u094d\u0915\u0930İⅰÉßς\u0301১ǅ\u0900\u0dff\u0e00\u200c\u200d😀"
_texts = st.one_of(st.text(alphabet=_TRICKY, max_size=30), st.text(max_size=30))


def test_the_c_scanner_is_built() -> None:
    # `pip install -e .` builds it; without it the geocoder is about a third slower (same answers).
    assert _text._ctokens is not None


@settings(max_examples=3000, deadline=None)
@given(_texts)
def test_c_and_python_columns_agree_with_the_reference(text: str) -> None:
    cols = _text._ctokens.columns(text, _FOLDED)
    assert cols == py_token_columns(text)
    forms, starts, ends, caps, tss, tes, heads = cols
    assert list(zip(forms, starts, ends, caps, tss, tes, strict=True)) == tokenize(text)
    assert heads == [i for i, (s, t) in enumerate(zip(starts, tss, strict=True)) if s == t]


def test_columns_of_a_post() -> None:
    text = "Flooding in #KeralaFloods, Kerala's dams; কলকাতায় জল #NDRF"
    forms, starts, ends, caps, tss, tes, heads = token_columns(text)
    assert forms[:5] == ["flooding", "in", "kerala", "floods", "kerala"]
    assert [text[s:e] for s, e in zip(starts, ends, strict=True)][2:5] == ["Kerala", "Floods", "Kerala"]
    assert (tss[2], tes[2], tss[3]) == (13, 25, 13) and tss[4] == -1  # both humps carry the hashtag's span
    assert caps[:2] == [True, False] and caps[forms.index("ndrf")]
    assert heads == [2, len(forms) - 1]
    k = forms.index("কলকাতায")  # folded: the nukta goes
    assert text[starts[k] : ends[k]] == "কলকাতায়"


def test_visit_in_c_and_python_agree() -> None:
    rng = random.Random(7)
    words = ["the", "new", "delhi", "in", "kolkata", "x", "york", "hague", "flood"]
    flags = {w: rng.choice((0, 1, 2, 3)) for w in words}
    later = {"delhi": 3, "york": 3, "hague": 3}
    for _ in range(2000):
        forms = [rng.choice(words) for _ in range(rng.randint(0, 12))]
        heads = sorted(rng.sample(range(len(forms)), k=rng.randint(0, len(forms))))
        assert _text._ctokens.visit(forms, heads, flags, later) == py_visit(forms, heads, flags, later)


_WORDS = ["the", "The", "Hague", "New", "Delhi", "new", "delhi", "in", "and", "of", "Hurricane", "Florence", "Kerala",
          "#KeralaFloods", "#kolkatarains", "#srilanka", "#NewDelhi", "Calcutta", "Chenganoor", "Ghazipur", "Houston", "Chronicle",
          "@Mumbai", "Mr", "Chennai", "কলকাতায়", "हावड़ा", "में", "Sri", "Lanka", "sri", "lanka", "Port", "Blair", "US",
          "TX", "DEMA", "Paris", "near", "north", "of", "-", ",", ".", "'", "’s", "5", "km"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=14), st.lists(st.sampled_from(["", " ", "  "]), max_size=14))
def test_visited_tokens_find_what_every_token_finds(words: list[str], gaps: list[str]) -> None:
    # _mentions looks only at the tokens _visit picks; looking at every token must find the same.
    text = "".join(w + (gaps[k] if k < len(gaps) else " ") for k, w in enumerate(words))
    g = Geocoder.load("IN")
    picked = g._mentions(text, [])
    try:
        geocoding._visit = lambda forms, heads, flags, later: list(range(len(forms)))
        every = g._mentions(text, [])
    finally:
        geocoding._visit = _VISIT
    assert picked == every


def test_memo_computes_once_and_starts_afresh_when_full() -> None:
    calls: list[str] = []
    memo = _text.Memo(lambda w: calls.append(w) or w.upper(), 3)
    assert [memo[w] for w in ("a", "b", "a", "c")] == ["A", "B", "A", "C"]
    assert calls == ["a", "b", "c"]
    assert memo["d"] == "D" and dict(memo) == {"d": "D"}  # full: cleared, then "d" kept
    assert memo["a"] == "A" and calls == ["a", "b", "c", "d", "a"]
