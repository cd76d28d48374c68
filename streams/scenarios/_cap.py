"""CAP 1.2 cyclone alerts for the coastal districts, escalating as Amphan approaches.

The stage of a district at a best-track fix is set by the strongest wind the storm is expected to
bring to it in the next 48 hours (the real track stands in for a perfect forecast). The wind at
distance r from the centre is estimated with a modified Rankine vortex, v(r) = v_max * (R/r)^0.6
for r > R = 30 km, with great-circle r from the district's representative point. Stages:
>= 100 km/h Extreme, >= 60 km/h Severe, >= 40 km/h Moderate. A district gets an ``Alert`` at its
first stage, an ``Update`` when the stage rises or 12 hours after its last message, and a
``Cancel`` once the storm is past (12 h after landfall) and no longer expected to bring 40 km/h.
Updates and the Cancel reference every earlier message of the district ("sender,identifier,sent").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from xml.sax.saxutils import escape

from streams.scenarios._geography import DISTRICTS, District, cap_polygons, district_shapes
from streams.scenarios._track import IST, LANDFALL, TRACK, distance_km, storm_label

SENDER = "sachet.ndma@gov.in"
CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
_ISSUE_LAG = timedelta(minutes=90)  # fixes are analysed, then warnings go out
_LOOKAHEAD = timedelta(hours=48)
_REFRESH = timedelta(hours=12)
_RMAX_KM = 30.0

# stage -> (severity, urgency, certainty, responseType, English name of the warning)
_STAGES: dict[int, tuple[str, str, str, str, str]] = {
    1: ("Moderate", "Future", "Possible", "Monitor", "Pre-cyclone watch"),
    2: ("Severe", "Expected", "Likely", "Prepare", "Cyclone alert"),
    3: ("Extreme", "Immediate", "Likely", "Evacuate", "Cyclone warning (red message)"),
}
_LOCAL: dict[str, dict[int, tuple[str, str, str]]] = {
    # language -> stage -> (event, headline, instruction); 0 is the Cancel
    "bn-IN": {
        0: ("ঘূর্ণিঝড়", "ঘূর্ণিঝড় আমফান: সতর্কতা প্রত্যাহার", "ক্ষতিগ্রস্ত বাড়ি, ছেঁড়া বিদ্যুতের তার থেকে দূরে থাকুন।"),
        1: ("ঘূর্ণিঝড়", "ঘূর্ণিঝড় আমফান: প্রাক-ঘূর্ণিঝড় নজরদারি", "সরকারি সতর্কবার্তার দিকে নজর রাখুন। মৎস্যজীবীরা সমুদ্রে যাবেন না।"),
        2: ("ঘূর্ণিঝড়", "ঘূর্ণিঝড় আমফান: ঘূর্ণিঝড় সতর্কতা", "শুকনো খাবার, পানীয় জল, ওষুধ তৈরি রাখুন। কাঁচা বাড়ির বাসিন্দারা আশ্রয় শিবিরে যাওয়ার প্রস্তুতি নিন।"),
        3: ("ঘূর্ণিঝড়", "ঘূর্ণিঝড় আমফান: চরম সতর্কতা (লাল বার্তা)", "নিচু এলাকা ও কাঁচা বাড়ি থেকে এখনই আশ্রয় শিবিরে চলে যান। ঘরের বাইরে বেরোবেন না।"),
    },
    "or-IN": {
        0: ("ବାତ୍ୟା", "ବାତ୍ୟା ଆମ୍ଫାନ: ସତର୍କତା ପ୍ରତ୍ୟାହାର", "ଭଙ୍ଗା ଘର ଓ ଛିଣ୍ଡା ବିଦ୍ୟୁତ ତାରଠାରୁ ଦୂରରେ ରୁହନ୍ତୁ।"),
        1: ("ବାତ୍ୟା", "ବାତ୍ୟା ଆମ୍ଫାନ: ପୂର୍ବ-ବାତ୍ୟା ନଜର", "ସରକାରୀ ସୂଚନା ଉପରେ ନଜର ରଖନ୍ତୁ। ମତ୍ସ୍ୟଜୀବୀମାନେ ସମୁଦ୍ରକୁ ଯାଆନ୍ତୁ ନାହିଁ।"),
        2: ("ବାତ୍ୟା", "ବାତ୍ୟା ଆମ୍ଫାନ: ବାତ୍ୟା ସତର୍କତା", "ଶୁଖିଲା ଖାଦ୍ୟ, ପାନୀୟ ଜଳ ଓ ଔଷଧ ପ୍ରସ୍ତୁତ ରଖନ୍ତୁ।"),
        3: ("ବାତ୍ୟା", "ବାତ୍ୟା ଆମ୍ଫାନ: ଚରମ ସତର୍କତା (ଲାଲ ବାର୍ତ୍ତା)", "ନିମ୍ନାଞ୍ଚଳରୁ ତୁରନ୍ତ ବାତ୍ୟା ଆଶ୍ରୟସ୍ଥଳୀକୁ ଯାଆନ୍ତୁ।"),
    },
}
_INSTRUCTION_EN = {
    0: "Keep away from damaged buildings, fallen trees and snapped power lines. Boil drinking water.",
    1: "Follow official bulletins. Fishermen should not venture into the sea.",
    2: "Keep dry food, drinking water, medicines and documents ready. Residents of kutcha houses and "
    "low lying areas should be ready to move to cyclone shelters.",
    3: "Move from low lying areas and kutcha houses to cyclone shelters now. Stay indoors; do not go out "
    "until the all-clear.",
}


@dataclass(frozen=True, slots=True)
class CapMessage:
    """One CAP alert of the scenario: when it was sent, its identifier (the key) and its XML."""

    sent: datetime
    identifier: str
    xml: str


def _cap_time(when: datetime) -> str:
    return (when + IST).strftime("%Y-%m-%dT%H:%M:%S+05:30")


def _expected_wind_kmph(district: District, index: int) -> float:
    shape = district_shapes()[district.lgd]
    point = shape.representative_point()
    start = TRACK[index].time
    best = 0.0
    for fix in TRACK[index:]:
        if fix.time > start + _LOOKAHEAD:
            break
        r = max(_RMAX_KM, distance_km(point.y, point.x, fix.lat, fix.lon))
        best = max(best, fix.wind_kt * 1.852 * (_RMAX_KM / r) ** 0.6)
    return best


def _stage(wind_kmph: float) -> int:
    return 3 if wind_kmph >= 100 else 2 if wind_kmph >= 60 else 1 if wind_kmph >= 40 else 0


def _area_xml(district: District) -> str:
    polygons = "".join(
        f"<polygon>{' '.join(f'{lat},{lon}' for lat, lon in ring)}</polygon>" for ring in cap_polygons(district.lgd)
    )
    return (
        f"<area><areaDesc>{escape(district.name)} district, {escape(district.state)}</areaDesc>{polygons}"
        f"<geocode><valueName>LGD District Code</valueName><value>{district.lgd}</value></geocode>"
        f"<geocode><valueName>LGD State Code</valueName><value>{district.state_lgd}</value></geocode></area>"
    )


def _info_xml(language: str, event: str, stage: int, headline: str, description: str, instruction: str,
              district: District, sent: datetime, expires: datetime) -> str:  # fmt: skip
    if stage:
        severity, urgency, certainty, response, _ = _STAGES[stage]
    else:
        severity, urgency, certainty, response = "Minor", "Past", "Observed", "AllClear"
    sender_name = "India Meteorological Department, " + ("Kolkata" if district.state_lgd == 19 else "Bhubaneswar")
    return (
        f"<info><language>{language}</language><category>Met</category><event>{escape(event)}</event>"
        f"<responseType>{response}</responseType><urgency>{urgency}</urgency><severity>{severity}</severity>"
        f"<certainty>{certainty}</certainty><effective>{_cap_time(sent)}</effective>"
        f"<onset>{_cap_time(max(sent, LANDFALL - timedelta(hours=6)))}</onset>"
        f"<expires>{_cap_time(expires)}</expires><senderName>{escape(sender_name)}</senderName>"
        f"<headline>{escape(headline)}</headline><description>{escape(description)}</description>"
        f"<instruction>{escape(instruction)}</instruction><web>https://mausam.imd.gov.in/</web>"
        f"<parameter><valueName>Cyclone</valueName><value>AMPHAN (BOB 01/2020)</value></parameter>"
        f"{_area_xml(district)}</info>"
    )


def _alert_xml(district: District, seq: int, stage: int, msg_type: str, sent: datetime, expires: datetime,
               references: list[str], index: int) -> tuple[str, str]:  # fmt: skip
    identifier = f"IN-AMPHAN-2020-{district.lgd}-{seq:02d}"
    fix = TRACK[index]
    if stage:
        name = _STAGES[stage][4]
        over = "over the Bay of Bengal" if fix.time <= LANDFALL else "over Gangetic West Bengal"
        headline = f"{name} for {district.name}: {storm_label(fix)} {over}"
        description = (
            f"{storm_label(fix)} lay centred near {fix.lat:.1f}N {fix.lon:.1f}E at "
            f"{(fix.time + IST):%H%M} hrs IST of {fix.time:%d.%m.%Y}, with maximum sustained winds of "
            f"{fix.wind_kt * 1.852:.0f} km/h. It is expected to cross the West Bengal - Bangladesh coast close to "
            f"Sundarbans on 20 May 2020. Winds up to {_expected_wind_kmph(district, index):.0f} km/h, heavy rain "
            f"and storm surge are likely over {district.name}."
        )
    else:
        headline = f"Cyclone AMPHAN warning for {district.name} withdrawn"
        description = f"AMPHAN has weakened into a {fix.category_name} over {fix.lat:.1f}N {fix.lon:.1f}E and moved away."
    event_local, headline_local, instruction_local = _LOCAL[district.language][stage]
    infos = _info_xml("en-IN", "Cyclone", stage, headline, description, _INSTRUCTION_EN[stage], district, sent, expires)
    infos += _info_xml(district.language, event_local, stage, headline_local, headline_local, instruction_local,
                       district, sent, expires)  # fmt: skip
    refs = f"<references>{' '.join(references)}</references>" if references else ""
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="{CAP_NS}">'
        f"<identifier>{identifier}</identifier><sender>{SENDER}</sender><sent>{_cap_time(sent)}</sent>"
        f"<status>Actual</status><msgType>{msg_type}</msgType><source>IMD</source><scope>Public</scope>"
        f"{refs}<incidents>AMPHAN-BOB-01-2020</incidents>{infos}</alert>\n"
    )
    return identifier, xml


@cache
def cap_messages() -> tuple[CapMessage, ...]:
    """Every CAP message of the scenario, in sent order."""
    out: list[CapMessage] = []
    for district in DISTRICTS:
        chain: list[str] = []
        stage, last = 0, None
        for index, fix in enumerate(TRACK):
            sent = fix.time + _ISSUE_LAG
            now = _stage(_expected_wind_kmph(district, index))
            if chain and fix.time >= LANDFALL + timedelta(hours=12) and now == 0 or chain and index == len(TRACK) - 1:
                ident, xml = _alert_xml(district, len(chain) + 1, 0, "Cancel", sent, sent + timedelta(hours=6),
                                        chain, index)  # fmt: skip
                out.append(CapMessage(sent, ident, xml))
                break
            if now > stage or (chain and last is not None and sent - last >= _REFRESH):
                stage = max(stage, now)
                if stage == 0:
                    continue
                msg_type = "Update" if chain else "Alert"
                ident, xml = _alert_xml(district, len(chain) + 1, stage, msg_type, sent, sent + _REFRESH, chain, index)
                out.append(CapMessage(sent, ident, xml))
                chain = [*chain, f"{SENDER},{ident},{_cap_time(sent)}"]
                last = sent
    return tuple(sorted(out, key=lambda m: (m.sent, m.identifier)))
