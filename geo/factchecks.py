"""Published fact-checks (a feed like PIB Fact Check) and the posts that repeat a debunked claim.

The feed is a JSON Lines file, one fact-check per line::

    {"id": "pib-2020-05-20-01", "claim": "Dam burst, water will reach Kolkata in 2 hours",
     "verdict": "false", "source": "PIB Fact Check", "url": "...", "published": "2020-05-20T15:00:00Z"}

A post matches a claim when it contains at least :data:`MIN_COVERAGE` of the claim's words (3+
letters, any script) and at least :data:`MIN_WORDS` of them. The post is kept and flagged, never
dropped: an operator decides.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from geo.duplicates import words
from geo.errors import InputError

MIN_COVERAGE = 0.75
MIN_WORDS = 4


@dataclass(frozen=True, slots=True)
class FactCheck:
    id: str
    claim: str
    verdict: str
    source: str = ""
    url: str | None = None
    published: str | None = None

    def flag(self) -> dict[str, str | None]:
        return {"id": self.id, "verdict": self.verdict, "source": self.source, "url": self.url}


@dataclass(frozen=True)
class FactChecks:
    """The loaded fact-checks, ready to match posts against."""

    checks: tuple[FactCheck, ...]

    @classmethod
    def load(cls, path: str | Path | None) -> FactChecks:
        """Read a fact-check feed; ``None`` gives an empty set. A bad line is an InputError naming it."""
        if path is None:
            return cls(())
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            msg = f"cannot read the fact-check feed {path}: {exc.strerror}; fix factcheck_file"
            raise InputError(msg) from None
        checks = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                checks.append(FactCheck(**{k: obj[k] for k in ("id", "claim", "verdict")},
                                        source=obj.get("source", ""), url=obj.get("url"),
                                        published=obj.get("published")))  # fmt: skip
            except (ValueError, KeyError, TypeError) as exc:
                msg = f"{path} line {number} is not a fact-check ({type(exc).__name__}: {exc}); expected id, claim, verdict"
                raise InputError(msg) from None
        return cls(tuple(checks))

    def match(self, texts: Sequence[str]) -> list[FactCheck | None]:
        """For each text, the fact-check whose claim it repeats best, or None."""
        claims = [(c, words(c.claim)) for c in self.checks]
        claims = [(c, w) for c, w in claims if len(w) >= MIN_WORDS]
        out: list[FactCheck | None] = []
        for text in texts:
            post = words(text)
            best, best_cov = None, 0.0
            for check, claim_words in claims:
                hit = len(claim_words & post)
                cov = hit / len(claim_words)
                if hit >= MIN_WORDS and cov >= MIN_COVERAGE and cov > best_cov:
                    best, best_cov = check, cov
            out.append(best)
        return out
