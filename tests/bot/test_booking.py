"""Booking a SPID session by digits alone, as over plain SMS."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from actions.db import SessionFactory, transaction
from actions.models import Booking, Casa, SpidSlot
from bot.runtime.turns import Conversations
from nlu.types import NLU
from tests.conftest import NOW, ROME
from tests.support.chat import Resident


@pytest.fixture
def resident(demo_sessions: SessionFactory, nlu: NLU) -> Resident:
    return Resident(Conversations(demo_sessions, nlu, ROME), NOW)


async def test_book_by_digits_with_a_wrong_answer_on_the_way(
    resident: Resident, demo_sessions: SessionFactory
) -> None:
    await resident.says("menu")
    replies = await resident.says("2")
    assert "carta d'identità, tessera sanitaria" in replies[0].text
    await resident.says("77")  # out of range: asked again, nothing lost
    assert "Scriva un numero della lista." in resident.text
    await resident.says(str(resident.options.index("Ospizio") + 1))
    assert "Quando vuole venire?" in resident.text
    first_slot = resident.options[0]
    await resident.says("abc")
    assert resident.options[0] == first_slot
    await resident.says("1")
    assert "alla Casa di Quartiere Ospizio. Conferma?" in resident.text
    assert first_slot in resident.text
    await resident.says("1")
    assert "Prenotato! Il suo codice è" in resident.text
    async with demo_sessions() as session:
        booking = await session.scalar(select(Booking))
        assert booking is not None and booking.code in resident.text


async def test_last_seat_taken_meanwhile_offers_another_slot(
    resident: Resident, demo_sessions: SessionFactory
) -> None:
    await resident.says("menu")
    await resident.says("2")
    await resident.says(str(resident.options.index("Santa Croce") + 1))
    await resident.says("1")
    async with transaction(demo_sessions) as session:
        await session.execute(update(SpidSlot).values(seats_taken=SpidSlot.seats))
        slot = await session.scalar(
            select(SpidSlot)
            .join(Casa)
            .where(Casa.name == "Santa Croce")
            .order_by(SpidSlot.starts_at.desc())
        )
        assert slot is not None
        slot.seats_taken = 0
    await resident.says("sì")
    assert "l'ultimo posto è appena stato preso" in resident.text
    assert "Quando vuole venire?" in resident.text


async def test_saying_no_books_nothing(resident: Resident, demo_sessions: SessionFactory) -> None:
    await resident.says("menu")
    await resident.says("2")
    await resident.says("1")
    await resident.says("1")
    await resident.says("2")
    assert "non prenoto niente" in resident.text
    async with demo_sessions() as session:
        assert await session.scalar(select(Booking.id)) is None
