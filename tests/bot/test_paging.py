"""SMS lists in pages that fit two segments, in each language's encoding (bot/paging.py)."""

from __future__ import annotations

import pytest

from actions.db import SessionFactory
from bot.gsm import sms_text
from bot.i18n import RTL_LANGUAGES
from bot.messages import Reply
from bot.runtime.turns import Conversations
from bot.text import numbered
from nlu.types import NLU
from tests.conftest import NOW, ROME
from tests.support.chat import Resident


@pytest.fixture
def resident(demo_sessions: SessionFactory, nlu: NLU) -> Resident:
    return Resident(Conversations(demo_sessions, nlu, ROME), NOW)


def segments(reply: Reply, language: str) -> int:
    """What the SMS channel bills for the reply."""
    return sms_text(numbered(reply, rtl=language in RTL_LANGUAGES), language).segments


async def said(resident: Resident, text: str, language: str) -> str:
    """Send; check that every answer fits two segments; the answers as the phone shows them."""
    replies = await resident.says(text)
    assert replies and all(segments(reply, language) <= 2 for reply in replies), replies
    return "\n".join(numbered(reply) for reply in replies)


async def test_a_ukrainian_menu_on_sms_comes_in_pages_that_keep_their_numbers(
    resident: Resident,
) -> None:
    first = await said(resident, "добрий день", "uk")
    assert "1 Події та заходи" in first and "\n9 Ще" in first
    assert "7 Мова - Lingua" not in first
    second = await said(resident, "9", "uk")
    assert second.startswith("Ще:") and "7 Мова - Lingua" in second
    assert "1 Події та заходи" not in second
    third = await said(resident, "ще", "uk")  # the word works too; after the last page, the first
    assert "1 Події та заходи" in third
    # A number picks its option from any page: 4 is the opening hours, shown on another page.
    await said(resident, "9", "uk")
    hours = await said(resident, "4", "uk")
    assert "Яка Casa di Quartiere?" in hours and "6 Santa Croce" in hours


async def test_telegram_and_whatsapp_keep_the_whole_list(resident: Resident) -> None:
    resident.channel = "whatsapp"
    await resident.says("добрий день")
    assert len(resident.options) == 7 and "Ще" not in resident.text


async def test_an_arabic_booking_on_sms_never_passes_two_segments(resident: Resident) -> None:
    await said(resident, "مرحبا", "ar")
    text = await said(resident, "2", "ar")  # what to bring, then the Case
    assert "1 Buco Magico" in text
    slots = await said(resident, "1", "ar")
    assert "\n9 " in slots  # the times, a page at a time
    more = await said(resident, "9", "ar")
    assert "\n5 " in more  # the fifth time keeps its number
    confirm = await said(resident, "5", "ar")
    assert "Buco Magico" in confirm
    await said(resident, "1", "ar")  # yes: booked, the answer cut between lines if need be


async def test_opening_hours_in_chinese_are_cut_between_lines_not_words(
    resident: Resident,
) -> None:
    await said(resident, "你好", "zh")
    await said(resident, "4", "zh")
    answer = await said(resident, "1", "zh")
    assert "Via Martiri di Cervarolo 74" in answer
    assert answer.count("09:00-12:30") == 1  # one line per interval: 周一-周六 09:00-12:30


async def test_italian_keeps_the_whole_menu_in_two_segments(resident: Resident) -> None:
    await said(resident, "buongiorno", "it")
    assert len(resident.options) == 7
    await said(resident, "1", "it")  # events: as many as fit two segments, two here
    assert resident.last[0].text.count("Casa di Quartiere") == 2
