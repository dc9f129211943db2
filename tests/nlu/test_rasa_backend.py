"""The Rasa backend: mapping of /model/parse into Parse, errors, and the live server if any."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
import yaml

from nlu.gazetteer import load_gazetteer
from nlu.language import LanguageIdentifier
from nlu.rasa_backend import NLUUnavailable, RasaNLU
from nlu.types import FALLBACK_INTENT, INTENTS, Parse

NOW = datetime(2025, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Rome"))  # a Monday
RASA_DIR = Path(__file__).parents[2] / "nlu" / "rasa"
LIVE_URL = os.environ.get("PORTINERIA_RASA_URL")


@pytest.fixture(scope="module")
def languages() -> LanguageIdentifier:
    return LanguageIdentifier()


def rasa_answer(text: str, ranking: list[tuple[str, float]], entities: list[dict]) -> dict:
    """A /model/parse answer in the shape Rasa 3.6 gives (DIET, no FallbackClassifier)."""
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return {
        "text": text,
        "intent": intents[0],
        "intent_ranking": intents,
        "entities": entities,
        "text_tokens": [],
    }


def nlu_answering(languages: LanguageIdentifier, status: int, body: object) -> RasaNLU:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/model/parse"
        return httpx.Response(status, json=body)

    return RasaNLU(
        "http://rasa.test/",
        gazetteer=load_gazetteer(),
        languages=languages,
        transport=httpx.MockTransport(handler),
    )


def diet(entity: str, value: str, start: int, end: int) -> dict:
    return {
        "entity": entity,
        "value": value,
        "start": start,
        "end": end,
        "confidence_entity": 0.9,
        "extractor": "DIETClassifier",
    }


def test_maps_intent_ranking_and_normalises_entities(languages: LanguageIdentifier) -> None:
    text = "cosa c'è domani alle 10 alla casa di quartiere ospizzio"
    answer = rasa_answer(
        text,
        [("find_events", 0.91), ("opening_hours", 0.05)],
        [diet("date", "domani", 9, 15), diet("neighbourhood", "ospizzio", 47, 55)],
    )
    parse = nlu_answering(languages, 200, answer).parse(text, now=NOW)
    assert parse.intent.name == "find_events"
    assert parse.intent.confidence == pytest.approx(0.91)
    assert [i.name for i in parse.intent_ranking] == ["find_events", "opening_hours"]
    assert parse.language == "it"
    assert parse.entity("neighbourhood") == "Ospizio"
    # the built-in extractor's span and value: "domani alle 10", not DIET's "domani"
    assert parse.entity("date") == "2025-12-02T10:00:00+01:00"
    assert [e.entity for e in parse.entities] == ["date", "neighbourhood"]
    assert json.loads(json.dumps(parse.to_dict()))["intent"]["name"] == "find_events"


def test_below_threshold_is_fallback_with_the_real_ranking(languages: LanguageIdentifier) -> None:
    answer = rasa_answer("boh", [("greet", 0.30), ("help", 0.25)], [])
    parse = nlu_answering(languages, 200, answer).parse("boh", now=NOW)
    assert parse.intent.name == FALLBACK_INTENT
    assert parse.intent_ranking[0].name == "greet"


def test_unconfirmed_entity_values_are_dropped(languages: LanguageIdentifier) -> None:
    # DIET tagged words the built-in extractors cannot turn into a date or a known place
    text = "vorrei venire quel giorno là a boh"
    answer = rasa_answer(
        text,
        [("book_spid", 0.8)],
        [
            diet("date", "quel giorno", 14, 25),
            diet("neighbourhood", "boh", 31, 34),
            diet("language", "it", 0, 6),
        ],
    )
    parse = nlu_answering(languages, 200, answer).parse(text, now=NOW)
    assert [(e.entity, e.value) for e in parse.entities] == [("language", "it")]


def test_empty_text_is_fallback_without_asking_rasa(languages: LanguageIdentifier) -> None:
    parse = nlu_answering(languages, 500, {}).parse("   ", now=NOW)
    assert parse.intent.name == FALLBACK_INTENT


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, {"message": "boom"}),
        (503, {}),
        (409, {"message": "no model loaded"}),
        (200, ["not", "an", "object"]),
    ],
)
def test_server_failures_raise_nlu_unavailable(
    languages: LanguageIdentifier, status: int, body: object
) -> None:
    with pytest.raises(NLUUnavailable):
        nlu_answering(languages, status, body).parse("ciao", now=NOW)


def test_unreachable_server_raises_nlu_unavailable(languages: LanguageIdentifier) -> None:
    with socket.socket() as probe:  # a loopback port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    nlu = RasaNLU(
        f"http://127.0.0.1:{port}", gazetteer=load_gazetteer(), timeout=2.0, languages=languages
    )
    with nlu, pytest.raises(NLUUnavailable, match="unreachable"):
        nlu.parse("ciao", now=NOW)


def test_rasa_domain_names_the_contract_intents() -> None:
    domain = yaml.safe_load((RASA_DIR / "domain.yml").read_text(encoding="utf-8"))
    assert tuple(domain["intents"]) == INTENTS
    assert set(domain["entities"]) == {"date", "neighbourhood", "need_category", "language"}


def test_rasa_config_uses_the_shipped_tokenizer() -> None:
    config = yaml.safe_load((RASA_DIR / "config.yml").read_text(encoding="utf-8"))
    names = [component["name"] for component in config["pipeline"]]
    module, _, _ = names[0].partition(".")
    assert (RASA_DIR / f"{module}.py").is_file()
    assert "DIETClassifier" in names


# --- against the real server (make rasa) ---

live = pytest.mark.skipif(
    not LIVE_URL, reason="no Rasa server: set PORTINERIA_RASA_URL (make rasa)"
)


@pytest.fixture(scope="module")
def rasa(languages: LanguageIdentifier) -> Iterator[RasaNLU]:
    with RasaNLU(LIVE_URL or "", gazetteer=load_gazetteer(), languages=languages) as nlu:
        yield nlu


@live
@pytest.mark.parametrize(
    ("text", "intent", "language"),
    [
        ("buongiorno", "greet", "it"),
        ("vorrei prenotare un appuntamento per attivare lo spid", "book_spid", "it"),
        ("I want to talk to a person", "talk_to_human", "en"),
        ("我想预约SPID，明天可以吗？", "book_spid", "zh"),
    ],
)
def test_live_server_understands(rasa: RasaNLU, text: str, intent: str, language: str) -> None:
    parse = rasa.parse(text, now=NOW)
    assert isinstance(parse, Parse)
    assert parse.intent.name == intent
    assert parse.language == language
    confidences = [i.confidence for i in parse.intent_ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert {i.name for i in parse.intent_ranking} <= set(INTENTS)


@live
def test_live_server_entities_are_normalised(rasa: RasaNLU) -> None:
    parse = rasa.parse("cosa c'è domani alla casa di quartiere ospizzio", now=NOW)
    assert parse.entity("neighbourhood") == "Ospizio"
    assert str(parse.entity("date")).startswith("2025-12-02")


@live
def test_live_server_nonsense_never_raises(rasa: RasaNLU) -> None:
    for text in ("asdfgh qwerty", "???", "😀", "x" * 2000):
        assert rasa.parse(text, now=NOW).intent.name in {*INTENTS, FALLBACK_INTENT}
