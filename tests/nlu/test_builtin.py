"""The built-in NLU end to end: intents round-trip, entities, fallbacks, never an exception."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from nlu.builtin import BuiltinNLU
from nlu.trainingdata import load_examples
from nlu.types import FALLBACK_INTENT, INTENTS, NLU

pytestmark = pytest.mark.slow
NOW = datetime(2025, 11, 25, 9, 30, tzinfo=ZoneInfo("Europe/Rome"))  # a Tuesday


def test_every_intent_round_trips_on_its_training_examples(nlu: NLU) -> None:
    seen: dict[str, Counter[bool]] = defaultdict(Counter)
    for example in load_examples():
        seen[example.intent][nlu.parse(example.text, now=NOW).intent.name == example.intent] += 1
    assert set(seen) == set(INTENTS)
    for intent, counts in seen.items():
        assert counts[True] / counts.total() >= 0.97, intent


@pytest.mark.parametrize(
    ("text", "intent", "language"),
    [
        ("x lo spid di mio marito cosa serve", "spid_info", "it"),
        ("STOP", "unsubscribe", None),
        ("بغيت نحجز موعد ديال السبيد", "book_spid", "ar"),
        ("when is the casa open on saturday", "opening_hours", "en"),
        ("vreau să vorbesc cu un operator", "talk_to_human", "ro"),
        ("我想取消我的预约", "cancel_booking", "zh"),
    ],
)
def test_new_messages_are_understood(
    nlu: NLU, text: str, intent: str, language: str | None
) -> None:
    parse = nlu.parse(text, now=NOW)
    assert (parse.intent.name, parse.language) == (intent, language)
    assert parse.intent_ranking[0].name == intent


def test_a_booking_with_date_and_misspelt_place(nlu: NLU) -> None:
    parse = nlu.parse(
        "domani alle 10 vorrei prenotare lo spid alla casa di quartiere ospizzio", now=NOW
    )
    assert parse.intent.name == "book_spid"
    assert parse.entity("date") == "2025-11-26T10:00:00+01:00"
    assert parse.entity("neighbourhood") == "Ospizio"


def test_topic_words_are_not_entities_of_other_intents(nlu: NLU) -> None:
    parse = nlu.parse("c'è un corso di inglese a santa croce?", now=NOW)
    assert parse.intent.name == "find_events"
    assert parse.entity("language") is None
    assert parse.entity("neighbourhood") == "Santa Croce"
    assert nlu.parse("rispondimi in inglese", now=NOW).entity("language") == "en"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "🦄🎈🌵",
        "????",
        "zzzz",
        "asdfghjkl qwerty",
        "12345",
        "\x00\x01\x02",
        "Ω" * 5000,
        "😀" * 10000,
        "ꙮ𝔘𝔫𝔦𝔠𝔬𝔡𝔢" * 800,
    ],
)
def test_nonsense_is_a_fallback_never_an_exception(nlu: NLU, text: str) -> None:
    parse = nlu.parse(text, now=NOW)
    assert parse.intent.name == FALLBACK_INTENT
    assert parse.text == text
    assert 0.0 <= parse.intent.confidence <= 1.0


def test_the_parse_has_rasa_s_shape_and_a_calibrated_ranking(nlu: NLU) -> None:
    shape = nlu.parse("grazie mille, siete gentilissimi", now=NOW).to_dict()
    assert set(shape) == {"text", "intent", "intent_ranking", "entities", "language"}
    assert shape["intent"]["name"] == "thank"
    confidences = [i["confidence"] for i in shape["intent_ranking"]]
    assert confidences == sorted(confidences, reverse=True) and sum(confidences) <= 1.0001


def test_a_naive_now_is_taken_as_local_time(nlu: NLU) -> None:
    parse = nlu.parse("domani alle 10", now=datetime(2025, 11, 25, 9, 30))
    assert parse.entity("date") == "2025-11-26T10:00:00+01:00"


def test_repeated_texts_come_from_the_cache(nlu: NLU) -> None:
    assert isinstance(nlu, BuiltinNLU)
    nlu.parse("a che ora apre la casa di quartiere del foscato?", now=NOW)
    before = nlu.cascade.stages["cache"]
    nlu.parse("a che ora apre la casa di quartiere del foscato?", now=NOW)
    assert nlu.cascade.stages["cache"] == before + 1
