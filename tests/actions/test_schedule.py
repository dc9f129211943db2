"""Events and SPID slots as staff manage them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions import bookings, residents, schedule
from actions.db import SessionFactory, transaction
from actions.errors import DomainError, InvalidTransition, SlotFull
from actions.models import Casa, SpidSlot
from tests.conftest import NOW


async def _casa(sessions: SessionFactory) -> int:
    async with sessions() as session:
        found = await session.scalar(select(Casa.id).where(Casa.name == "Ospizio"))
        assert found is not None
        return found


async def _resident(session: AsyncSession, address: str) -> int:
    entry = await residents.find_or_create_address(
        session, channel="sms", address=address, language="it", now=NOW
    )
    return entry.resident_id


async def test_event_checks(demo_sessions: SessionFactory) -> None:
    casa = await _casa(demo_sessions)
    start = NOW + timedelta(days=1)
    fields = schedule.EventFields(casa, "Tombola", start, start + timedelta(hours=2), "games")
    async with transaction(demo_sessions) as session:
        event = await schedule.create_event(session, fields=fields)
        for bad in (
            schedule.EventFields(casa, " ", start, start + timedelta(hours=1)),
            schedule.EventFields(casa, "x", start, start),
            schedule.EventFields(casa, "x", start, start + timedelta(hours=1), "poker"),
        ):
            with pytest.raises(DomainError):
                await schedule.update_event(session, event_id=event.id, fields=bad)
        await schedule.cancel_event(session, event_id=event.id)
        with pytest.raises(InvalidTransition):
            await schedule.cancel_event(session, event_id=event.id)


async def test_seats_cannot_drop_below_the_bookings(demo_sessions: SessionFactory) -> None:
    casa = await _casa(demo_sessions)
    start = NOW + timedelta(days=2)
    async with transaction(demo_sessions) as session:
        slot = await schedule.create_slot(session, casa_id=casa, starts_at=start, seats=2, now=NOW)
        for address in ("+391", "+392"):
            await bookings.book_seat(
                session, resident_id=await _resident(session, address), slot_id=slot.id, now=NOW
            )
        with pytest.raises(DomainError, match="2 seats"):
            await schedule.update_slot(session, slot_id=slot.id, starts_at=start, seats=1, now=NOW)
        same, moved = await schedule.update_slot(
            session, slot_id=slot.id, starts_at=start, seats=3, now=NOW
        )
        assert same.seats == 3 and moved == ()
        _, moved = await schedule.update_slot(
            session, slot_id=slot.id, starts_at=start + timedelta(hours=1), seats=3, now=NOW
        )
        assert len(moved) == 2
        with pytest.raises(DomainError):
            await schedule.create_slot(session, casa_id=casa, starts_at=NOW, seats=2, now=NOW)


async def test_a_cancelled_slot_takes_no_more_bookings(demo_sessions: SessionFactory) -> None:
    casa = await _casa(demo_sessions)
    async with transaction(demo_sessions) as session:
        slot = await schedule.create_slot(
            session, casa_id=casa, starts_at=NOW + timedelta(days=2), seats=3, now=NOW
        )
        first = await _resident(session, "+391")
        await bookings.book_seat(session, resident_id=first, slot_id=slot.id, now=NOW)
        [cancelled] = await schedule.cancel_slot(session, slot_id=slot.id)
        assert cancelled.status == "cancelled"
        with pytest.raises(SlotFull):
            await bookings.book_seat(
                session, resident_id=await _resident(session, "+392"), slot_id=slot.id, now=NOW
            )
        with pytest.raises(InvalidTransition):
            await schedule.cancel_slot(session, slot_id=slot.id)
    async with demo_sessions() as session:
        stored = await session.get(SpidSlot, slot.id)
        assert stored is not None and stored.cancelled and stored.seats_taken == 0
