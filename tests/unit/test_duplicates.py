"""Copies link to their original; posts repeating a debunked claim are flagged; official accounts."""

from __future__ import annotations

import dataclasses
import json

import pytest

from geo.duplicates import link_duplicates, text_key, words
from geo.errors import InputError
from geo.factchecks import FactChecks
from tests.conftest import make_report


def _known_nothing(keys):
    return {}


def test_near_duplicates_share_a_key_and_link_to_the_first():
    a = make_report("1", "Water entered houses in Gosaba, 30 people on roofs, need boats")
    b = make_report("2", "RT @someone: water entered houses in GOSABA 30 people on roofs need boats pls share!! #Amphan")
    c = make_report("3", "Water entered houses in Basanti, 30 people on roofs, need boats")
    assert text_key(a.text) == text_key(b.text) != text_key(c.text)
    out = link_duplicates([a, b, c], _known_nothing)
    assert "duplicate_of" not in out[0].extra
    assert out[1].extra["duplicate_of"] == "twitter:1"
    assert "duplicate_of" not in out[2].extra


def test_retweet_links_to_the_post_it_names_and_stored_originals_are_found():
    rt = dataclasses.replace(make_report("9", "RT @x: help"), reply_to="1")
    copy = make_report("10", "Water entered houses in Gosaba, 30 people on roofs, need boats")
    key = text_key(copy.text)
    out = link_duplicates([rt, copy], lambda keys: {key: "twitter:1"} if key in keys else {})
    assert out[0].extra["duplicate_of"] == "twitter:1"
    assert out[1].extra["duplicate_of"] == "twitter:1"


def test_short_texts_are_never_called_copies():
    out = link_duplicates([make_report("1", "help!!"), make_report("2", "HELP")], _known_nothing)
    assert all("duplicate_of" not in r.extra for r in out)


def test_indic_words_keep_their_vowel_signs():
    assert words("2 घंटे में पानी कोलकाता पहुँचेगा") >= {"पहुँचेगा", "कोलकाता", "पानी"}
    assert "সরকার" in words("সরকার চেপে যাচ্ছে")
    assert text_key("পানি বাড়ছে গোসাবায় নৌকা চাই") != text_key("পানি কমছে বাসন্তীতে খাবার চাই")


def test_fact_checks_match_in_any_script(tmp_path):
    feed = tmp_path / "fc.jsonl"
    feed.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"id": "f1", "claim": "Dam burst, water will reach Kolkata in 2 hours", "verdict": "false"},
        {"id": "f2", "claim": "बाँध टूट गया, 2 घंटे में पानी कोलकाता पहुँचेगा", "verdict": "false"},
    ]), encoding="utf-8")  # fmt: skip
    checks = FactChecks.load(feed)
    hits = checks.match([
        "Dam burst near Gosaba! Water will reach Kolkata in 2 hours, forward to all",
        "Odal के पास बाँध टूट गया, 2 घंटे में पानी कोलकाता पहुँचेगा, सबको भेजें",
        "Water rising in Kolkata, need help in 2 hours",  # shares some words, is no repeat of the claim
        "",
    ])  # fmt: skip
    assert [h.id if h else None for h in hits] == ["f1", "f2", None, None]


def test_bad_fact_check_feed_is_a_clear_error(tmp_path):
    feed = tmp_path / "fc.jsonl"
    feed.write_text('{"id": "f1", "claim": "x"}\n')
    with pytest.raises(InputError, match="line 1 is not a fact-check"):
        FactChecks.load(feed)
    with pytest.raises(InputError, match="cannot read the fact-check feed"):
        FactChecks.load(tmp_path / "missing.jsonl")
    assert FactChecks.load(None).match(["anything"]) == [None]


def test_enricher_flags_copies_fact_checks_and_official_accounts(settings_factory, tmp_path):
    from streams.ingest import Enricher

    feed = tmp_path / "fc.jsonl"
    feed.write_text(json.dumps({"id": "f1", "claim": "Another cyclone coming tonight, IMD warning", "verdict": "false"}))
    settings = settings_factory(factcheck_file=str(feed), official_accounts=("@KolkataPolice",))
    enricher = Enricher(settings)
    police = dataclasses.replace(make_report("1", "Trees down on EM Bypass near Ruby, avoid the road"), author="kolkatapolice")
    rumour = make_report("2", "Another cyclone coming tonight, will hit Gosaba again, IMD warning (forwarded as received)")
    copy = make_report("3", "another cyclone coming TONIGHT will hit gosaba again IMD warning forwarded as received #Amphan")
    out = enricher.enrich([police, rumour, copy])
    assert out[0].extra["official"] is True and out[1].extra["official"] is False
    assert out[1].extra["fact_check"]["id"] == "f1"
    assert out[2].extra["duplicate_of"] == "twitter:2"
    assert out[1].category is not None  # classified too
