"""The public-post classifier: categories, needs, people, urgency and language in every language."""

from __future__ import annotations

import io
import json
import socket

import pytest

from geo.classification import (
    CATEGORIES,
    NEEDS,
    URGENCIES,
    Classification,
    Classifier,
    ClassifierError,
    model_texts,
    urgency_of,
)


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load()


def classify(classifier: Classifier, text: str) -> Classification:
    (result,) = classifier.classify_batch([text])
    return result


# --- the artifact ------------------------------------------------------------------------------


def test_shipped_model_loads_without_network(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the classifier tried to open a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    copy = tmp_path / "model.npz.gz"
    from geo.classification import MODEL_PATH

    copy.write_bytes(MODEL_PATH.read_bytes())
    clf = Classifier.load(copy)  # a fresh read, not the cached shipped model
    assert set(clf.classes) <= set(CATEGORIES)
    assert len(clf.classes) >= 7
    assert clf.weights.shape == (2**clf.features.bits, len(clf.classes))
    assert Classifier.load() is Classifier.load()  # cached
    assert MODEL_PATH.stat().st_size < 5_000_000


def test_unreadable_model_is_a_clear_error(tmp_path) -> None:
    bad = tmp_path / "broken.npz.gz"
    bad.write_bytes(b"not a model")
    with pytest.raises(ClassifierError, match="train_classifier.py"):
        Classifier.load(bad)


def test_batch_keeps_order_and_length(classifier: Classifier) -> None:
    texts = ["Bridge collapsed, roads blocked", "", "Donate to flood relief", "पानी चाहिए"] * 3
    results = classifier.classify_batch(texts)
    assert len(results) == len(texts)
    assert results[0:4] == results[4:8] == results[8:12]
    assert classifier.classify_batch([]) == []
    for r in results:
        assert r.category in CATEGORIES and r.urgency in URGENCIES
        assert set(r.needs) <= set(NEEDS)
        assert 0.0 <= r.confidence <= 1.0


# --- English -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("5 people killed and 20 injured after the building collapsed", "injured_or_dead_people"),
        ("Donate to the Red Cross to support relief efforts for flood victims", "rescue_volunteering_or_donation_effort"),
        ("Bridge collapsed and power lines down across the district, roads blocked", "infrastructure_and_utility_damage"),
        ("Stay indoors, avoid the coast, cyclone warning issued for Odisha", "caution_and_advice"),
        ("Thousands evacuated to shelters as the river rises", "displaced_people_and_evacuations"),
        ("My brother is missing since the storm, please help find him", "missing_or_found_people"),
    ],
)
def test_english_categories(classifier: Classifier, text: str, category: str) -> None:
    assert classify(classifier, text).category == category


def test_english_distress_post(classifier: Classifier) -> None:
    r = classify(classifier, "30 people stranded on a rooftop in Bhadrak, need rescue urgently #CycloneAmphan")
    assert r.category == "requests_or_urgent_needs"
    assert r.needs == ("rescue",)
    assert r.people == 30
    assert r.urgency == "high"
    assert r.language == "en"


def test_topic_words_are_not_needs(classifier: Classifier) -> None:
    r = classify(classifier, "NDRF rescue teams deployed, flood water in the streets")
    assert "rescue" not in r.needs and "drinking_water" not in r.needs


def test_sos_marks_urgency_not_a_need(classifier: Classifier) -> None:
    # a hashtag on a power-cut moan states no rescue need; with a stated need it still makes it urgent
    chatter = classify(classifier, "Power cut in Bhagabatipur since morning, what a year #SOS")
    assert chatter.needs == ("power",)
    stranded = classify(classifier, "SOS 6 people stranded at Gosaba")
    assert stranded.needs == ("rescue",) and stranded.urgency == "high"
    assert classify(classifier, "SOS, we have no food left in Patharpratima").urgency == "high"


def test_posts_without_words_are_not_humanitarian(classifier: Classifier) -> None:
    for text in ("", "   ", "https://t.co/abc @someone 🙏 123"):
        r = classify(classifier, text)
        assert (r.category, r.language, r.people, r.needs) == ("not_humanitarian", "und", None, ())


# --- Hindi, Bengali, code-mixed --------------------------------------------------------------------


def test_hindi_devanagari(classifier: Classifier) -> None:
    r = classify(classifier, "हम ५ लोग छत पर फंसे हैं, पीने का पानी चाहिए, तुरंत मदद भेजें")
    assert r.language == "hi"
    assert r.people == 5
    assert r.needs == ("rescue", "drinking_water")
    assert r.urgency == "high"
    assert r.category == "requests_or_urgent_needs"


def test_hindi_deaths_and_number_words(classifier: Classifier) -> None:
    r = classify(classifier, "चक्रवात में 12 लोगों की मौत, कई घायल")
    assert (r.language, r.people, r.category) == ("hi", 12, "injured_or_dead_people")
    assert classify(classifier, "पांच लोग लापता हैं").people == 5


def test_bengali_script(classifier: Classifier) -> None:
    r = classify(classifier, "আমাদের গ্রামে ৩০ জন আটকে আছে, খাবার জল নেই, ওষুধ দরকার")
    assert r.language == "bn"
    assert r.people == 30
    # "খাবার জল" is drinking water; the food inside it does not count
    assert r.needs == ("rescue", "medical", "drinking_water")
    assert r.category == "requests_or_urgent_needs"
    damage = classify(classifier, "ঝড়ে রাস্তা ও সেতু ভেঙে গেছে, বিদ্যুৎ নেই")
    assert (damage.language, damage.category, damage.needs) == ("bn", "infrastructure_and_utility_damage", ("power",))
    assert classify(classifier, "পাঁচজন নিখোঁজ").people == 5


def test_a_need_reads_the_same_to_the_model_in_every_language(classifier: Classifier) -> None:
    posts = ["My brother is missing since the flood", "मेरा भाई बाढ़ के बाद से लापता है", "আমার ভাই বন্যার পর থেকে নিখোঁজ"]
    for text in model_texts(posts):
        assert text.split().count("need_missing_person") == 1
    assert [r.category for r in classifier.classify_batch(posts)] == ["missing_or_found_people"] * 3
    # a post without a need gets no token, and no post can spell one itself (underscores are dropped)
    assert "need_" not in " ".join(model_texts(["Bridge collapsed near the dam", "type need_rescue here"]))


def test_training_reads_posts_as_classify_does(classifier: Classifier) -> None:
    posts = ["हम ५ लोग छत पर फंसे हैं", "Donate to the Red Cross", "Roads flooded, no power", "12 dead", ""]
    proba = classifier.predict_proba(model_texts(posts))
    results = classifier.classify_batch(posts)
    for row, result in zip(proba, results, strict=True):
        if result.category in classifier.classes:  # not replaced by a rule
            assert classifier.classes[int(row.argmax())] == result.category
            assert result.confidence == pytest.approx(float(row.max()), abs=1e-4)


def test_romanised_hindi_is_code_mixed(classifier: Classifier) -> None:
    r = classify(classifier, "bhai madad chahiye, 20 log phanse hain, paani nahi hai")
    assert (r.language, r.people, r.needs) == ("hi-en", 20, ("rescue", "drinking_water"))
    assert r.category == "requests_or_urgent_needs"


def test_romanised_bengali_is_code_mixed(classifier: Classifier) -> None:
    r = classify(classifier, "amader barite jol dhukeche, khabar lagbe, 5 jon atke ache")
    assert (r.language, r.people, r.needs) == ("bn-en", 5, ("rescue", "food"))


def test_mixed_scripts(classifier: Classifier) -> None:
    r = classify(classifier, "Please help हमें पानी चाहिए, send boats to the village now")
    assert r.language == "hi-en"
    assert "drinking_water" in r.needs and "rescue" in r.needs


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("family of 5 needs food", 5),
        ("2 lakh people evacuated from the coast", 200_000),
        ("Over 1,200 residents moved to cyclone shelters", 1200),
        ("twenty villagers trapped near the dam", 20),
        ("৫ জন মানুষ আটকে", 5),
        ("10 log fase hain", 10),
        ("Category 5 hurricane approaching the coast", None),
        ("Power outage across 200,000 homes", None),
    ],
)
def test_people_counts(classifier: Classifier, text: str, people: int | None) -> None:
    assert classify(classifier, text).people == people


def test_urgency_rule() -> None:
    assert urgency_of("caution_and_advice", ("medical",), False) == "high"
    assert urgency_of("requests_or_urgent_needs", (), True) == "high"
    assert urgency_of("requests_or_urgent_needs", (), False) == "medium"
    assert urgency_of("rescue_volunteering_or_donation_effort", ("food",), False) == "medium"
    assert urgency_of("rescue_volunteering_or_donation_effort", ("food",), True) == "high"
    assert urgency_of("infrastructure_and_utility_damage", (), False) == "medium"
    assert urgency_of("sympathy_and_support", (), True) == "low"


def unsure(text: str, category: str = "caution_and_advice") -> str:
    """The category the rules give ``text`` when the model said ``category`` with low confidence."""
    from geo._features import normalise
    from geo.classification import RULE_CONFIDENCE, _apply_rules

    return _apply_rules(category, RULE_CONFIDENCE / 2, text.lower(), normalise(text), ())[0]


def test_rules_name_sympathy_weather_and_chatter_when_the_model_is_unsure() -> None:
    assert unsure("Prayers for everyone in Odisha tonight, stay strong") == "sympathy_and_support"
    assert unsure("RIP, heartbroken for Bhadrak") == "sympathy_and_support"
    assert unsure("IMD bulletin: wind speed 155-165 km/h, forecast to intensify") == "other_relevant_information"
    assert unsure("Watching the cricket final tonight with friends") == "not_humanitarian"


def test_rules_keep_the_model_class_for_posts_that_report_harm() -> None:
    # deaths, damage or missing people outrank a prayer or a wind speed in the same post
    assert unsure("2 fans passed away today in the earthquake, praying", "injured_or_dead_people") == "injured_or_dead_people"
    assert unsure("Prayers. 5 houses collapsed in Digha", "infrastructure_and_utility_damage") == "infrastructure_and_utility_damage"
    assert unsure("मृत 3, प्रार्थना करें", "injured_or_dead_people") == "injured_or_dead_people"
    # "rip through" is floods tearing through a town, not "rest in peace"
    assert unsure("Flash floods rip through Ellicott City", "infrastructure_and_utility_damage") == "infrastructure_and_utility_damage"
    # crisis words beyond the hazard names keep a post humanitarian
    for text in ("Kaikoura cut off, choppers bringing supplies", "Residents return to shredded homes", "More aftershocks and sirens in Petone"):
        assert unsure(text, "rescue_volunteering_or_donation_effort") != "not_humanitarian", text


# --- the command ---------------------------------------------------------------------------------


def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str, *args: str) -> tuple[int, str, str]:
    from streams.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = 0
    try:
        main(["classify", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_writes_one_line_per_post(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [
        {"id": "a", "text": "हम ५ लोग छत पर फंसे हैं"},
        {"id": 7, "text": "Bridge collapsed, roads blocked"},
    ]
    stdin = "".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in lines) + "\n"
    code, out, err = run_cli(monkeypatch, capsys, stdin)
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == ["a", 7]
    assert set(rows[0]) == {"id", "category", "needs", "urgency", "people", "language"}
    assert rows[0]["people"] == 5 and rows[0]["language"] == "hi" and rows[0]["needs"] == ["rescue"]


@pytest.mark.parametrize(
    ("stdin", "args", "message"),
    [
        ("not json\n", (), "line 1"),
        ('{"id": 1}\n', (), "'text'"),
        ('{"id": 1, "text": 5}\n', (), "not a string"),
        ("[1, 2]\n", (), "not an object"),
        ('{"id": 1, "text": "x"}\n', ("--model", "/nonexistent/model.npz.gz"), "does not exist"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str, args: tuple[str, ...], message: str
) -> None:
    code, out, err = run_cli(monkeypatch, capsys, stdin, *args)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    assert message in err


def test_language_by_script(classifier: Classifier) -> None:
    texts = ["ପାଣି ଦରକାର, ଘର ଭାଙ୍ଗିଗଲା", "Помогите, нас затопило", "Flood water entered the village", "বন্যা ত্রাণ please send help now to the village"]
    assert [r.language for r in classifier.classify_batch(texts)] == ["or", "und", "en", "bn-en"]
    assert classify(classifier, "Donate 100% to relief efforts ❤️ॐ").language == "en"  # a symbol is not Hindi


def test_latin_terms_match_whole_words_and_stems(classifier: Classifier) -> None:
    assert "rescue" not in classify(classifier, "The unstuck valve was replaced").needs
    assert "evacuation" in classify(classifier, "Families were evacuated overnight").needs
    assert "evacuation" in classify(classifier, "Evacuation ordered for low-lying areas").needs


def test_hostile_text_is_classified_not_crashed(classifier: Classifier) -> None:
    texts = ["\ud800 stranded", "a\x00b\x1ec help", "x" * 100_000, "\u202e\u200b 🌊🌊", "#" * 50, "10,000,000,000 people"]
    results = classifier.classify_batch(texts)
    assert len(results) == len(texts)
    assert results[0].needs == ("rescue",)
    assert results[-1].people is None  # out of any plausible range


def test_large_batches_are_chunked_consistently(classifier: Classifier) -> None:
    from geo.classification import CHUNK

    texts = ["Bridge collapsed, roads blocked", "হম ৫ জন আটকে", "Donate to flood relief"] * (CHUNK // 2 + 1)
    assert len(texts) > CHUNK
    results = classifier.classify_batch(texts)
    assert results == [r for t in texts[:3] for r in classifier.classify_batch([t])] * (CHUNK // 2 + 1)
