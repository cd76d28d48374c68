"""The domain model: what a report, a location and an official alert are.

Coordinates are WGS84 (EPSG:4326) longitude/latitude wherever they cross a module boundary;
polygons are GeoJSON-ordered ``[[lon, lat], ...]`` rings (RFC 7946).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Feed = Literal["weather", "traffic", "distress"]
FEEDS: tuple[Feed, ...] = ("weather", "traffic", "distress")

LocationKind = Literal[
    "coordinates", "pin", "village", "town", "city", "district", "state", "country", "road", "landmark"
]
LocationStatus = Literal["located", "unlocated"]

CapStatus = Literal["Actual", "Exercise", "System", "Test", "Draft"]
CapMsgType = Literal["Alert", "Update", "Cancel", "Ack", "Error"]
CapSeverity = Literal["Extreme", "Severe", "Moderate", "Minor", "Unknown"]
CapUrgency = Literal["Immediate", "Expected", "Future", "Past", "Unknown"]
CapCertainty = Literal["Observed", "Likely", "Possible", "Unlikely", "Unknown"]

HumanitarianCategory = Literal[
    "requests_or_urgent_needs",
    "rescue_volunteering_or_donation_effort",
    "infrastructure_and_utility_damage",
    "injured_or_dead_people",
    "missing_or_found_people",
    "displaced_people_and_evacuations",
    "caution_and_advice",
    "sympathy_and_support",
    "other_relevant_information",
    "not_humanitarian",
]


@dataclass(frozen=True, slots=True)
class Location:
    """One place a text refers to, with the doubt that comes with it.

    ``start``/``end`` are character offsets into the text the location was found in (``None`` when
    it came from structured fields such as a post's GPS). ``radius_m`` is the uncertainty radius in
    metres: a village is hundreds of metres, a district tens of kilometres, a state hundreds.
    """

    lat: float
    lon: float
    radius_m: float
    kind: LocationKind
    name: str
    method: str
    confidence: float = 1.0
    text: str = ""
    start: int | None = None
    end: int | None = None
    gazetteer_id: str | None = None
    state: str | None = None
    district: str | None = None
    state_lgd: int | None = None
    district_lgd: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "lat": self.lat,
            "lon": self.lon,
            "radius_m": self.radius_m,
            "kind": self.kind,
            "name": self.name,
            "gazetteer_id": self.gazetteer_id,
            "state": self.state,
            "district": self.district,
            "state_lgd": self.state_lgd,
            "district_lgd": self.district_lgd,
            "confidence": self.confidence,
            "method": self.method,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Location:
        return cls(**{k: data.get(k) for k in cls.__slots__ if k in data})


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a report came from: enough to find the original Kafka record again."""

    topic: str
    partition: int
    offset: int
    received_at: datetime


@dataclass(frozen=True, slots=True)
class Report:
    """One message from a feed, as the ingest worker stores it.

    ``report_id`` is ``"{source}:{source_id}"``: the store upserts on it, so a message delivered
    twice is stored once. ``status`` is ``"unlocated"`` (and ``location`` is ``None``) when no place
    was found; there is never a fake point.
    """

    source: str
    source_id: str
    feed: Feed
    format: str
    text: str
    event_time: datetime | None = None
    author: str | None = None
    language: str | None = None
    gps: tuple[float, float] | None = None  # (lat, lon) the sender attached, if any
    reply_to: str | None = None  # the source id this is a retweet/forward of, if stated
    provenance: Provenance | None = None
    location: Location | None = None
    locations: tuple[Location, ...] = ()
    category: str | None = None
    needs: tuple[str, ...] = ()
    urgency: str | None = None
    people: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def report_id(self) -> str:
        return f"{self.source}:{self.source_id}"

    @property
    def status(self) -> LocationStatus:
        return "located" if self.location is not None else "unlocated"


@dataclass(frozen=True, slots=True)
class AlertArea:
    """A CAP ``<area>``: polygons and circles in GeoJSON order, geocodes as (valueName, value)."""

    description: str
    polygons: tuple[tuple[tuple[float, float], ...], ...] = ()  # rings of (lon, lat)
    circles: tuple[tuple[float, float, float], ...] = ()  # (lon, lat, radius_km)
    geocodes: tuple[tuple[str, str], ...] = ()
    uri: str | None = None  # an area given only by a URL: kept, never fetched at ingest


@dataclass(frozen=True, slots=True)
class AlertInfo:
    """A CAP ``<info>`` block (one per language)."""

    language: str
    event: str
    urgency: str
    severity: str
    certainty: str
    category: tuple[str, ...] = ()
    headline: str | None = None
    description: str | None = None
    instruction: str | None = None
    sender_name: str | None = None
    effective: datetime | None = None
    onset: datetime | None = None
    expires: datetime | None = None
    areas: tuple[AlertArea, ...] = ()


@dataclass(frozen=True, slots=True)
class Alert:
    """An official alert (CAP or a GeoJSON alert feed). ``references`` lists the identifiers an
    Update or Cancel applies to."""

    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    scope: str
    source: str
    format: str
    info: tuple[AlertInfo, ...] = ()
    references: tuple[str, ...] = ()
    provenance: Provenance | None = None
    raw: bytes = b""

    @property
    def alert_id(self) -> str:
        return f"{self.sender}:{self.identifier}"


Parsed = Report | Alert


# --- incidents and affected zones (geo/incidents.py, geo/zoning.py) --------------------------------

IncidentStatus = Literal["new", "acknowledged", "assigned", "resolved", "dismissed"]
INCIDENT_STATUSES: tuple[IncidentStatus, ...] = ("new", "acknowledged", "assigned", "resolved", "dismissed")
IncidentState = Literal["active", "merged", "empty"]
IncidentEventKind = Literal["created", "merged", "merged_into", "split", "split_from", "status", "revived"]
ZoneKind = Literal["reports", "alert", "wind"]
ZoneTrend = Literal["new", "growing", "stable", "receding"]
ReportTier = Literal["point", "area", "coarse", "unlocated"]


@dataclass(frozen=True, slots=True)
class Incident:
    """Located reports that describe one situation: close in space and time, duplicates linked.

    ``incident_id`` is stable across updates (``inc-`` + a hash of its earliest report); ``status``
    is the operators' triage status, which the zoning never overwrites; ``state`` is ``merged`` once
    another incident absorbed it (``merged_into`` names it). ``footprint`` is a GeoJSON-ordered
    polygon ring of (lon, lat). ``reports`` excludes retweets and duplicates (counted as ``echoes``);
    ``reporters`` counts distinct authors; ``people`` is the largest number any report states.
    """

    incident_id: str
    status: IncidentStatus
    state: IncidentState
    lat: float
    lon: float
    radius_m: float
    footprint: tuple[tuple[float, float], ...]
    reports: int
    echoes: int
    reporters: int
    people: int
    needs: dict[str, int]
    urgency: str | None
    category: str | None
    first_seen: datetime
    last_seen: datetime
    evidence: tuple[str, ...]
    districts: tuple[int, ...] = ()
    merged_into: str | None = None


@dataclass(frozen=True, slots=True)
class IncidentEvent:
    """One line of an incident's history: created, merged (into), split (from), triage status."""

    incident_id: str
    at: datetime
    kind: IncidentEventKind
    other_ids: tuple[str, ...] = ()
    reports: int = 0
    note: str = ""


@dataclass(frozen=True, slots=True)
class Zone:
    """An affected zone: a polygon where help is needed, with a severity in [0, 100].

    ``kind`` says what drew it: ``reports`` (incident clusters), ``alert`` (an official alert area) or
    ``wind`` (the cyclone's swath of winds of at least ``wind_kt`` knots). ``severity_parts`` holds the
    terms of the formula documented in :mod:`geo.zoning`. ``districts`` are LGD district codes.
    """

    zone_id: str
    kind: ZoneKind
    geometry: Any  # shapely (Multi)Polygon, EPSG:4326
    severity: float
    severity_parts: dict[str, float]
    trend: ZoneTrend
    districts: tuple[int, ...]
    incident_ids: tuple[str, ...]
    reports: int
    reporters: int
    people: int
    needs: dict[str, int]
    first_seen: datetime
    updated_at: datetime
    alert_ids: tuple[str, ...] = ()
    wind_kt: float | None = None
