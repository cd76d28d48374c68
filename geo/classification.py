"""Humanitarian classification of public posts: HumAID category, stated needs, urgency, people, language.

One linear model over hashed word and character n-grams (``geo/_features.py``), trained on the
IDRISI-R/HumAID crisis tweets by ``benchmarks/train_classifier.py`` and shipped in ``geo/models/``,
backed by keyword lexicons in English, Hindi, Bengali and romanised Hindi/Bengali:

* **category**: the model's best HumAID class. Posts in Hindi, Bengali or romanised Hindi/Bengali
  first get English glosses of the crisis words they use ("फंसे" -> "stranded"), so the English-
  trained model can read them; every post also gets one token per need the lexicons find in it
  (``need_rescue``, ...), the same in any language (``model_texts``). Three HumAID classes have no
  training data in IDRISI-R; they come from rules, only when the model is unsure (confidence below
  ``RULE_CONFIDENCE``), the post states no need and reports no harm (deaths, injuries, damage,
  missing people: ``_HARM``): ``sympathy_and_support`` (prayers, condolences), ``other_relevant_information``
  (weather updates: landfall, wind speed, forecast) and ``not_humanitarian`` (no crisis word at all,
  or nothing but links, handles, numbers and emoji — the latter always).
* **needs**: stated needs from the lexicons (``NEEDS``), see ``geo/_needs.py``.
* **urgency** (``URGENCIES``), the documented rule:

  - ``high``: the post states a life-safety need (rescue, medical, missing_person), or it states
    any need or is a request (``requests_or_urgent_needs``) and uses an urgency marker
    ("urgent", "SOS", "immediately", "तुरंत", "জরুরি", ...);
  - ``medium``: any other stated need, or a category about harm to people or places
    (requests, injured/dead, missing/found, displaced/evacuations, infrastructure damage);
  - ``low``: everything else (advice, donations, sympathy, other information, not humanitarian).

* **people**: the largest number of people stated ("30 people", "family of 5", "५ लोग", "৩০ জন").
* **language**: ``en``, ``hi``, ``bn``, ``or``, ``hi-en``, ``bn-en`` (code-mixed or romanised) or
  ``und``, from script and a romanised word list (``geo/_language.py``).
* **confidence**: the model's probability of the category (1.0 for posts with no words).
"""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np

from geo._features import HashedTfidf, linear_scores, normalise_batch
from geo._language import LANGUAGES, ROMAN_TERMS, detect_languages
from geo._lexicon import Lexicon
from geo._needs import NEEDS, TERMS, scan
from geo.errors import CrisismapError
from geo.model import HumanitarianCategory

__all__ = [
    "CATEGORIES",
    "LANGUAGES",
    "MODEL_PATH",
    "NEEDS",
    "URGENCIES",
    "Classification",
    "Classifier",
    "ClassifierError",
    "model_texts",
]

Category = HumanitarianCategory
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]
Urgency = Literal["high", "medium", "low"]
URGENCIES: tuple[str, ...] = ("high", "medium", "low")

#: The shipped model: a gzipped ``.npz`` (no pickles) next to a JSON card with its scores.
MODEL_PATH = Path(__file__).resolve().parent / "models" / "humaid_linear.npz.gz"
#: Posts featurised at once inside ``classify_batch`` (bounded memory, cache-friendly arrays).
CHUNK = 1000
#: Below this model confidence the rule-based categories may replace the model's answer.
RULE_CONFIDENCE = 0.45

_POST_LEXICON = Lexicon(TERMS + ROMAN_TERMS)
_LIFE_SAFETY = frozenset({"rescue", "medical", "missing_person"})
_HARM_CATEGORIES = frozenset({
    "requests_or_urgent_needs",
    "injured_or_dead_people",
    "missing_or_found_people",
    "displaced_people_and_evacuations",
    "infrastructure_and_utility_damage",
})


class ClassifierError(CrisismapError, RuntimeError):
    """The classifier's model file is missing or unreadable."""


@dataclass(frozen=True)
class Classification:
    """What one post is about. ``people`` is None when the post states no number of people."""

    category: str
    needs: tuple[str, ...]
    urgency: str
    people: int | None
    language: str
    confidence: float


@dataclass(frozen=True)
class Classifier:
    """A trained linear HumAID model plus the lexicon rules; build it with ``Classifier.load()``."""

    features: HashedTfidf
    weights: np.ndarray  # (2**bits, n_classes) float32
    bias: np.ndarray  # (n_classes,)
    classes: tuple[str, ...]
    temperature: float = 1.0  # softmax(temperature * score): calibrates margins into probabilities

    @classmethod
    def load(cls, path: Path | str | None = None) -> Classifier:
        """The shipped model (cached), or the model file at ``path``; nothing is downloaded."""
        return _load(str(Path(path).resolve()) if path is not None else str(MODEL_PATH))

    def classify_batch(self, texts: Sequence[str]) -> list[Classification]:
        """Classify a batch of post texts (any mix of languages); one result per text, in order.

        Large batches are worked through in chunks of ``CHUNK`` posts, so memory stays bounded.
        """
        texts = [t if isinstance(t, str) else "" for t in texts]
        if len(texts) > CHUNK:
            return [r for i in range(0, len(texts), CHUNK) for r in self._classify_chunk(texts[i : i + CHUNK])]
        return self._classify_chunk(texts)

    def _classify_chunk(self, texts: list[str]) -> list[Classification]:
        if not texts:
            return []
        read = _read(texts)
        categories, confidences = self._predict(read.model_input)
        results = []
        for i, text in enumerate(read.lowered):
            category, confidence = categories[i], confidences[i]
            needs, stripped = read.needs[i], read.stripped[i]
            if confidence < RULE_CONFIDENCE or not _has_words(stripped):
                category, confidence = _apply_rules(category, confidence, text, stripped, needs)
            results.append(
                Classification(
                    category=category,
                    needs=needs,
                    urgency=urgency_of(category, needs, read.urgent[i]),
                    people=read.people[i],
                    language=read.languages[i],
                    confidence=confidence,
                )
            )
        return results

    def predict_proba(self, normalised: Sequence[str]) -> np.ndarray:
        """Class probabilities (posts x ``classes``) of already normalised texts."""
        scores = linear_scores(self.features, normalised, self.weights, self.bias) * self.temperature
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores

    def _predict(self, normalised: Sequence[str]) -> tuple[list[str], list[float]]:
        proba = self.predict_proba(normalised)
        best = proba.argmax(axis=1)
        classes = np.asarray(self.classes, dtype=object)
        return list(classes[best]), np.round(proba[np.arange(len(best)), best], 4).tolist()

    def save(self, path: Path | str, card: dict[str, object] | None = None) -> None:
        """Write the model as a gzipped ``.npz`` (float16 weights) plus a JSON card beside it."""
        path = Path(path)
        buf = io.BytesIO()
        np.savez(
            buf,
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
            temperature=np.asarray(self.temperature, dtype=np.float64),
            idf=self.features.idf.astype(np.float16),
            classes=np.asarray(self.classes),
            bits=np.asarray(self.features.bits),
            char_sizes=np.asarray(self.features.char_sizes, dtype=np.int64),
        )
        path.write_bytes(gzip.compress(buf.getvalue(), compresslevel=9, mtime=0))
        if card is not None:
            card_path = path.with_name(path.name.split(".")[0] + ".json")
            card_path.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def model_texts(texts: Sequence[str]) -> list[str]:
    """What the model reads of each post (as ``classify_batch`` builds it; training uses the same):
    the normalised text, English glosses of a non-English post's crisis words, and one token per
    stated need (``need_rescue``, ...; no normalised text can hold an underscore)."""
    texts = [t if isinstance(t, str) else "" for t in texts]
    return [m for i in range(0, len(texts), CHUNK) for m in _read(texts[i : i + CHUNK]).model_input]


class _Read(NamedTuple):
    """Everything read off a chunk of posts before the model scores it."""

    lowered: list[str]
    needs: list[tuple[str, ...]]
    people: list[int | None]
    urgent: list[bool]
    stripped: list[str]  # normalised, without the link and handle tokens
    languages: list[str]
    model_input: list[str]


def _read(texts: list[str]) -> _Read:
    lowered = [t.lower() for t in texts]
    found = _POST_LEXICON.counts(lowered)  # needs, urgency, people and romanised words at once
    needs, people, urgent = scan(lowered, found)
    normalised = normalise_batch(texts)
    stripped = [n.replace("httpurl", "").replace("atuser", "") for n in normalised]
    languages = detect_languages(stripped, found)
    model_input = [
        _model_text(norm, low, lang, need)
        for norm, low, lang, need in zip(normalised, lowered, languages, needs, strict=True)
    ]
    return _Read(lowered, needs, people, urgent, stripped, languages, model_input)


def _model_text(normalised: str, lowered: str, language: str, needs: tuple[str, ...]) -> str:
    if language != "en":
        normalised = f"{normalised} {_glosses(lowered, needs)}"
    if needs:
        return f"{normalised} {' '.join(_NEED_TOKENS[need] for need in needs)}"
    return normalised


def urgency_of(category: str, needs: tuple[str, ...], urgent_marker: bool) -> str:
    """The urgency rule of the module docstring: high, medium or low."""
    if _LIFE_SAFETY.intersection(needs):
        return "high"
    if urgent_marker and (needs or category == "requests_or_urgent_needs"):
        return "high"
    if needs or category in _HARM_CATEGORIES:
        return "medium"
    return "low"


@lru_cache(maxsize=4)
def _load(path: str) -> Classifier:
    try:
        raw = gzip.decompress(Path(path).read_bytes())
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            features = HashedTfidf(
                bits=int(data["bits"]),
                char_sizes=tuple(int(n) for n in data["char_sizes"]),
                idf=data["idf"].astype(np.float32),
            )
            return Classifier(
                features=features,
                weights=data["weights"].astype(np.float32),
                bias=data["bias"].astype(np.float64),
                classes=tuple(str(c) for c in data["classes"]),
                temperature=float(data["temperature"]),
            )
    except (OSError, EOFError, KeyError, ValueError) as exc:
        msg = f"cannot read the classifier model {path} ({exc}); reinstall crisismap or retrain it with benchmarks/train_classifier.py"
        raise ClassifierError(msg) from None


# --- English glosses for non-English posts and rule-based categories ------------------------------

_GLOSSES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), gloss)
    for pattern, gloss in (
        (r"मौत|मृत|मारे गए|मर गए|शव|লাশ|মৃত|মারা|মৃত্যু|\bmaut\b|\bmare\b|\bmara\b|\bmrito\b", "killed dead death toll"),
        (r"घायल|আহত|\bghayal\b|\bahoto\b", "injured"),
        (r"लापता|गुमशुदा|নিখোঁজ|\blapata\b|\bnikhoj\b", "missing"),
        (r"टूट|ढह|क्षतिग्रस्त|नुकसान|सड़क|पुल|पेड़|ভেঙে|ক্ষতি|রাস্তা|সেতু|গাছ|\btut\b|\bnuksan\b", "damaged destroyed road bridge trees down"),
        (r"बिजली|বিদ্যুৎ|কারেন্ট|\bbijli\b", "power outage electricity"),
        (r"बेघर|विस्थापित|निकाला|शिविर|আশ্রয়|শিবির|সরিয়ে|\bshivir\b", "evacuated displaced shelter"),
        (r"चेतावनी|अलर्ट|सावधान|सतर्क|সতর্ক|\bchetavani\b|\bsatark\b", "warning alert stay safe"),
        (r"दान|राहत सामग्री|स्वयंसेवक|ত্রাণ|দান|স্বেচ্ছাসেবক|\bdaan\b|\brahat\b|\btran\b", "donate relief volunteers"),
        (r"मदद|सहायता|चाहिए|जरूरत|ज़रूरत|সাহায্য|দরকার|প্রয়োজন|চাই|\bmadad\b|\bchahiye\b|\bdorkar\b|\blagbe\b", "need help please"),
        (r"फंस|फँस|আটকে|\bphanse\b|\bfase\b|\batke\b", "stranded trapped rescue"),
    )
)
_NEED_GLOSSES = {
    "rescue": "stranded need rescue",
    "medical": "need medicine medical",
    "food": "need food",
    "drinking_water": "need drinking water",
    "shelter": "need shelter",
    "power": "power outage",
    "missing_person": "missing",
    "evacuation": "evacuation",
    "clothing": "need clothes",
    "sanitation": "need sanitation",
}
_NEED_TOKENS = {need: f"need_{need}" for need in NEEDS}
_SURVIVOR = re.compile(r"[^0rt!?\s]")
_SYMPATHY = re.compile(
    r"\b(?:pray\w*|thoughts (?:are )?with|condolence\w*|rip(?! (?:through|into|across|apart|off|out|up|down)\b)|"
    r"rest in peace|god bless|stay strong|sending love|"
    r"heart goes out|hearts go out)\b|प्रार्थना|दुआ|श्रद्धांजलि|প্রার্থনা|দোয়া|শ্রদ্ধাঞ্জলি"
)
_WEATHER_UPDATE = re.compile(
    r"\b(?:landfall|wind speeds?|km/?h|kmph|mph|knots|depression|intensif\w*|forecast\w*|bulletin|"
    r"latitude|longitude|lat\.|lon\.|gusts?|rainfall|imd)\b|चक्रवात|हवा की गति|পূর্বাভাস|ঘূর্ণিঝড়|বাতাসের গতি"
)
_CRISIS = re.compile(
    r"\b(?:flood\w*|cyclone\w*|storm\w*|hurricane\w*|typhoon\w*|quake\w*|earthquake\w*|tsunami|wild ?fires?|fire\w*|"
    r"rain\w*|wind\w*|water|damage\w*|destroy\w*|collaps\w*|rescue\w*|relief|help\w*|aid|evacuat\w*|victims?|"
    r"dead|death\w*|died|kill\w*|injur\w*|missing|shelter\w*|donat\w*|emergency|disaster\w*|ndrf|sdrf|amphan|"
    r"landfall|surge|tide|power|electricity|road\w*|bridge\w*|trees?|warning\w*|alert\w*|safe\w*|"
    r"stranded|trapped|homeless|survivors?|casualt\w*|crisis|volunteer\w*|fema|red cross|toll|missing|"
    r"homes?|houses?|lives|aftershocks?|shaking|sirens?|rubble|debris|devastat\w*|catastroph\w*|affected|"
    r"supplies|evacuees|refugees?|displaced|cut off|indoors|vigilant|uninhabitable|obliterat\w*|outages?|"
    r"smoke|ash|blaze|burn\w*|troops|army|military|cholera|vaccin\w*|harm|"
    r"baadh|badh|toofan|tufan|bonna|jhor|madad|bachao)\b"
    r"|बाढ़|तूफान|तूफ़ान|चक्रवात|बारिश|पानी|मदद|राहत|बचाव|नुकसान|मौत|घायल|लापता|বন্যা|ঝড়|ঘূর্ণিঝড়|বৃষ্টি|জল|পানি|সাহায্য|ত্রাণ|উদ্ধার|ক্ষতি|মৃত"
)


#: A post that reports deaths, injuries or damage keeps the model's class even when it also prays
#: or quotes the weather: "2 fans passed away today, praying for everyone" is about the dead.
_HARM = re.compile(
    r"\b(?:dead|deaths?|died|dies|killed|passed away|lost (?:their|his|her|our|my) li(?:fe|ves)|bod(?:y|ies)|"
    r"injur\w*|wounded|casualt\w*|toll|collaps\w*|destroy\w*|damage\w*|uninhabitable|missing)\b"
    r"|मौत|मृत|मारे गए|मर गए|घायल|लापता|क्षतिग्रस्त|মৃত|মারা|আহত|নিখোঁজ|ক্ষতি"
)


def _glosses(lowered: str, needs: tuple[str, ...]) -> str:
    """English words for the crisis cues of a non-English post and for every need it states."""
    parts = [gloss for pattern, gloss in _GLOSSES if pattern.search(lowered)]
    parts.extend(_NEED_GLOSSES[need] for need in needs)
    return " ".join(parts)


def _has_words(stripped: str) -> bool:
    """Whether a normalised post without its links and handles has a word (not just numbers, RT)."""
    if _SURVIVOR.search(stripped):  # a character none of the removals below can take away
        return True
    return bool(stripped.replace("0", "").replace("rt", "").replace("!", "").replace("?", "").strip())


def _apply_rules(
    category: str, confidence: float, lowered: str, stripped: str, needs: tuple[str, ...]
) -> tuple[str, float]:
    """The rule-based categories of the module docstring, over the model's answer."""
    if not _has_words(stripped):
        return "not_humanitarian", 1.0
    if needs or confidence >= RULE_CONFIDENCE or _HARM.search(lowered):
        return category, confidence
    if _SYMPATHY.search(lowered):
        return "sympathy_and_support", confidence
    if _WEATHER_UPDATE.search(lowered):
        return "other_relevant_information", confidence
    if not _CRISIS.search(lowered):
        return "not_humanitarian", confidence
    return category, confidence
