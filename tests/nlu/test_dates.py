"""Dates in residents' words, resolved against the given now in Europe/Rome."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from nlu.dates import find_date

ROME = ZoneInfo("Europe/Rome")
NOW = datetime(2025, 11, 25, 9, 30, tzinfo=ROME)  # a Tuesday morning


@pytest.mark.parametrize(
    ("text", "language", "expected", "surface"),
    [
        ("domani alle 10", "it", "2025-11-26T10:00:00+01:00", "domani alle 10"),
        ("ci vediamo sabato", "it", "2025-11-29T00:00:00+01:00", "sabato"),
        ("il 3 dicembre", "it", "2025-12-03T00:00:00+01:00", "3 dicembre"),
        ("giovedì alle 15:30", "it", "2025-11-27T15:30:00+01:00", "giovedì alle 15:30"),
        ("dopodomani mattina", "it", "2025-11-27T09:00:00+01:00", "dopodomani mattina"),
        ("la settimana prossima", "it", "2025-12-01T00:00:00+01:00", "settimana prossima"),
        ("alle 3", "it", "2025-11-25T15:00:00+01:00", "alle 3"),
        ("tomorrow at 10am", "en", "2025-11-26T10:00:00+01:00", "tomorrow at 10am"),
        ("mâine la ora 10", "ro", "2025-11-26T10:00:00+01:00", "mâine la ora 10"),
        ("nesër në orën 10", "sq", "2025-11-26T10:00:00+01:00", "nesër në orën 10"),
        ("завтра о 10", "uk", "2025-11-26T10:00:00+01:00", "завтра о 10"),
        ("غدا الساعة ١٠", "ar", "2025-11-26T10:00:00+01:00", "غدا الساعة ١٠"),
        ("明天上午10点", "zh", "2025-11-26T10:00:00+01:00", "明天上午10点"),
        ("12月3日", "zh", "2025-12-03T00:00:00+01:00", "12月3日"),
    ],
)
def test_relative_and_absolute_dates(text: str, language: str, expected: str, surface: str) -> None:
    found = find_date(text, now=NOW, language=language)
    assert found is not None
    assert found.value.isoformat() == expected
    assert text[found.start : found.end] == surface


def test_a_time_already_past_today_means_tomorrow() -> None:
    found = find_date("alle 8", now=NOW, language="it")
    assert found is not None and found.value.isoformat() == "2025-11-26T08:00:00+01:00"


def test_summer_time_is_respected() -> None:
    summer = datetime(2026, 6, 1, 9, 0, tzinfo=ROME)
    found = find_date("domani alle 10", now=summer, language="it")
    assert found is not None and found.value.isoformat() == "2026-06-02T10:00:00+02:00"


@pytest.mark.parametrize("text", ["ho 80 anni e vivo sola", "quanto fa 2+2", "ciao come stai"])
def test_ages_sums_and_chat_are_not_dates(text: str) -> None:
    assert find_date(text, now=NOW, language="it") is None
