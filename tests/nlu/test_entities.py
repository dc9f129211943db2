"""The entity extractors together: dates, places, need categories, language names."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from nlu.entities import EntityExtractor
from nlu.gazetteer import load_gazetteer

NOW = datetime(2025, 11, 25, 9, 30, tzinfo=ZoneInfo("Europe/Rome"))


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    return EntityExtractor(load_gazetteer())


def values(extractor: EntityExtractor, text: str, language: str | None) -> dict[str, object]:
    return {e.entity: e.value for e in extractor.extract(text, now=NOW, language=language)}


def test_a_booking_request(extractor: EntityExtractor) -> None:
    found = values(extractor, "domani alle 10 spid a casa di quartiere ospizzio", "it")
    assert found == {"date": "2025-11-26T10:00:00+01:00", "neighbourhood": "Ospizio"}


@pytest.mark.parametrize(
    ("text", "language", "category"),
    [
        ("c'è una buca enorme in via emilia", "it", "street"),
        ("il lampione sotto casa è spento", "it", "lighting"),
        ("mi serve aiuto con la spesa", "it", "shopping"),
        ("rubbish everywhere near the bins", "en", "waste"),
        ("路灯坏了", "zh", "lighting"),
        ("بابا محتاج توصيل للمستشفى", "ar", "transport"),
    ],
)
def test_need_categories(
    extractor: EntityExtractor, text: str, language: str, category: str
) -> None:
    assert values(extractor, text, language)["need_category"] == category


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("parla in inglese per favore", "en"),
        ("scrivimi in arabo", "ar"),
        ("română te rog", "ro"),
        ("shqip ju lutem", "sq"),
        ("українською будь ласка", "uk"),
        ("请说中文", "zh"),
        ("back to italian", "it"),
    ],
)
def test_language_names_become_codes(extractor: EntityExtractor, text: str, code: str) -> None:
    assert values(extractor, text, None)["language"] == code


@pytest.mark.parametrize(
    ("text", "first", "days"),
    [
        ("cosa c'è questa settimana?", "2025-11-25", 6),  # a Tuesday: through Sunday
        ("eventi nel weekend", "2025-11-29", 2),
        ("la settimana prossima", "2025-12-01", 7),
        ("domani", "2025-11-26", None),  # one day: no span
    ],
)
def test_week_words_cover_their_days(
    extractor: EntityExtractor, text: str, first: str, days: int | None
) -> None:
    found = values(extractor, text, "it")
    assert str(found["date"]).startswith(first) and found.get("date_days") == days


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("spid x mia moglie nn so come fare", "mia moglie"),
        ("I want to book SPID for my father", "my father"),
        ("Хочу записатися на SPID для моєї мами", "моєї мами"),
        ("Добрий день, хочу записатися на SPID для мами", "мами"),
        ("запис на SPID для чоловіка", "чоловіка"),
        ("بغيت نحجز موعد ديال SPID لراجلي", "راجلي"),
        ("vreau o programare pentru mama", "mama"),
        ("我想给妈妈预约SPID", "妈妈"),
    ],
)
def test_who_a_booking_is_for(extractor: EntityExtractor, text: str, who: str) -> None:
    assert values(extractor, text, None).get("person") == who


def test_a_booking_for_oneself_names_nobody(extractor: EntityExtractor) -> None:
    assert "person" not in values(extractor, "vorrei prenotare lo spid per me", "it")
    assert "person" not in values(extractor, "запис на SPID для себе", "uk")
