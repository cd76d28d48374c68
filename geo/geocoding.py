"""Find where a text is about: explicit positions, then place names resolved against the gazetteer.

Per text: coordinates / map links / DIGIPINs / PIN codes first; then the longest gazetteer names over
word tokens (Latin, Devanagari, Bengali; hashtags split at camel humps), skipping ordinary words that
happen to be place names; then each name's candidates are ranked by population and place type, the
region, the hint, and the other places in the same text (a town in a state the text also names
wins); finally relative expressions ("5 km north of X", "between X and Y") add a derived location.
Distances for relative expressions are on a sphere of radius 6,371 km.

The unlocated result is the empty tuple: never a fake point.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from itertools import compress, repeat
from operator import and_
from typing import Any, ClassVar

import numpy as np

from geo._abbreviations import AFTER_PLACE, ANYWHERE
from geo._coordinates import find_positions
from geo._language import ROMAN_WORDS
from geo._text import _ctokens, Memo, TokenColumns, fold, is_indic, name_key, skeleton, token_columns
from geo.gazetteer import Gazetteer
from geo.model import Location

Focus = tuple[frozenset[str], frozenset[str]]  # (countries, states) of the event region
_NO_FOCUS: Focus = (frozenset(), frozenset())
Mention = tuple[int, int, str, tuple[int, ...], bool]  # start, end, key, candidate ids, event hashtag
_VARIANT = "~"  # key prefix of a mention found by spelling variant (Chenganoor for Chengannur)
_MAX_MENTIONS = 500  # per text: a megabyte of place names is not a report about 20,000 places
_KINDS = ("coordinates", "pin", "village", "town", "city", "district", "state", "country", "road", "landmark")
_ADMIN_KINDS = frozenset({5, 6, 7})  # district, state, country
_CONF_ALONE = round(0.5 + 0.45 * math.tanh(3.0), 3)  # confidence of a name with one candidate
_URL = re.compile(r"(?:https?://|www\.)\S+|@\w+", re.I)
_NOT_PLACE_BEFORE = frozenset({
    "hurricane", "cyclone", "storm", "typhoon", "tropical", "depression", "mr", "mrs", "ms", "dr", "sir", "lord",
    "saint", "prof", "captain", "officer", "sgt", "gen", "president", "minister", "senator", "governor", "cm", "pm",
})
_NOT_PLACE_AFTER = frozenset({"university", "times", "post", "chronicle", "herald", "tribune", "news", "airport",
                              # streets and bridges named after a person or a far place: "AJC Bose Road",
                              # "Jessore Road" (Kolkata), "Vidyasagar Setu"
                              "road", "street", "sarani", "avenue", "lane", "marg", "setu", "bridge", "flyover"})
#: Words of Indian streets and places that are never a place on their own ("Setu" is no Seto, Japan).
_NEVER_ALONE = frozenset({"setu", "marg", "sarani", "chowk", "nagar", "pur", "bazar", "bazaar", "ghat", "para"})
#: Romanised Hindi and Bengali words written in lower case are words, not the places they spell:
#: "phase hue hain" is no Huế, "ghore bose" no Baise, "matir bari" no Bari.
_ROMAN_WORDS = ROMAN_WORDS | frozenset(
    "bose boshe dekhchi dekho jabe jacche jachhe hocche hochhe pe se ko ka ki ne tak par".split())
#: "Viveknagar, Kolkata": a village or town, then the city, district or state it is in.
_ADDRESS_GAP = re.compile(r"\s*(?:,|in|at|of)\s*$", re.I)
_STORM_WORDS = frozenset({"hurricane", "cyclone", "storm", "typhoon", "tropical", "depression", "cyclonic"})
_LETTERS = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")
_HAS_UPPER2 = re.compile(r"[A-Z].?[A-Z&]")
# Abbreviation-shaped words (capitals, dots, &); the table decides which are places.
_ABBR_ANY = re.compile(r"(?<![\w.&$])([A-Z](?:[A-Z&]|\.[A-Z])+\.?|PoK)(?![\w&$]|\.\w|-\d|\s\d{1,3}\b)")  # not NH-16, NH 16; yes "NC 28403"
_ABBR_AFTER = re.compile(r"(?<=[a-z], )(" + "|".join(map(re.escape, AFTER_PLACE)) + r")(?![\w&]|-\d|\s\d{1,3}\b)")
_ABBR_ANYWHERE = ((_ABBR_ANY, ANYWHERE),)
_ABBR_BOTH = ((_ABBR_ANY, ANYWHERE), (_ABBR_AFTER, AFTER_PLACE))
_DIRS = {"n": 0, "north": 0, "nne": 22.5, "ne": 45, "northeast": 45, "north-east": 45, "ene": 67.5,
         "e": 90, "east": 90, "ese": 112.5, "se": 135, "southeast": 135, "south-east": 135, "sse": 157.5,
         "s": 180, "south": 180, "ssw": 202.5, "sw": 225, "southwest": 225, "south-west": 225, "wsw": 247.5,
         "w": 270, "west": 270, "wnw": 292.5, "nw": 315, "northwest": 315, "north-west": 315, "nnw": 337.5}
_RELATIVE = re.compile(
    r"(\d{1,4}(?:\.\d+)?)\s*(km|kms|kilomet(?:er|re)s?|mi|miles?)\s+(?:\w+\s+){0,2}?"
    r"(north-?east|north-?west|south-?east|south-?west|north|south|east|west|nne|ene|ese|sse|ssw|wsw|wnw|nnw|ne|nw|se|sw|n|s|e|w)"
    r"(?:wards?|erly)?\s+(?:of|from)\s+$",
    re.I,
)
_INDIC_SUFFIXES = tuple(sorted({fold(s) for s in (
    "েতে", "তে", "য়", "য়", "ের", "র", "কে", "এর", "ে", "ও", "ই", "का", "की", "के", "में", "से")}, key=len, reverse=True))
_RELATIVE_ANY = re.compile(r"\d\s*(?:km|kms|kilomet|mi\b|miles)|\bbetween\b", re.I)
_NEAR_ANY = re.compile(r"\b(?:near|nr|close to|next to|beside|outside|around|opposite|opp)\b", re.I)
# Substring cues (plain ``in`` tests are far cheaper than a regex scan of every post).
_STORM_CUES = ("urricane", "yclone", "torm", "yphoon", "ropical", "epression", "URRICANE", "YCLONE", "TORM")
_NEAR_CUES = ("near", "nr", "close", "next", "beside", "outside", "around", "opp", "Near", "NEAR", "Around", "Outside")
_RELATIVE_CUES = ("km", "KM", "Km", "kilomet", "mi", "between", "Between")
_HANDLE = re.compile(r"@\w+")
_NOT_SPACE = re.compile(r"\S+")
_LINK_STARTS = ("http://", "https://", "www.")
_MAP_CUES = ("maps", "goo.gl", "openstreetmap")  # as geo._coordinates: a link that is a position
_BETWEEN = re.compile(r"\bbetween\s+$", re.I)
_AND = re.compile(r"^\s*(?:and|&|-)\s*$", re.I)
_NEAR = re.compile(r"\b(?:near|nr\.?|close to|next to|beside|outside|around|opposite|opp\.?)\s+(?:the\s+)?$", re.I)


class Geocoder:
    """The engine the ingest worker and the dashboard share. Build with :meth:`load` (cached)."""

    _cache: ClassVar[dict[str, Geocoder]] = {}

    def __init__(self, gazetteer: Gazetteer, region: str = "IN") -> None:
        self.gaz = gazetteer
        self.region = (region or "").upper()
        c = gazetteer.cols
        self._lat, self._lon, self._kind = c["lat"].tolist(), c["lon"].tolist(), c["kind"].tolist()
        self._radius, self._pop, self._prior = c["radius"].tolist(), c["pop"].tolist(), c["prior"].tolist()
        self._cc, self._state, self._district = c["cc"], c["state"], c["district"]
        self._slgd, self._dlgd = c["state_lgd"].tolist(), c["district_lgd"].tolist()
        self._hint_cache: dict[str, tuple[str | None, str | None]] = {}
        #: Base score of each candidate of a name (prior, region, own name): the same for every text.
        self._scores: dict[tuple[str, tuple[int, ...]], list[tuple[float, int]]] = {}
        self._main = c["main"]
        self._base_score = (c["prior"].astype(np.float64) + 0.8 * (np.asarray(c["cc"], dtype=object) == self.region)).tolist()
        #: Per token form: can a token of that form start a mention? (see :meth:`_mentions`)
        self._flags = Memo(self._form_flag, 200_000)
        self._places: dict[int, tuple[Any, ...]] = {}  # see _place
        self._name_rules = Memo(self._name_rule, 200_000)  # per gazetteer name, see _accept
        self._hashtags = Memo(self._hashtag, 50_000)  # per lower-case hashtag, see _hashtag
        self._lower_ids = Memo(self._majors, 50_000)  # per name written in lower case, see _mentions
        #: The words that come second in a longer name (3; py_visit reads any other word as 1).
        self._later = dict.fromkeys({k.split(" ", 2)[1] for k in (*gazetteer.index, *gazetteer.prefixes) if " " in k}, 3)
        self._abbr_ids: dict[str, tuple[int, ...]] = {}
        for abbr, (name, country) in {**ANYWHERE, **AFTER_PLACE}.items():
            ids = tuple(k for k in gazetteer.index.get(name_key(name), ()) if self._cc[k] == country)
            if ids:
                self._abbr_ids[abbr] = ids

    @classmethod
    def load(cls, region: str = "IN") -> Geocoder:
        """The geocoder for ``region`` (ISO country code): built once per process, then reused."""
        key = (region or "").upper()
        if key not in cls._cache:
            cls._cache[key] = cls(Gazetteer.load(key), key)
        return cls._cache[key]

    # ------------------------------------------------------------------------------------------
    def locate_batch(self, texts: Sequence[str], hints: Sequence[str | None] | None = None, *,
                     event_region: Sequence[str] = ()) -> list[tuple[Location, ...]]:
        """Locations of each text, in text order; ``()`` for a text with no place (unlocated).

        ``hints``: a region per text (ISO country code, country, state or place), a strong clue.
        ``event_region``: the states or countries the event is about (the ``event_region`` setting),
        a milder clue that breaks ties between namesakes (Badagaon in Odisha, not Madhya Pradesh)
        unless the text says otherwise."""
        hints = hints if hints is not None else [None] * len(texts)
        focus = self._focus(tuple(event_region))
        return [self._guarded(t, h, focus) for t, h in zip(texts, hints, strict=False)]

    def locate(self, text: str, hint: str | None = None, *, event_region: Sequence[str] = ()) -> tuple[Location, ...]:
        """Locations of one text (see :meth:`locate_batch`)."""
        return self._guarded(text, hint, self._focus(tuple(event_region)))

    def _guarded(self, text: Any, hint: Any, focus: Focus) -> tuple[Location, ...]:
        if not isinstance(text, str) or not text:
            return ()
        try:
            return self._locate(text, hint if isinstance(hint, str) else None, focus)
        except (ValueError, OverflowError, IndexError, KeyError):  # pragma: no cover - last-resort guard
            return ()

    def reverse(self, lat: float, lon: float) -> tuple[str | None, str | None, int | None, int | None]:
        """(state, district, state_lgd, district_lgd) of a WGS84 point; all None outside India."""
        from geo import boundaries

        try:
            return boundaries.reverse(float(lat), float(lon))
        except (TypeError, ValueError):
            return (None, None, None, None)

    # ------------------------------------------------------------------------------------------
    def _locate(self, text: str, hint: str | None, focus: Focus) -> tuple[Location, ...]:
        text = text[:100_000]
        clean = _without_links(text) if ("/" in text or "@" in text) else text
        # Digits only inside links and handles (t.co/Ab12, @user99) are no position; a map link is one.
        look = clean is text or _DIGIT.search(clean) is not None or _has_any(text.lower(), _MAP_CUES)
        explicit = self._explicit(text) if look else []
        taken = [(loc.start or 0, loc.end or 0) for loc in explicit]
        abbrev = self._abbreviations(text, taken)
        mentions = self._mentions(clean, [*taken, *((m[0], m[1]) for m in abbrev)])
        if abbrev:
            mentions = sorted([*mentions, *abbrev])
        mentions = mentions[:_MAX_MENTIONS]
        if not mentions:
            return tuple(explicit)
        chosen = self._resolve(mentions, hint, {loc.state for loc in explicit if loc.state} if explicit else None,
                               {loc.district_lgd for loc in explicit if loc.district_lgd} if explicit else None, focus)
        if len(mentions) > 1:
            self._doubt_misaddressed(text, mentions, chosen)
        # Event hashtags (#KeralaFloods) tell the region, not where the post is: they help resolve
        # the other names and are reported only when the text names no other place.
        keep = [n for n, m in enumerate(mentions) if not m[4]]
        if not keep and not explicit:
            keep = list(range(len(mentions)))
        located = []
        near_words: bool | None = None  # a "near" word anywhere in the text? Looked at when first needed
        for n in keep:
            m = mentions[n]
            k, conf = chosen[n]
            if m[4]:
                located.append(self._location(text, m, k, round(conf * 0.6, 3), "hashtag"))
            elif m[2].startswith(_VARIANT):
                located.append(self._location(text, m, k, round(conf * 0.75, 3), "gazetteer:variant"))
            else:
                if near_words is None:
                    near_words = _near_words(text)
                if near_words and _NEAR.search(text, max(0, m[0] - 20), m[0]):
                    located.append(self._location(text, m, k, conf, "gazetteer:near", 3_000.0))
                else:
                    located.append(self._location(text, m, k, conf))
        derived = self._relative(text, located)
        # Names alone come in text order already (one per span, spans apart); with positions or
        # abbreviations, sort by start, longest first.
        ordered = located if not explicit and not abbrev else sorted(
            [*explicit, *located], key=lambda loc: (loc.start or 0, -(loc.end or 0)))
        return (*ordered, *derived)  # derived ones (relative, between) after the places they build on

    def _doubt_misaddressed(self, text: str, mentions: list[Mention], chosen: list[tuple[int, float]]) -> None:
        """A village or town followed by the city, district or state it is said to be in ("Viveknagar,
        Kolkata") whose only known namesakes lie in another state: keep it, with confidence 0.4, so
        the city pins the report (:func:`best_location` prefers confident places)."""
        kind, state = self._kind, self._state
        for n in range(len(mentions) - 1):
            (k, conf), k2 = chosen[n], chosen[n + 1][0]
            if kind[k] in (2, 3) and kind[k2] in (4, 5, 6) and state[k] != state[k2] and state[k2] \
                    and _ADDRESS_GAP.match(text, mentions[n][1], mentions[n + 1][0]):
                chosen[n] = (k, min(conf, 0.4))

    def _abbreviations(self, text: str, taken: list[tuple[int, int]]) -> list[Mention]:
        if not _HAS_UPPER2.search(text):
            return []
        out: list[Mention] = []
        # _ABBR_AFTER looks behind for ", ": without one it finds nothing.
        for rx, table in _ABBR_BOTH if ", " in text else _ABBR_ANYWHERE:
            for m in rx.finditer(text):
                word, w0, w1 = m.group(1), m.start(1), m.end(1)
                if word not in table and word.endswith("."):
                    word, w1 = word[:-1], w1 - 1  # "NZ." at the end of a sentence
                if word not in table:
                    continue
                if rx is _ABBR_ANY and _shouting(text):
                    break
                ids = self._abbr_ids.get(word)
                if ids and not _overlaps(w0, w1, taken):
                    out.append((w0, w1, name_key(table[word][0]), ids, False))
        return out

    def _explicit(self, text: str) -> list[Location]:
        if not _DIGIT.search(text):
            return []
        found = find_positions(text, self.gaz.pins)
        if not found:
            return []
        from geo import boundaries

        admin = boundaries.reverse_many([f.lat for f in found], [f.lon for f in found])
        out = []
        for f, (st, di, sl, dl) in zip(found, admin, strict=True):
            kind = "pin" if f.kind == "pin" else "coordinates"
            name = f"PIN {f.code}" if f.kind == "pin" else f"DIGIPIN {f.code}" if f.kind == "digipin" else f"{f.lat:.5f}, {f.lon:.5f}"
            out.append(Location(lat=f.lat, lon=f.lon, radius_m=f.radius_m, kind=kind, name=name, method=f.kind,
                                confidence=f.confidence, text=text[f.start:f.end], start=f.start, end=f.end,
                                gazetteer_id=f"pin:{f.code}" if f.kind == "pin" else None, state=st, district=di,
                                state_lgd=sl, district_lgd=dl))
        return out

    def _mentions(self, text: str, taken: list[tuple[int, int]]) -> list[Mention]:
        """(start, end, key, candidate ids, is-event-hashtag) of each accepted place name, longest first.

        ``text`` has its links and @handles blanked already; explicit positions are blanked here
        (same length, so offsets hold). Only tokens that can start a mention are visited (see
        :func:`py_visit`): those whose form can be a name on its own, has a spelling variant or an
        Indic stem that is a name (memoised per form), the first word of a longer name when the next
        word can continue one, and the first token of each hashtag; every other token adds nothing."""
        for s0, s1 in taken:
            text = text[:s0] + " " * (s1 - s0) + text[s1:]
        cols = token_columns(text)
        forms, starts, ends, caps, tss, tes, heads = cols
        n = len(forms)
        if not n:
            return []
        visit = _visit(forms, heads, self._flags, self._later)
        if not visit:
            return []
        index, prefixes, maxn = self.gaz.index, self.gaz.prefixes, self.gaz.max_tokens
        storms = set() if not _has_any(text, _STORM_CUES) else {
            forms[k] for k in compress(range(1, n), map(_STORM_WORDS.__contains__, forms))
            if caps[k] and starts[k] - ends[k - 1] <= 1}
        out: list[Mention] = []
        after = 0  # tokens before this are inside a name already taken
        for i in visit:
            if i < after:
                continue
            form, start, ts = forms[i], starts[i], tss[i]
            ids = index.get(form)
            best = None if ids is None else (i, form, ids)
            if form in prefixes:
                key = form
                for j in range(i + 1, min(n, i + maxn)):
                    if starts[j] - ends[j - 1] > 2 or text[ends[j - 1]:starts[j]].strip(" -'.’") != "":
                        break  # names do not run across punctuation other than - ' .
                    key = key + " " + forms[j]
                    ids = index.get(key)
                    if ids is not None:
                        best = (j, key, ids)
                    if key not in prefixes:
                        break
            if best is not None:
                j, key, ids = best
                if key not in storms and self._accept(text, cols, i, j, key):
                    if not caps[i]:  # accepted as a well-known place only: "matir bari" is no village Bari
                        ids = self._lower_ids[key]
                    end = ends[j]
                    out.append((start, end, key, ids, ts >= 0 and (start != ts or end != tes[i])))
                    after = j + 1
            elif caps[i] and ts < 0 and len(form) >= 6 and form.isascii() and form.isalpha():
                ids = self.gaz.variants.get(skeleton(form))
                if ids and form not in storms:
                    out.append((start, ends[i], _VARIANT + form, ids, False))
            elif not form.isascii() and is_indic(form):
                hit = self._indic_stem(form)
                if hit is not None:
                    out.append((start, ends[i], *hit, False))
            elif start == ts and len(form) >= 6 and form.isalpha():
                hit = self._hashtags[form]
                if hit is not None:
                    klen, key, ids = hit
                    out.append((start, start + klen, key, ids, klen < len(form)))
        return out

    def _form_flag(self, form: str) -> int:
        """What a token of this form can start, whatever surrounds it (see :meth:`_mentions`): 1 a
        mention of its own (a name that can be accepted, a spelling variant, an Indic stem), 2 a
        longer name (it is the first word of one), 3 both, 0 nothing."""
        longer = 2 if form in self.gaz.prefixes else 0
        ids = self.gaz.index.get(form)
        if ids is not None:
            top = ids[0]
            major = self._major(top)
            alone = (len(form) > 3 or major) and self._plausible_word(form, ids)  # as in _accept
            return longer | alone
        if form.isascii():
            return longer | (len(form) >= 6 and form.isalpha() and bool(self.gaz.variants.get(skeleton(form))))
        return longer | (is_indic(form) and self._indic_stem(form) is not None)

    def _indic_stem(self, form: str) -> tuple[str, tuple[int, ...]] | None:
        """Bengali and Hindi attach case endings to names: কলকাতায়, কলকাতার, हावड़ा."""
        for suf in _INDIC_SUFFIXES:
            if form.endswith(suf) and len(form) - len(suf) >= 3:
                ids = self.gaz.index.get(form[: -len(suf)])
                if ids and self._plausible_word(form[: -len(suf)], ids):
                    return form[: -len(suf)], ids
        return None

    def _hashtag(self, form: str) -> tuple[int, str, tuple[int, ...]] | None:
        """A lower-case hashtag that starts with a notable place name: #keralafloods, #srilanka."""
        for k in range(len(form), 3, -1):
            head = form[:k]
            ids = self.gaz.index.get(head) or self.gaz.concat.get(head)
            if ids and (self._kind[ids[0]] in _ADMIN_KINDS or self._pop[ids[0]] >= 100_000) and head not in self.gaz.common:
                return k, head, ids
        return None

    def _accept(self, text: str, cols: TokenColumns, i: int, j: int, key: str) -> bool:
        """Whether tokens i..j, the gazetteer name ``key``, are that place here."""
        forms, starts, ends, caps, tss, _, _ = cols
        if i > 0 and forms[i - 1] in _NOT_PLACE_BEFORE:
            return False
        if j + 1 < len(forms) and forms[j + 1] in _NOT_PLACE_AFTER and caps[j + 1] and tss[j + 1] < 0 \
                and starts[j + 1] - ends[j] <= 1:
            return False  # "Houston Chronicle", "Delhi University"
        start = starts[i]
        if start > 0 and text[start - 1] == "@":
            return False
        ok, indic, lower_ok, acronym_ok = self._name_rules[key]
        if not ok:
            return False
        if indic:
            return True
        if not caps[i]:  # lower case: only well-known places, and ordinary words only for countries/states
            return lower_ok
        if i == j and len(key) <= 5 and text[start:ends[j]].isupper():
            return acronym_ok  # "ADRA", "DEMA": acronyms
        return True

    def _name_rule(self, key: str) -> tuple[bool, bool, bool, bool]:
        """What :meth:`_accept` asks of a name whatever the text: (can be a place at all: not a short
        minor name, not an ordinary word unless far more notable; is Indic; may be written in lower
        case: major, and an ordinary word only if a country or state; may be written as an acronym)."""
        ids = self.gaz.index[key]
        top = ids[0]
        kind = self._kind[top]
        major = self._major(top)
        ok = not (len(key) <= 3 and not major) and key not in _NEVER_ALONE and self._plausible_word(key, ids)
        lower_ok = major and (key not in self.gaz.common or kind == 7) and key not in _ROMAN_WORDS
        return ok, is_indic(key), lower_ok, kind in _ADMIN_KINDS or self._pop[top] >= 1_000_000

    def _major(self, k: int) -> bool:
        """A well-known place: a district, state or country, 100,000 people, or a high prior."""
        return self._kind[k] in _ADMIN_KINDS or self._pop[k] >= 100_000 or self._prior[k] >= 7.0

    def _majors(self, key: str) -> tuple[int, ...]:
        """The candidates of a name written in lower case: the well-known ones (Indic names: all)."""
        ids = self.gaz.index[key]
        if is_indic(key):
            return ids
        return tuple(filter(self._major, ids)) or ids

    def _plausible_word(self, key: str, ids: tuple[int, ...]) -> bool:
        """An ordinary word is a place only if the place is far more notable than the word is common."""
        z = self.gaz.common.get(key)
        return not z or math.log10(max(self._pop[k] for k in ids[:4]) + 1) >= z + 1.0

    def _hint(self, hint: str | None) -> tuple[str | None, str | None]:
        """(country code, state) a hint names: an ISO code, a country, a state or a place."""
        if not hint:
            return (None, None)
        if hint not in self._hint_cache:
            h = hint.strip()
            res: tuple[str | None, str | None] = (None, None)
            if len(h) == 2 and h.isalpha():
                res = (h.upper(), None)
            else:
                ids = self.gaz.index.get(name_key(h), ())
                if ids:
                    k = ids[0]
                    res = (self._cc[k], self._state[k] if self._kind[k] != 7 else None)
            if len(self._hint_cache) < 10_000:
                self._hint_cache[hint] = res
        return self._hint_cache[hint]

    def region_of(self, name: str) -> tuple[str | None, str | None]:
        """(country code, state) a region name stands for: an ISO code, a country, a state or a place."""
        return self._hint(name)

    def _focus(self, region: tuple[str, ...]) -> Focus:
        """(countries, states) an event region names (a state's country too); unknown names are ignored."""
        if not region:
            return _NO_FOCUS
        pairs = [self._hint(r) for r in region if isinstance(r, str) and r.strip()]
        return (frozenset(c for c, _ in pairs if c), frozenset(st for _, st in pairs if st))

    def _resolve(self, mentions: list[Any], hint: str | None, near_states: set[str] | None = None,
                 near_districts: set[int] | None = None, focus: Focus = _NO_FOCUS) -> list[tuple[int, float]]:
        """Best candidate and confidence per mention. ``near_states``/``near_districts``: states and
        district codes of explicit positions (a PIN code); ``focus``: the event region."""
        hint_cc, hint_state = self._hint(hint)
        focus_cc, focus_state = focus
        cc, state, base_score, dlgd = self._cc, self._state, self._base_score, self._dlgd
        # A name with one candidate is that place whatever the scores, with confidence _CONF_ALONE:
        # only names with rivals are scored (None stands for the others).
        base: list[list[tuple[float, int]] | None] = []
        first: list[int] = []  # each mention's best candidate before context
        main, memo = self._main, self._scores
        for _, _, key, ids, _ in mentions:
            if len(ids) == 1:
                base.append(None)
                first.append(ids[0])
                continue
            scored = memo.get((key, ids))
            if scored is None:
                # prior, plus 0.8 in the region, plus 0.7 when named by its own name (not an alias)
                scored = [(base_score[k] + 0.7, k) if main[k] == key else (base_score[k], k) for k in ids]
                if len(memo) < 100_000:
                    memo[(key, ids)] = scored
            if hint_cc or hint_state or near_states or near_districts or focus_cc or focus_state:
                # a hint; the state and district of a position in the text; the event region (its
                # countries weigh more than a hundredfold population: Azad Kashmir over Jammu and
                # Kashmir when the event is in Pakistan)
                scored = [(s + (1.5 if hint_cc and cc[k] == hint_cc else 0.0)
                           + (4.5 if hint_state and state[k] == hint_state else 0.0)
                           + (4.5 if near_states and state[k] in near_states else 0.0)
                           + (3.0 if near_districts and cc[k] == "IN" and dlgd[k] in near_districts else 0.0)
                           + (3.5 if focus_cc and cc[k] in focus_cc else 0.0)
                           + (2.5 if focus_state and state[k] in focus_state else 0.0), k) for s, k in scored]
            base.append(scored)
            first.append(max(scored)[1])
        if len(mentions) > 1:
            # Context: countries and states the other mentions chose; a named state or district that
            # contains a candidate is the strongest clue ("Ghazipur, Delhi").
            kind = self._kind
            # Counts by hand in plain dicts: Counter costs more than the counting for a few mentions.
            n_cc: dict[str, int] = {}
            n_state: dict[str, int] = {}
            n_admin: dict[str, int] = {}
            n_country: dict[str, int] = {}
            n_district: dict[int, int] = {}  # districts of India the text names
            for k in first:
                c, st = cc[k], state[k]
                n_cc[c] = n_cc.get(c, 0) + 1
                if st:
                    n_state[st] = n_state.get(st, 0) + 1
                    if kind[k] in _ADMIN_KINDS:
                        n_admin[st] = n_admin.get(st, 0) + 1
                if kind[k] == 7:
                    n_country[c] = n_country.get(c, 0) + 1
                elif kind[k] in (4, 5) and c == "IN" and dlgd[k]:  # a district, or a city: its district
                    n_district[dlgd[k]] = n_district.get(dlgd[k], 0) + 1
            out: list[list[tuple[float, int]] | None] = []
            for mi, scored in enumerate(base):
                if scored is None:
                    out.append(None)
                    continue
                own = first[mi]
                rescored = []
                for s, k in scored:
                    c, st = cc[k], state[k]
                    if n_district and kind[k] not in _ADMIN_KINDS and c == "IN" and dlgd[k] \
                            and n_district.get(dlgd[k], 0) - (kind[own] in (4, 5) and dlgd[own] == dlgd[k]) > 0:
                        s += 3.0  # "Badagaon, Kendrapara": the Badagaon in that district
                    if n_cc.get(c, 0) - (cc[own] == c) > 0:
                        s += 1.2
                    if kind[k] != 7 and n_country.get(c, 0) - (cc[own] == c and kind[own] == 7) > 0:
                        s += 2.0  # the text names the country this candidate is in
                    if st:
                        if n_admin.get(st, 0) - (state[own] == st and kind[own] in _ADMIN_KINDS) > 0 and kind[k] not in _ADMIN_KINDS:
                            s += 4.5
                        elif n_state.get(st, 0) - (state[own] == st) > 0:
                            s += 1.2
                    rescored.append((s, k))
                out.append(rescored)
            base = out
        result = []
        lat, lon = self._lat, self._lon
        for mi, scored in enumerate(base):
            if scored is None:  # no rival: the margin is 3.0, as below
                result.append((first[mi], _CONF_ALONE))
                continue
            scored = sorted(scored, reverse=True)
            s1, k1 = scored[0]
            # Doubt comes from rivals elsewhere, not from two records of the same place.
            far = max(self._radius[k1] / 1000.0, 30.0) / 111.0
            rival = next((s for s, k in scored[1:] if abs(lat[k] - lat[k1]) > far or abs(lon[k] - lon[k1]) > far), None)
            margin = s1 - rival if rival is not None else 3.0
            result.append((k1, round(0.5 + 0.45 * math.tanh(margin), 3)))
        return result

    def _location(self, text: str, m: Mention, k: int, conf: float, method: str = "gazetteer",
                  widen_m: float = 0.0) -> Location:
        start, end = m[0], m[1]
        place = self._places.get(k)
        if place is None:
            place = self._place(k)
        lat, lon, radius, kind, name, gid, state, district, state_lgd, district_lgd = place
        # positional, in field order: a keyword call of 15 fields costs more than building the object
        return Location(lat, lon, radius + widen_m, kind, name, method, conf, text[start:end], start, end, gid, state,
                        district, state_lgd, district_lgd)

    def _place(self, k: int) -> tuple[Any, ...]:
        """The fields of a Location that entry ``k`` fixes, kept for the next mention of it."""
        india = self._cc[k] == "IN"
        place = (self._lat[k], self._lon[k], float(self._radius[k]), _KINDS[self._kind[k]], self.gaz.cols["name"][k],
                 self.gaz.cols["gid"][k], self._state[k], self._district[k], (self._slgd[k] or None) if india else None,
                 (self._dlgd[k] or None) if india else None)
        if len(self._places) < 100_000:
            self._places[k] = place
        return place

    def _relative(self, text: str, located: list[Location]) -> list[Location]:
        if not (_has_any(text, _RELATIVE_CUES) and _RELATIVE_ANY.search(text)):
            return []
        out = []
        for n, loc in enumerate(located):
            start = loc.start or 0
            before = text[max(0, start - 60): start]
            m = _RELATIVE.search(before)
            if m:
                dist = float(m.group(1)) * (1.609344 if m.group(2).lower().startswith("mi") else 1.0)
                bearing = _DIRS.get(m.group(3).lower().replace("-", ""), _DIRS.get(m.group(3).lower()))
                if bearing is not None and 0 < dist <= 5_000:
                    lat, lon = _destination(loc.lat, loc.lon, bearing, dist)
                    s0 = start - len(before) + m.start()
                    out.append(_derived(loc, lat, lon, max(loc.radius_m, 250.0 * dist), f"relative:{dist:g}km@{bearing:g}",
                                        text, s0, loc.end or start, self))
                continue
            if n + 1 < len(located) and _BETWEEN.search(before):
                nxt = located[n + 1]
                if _AND.match(text[loc.end or 0: nxt.start or 0]):
                    lat, lon = (loc.lat + nxt.lat) / 2, (loc.lon + nxt.lon) / 2
                    half = _haversine_km(loc.lat, loc.lon, nxt.lat, nxt.lon) * 500.0
                    s0 = start - len(before) + _BETWEEN.search(before).start()
                    out.append(_derived(loc, lat, lon, max(half, loc.radius_m), "between", text, s0, nxt.end or 0, self))
        return out


def _derived(anchor: Location, lat: float, lon: float, radius: float, method: str, text: str, start: int, end: int,
             geocoder: Geocoder) -> Location:
    st, di, sl, dl = geocoder.reverse(lat, lon) if (lat, lon) != (anchor.lat, anchor.lon) else (
        anchor.state, anchor.district, anchor.state_lgd, anchor.district_lgd)
    return Location(lat=lat, lon=lon, radius_m=radius, kind=anchor.kind if method == "near" else "landmark",
                    name=text[start:end], method=method, confidence=round(anchor.confidence * 0.9, 3),
                    text=text[start:end], start=start, end=end, gazetteer_id=anchor.gazetteer_id, state=st,
                    district=di, state_lgd=sl, district_lgd=dl)


def py_visit(forms: list[str], heads: list[int], flags: Any, later: dict[str, int]) -> list[int]:
    """Indices of the tokens :meth:`Geocoder._mentions` looks at, in order: tokens whose form can
    start a mention on its own (``flags[form] & 1``), first words of longer names (``& 2``) whose
    next word can continue one (in ``later``), and the first token of each hashtag."""
    nexts = list(map(later.get, forms[1:], repeat(1)))
    nexts.append(1)
    visit = list(compress(range(len(forms)), map(and_, map(flags.__getitem__, forms), nexts)))
    return sorted({*visit, *heads}) if heads else visit


_visit = _ctokens.visit if _ctokens is not None else py_visit


def _near_words(text: str) -> bool:
    return _has_any(text, _NEAR_CUES) and _NEAR_ANY.search(text) is not None


def _shouting(text: str) -> bool:
    """Mostly capitals: then "US" is as likely the pronoun as the country."""
    letters = _LETTERS.findall(text)
    return sum(w.isupper() for w in letters) > 0.5 * len(letters)


def _has_any(text: str, cues: tuple[str, ...]) -> bool:
    for c in cues:  # a plain loop: half the cost of any() over a generator
        if c in text:
            return True
    return False


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group())


def _without_links(text: str) -> str:
    """``text`` with links (http://, https://, www.) and @handles blanked, offsets unchanged.

    Same spans as ``_URL`` (a case-insensitive regex scan of the whole text) for less: links are
    found with ``str.find`` and only their ends with a regex."""
    low = text.lower()
    if len(low) != len(text):
        return _URL.sub(_blank, text)
    spans = [m.span() for m in _HANDLE.finditer(text)] if "@" in text else []
    for start in ("http", "www."):
        p = low.find(start)
        while p >= 0:
            if low.startswith(_LINK_STARTS, p):
                end = _NOT_SPACE.match(text, p).end()
                spans.append((p, end))
                p = low.find(start, end)
            else:
                p = low.find(start, p + 1)
    for s0, s1 in spans:
        text = text[:s0] + " " * (s1 - s0) + text[s1:]
    return text


def _overlaps(start: int, end: int, spans: Any) -> bool:
    for s in spans:
        s0, s1 = (s.start, s.end) if hasattr(s, "start") else s
        if start < s1 and s0 < end:
            return True
    return False


def _destination(lat: float, lon: float, bearing_deg: float, dist_km: float) -> tuple[float, float]:
    """Point ``dist_km`` from (lat, lon) on ``bearing_deg``, on a sphere of radius 6,371 km."""
    r = 6371.0088
    p1, l1, b, d = math.radians(lat), math.radians(lon), math.radians(bearing_deg), dist_km / r
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), (math.degrees(l2) + 540.0) % 360.0 - 180.0


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def best_location(locations: Sequence[Location]) -> Location | None:
    """The one place to pin a report on: the most precise confident location, or None if there is none.

    Explicit positions (coordinates, DIGIPIN) win; then derived relative locations, then the smallest
    uncertainty radius among places with confidence >= 0.5, larger confidence breaking ties.
    """
    if not locations:
        return None
    rank = {"digipin": 0, "coordinates": 0, "map_link": 0}

    def key(loc: Location) -> tuple[int, int, float, float]:
        explicit = 0 if loc.method in rank else 1 if loc.method.startswith(("relative", "near", "between")) else 2
        weak = 0 if loc.confidence >= 0.5 else 1
        return (weak, explicit, loc.radius_m, -loc.confidence)

    return min(locations, key=key)
