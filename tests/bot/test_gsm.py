"""SMS text: GSM-7 where possible, and the segment count that a carrier bills."""

from __future__ import annotations

import pytest

from bot.gsm import is_gsm7, sms_text


def test_italian_accents_stay_gsm7() -> None:
    sms = sms_text("Perché è già così? Più tardi, però.")
    assert (sms.encoding, sms.segments) == ("GSM-7", 1)
    assert sms.text == "Perché è già così? Più tardi, però."


def test_capital_e_grave_and_curly_quotes_are_swapped_not_ucs2() -> None:
    sms = sms_text("È gratis. L’orario è “9–12”…")
    assert sms.encoding == "GSM-7"
    assert sms.text == "E' gratis. L'orario è \"9-12\"..."


def test_segments_count_160_then_153() -> None:
    assert sms_text("a" * 160).segments == 1
    assert sms_text("a" * 161).segments == 2
    assert sms_text("a" * 306).segments == 2
    assert sms_text("a" * 307).segments == 3


def test_extension_characters_count_twice() -> None:
    assert sms_text("€" * 80).segments == 1
    assert sms_text("€" * 81).segments == 2


def test_arabic_and_emoji_are_ucs2_with_70_a_segment() -> None:
    arabic = sms_text("مرحبا " * 12)  # 72 characters
    assert (arabic.encoding, arabic.segments) == ("UCS-2", 2)
    assert sms_text("Grazie 🙂").encoding == "UCS-2"
    assert sms_text("x" * 70 + "й").segments == 2
    assert not is_gsm7("🙂") and is_gsm7("àèéìòù")


@pytest.mark.parametrize(
    ("language", "text", "plain"),
    [
        ("ro", "Mulțumim! Programarea este confirmată.", "Multumim! Programarea este confirmata."),
        ("ro", "Știri și înscrieri", "Stiri si inscrieri"),
        ("sq", "Faleminderit! Çfarë ju duhet?", "Faleminderit! Cfare ju duhet?"),
    ],
)
def test_romanian_and_albanian_are_written_plainly_in_gsm7(
    language: str, text: str, plain: str
) -> None:
    sms = sms_text(text, language)
    assert (sms.text, sms.encoding) == (plain, "GSM-7")
    assert sms_text(text).encoding == "UCS-2"  # without the language, the letters stay


def test_languages_without_plain_letters_keep_their_script() -> None:
    assert sms_text("Дякуємо", "uk").encoding == "UCS-2"
    assert sms_text("Perché è già così?", "it").text == "Perché è già così?"
