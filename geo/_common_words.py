"""How ordinary a name is as a word: a place called "Help" or "Station" must not fire on every post.

``commonness(key)`` is the Zipf frequency (log10 of uses per billion words) of the name as a word in
English, Hindi or Bengali text, from the ``wordfreq`` package; 0 when the name is rare as a word.
Used only while building the gazetteer.
"""

from __future__ import annotations

from geo._text import is_indic

#: Names at or above this Zipf frequency are treated as ordinary words (about the 20,000 commonest).
COMMON_ZIPF = 3.5


def commonness(key: str) -> float:
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - wordfreq is a dependency; degrade to "nothing is common"
        return 0.0
    langs = ("hi", "bn") if is_indic(key) else ("en",)
    z = max(zipf_frequency(key, lang) for lang in langs)
    return z if z >= COMMON_ZIPF else 0.0
