"""What a post asks for and how many people it speaks of: keyword lexicons in English, Hindi,
Bengali and their romanised forms, matched over a whole batch with one regular expression each.

Needs are *stated* needs: "stranded", "need drinking water", "पीने का पानी चाहिए", "ওষুধ দরকার".
A topic word alone ("rescue teams deployed", "flood water") is not a need.

People: the largest count stated next to a word for people ("30 people stranded", "family of 5",
"५ लोग", "৩০ জন", "पांच लोग", "2 lakh residents"). Families, houses, boats are not people.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from geo._lexicon import Lexicon

# need -> terms (see geo/_lexicon.py: literal lower-case phrases, "*" marks a Latin stem).
_NEED_LEXICON: dict[str, tuple[str, ...]] = {
    "rescue": (
        "stranded", "trapped", "stuck", "marooned", "rescue us", "rescue me", "rescue them", "rescue needed",
        "rescue required", "rescue please", "need rescue", "needs rescue", "need rescuing", "need a rescue",
        "need boat*", "need a boat", "send boat*", "send a boat", "send rescue", "send ndrf", "need ndrf",
        "requesting rescue", "request rescue", "save us", "on the roof", "on our roof", "on the rooftop",
        "on rooftop*", "on roof*", "on the terrace", "water rising", "water is rising",
        "bachao", "bachaao", "bachaiye", "phanse", "phase hue", "phase hain", "fase", "fanse", "fase hain",
        "atke", "atka", "bachan",
        "फंस", "फँस", "बचाओ", "बचाइए", "बचाव", "मदद करो", "मदद करें",
        "আটকে", "বাঁচাও", "বাঁচান", "উদ্ধার কর", "সাহায্য কর",
    ),
    "medical": (
        "medicine*", "medical", "doctor*", "ambulance*", "first aid", "insulin", "oxygen", "injured",
        "bleeding", "pregnant", "dialysis", "hospitalised", "hospitalized",
        "dawai", "davai", "dawa", "oshudh", "osudh", "daktar",
        "दवा", "दवाई", "डॉक्टर", "डाक्टर", "अस्पताल", "एम्बुलेंस", "एंबुलेंस", "घायल", "गर्भवती",
        "ওষুধ", "ঔষধ", "ডাক্তার", "হাসপাতাল", "অ্যাম্বুলেন্স", "আহত", "গর্ভবতী",
    ),
    "food": (
        "food", "hungry", "starving", "ration", "rations", "meal", "meals", "baby food", "milk", "rice",
        "khana", "khaana", "bhojan", "rashan", "khabar lagbe", "khabar nei", "khabar nai",
        "खाना", "भोजन", "राशन", "भूख", "दूध",
        "খাবার", "খাদ্য", "চাল", "ক্ষুধা", "দুধ",
    ),
    "drinking_water": (
        "drinking water", "clean water", "potable water", "bottled water", "water bottle*", "thirsty",
        "no water", "no drinking water", "no clean water", "need water", "needs water", "need drinking water",
        "need clean water", "without water", "send water", "water supply",
        "peene ka paani", "pine ka pani", "peene ka pani", "paani chahiye", "pani chahiye", "paani nahi",
        "pani nahi", "paani nahin", "pani nahin", "jol nei", "jol nai", "jol chai", "jol lagbe", "jol dorkar",
        "pani nei", "pani nai", "pani lagbe", "pani dorkar",
        "पीने का पानी", "पीने के पानी", "पानी चाहिए", "पानी नहीं",
        "পানীয় জল", "খাবার জল", "জল নেই", "জল চাই", "জল দরকার", "পানি নেই", "পানি দরকার",
    ),
    "shelter": (
        "shelter", "shelters", "homeless", "tent", "tents", "tarpaulin*", "relief camp*", "roof over",
        "ashray", "ashroy",
        "आश्रय", "शिविर", "बेघर", "तिरपाल", "छत नहीं",
        "আশ্রয়", "শিবির", "গৃহহীন", "ত্রিপল",
    ),
    "power": (
        "power outage*", "power cut*", "power failure", "power is out", "power out", "power line*",
        "power supply", "no power", "without power", "no electricity", "without electricity", "electricity",
        "blackout*", "generator*", "bijli", "current nei", "current nai",
        "बिजली", "विद्युत",
        "বিদ্যুৎ", "কারেন্ট",
    ),
    "missing_person": (
        "missing", "lost contact", "cannot reach", "can't reach", "cant reach", "unable to reach",
        "cannot contact", "can't contact", "unable to contact", "can't find", "cannot find", "whereabouts",
        "lapata", "laapata", "nikhoj", "nikhonj",
        "लापता", "गुमशुदा", "खो गए", "खो गया",
        "নিখোঁজ", "হারিয়ে গেছে", "খোঁজ পাওয়া যাচ্ছে না",
    ),
    "evacuation": (
        "evacuat*", "relocat*", "safe place", "safer place", "safe location", "safer location",
        "higher ground", "surakshit sthan", "nirapod",
        "निकासी", "सुरक्षित स्थान", "खाली करा",
        "সরিয়ে", "নিরাপদ স্থান", "নিরাপদ জায়গা",
    ),
    "clothing": (
        "clothes", "clothing", "blanket*", "kapde", "kambal", "kombol",
        "कपड़े", "कपडे", "कंबल", "कम्बल",
        "জামাকাপড়", "কাপড়", "কম্বল",
    ),
    "sanitation": (
        "toilet*", "sanitation", "hygiene", "sanitary",
        "शौचालय", "सैनिटरी",
        "শৌচাগার", "স্যানিটারি",
    ),
}
#: Every need a post can state, in a fixed order (the order ``needs`` tuples use).
NEEDS: tuple[str, ...] = tuple(_NEED_LEXICON)
_NEED_SET = frozenset(NEEDS)

_URGENT_TERMS = (
    "urgent*", "sos", "emergency", "immediately", "asap", "right now", "please help", "help needed", "dying",
    "critical", "jaldi", "turant", "tatkal", "taratari", "ekhuni",
    "तुरंत", "जल्दी", "आपातकाल", "अभी", "জরুরি", "তাড়াতাড়ি", "এখনই", "বাঁচাও",
)
# --- people --------------------------------------------------------------------------------------

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
    # romanised Hindi / Bengali
    "ek": 1, "teen": 3, "char": 4, "paanch": 5, "panch": 5, "chhe": 6, "chhoy": 6,
    "saat": 7, "aath": 8, "nau": 9, "noy": 9, "das": 10, "dosh": 10, "bees": 20, "bish": 20,
    "pachas": 50, "ponchash": 50, "sau": 100, "dui": 2,
    # Hindi
    "एक": 1, "दो": 2, "तीन": 3, "चार": 4, "पांच": 5, "पाँच": 5, "छह": 6, "छः": 6, "सात": 7, "आठ": 8,
    "नौ": 9, "दस": 10, "ग्यारह": 11, "बारह": 12, "पंद्रह": 15, "बीस": 20, "पच्चीस": 25, "तीस": 30,
    "चालीस": 40, "पचास": 50, "साठ": 60, "सत्तर": 70, "अस्सी": 80, "नब्बे": 90, "सौ": 100,
    # Bengali
    "এক": 1, "দুই": 2, "তিন": 3, "চার": 4, "পাঁচ": 5, "ছয়": 6, "সাত": 7, "আট": 8, "নয়": 9, "দশ": 10,
    "এগারো": 11, "বারো": 12, "পনেরো": 15, "কুড়ি": 20, "বিশ": 20, "পঁচিশ": 25, "ত্রিশ": 30,
    "চল্লিশ": 40, "পঞ্চাশ": 50, "ষাট": 60, "সত্তর": 70, "আশি": 80, "নব্বই": 90, "একশো": 100, "শত": 100,
}
_MULTIPLIERS = {
    "hundred": 100, "thousand": 1_000, "k": 1_000, "lakh": 100_000, "lakhs": 100_000, "lac": 100_000,
    "crore": 10_000_000, "million": 1_000_000, "hazar": 1_000, "hazaar": 1_000,
    "सौ": 100, "हजार": 1_000, "हज़ार": 1_000, "लाख": 100_000, "करोड़": 10_000_000,
    "শো": 100, "হাজার": 1_000, "লাখ": 100_000, "লক্ষ": 100_000, "কোটি": 10_000_000,
}
_PEOPLE_NOUNS_LATIN = (
    r"people|persons?|individuals|residents|villagers|citizens|civilians|children|kids|babies|women|men|"
    r"elderly|students|fishermen|passengers|tourists|workers|labourers|laborers|pilgrims|patients|victims|"
    r"lives|dead|killed|died|injured|survivors|family members|members|log|logon|loge|jon|jan|manush|lok"
)
_PEOPLE_NOUNS_NATIVE = (
    "लोग|लोगों|व्यक्ति|बच्चे|बच्चों|महिलाएं|महिलाओं|ग्रामीण|मछुआरे|यात्री|सदस्य|जान|मौत|घायल|"
    "জন|মানুষ|লোক|ব্যক্তি|শিশু|মহিলা|গ্রামবাসী|জেলে|যাত্রী|সদস্য|মৃত|আহত"
)


def _by_first_char(words: list[str]) -> str:
    """The alternation ``w1|w2|...`` written as ``a(?:...)|b(?:...)|...``: the same words in the same
    order among those sharing a first character, so it matches exactly as the flat alternation,
    but a position is tested against each first character once instead of against every word."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(word[1:])
    return "|".join(
        re.escape(first) + "(?:" + "|".join(re.escape(rest) for rest in rests) + ")" for first, rests in groups.items()
    )


# Longest words first (as sorted by the length of their escaped form).
_NUMBER = (
    r"(?P<num>\d[\d,]*(?:\.\d+)?)"
    r"|(?P<word>" + _by_first_char(sorted(_UNITS, key=lambda w: len(re.escape(w)), reverse=True)) + r")"
)
_MULT = "|".join(sorted((re.escape(w) for w in _MULTIPLIERS), key=len, reverse=True))
_COUNT = rf"(?:{_NUMBER})(?:[\s-]*(?P<mult>{_MULT}))?"
_PEOPLE = re.compile(
    rf"(?<![\w\u0900-\u0DFF])(?:{_COUNT})\s*(?:[a-z]+\s+)?(?:more\s+)?"
    rf"(?:(?:{_PEOPLE_NOUNS_LATIN})\b|{_PEOPLE_NOUNS_NATIVE})"
    rf"|family of (?P<fam>\d+|{'|'.join(w for w in _UNITS if w.isascii())})\b"
    rf"|परिवार के (?P<hfam>\d+|[^\s]+) सदस्य"
)

_DIGIT = re.compile(r"\d")
#: ``(label, term)`` pairs of every lexicon here: need names, "urgent", "people" (a people noun)
#: and "number" (a number word); for a caller's combined Lexicon.
TERMS: tuple[tuple[str, str], ...] = tuple(
    [(need, term) for need, terms in _NEED_LEXICON.items() for term in terms]
    + [("urgent", term) for term in _URGENT_TERMS]
    + [("people", noun) for noun in _PEOPLE_NOUNS_LATIN.split("|") + _PEOPLE_NOUNS_NATIVE.split("|")]
    + [("people", "family of"), ("people", "परिवार")]
    + [("number", word) for word in _UNITS]
)
_LEXICON = Lexicon(TERMS)


def scan(
    texts: Sequence[str], found: Sequence[Mapping[str, int]] | None = None
) -> tuple[list[tuple[str, ...]], list[int | None], list[bool]]:
    """Needs (in ``NEEDS`` order), number of people and urgency marker of each lower-cased text.

    One Aho-Corasick pass over the batch (or ``found``, the counts of a Lexicon holding ``TERMS``
    that the caller already ran); the people pattern runs only on texts that hold both a people
    noun and a number.
    """
    if found is None:
        found = _LEXICON.counts(texts)
    needs: list[tuple[str, ...]] = []
    people: list[int | None] = []
    urgent: list[bool] = []
    for text, labels in zip(texts, found, strict=True):
        needs.append(tuple([need for need in NEEDS if need in labels]) if not _NEED_SET.isdisjoint(labels) else ())
        urgent.append("urgent" in labels)
        if "people" in labels and ("number" in labels or _DIGIT.search(text)):
            people.append(_largest_count(text))
        else:
            people.append(None)
    return needs, people, urgent


def find_needs(texts: Sequence[str]) -> list[tuple[str, ...]]:
    """The needs each (already lower-cased) text states, in ``NEEDS`` order."""
    return scan(texts)[0]


def count_people(texts: Sequence[str]) -> list[int | None]:
    """The largest number of people each (already lower-cased) text states, or None."""
    return scan(texts)[1]


def find_urgent(texts: Sequence[str]) -> list[bool]:
    """Whether each (already lower-cased) text uses an urgency marker ("urgent", "SOS", "तुरंत")."""
    return scan(texts)[2]


def _largest_count(text: str) -> int | None:
    best: int | None = None
    for match in _PEOPLE.finditer(text):
        value = _match_value(match)
        if value is not None and 0 < value < 100_000_000 and (best is None or value > best):
            best = value
    return best


def _match_value(match: re.Match[str]) -> int | None:
    fam = match.group("fam") or match.group("hfam")
    if fam:
        return _as_int(fam)
    raw = match.group("num")
    if raw is not None:
        raw = raw.rstrip(",")
        try:
            base = float(raw.replace(",", "")) if "." in raw else int(raw.replace(",", ""))
        except ValueError:
            return None
    else:
        base = _UNITS.get(match.group("word") or "", 0)
    mult = _MULTIPLIERS.get(match.group("mult") or "", 1)
    return int(base * mult)


def _as_int(token: str) -> int | None:
    if token in _UNITS:
        return _UNITS[token]
    try:
        return int(token)
    except ValueError:
        return None
