"""SPID assistance bookings: free slots, a seat that is never oversold, cancel."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from actions.errors import AlreadyBooked, NotFound, SlotFull
from actions.models import Booking, SpidSlot

# No 0/O or 1/I: codes are read aloud over the phone and typed on keypads.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


async def free_slots(
    session: AsyncSession, *, casa_id: int, now: datetime, limit: int = 9
) -> Sequence[SpidSlot]:
    """Future slots of a Casa with at least one free seat, soonest first."""
    query = (
        select(SpidSlot)
        .where(
            SpidSlot.casa_id == casa_id,
            SpidSlot.starts_at > now,
            SpidSlot.cancelled.is_(False),
            SpidSlot.seats_taken < SpidSlot.seats,
        )
        .order_by(SpidSlot.starts_at)
        .limit(limit)
    )
    return (await session.scalars(query)).all()


async def book_seat(
    session: AsyncSession,
    *,
    resident_id: int,
    slot_id: int,
    now: datetime,
    for_whom: str | None = None,
) -> Booking:
    """Take one seat (for the resident or `for_whom`); SlotFull when the last one went first."""
    # one seat a person: a resident may book for himself and for his wife in the same session
    same_person = Booking.for_whom.is_(None) if for_whom is None else Booking.for_whom == for_whom
    held = await session.scalar(
        select(Booking.id).where(
            Booking.slot_id == slot_id,
            Booking.resident_id == resident_id,
            Booking.status == "confirmed",
            same_person,
        )
    )
    if held is not None:
        raise AlreadyBooked("you already have a seat in this session")
    # One conditional UPDATE is atomic on SQLite and PostgreSQL: two residents racing for
    # the last seat cannot both pass the `seats_taken < seats` test.
    taken = await session.scalar(
        update(SpidSlot)
        .where(
            SpidSlot.id == slot_id,
            SpidSlot.seats_taken < SpidSlot.seats,
            SpidSlot.cancelled.is_(False),
            SpidSlot.starts_at > now,
        )
        .values(seats_taken=SpidSlot.seats_taken + 1)
        .returning(SpidSlot.id)
    )
    if taken is None:
        if await session.get(SpidSlot, slot_id) is None:
            raise NotFound(f"no SPID session {slot_id}")
        raise SlotFull("no seat left in this session")
    booking = Booking(
        code=_new_code(),
        slot_id=slot_id,
        resident_id=resident_id,
        status="confirmed",
        created_at=now,
        for_whom=for_whom,
    )
    session.add(booking)
    await session.flush()
    return booking


async def bookings_of(
    session: AsyncSession, *, resident_id: int, now: datetime
) -> Sequence[Booking]:
    """The resident's confirmed bookings that are still ahead."""
    query = (
        select(Booking)
        .join(SpidSlot)
        .options(joinedload(Booking.slot).joinedload(SpidSlot.casa))
        .where(
            Booking.resident_id == resident_id,
            Booking.status == "confirmed",
            SpidSlot.starts_at > now,
        )
        .order_by(SpidSlot.starts_at)
    )
    return (await session.scalars(query)).all()


async def cancel_booking(session: AsyncSession, *, resident_id: int, code: str) -> Booking:
    """Cancel one of the resident's bookings and free its seat."""
    booking = await _confirmed(session, resident_id=resident_id, code=code)
    booking.status = "cancelled"
    await session.execute(
        update(SpidSlot)
        .where(SpidSlot.id == booking.slot_id)
        .values(seats_taken=SpidSlot.seats_taken - 1)
    )
    return booking


async def move_booking(
    session: AsyncSession, *, resident_id: int, code: str, slot_id: int, now: datetime
) -> Booking:
    """Take a seat in another slot, then free the old one; SlotFull leaves the old booking."""
    old = await _confirmed(session, resident_id=resident_id, code=code)
    # book first: if the new seat is gone nothing has changed, the old booking stays
    new = await book_seat(
        session, resident_id=resident_id, slot_id=slot_id, now=now, for_whom=old.for_whom
    )
    await cancel_booking(session, resident_id=resident_id, code=old.code)
    return new


async def _confirmed(session: AsyncSession, *, resident_id: int, code: str) -> Booking:
    booking = await session.scalar(
        select(Booking).where(
            Booking.code == code.upper(),
            Booking.resident_id == resident_id,
            Booking.status == "confirmed",
        )
    )
    if booking is None:
        raise NotFound(f"no booking {code}")
    return booking


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
