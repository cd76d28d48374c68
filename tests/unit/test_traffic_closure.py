"""When a traffic closure starts and ends, as police alerts word it (streams.adapters._closure)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.adapters import load_adapter
from streams.adapters._closure import closure_times
from tests.unit._adapter_fixtures import ctx

SENT = datetime(2020, 5, 20, 8, 0, tzinfo=UTC)  # 13:30 in Kolkata
NOW = SENT.isoformat()
IST = "+05:30"


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # an end date: through that day, in Kolkata time
        ("NH-16 closed till 22 May due to tree fall", NOW, f"2020-05-23T00:00:00{IST}"),
        ("Road closed till 22nd of May", NOW, f"2020-05-23T00:00:00{IST}"),
        ("Closed until May 25th, 2020 6 pm", NOW, f"2020-05-25T18:00:00{IST}"),
        ("Diversion will remain up to 25/05/2020", NOW, f"2020-05-26T00:00:00{IST}"),
        ("Diversion will remain up to 25-05-20.", NOW, f"2020-05-26T00:00:00{IST}"),
        ("Closed upto 2020-05-22T18:00 for repairs", NOW, f"2020-05-22T18:00:00{IST}"),
        ("Closed till 6 pm on 22 May", NOW, f"2020-05-22T18:00:00{IST}"),
        ("Closed till 22 May, 18:00 hrs", NOW, f"2020-05-22T18:00:00{IST}"),
        # a clock time: on the message's day, the next day once it has passed
        ("Traffic slow until 6 pm", NOW, f"2020-05-20T18:00:00{IST}"),
        ("One carriageway affected till 10:30 am", NOW, f"2020-05-21T10:30:00{IST}"),
        ("Closed till 1800 hrs tomorrow", NOW, f"2020-05-21T18:00:00{IST}"),
        ("Closed till 18.00 hrs", NOW, f"2020-05-20T18:00:00{IST}"),
        ("Bridge shut till midnight", NOW, f"2020-05-21T00:00:00{IST}"),
        ("Closed till tomorrow", NOW, f"2020-05-22T00:00:00{IST}"),
        ("Closed till tomorrow morning", NOW, f"2020-05-21T12:00:00{IST}"),
        ("Closed till 6 pm UTC", NOW, "2020-05-20T18:00:00+00:00"),
        ("Closed till 9 p.m. (IST)", NOW, f"2020-05-20T21:00:00{IST}"),
        # a duration from the start
        ("Vehicles will not be allowed for the next 48 hours", NOW, "2020-05-22T08:00:00+00:00"),
        ("Flyover closed for two days", NOW, "2020-05-22T08:00:00+00:00"),
        # a stated start, and an end read after it
        ("Closed from 10 pm tonight to 6 am tomorrow", f"2020-05-20T22:00:00{IST}", f"2020-05-21T06:00:00{IST}"),
        ("No entry for heavy vehicles between 10 pm and 6 am", f"2020-05-20T22:00:00{IST}", f"2020-05-21T06:00:00{IST}"),
        ("W.e.f. 21.05.2020 till 23.05.2020 the road stays closed", f"2020-05-21T00:00:00{IST}", f"2020-05-24T00:00:00{IST}"),
        ("Closed from 21 May to 23 May", f"2020-05-21T00:00:00{IST}", f"2020-05-24T00:00:00{IST}"),
        ("All flyovers will remain closed from 12:00 hrs today", f"2020-05-20T12:00:00{IST}", None),
        ("Closed from 10 pm for the next 8 hours", f"2020-05-20T22:00:00{IST}", f"2020-05-21T06:00:00{IST}"),
        # no readable end
        ("Traffic movement is closed on Ghazipur Border NH-24 (Both carriageway)", NOW, None),
        ("Diverted through Salt Lake till the water recedes", NOW, None),
        ("Closed from Balasore to Bhadrak till 30", NOW, None),
        ("Closed till 19 May", NOW, None),  # before the message, and not clearly next year
        ("Closed till 31/02/2020", NOW, None),  # no such day
        ("Traffic may be slow for the next few hours", NOW, None),
    ],
)  # fmt: skip
def test_closure_start_and_end(text: str, start: str, end: str | None) -> None:
    assert closure_times(text, SENT) == {"start": start, "end": end, "until_further_notice": False}


@pytest.mark.parametrize(
    "text",
    [
        "Lake Town is closed for all vehicles till further notice.",
        "Road closed until further orders",
        "Diversion will continue till further order",
        "Closed till further intimation from 6 pm",
        "Vehicles diverted upto further instructions",
    ],
)
def test_until_further_notice_has_no_end(text: str) -> None:
    said = closure_times(text, SENT)
    assert said["until_further_notice"] is True and said["end"] is None


def test_a_date_before_the_message_rolls_to_next_year_only_when_clearly_meant() -> None:
    december = datetime(2020, 12, 28, 10, 0, tzinfo=UTC)
    assert closure_times("Closed till 2 Jan", december)["end"] == f"2021-01-03T00:00:00{IST}"
    assert closure_times("Closed till 2 Jan", SENT)["end"] is None  # 7 months ahead: not clearly meant
    assert closure_times("Closed till 2 Jan 2021", SENT)["end"] == f"2021-01-03T00:00:00{IST}"


def test_the_zone_comes_from_the_sent_time_unless_it_is_utc() -> None:
    new_york = datetime(2020, 5, 20, 8, 0, tzinfo=timezone(timedelta(hours=-4)))
    assert closure_times("Closed till 6 pm", new_york)["end"] == "2020-05-20T18:00:00-04:00"
    late = datetime(2020, 5, 20, 19, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert closure_times("Closed till 6 pm", late)["end"] == f"2020-05-21T18:00:00{IST}"
    naive = datetime(2020, 5, 20, 8, 0)  # taken as UTC: 13:30 in Kolkata
    assert closure_times("Closed till 1 pm", naive)["end"] == f"2020-05-21T13:00:00{IST}"
    dhaka = timezone(timedelta(hours=6))  # another feed's zone, for a sent time in UTC
    assert closure_times("Closed till 6 pm", SENT, dhaka)["end"] == "2020-05-20T18:00:00+06:00"


def test_traffic_adapter_carries_start_end_and_further_notice() -> None:
    text = b"Traffic movement is closed on NH-16 between Balasore and Bhadrak from 10 pm tonight to 6 am tomorrow"
    (report,) = load_adapter("traffic")(text, ctx(feed="traffic", event_time=SENT))
    assert (report.extra["start"], report.extra["end"]) == (f"2020-05-20T22:00:00{IST}", f"2020-05-21T06:00:00{IST}")
    msg = {"id": "kp-9", "text": "Closed till further orders", "start": "2020-05-20T10:00:00+05:30"}
    (report,) = load_adapter("traffic")(json.dumps(msg).encode(), ctx(feed="traffic"))
    assert report.extra["start"] == msg["start"]
    assert (report.extra["end"], report.extra["until_further_notice"]) == (None, True)


WORDS = st.sampled_from([
    "till", "until", "up to", "upto", "from", "to", "between", "and", "for", "the", "next", "w.e.f.", "tonight",
    "tomorrow", "today", "morning", "midnight", "noon", "6", "10:30", "1800", "hrs", "am", "pm", "p.m.", "IST",
    "UTC", "22", "May", "Dec", "31/02/2020", "25/05/2020", "29.02.2021", "9999-12-31", "0001-01-01", "48", "hours",
    "days", "further", "notice", "orders", "99:99", ",", ".", "-", "2 Jan", "24 hrs", "0 pm", "13 am",
])  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(max_size=200) | st.lists(WORDS, max_size=14).map(" ".join),
    sent=st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-12))])),
)  # fmt: skip
def test_never_an_exception_and_the_end_is_after_the_start(text: str, sent: datetime) -> None:
    said = closure_times(text, sent)
    assert set(said) == {"start", "end", "until_further_notice"}
    start = datetime.fromisoformat(said["start"])
    if said["end"] is not None:
        assert datetime.fromisoformat(said["end"]) > start
        assert said["until_further_notice"] is False
