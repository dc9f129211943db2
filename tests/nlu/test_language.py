"""Language identification: scripts, lingua, and when to say nothing."""

from __future__ import annotations

import pytest

from nlu.language import LanguageIdentifier


@pytest.fixture(scope="module")
def identify() -> LanguageIdentifier:
    return LanguageIdentifier()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("بغيت نحجز موعد", "ar"),
        ("我想预约SPID", "zh"),
        ("Хочу записатися на SPID", "uk"),
        ("vorrei prenotare un appuntamento per lo spid di mia madre", "it"),
        ("when is the neighbourhood house open", "en"),
        ("vreau să fac o programare pentru spid", "ro"),
        ("dua të rezervoj një takim për spid", "sq"),
    ],
)
def test_clear_messages_are_identified(
    identify: LanguageIdentifier, text: str, language: str
) -> None:
    assert identify.detect(text) == language


@pytest.mark.parametrize("text", ["ok", "si", "👍", "", "123"])
def test_short_text_leaves_the_remembered_language(identify: LanguageIdentifier, text: str) -> None:
    assert identify.detect(text) is None
