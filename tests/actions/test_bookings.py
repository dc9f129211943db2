"""SPID bookings: seats are never oversold, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from actions import bookings
from actions.db import SessionFactory, transaction
from actions.errors import AlreadyBooked, DomainError, NotFound, SlotFull
from actions.models import Resident, SpidSlot
from tests.conftest import NOW

# On PostgreSQL too: racing writers for the last seats.
pytestmark = pytest.mark.both_databases


async def _residents(sessions: SessionFactory, count: int) -> list[int]:
    async with transaction(sessions) as session:
        people = [Resident(language="it", created_at=NOW) for _ in range(count)]
        session.add_all(people)
        await session.flush()
        return [person.id for person in people]


async def _first_slot(sessions: SessionFactory) -> SpidSlot:
    async with sessions() as session:
        slot = await session.scalar(
            select(SpidSlot).where(SpidSlot.starts_at > NOW).order_by(SpidSlot.starts_at)
        )
        assert slot is not None
        return slot


async def test_book_list_and_cancel(demo_sessions: SessionFactory) -> None:
    [resident] = await _residents(demo_sessions, 1)
    slot = await _first_slot(demo_sessions)
    async with transaction(demo_sessions) as session:
        booking = await bookings.book_seat(session, resident_id=resident, slot_id=slot.id, now=NOW)
    assert len(booking.code) == 6 and not set(booking.code) & set("01IO")
    async with transaction(demo_sessions) as session:
        with pytest.raises(AlreadyBooked):
            await bookings.book_seat(session, resident_id=resident, slot_id=slot.id, now=NOW)
    async with transaction(demo_sessions) as session:
        [mine] = await bookings.bookings_of(session, resident_id=resident, now=NOW)
        assert mine.code == booking.code and mine.slot.casa.name
        await bookings.cancel_booking(session, resident_id=resident, code=booking.code.lower())
    async with demo_sessions() as session:
        refreshed = await session.get(SpidSlot, slot.id)
        assert refreshed is not None and refreshed.seats_taken == 0


async def test_a_past_or_unknown_slot_cannot_be_booked(demo_sessions: SessionFactory) -> None:
    [resident] = await _residents(demo_sessions, 1)
    slot = await _first_slot(demo_sessions)
    async with transaction(demo_sessions) as session:
        with pytest.raises(SlotFull):
            later = slot.starts_at + timedelta(minutes=1)
            await bookings.book_seat(session, resident_id=resident, slot_id=slot.id, now=later)
    async with transaction(demo_sessions) as session:
        with pytest.raises(NotFound):
            await bookings.book_seat(session, resident_id=resident, slot_id=99999, now=NOW)


async def test_racing_for_the_last_seats_never_overbooks(demo_sessions: SessionFactory) -> None:
    slot = await _first_slot(demo_sessions)
    racers = await _residents(demo_sessions, 8)

    async def attempt(resident: int) -> str:
        try:
            async with transaction(demo_sessions) as session:
                await bookings.book_seat(session, resident_id=resident, slot_id=slot.id, now=NOW)
        except DomainError as exc:
            return type(exc).__name__
        return "booked"

    outcomes = await asyncio.gather(*(attempt(r) for r in racers))
    assert outcomes.count("booked") == slot.seats
    assert outcomes.count("SlotFull") == len(racers) - slot.seats
    async with demo_sessions() as session:
        refreshed = await session.get(SpidSlot, slot.id)
        assert refreshed is not None and refreshed.seats_taken == slot.seats
