"""Abbreviations people write for places, matched only in exact case ("TX", "U.S.", "J&K").

``ANYWHERE`` abbreviations are taken wherever they stand (unless the text shouts in capitals);
``AFTER_PLACE`` ones are also English words ("IN", "OR", "ME"), so they count only right after a
place and a comma ("Gary, IN"). Values are (name to look up, ISO country code of the place).
"""

from __future__ import annotations

_US_STATES = {
    "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CT": "Connecticut", "FL": "Florida",
    "GA": "Georgia", "IL": "Illinois", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "MD": "Maryland",
    "MI": "Michigan", "MN": "Minnesota", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}
_US_STATE_WORDS = {
    "AL": "Alabama", "CO": "Colorado", "DE": "Delaware", "HI": "Hawaii", "ID": "Idaho", "IN": "Indiana",
    "LA": "Louisiana", "MA": "Massachusetts", "ME": "Maine", "MS": "Mississippi", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon",
}

ANYWHERE: dict[str, tuple[str, str]] = {
    **{k: (v, "US") for k, v in _US_STATES.items()},
    **{".".join(k) + ".": (v, "US") for k, v in {**_US_STATES, **_US_STATE_WORDS}.items()},
    "US": ("United States", "US"), "USA": ("United States", "US"), "U.S.": ("United States", "US"),
    "U.S.A.": ("United States", "US"), "U.S": ("United States", "US"), "UK": ("United Kingdom", "GB"),
    "U.K.": ("United Kingdom", "GB"), "UAE": ("United Arab Emirates", "AE"), "NZ": ("New Zealand", "NZ"),
    "NYC": ("New York City", "US"), "PR": ("Puerto Rico", "PR"), "USVI": ("U.S. Virgin Islands", "VI"),
    "J&K": ("Jammu and Kashmir", "IN"), "AJK": ("Azad Kashmir", "PK"), "PoK": ("Azad Kashmir", "PK"),
    "KPK": ("Khyber Pakhtunkhwa", "PK"), "NCR": ("Delhi", "IN"),
}
AFTER_PLACE: dict[str, tuple[str, str]] = {k: (v, "US") for k, v in _US_STATE_WORDS.items()}
