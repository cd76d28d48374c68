"""Copies of a report: retweets, forwards and near-duplicate texts link to the original.

A copy is stored (nothing a person sent is dropped) with ``extra["duplicate_of"]`` naming the
report it repeats, so counts of reports and the zoning do not count it as new. Two texts are
near-duplicates when they share :func:`text_key`: the same words of 3+ letters, ignoring case,
order, links, mentions, hashtags, an ``RT @user:`` prefix and amplifiers ("pls share", "urgent").
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from geo.model import Report

#: A word: letters, digits and the combining vowel signs of Indic scripts (which ``\w`` leaves out,
#: so a plain ``\w+`` would cut "पहुँचेगा" into pieces).
_WORD = re.compile(r"[^\W_][\w\u0900-\u0DFF\u200c\u200d]*", re.UNICODE)
_NOISE = re.compile(r"^rt\s+@\S+:?\s*|https?://\S+|@\w+|#\w+", re.IGNORECASE)
_AMPLIFIERS = frozenset("pls plz please share help still urgent sos asap retweet amplify kindly".split())
#: Texts with fewer distinct words than this are too short to call copies of each other ("help!!").
MIN_WORDS = 4


def text_key(text: str) -> str:
    """Key of a text's content: its words (3+ letters, lower case, no links, mentions, hashtags,
    RT prefix or amplifiers), as a set; copies with "pls help!!" appended share it."""
    return _key(_words(text))


def _key(content_words: list[str]) -> str:
    return hashlib.sha1(" ".join(content_words).encode("utf-8")).hexdigest()[:16]


def words(text: str) -> frozenset[str]:
    """The distinct words of 3+ characters of a text, lower case, any script."""
    return frozenset(w for w in _WORD.findall((text or "").lower()) if len(w) >= 3)


def _words(text: str) -> list[str]:
    return sorted(words(_NOISE.sub(" ", text or "")) - _AMPLIFIERS)


def link_duplicates(
    reports: Sequence[Report], known: Callable[[Iterable[str]], Mapping[str, str]]
) -> list[Report]:
    """Mark each distress report that repeats an earlier one.

    ``known(keys)`` returns, for text keys already stored, the id of the first report with that key.
    A retweet/forward (``reply_to``) links to the report it names; a near-duplicate links to the
    first report with its text key, stored before or earlier in this batch. Originals are returned
    unchanged; every report gets ``extra["text_key"]``.
    """
    content = [_words(r.text) for r in reports]
    keys = [_key(w) for w in content]
    long_enough = [len(w) >= MIN_WORDS for w in content]
    stored = known({k for k, ok, r in zip(keys, long_enough, reports, strict=True) if ok and r.feed == "distress"})
    first: dict[str, str] = dict(stored)
    out = []
    for report, key, ok in zip(reports, keys, long_enough, strict=True):
        extra = dict(report.extra) | {"text_key": key}
        if report.feed == "distress":
            original = f"{report.source}:{report.reply_to}" if report.reply_to else None
            if original is None and ok:
                original = first.setdefault(key, report.report_id)
            if original is not None and original != report.report_id:
                extra["duplicate_of"] = original
        out.append(dataclasses.replace(report, extra=extra))
    return out
