"""Public distress posts (X API v2 / plain social JSON and SMS JSON) and Kolkata traffic-police
alerts, built one time bin at a time so memory stays flat however large the scenario is.

Every post names a real place; its ground truth carries the true point (inside the place's district),
the incident it is about (``None`` for rumours, "I am safe" posts and chatter) and, for retweets and
duplicates, the key of the post it copies. Retweets and duplicates copy one of the last few hundred true-incident
or rumour posts already emitted, so the original always comes first in event-time order.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from streams.envelope import FeedMessage
from streams.scenarios import _texts as tx
from streams.scenarios._geography import DISTRICT_BY_LGD, Places
from streams.scenarios._incidents import Incidents, place_weights

_TWITTER_EPOCH_MS = 1288834974657
_BUFFER = 400  # recent original posts a retweet or duplicate may copy
# language probabilities (en, hi, bn, mx) by state LGD code; Kolkata is more English and Hindi
_LANG_P = {19: (0.35, 0.10, 0.35, 0.20), 21: (0.50, 0.20, 0.10, 0.20), 342: (0.45, 0.15, 0.25, 0.15)}
_LANG_CUM = {k: tuple(np.cumsum(v).tolist()) for k, v in _LANG_P.items()}
# kind -> (P(sms), P(plain social JSON), P(gps), P(pin), P(phone), P(hashtag))
_NOISE = {"rumour": tx.RUMOUR, "safe": tx.SAFE, "chatter": tx.CHATTER}
_CHANNEL: dict[str, tuple[float, float, float, float, float, float]] = {
    "incident": (0.25, 0.12, 0.30, 0.20, 0.20, 0.35),
    "rumour": (0.35, 0.10, 0.00, 0.02, 0.00, 0.30),
    "safe": (0.30, 0.12, 0.10, 0.05, 0.00, 0.20),
    "chatter": (0.03, 0.15, 0.10, 0.00, 0.00, 0.25),
}


_quote = json.encoder.encode_basestring  # JSON string literal, non-ASCII kept as is


def iso_z(when: datetime, millis: bool = True) -> str:
    """``2020-05-20T11:02:07.000Z`` (X API) or ``2020-05-20T11:02:07Z``; ``when`` is whole seconds, UTC."""
    return when.isoformat()[:19] + (".000Z" if millis else "Z")


@dataclass(slots=True)
class _Original:
    key: str
    channel: str  # "v2" | "plain" | "sms"
    text: str
    author: int
    lang: str
    truth: dict[str, Any]


@dataclass(slots=True)
class PostFactory:
    """Builds the posts of one bin after another; holds the few posts later ones may copy."""

    places: Places
    incidents: Incidents
    n_authors: int
    tweets: int = 0
    sms: int = 0
    traffic: int = 0
    recent_tweets: deque[_Original] = field(default_factory=lambda: deque(maxlen=_BUFFER))
    recent_all: deque[_Original] = field(default_factory=lambda: deque(maxlen=_BUFFER))
    closed_roads: deque[str] = field(default_factory=lambda: deque(maxlen=64))
    _lat: list[float] = field(default_factory=list)
    _lon: list[float] = field(default_factory=list)
    _lgd: list[int] = field(default_factory=list)
    _pin: list[int] = field(default_factory=list)
    _inc_place: list[int] = field(default_factory=list)
    _inc_lat: list[list[float]] = field(default_factory=list)
    _inc_lon: list[list[float]] = field(default_factory=list)
    _inc_people: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        # plain lists: indexing a numpy array one element at a time is slow
        self._lat, self._lon = self.places.lat.tolist(), self.places.lon.tolist()
        self._lgd, self._pin = self.places.district_lgd.tolist(), self.places.pincode.tolist()
        self._inc_place, self._inc_people = self.incidents.place.tolist(), self.incidents.people.tolist()
        self._inc_lat, self._inc_lon = self.incidents.lat.tolist(), self.incidents.lon.tolist()

    # -- authors -------------------------------------------------------------------------------
    @staticmethod
    @lru_cache(maxsize=1 << 16)
    def _user(i: int) -> tuple[str, str, str]:
        """(user id, username, X API user object as JSON) of author ``i``; names are made up."""
        first, last = tx.FIRST_NAMES[i % len(tx.FIRST_NAMES)], tx.LAST_NAMES[(i // 30) % len(tx.LAST_NAMES)]
        uid, name = str(1_000_000_000 + i * 7919), f"{first}_{last}{i // 600 or ''}"
        return uid, name, f'{{"id":"{uid}","username":"{name}","verified":{"true" if i % 211 == 0 else "false"}}}'

    @staticmethod
    def _phone(i: int) -> str:
        return f"+9190000{i % 100000:05d}"

    # -- one bin ---------------------------------------------------------------------------------
    def plan(self, kind_counts: dict[str, int], incident_counts: np.ndarray, rng: np.random.Generator) -> list[tuple]:
        """Specs (second in bin, kind, index, randoms) of the bin's distress posts, unsorted."""
        specs: list[tuple] = []
        for kind, count in kind_counts.items():
            if not count:
                continue
            secs = rng.integers(0, 600, size=count)
            u = rng.random((count, 8))
            if kind == "incident":
                which = np.repeat(np.arange(len(incident_counts)), incident_counts)
            elif kind in ("retweet", "duplicate"):
                which = np.zeros(count, dtype=np.int64)
            else:
                which = np.searchsorted(place_weights("noise"), u[:, 0] * 0.999999)
            specs.extend(zip(secs.tolist(), [kind] * count, which.tolist(), u.tolist(), strict=True))
        return specs

    def build(self, kind: str, which: int, u: list[float], when: datetime) -> tuple[FeedMessage, dict[str, Any]]:
        if kind == "retweet" and self.recent_tweets:
            return self._copy(self.recent_tweets[int(u[0] * len(self.recent_tweets))], "retweet", u, when)
        if kind == "duplicate" and self.recent_all:
            return self._copy(self.recent_all[int(u[0] * len(self.recent_all))], "duplicate", u, when)
        if kind in ("retweet", "duplicate"):  # nothing to copy yet: the first bins of a tiny scenario
            kind, which = "chatter", int(np.searchsorted(place_weights("noise"), u[0] * 0.999999))
        return self._original(kind, which, u, when)

    def remember(self, original: _Original) -> None:
        self.recent_all.append(original)
        if original.channel != "sms":
            self.recent_tweets.append(original)

    # -- originals -------------------------------------------------------------------------------
    def _original(self, kind: str, which: int, u: list[float], when: datetime) -> tuple[FeedMessage, dict[str, Any]]:
        pl, inc = self.places, self.incidents
        place = self._inc_place[which] if kind == "incident" else which
        lgd = self._lgd[place]
        district = DISTRICT_BY_LGD[lgd]
        cum = _LANG_CUM[342 if lgd == 342 else district.state_lgd]
        lang = tx.LANGS[sum(1 for c in cum[:3] if u[1] >= c)]
        if kind == "incident":
            options = tx.INCIDENT[inc.kind[which]][lang]
            point = int(u[7] * 1000) % len(self._inc_lat[which])
            true_lat, true_lon = self._inc_lat[which][point], self._inc_lon[which][point]
            people = self._inc_people[which]
        else:
            options = _NOISE[kind][lang]
            true_lat, true_lon, people = self._lat[place], self._lon[place], 0
        dname = {"hi": district.name_hi, "bn": district.name_bn}.get(lang, district.name)
        text = options[int(u[2] * len(options))].format(place=pl.name[place], district=dname, n=people)
        p_sms, p_plain, p_gps, p_pin, p_phone, p_tag = _CHANNEL[kind]
        channel = "sms" if u[3] < p_sms else "plain" if u[3] < p_sms + p_plain else "v2"
        extras = []
        if u[5] < p_pin:
            extras.append(tx.PIN_LABEL[lang].format(pin=self._pin[place]))
        if u[6] < p_phone:
            extras.append(tx.PHONE_LABEL[lang].format(phone=f"+91 90000 0{int(u[6] * 1e7) % 10000:04d}"))
        gps = None
        if u[4] < p_gps:
            gps = (round(true_lat + (u[5] - 0.5) * 6e-4, 5), round(true_lon + (u[6] - 0.5) * 6e-4, 5))
            if channel == "sms":
                extras.append(tx.GPS_LABEL.format(lat=gps[0], lon=gps[1]))
        if channel != "sms" and u[7] < p_tag and "#" not in text:
            extras.append(tx.HASHTAGS[int(u[7] / p_tag * len(tx.HASHTAGS)) % len(tx.HASHTAGS)])
        text = " ".join([text, *extras])
        author = int(u[0] * 1e9) % self.n_authors
        key, value = self._encode(channel, text, author, tx.X_LANG[lang], when, gps)
        truth = {
            "key": key, "feed": "distress", "true_lat": round(true_lat, 6), "true_lon": round(true_lon, 6),
            "place": pl.name[place], "district": district.name, "district_lgd": lgd,
            "incident": f"INC-{which + 1:04d}" if kind == "incident" else None, "kind": kind, "original": None,
        }  # fmt: skip
        if kind in ("incident", "rumour"):
            self.remember(_Original(key, channel, text, author, lang, truth))
        return self._message(channel, value, key, when), truth

    # -- copies ----------------------------------------------------------------------------------
    def _copy(self, orig: _Original, kind: str, u: list[float], when: datetime) -> tuple[FeedMessage, dict[str, Any]]:
        author = int(u[1] * 1e9) % self.n_authors
        if kind == "retweet":
            text = f"RT @{self._user(orig.author)[1]}: {orig.text}"
            key, value = self._encode("v2", text, author, tx.X_LANG[orig.lang], when, None, retweet_of=orig)
            channel = "v2"
        else:
            prefix, suffix = tx.NEAR_DUP[int(u[2] * len(tx.NEAR_DUP))] if u[3] < 0.5 else ("", "")
            text = f"{prefix}{orig.text}{suffix}"
            channel = orig.channel
            if channel == "sms" and u[4] < 0.5:
                author = orig.author  # the same person sends the SMS again
            key, value = self._encode(channel, text, author, tx.X_LANG[orig.lang], when, None)
        truth = {**orig.truth, "key": key, "kind": kind, "original": orig.key}
        return self._message(channel, value, key, when), truth

    # -- encoding --------------------------------------------------------------------------------
    def _encode(self, channel: str, text: str, author: int, lang: str, when: datetime,
                gps: tuple[float, float] | None, retweet_of: _Original | None = None) -> tuple[str, bytes]:  # fmt: skip
        """The message id and JSON bytes. Written with f-strings (the text and names go through the
        JSON string encoder) because this runs once per post and json.dumps of a dict is slower."""
        quoted = _quote(text)
        if channel == "sms":
            self.sms += 1
            key = f"sms-{self.sms:08d}"
            body = f'{{"id":"{key}","from":"{self._phone(author)}","text":{quoted},"received_at":"{iso_z(when, False)}"}}'
            return key, body.encode("utf-8")
        self.tweets += 1
        millis = int(when.timestamp()) * 1000
        key = str(((millis - _TWITTER_EPOCH_MS) << 22) | (self.tweets & 0x3FFFFF))
        user = self._user(author)
        if channel == "plain":
            where = f',"lat":{gps[0]},"lon":{gps[1]}' if gps else ""
            body = f'{{"id":"{key}","text":{quoted},"author":"{user[1]}","created_at":"{iso_z(when)}"{where}}}'
            return key, body.encode("utf-8")
        geo = f',"geo":{{"coordinates":{{"type":"Point","coordinates":[{gps[1]},{gps[0]}]}}}}' if gps else ""
        users = user[2]
        if retweet_of is not None:
            geo += f',"referenced_tweets":[{{"type":"retweeted","id":"{retweet_of.key}"}}]'
            users += "," + self._user(retweet_of.author)[2]
        body = (
            f'{{"data":{{"id":"{key}","text":{quoted},"author_id":"{user[0]}","created_at":"{iso_z(when)}",'
            f'"lang":"{lang}"{geo}}},"includes":{{"users":[{users}]}}}}'
        )
        return key, body.encode("utf-8")

    @staticmethod
    def _message(channel: str, value: bytes, key: str, when: datetime) -> FeedMessage:
        if channel == "sms":
            return FeedMessage("distress", value, "sms", "sms-gateway", key, when)
        return FeedMessage("distress", value, "social", "twitter", key, when)

    # -- traffic ---------------------------------------------------------------------------------
    def traffic_message(self, u: list[float], when: datetime, hours: float) -> FeedMessage:
        """A Kolkata traffic-police alert: closures and diversions, later reopenings."""
        roads = tx.KOLKATA_ROADS
        if hours < 3 and u[0] < 0.25:
            body = tx.TRAFFIC_GENERAL[int(u[1] * len(tx.TRAFFIC_GENERAL))]
        elif self.closed_roads and hours > 6 and u[0] < 0.35:
            road = self.closed_roads.popleft()
            body = tx.TRAFFIC_OPEN[int(u[1] * len(tx.TRAFFIC_OPEN))].format(road=road)
        else:
            road = roads[int(u[2] * len(roads))]
            via = roads[(int(u[2] * len(roads)) + 1 + int(u[3] * (len(roads) - 1))) % len(roads)]
            body = tx.TRAFFIC_CLOSED[int(u[1] * len(tx.TRAFFIC_CLOSED))].format(road=road, via=via)
            self.closed_roads.append(road)
        self.traffic += 1
        local = when + timedelta(hours=5, minutes=30)
        text = f"Kolkata Traffic Police, {local:%d.%m.%Y %H:%M} hrs: {body}"
        return FeedMessage("traffic", text.encode("utf-8"), "traffic", "kolkata-traffic-police", f"ktp-{self.traffic:07d}", when)


START = datetime(2020, 5, 16, 0, 0, tzinfo=UTC)
END = datetime(2020, 5, 22, 12, 0, tzinfo=UTC)
BIN = timedelta(minutes=10)
