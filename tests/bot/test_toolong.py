"""A very long message gets a polite answer in the resident's language, and a bounded NLU."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pytest
from sqlalchemy import select

from actions.db import SessionFactory
from actions.models import MessageLog
from bot.messages import MAX_TEXT
from bot.runtime.turns import Conversations
from nlu.types import NLU, READ_CHARS, Parse
from tests.conftest import NOW, ROME
from tests.support.chat import Resident

# Real words, so the NLU has something to read: a neighbour's long story.
STORY = "Buongiorno, mia madre ha ottant'anni e vorrei prenotare lo SPID alla Casa. "
LONG = (STORY * 200)[:10_000]


@dataclass
class ReadingNLU:
    """The real NLU, noting how much of each message it was given."""

    nlu: NLU
    lengths: list[int] = field(default_factory=list)

    def parse(self, text: str, *, now: datetime) -> Parse:
        self.lengths.append(len(text))
        return self.nlu.parse(text, now=now)


@pytest.fixture
def reading(nlu: NLU) -> ReadingNLU:
    return ReadingNLU(nlu)


@pytest.fixture
def resident(demo_sessions: SessionFactory, reading: ReadingNLU) -> Resident:
    return Resident(Conversations(demo_sessions, reading, ROME), NOW)


async def test_a_ten_thousand_character_message_gets_the_menu_and_a_request(
    resident: Resident, reading: ReadingNLU, demo_sessions: SessionFactory
) -> None:
    await resident.says(LONG)
    assert "Il messaggio è molto lungo. Scriva in poche parole cosa le serve." in resident.text
    assert resident.options[0] == "Eventi e attività"
    assert "Parlare con una persona" in resident.options
    assert reading.lengths and max(reading.lengths) <= READ_CHARS
    await resident.says("1")  # the way back works at once
    assert "Ecco cosa c'è" in resident.text
    async with demo_sessions() as session:
        stored = await session.scalar(select(MessageLog.text).where(MessageLog.direction == "in"))
    assert stored is not None and len(stored) == MAX_TEXT  # kept for staff, capped


async def test_the_answer_is_in_the_residents_language(resident: Resident) -> None:
    resident.channel = "telegram"  # the menu in full (SMS ends with "0 menu")
    await resident.says("menu")
    await resident.says("7")
    await resident.says(str(resident.options.index("العربية") + 1))
    await resident.says(LONG)
    assert "طويلة جدًا" in resident.text
    assert "Il messaggio" not in resident.text
    assert resident.options[-1] == "اللغة - Lingua"


async def test_a_long_answer_inside_a_form_is_the_forms(resident: Resident) -> None:
    await resident.says("menu")
    await resident.says("3")  # report a need: its questions take free text
    await resident.says("1")
    await resident.says(STORY * 25)  # about 1,900 characters of description
    assert "molto lungo" not in resident.text
    assert "Dove?" in resident.text  # the description was taken; the next question follows
