"""Events and SPID slots as staff manage them: create, edit, cancel (booked seats freed)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from actions.errors import DomainError, InvalidTransition, NotFound
from actions.models import Booking, Event, EventTopic, SpidSlot
from actions.places import casa_by_id

TOPICS = ("digital", "language", "walk", "food", "garden", "games", "music", "other")
# Who an event is for and what it costs, beside its kind: residents ask for these in words
# ("per bambini", "gratis"), and the bot's list filters on them.
AUDIENCES = ("children", "elderly", "free")
MAX_SEATS = 50


@dataclass(frozen=True)
class EventFields:
    """What staff fill in for an event."""

    casa_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    topic: str = "other"
    description: str = ""
    accessibility: str = ""
    audiences: tuple[str, ...] = ()


async def events_for_staff(
    session: AsyncSession, *, casa_ids: Sequence[int] | None, since: datetime, limit: int = 300
) -> Sequence[Event]:
    """Events ending after `since` (cancelled ones too), of these Case (None: all), by time."""
    query = (
        select(Event)
        .options(joinedload(Event.casa))
        .where(Event.ends_at > since)
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
    )
    if casa_ids is not None:
        query = query.where(Event.casa_id.in_(casa_ids))
    return (await session.scalars(query)).all()


async def event_by_id(session: AsyncSession, *, event_id: int) -> Event:
    """One event, or NotFound."""
    event = await session.get(Event, event_id)
    if event is None:
        raise NotFound(f"no event {event_id}")
    return event


async def create_event(session: AsyncSession, *, fields: EventFields) -> Event:
    """Add an event; the bot lists it from now on."""
    await _check_event(session, fields)
    event = Event(**_event_values(fields), cancelled=False, more_topics=_audiences(fields))
    session.add(event)
    await session.flush()
    return event


async def update_event(session: AsyncSession, *, event_id: int, fields: EventFields) -> Event:
    """Change an event that is not cancelled."""
    event = await event_by_id(session, event_id=event_id)
    ensure_editable(event)
    if event.cancelled:
        raise InvalidTransition(f"event {event_id} is cancelled")
    await _check_event(session, fields)
    for name, value in _event_values(fields).items():
        setattr(event, name, value)
    event.more_topics = _audiences(fields)
    return event


async def cancel_event(session: AsyncSession, *, event_id: int) -> Event:
    """Cancel an event: the bot stops listing it."""
    event = await event_by_id(session, event_id=event_id)
    ensure_editable(event)
    if event.cancelled:
        raise InvalidTransition(f"event {event_id} is already cancelled")
    event.cancelled = True
    return event


def ensure_editable(event: Event) -> None:
    """Events from Hamlet are changed on Hamlet: the next sync would undo a change here."""
    if event.source != "console":
        raise DomainError(f"event {event.id} comes from Hamlet: change it there")


async def _check_event(session: AsyncSession, fields: EventFields) -> None:
    if not fields.title.strip():
        raise DomainError("the title is empty")
    if len(fields.title) > 160 or len(fields.accessibility) > 200:
        raise DomainError("the title (160) or the accessibility note (200) is too long")
    if fields.ends_at <= fields.starts_at:
        raise DomainError("the event must end after it starts")
    if fields.topic not in TOPICS:
        raise DomainError(f"the topic must be one of {', '.join(TOPICS)}")
    if not set(fields.audiences) <= set(AUDIENCES):
        raise DomainError(f"who it is for must be among {', '.join(AUDIENCES)}")
    await casa_by_id(session, casa_id=fields.casa_id)


def _event_values(fields: EventFields) -> dict[str, object]:
    return {
        "casa_id": fields.casa_id,
        "title": fields.title.strip(),
        "starts_at": fields.starts_at,
        "ends_at": fields.ends_at,
        "topic": fields.topic,
        "description": fields.description.strip(),
        "accessibility": fields.accessibility.strip(),
    }


async def slots_for_staff(
    session: AsyncSession, *, casa_ids: Sequence[int] | None, since: datetime, limit: int = 300
) -> Sequence[SpidSlot]:
    """SPID slots starting after `since` (cancelled ones too), of these Case (None: all)."""
    query = (
        select(SpidSlot)
        .options(joinedload(SpidSlot.casa))
        .where(SpidSlot.starts_at > since)
        .order_by(SpidSlot.starts_at, SpidSlot.id)
        .limit(limit)
    )
    if casa_ids is not None:
        query = query.where(SpidSlot.casa_id.in_(casa_ids))
    return (await session.scalars(query)).all()


async def slot_by_id(session: AsyncSession, *, slot_id: int) -> SpidSlot:
    """One SPID slot with its Casa, or NotFound."""
    slot = await session.scalar(
        select(SpidSlot).options(joinedload(SpidSlot.casa)).where(SpidSlot.id == slot_id)
    )
    if slot is None:
        raise NotFound(f"no SPID session {slot_id}")
    return slot


async def confirmed_bookings(session: AsyncSession, *, slot_id: int) -> Sequence[Booking]:
    """The seats taken in a slot, oldest booking first."""
    query = (
        select(Booking)
        .where(Booking.slot_id == slot_id, Booking.status == "confirmed")
        .order_by(Booking.created_at, Booking.id)
    )
    return (await session.scalars(query)).all()


async def create_slot(
    session: AsyncSession, *, casa_id: int, starts_at: datetime, seats: int, now: datetime
) -> SpidSlot:
    """Open a SPID assistance session residents can book."""
    _check_slot(starts_at, seats, now)
    await casa_by_id(session, casa_id=casa_id)
    slot = SpidSlot(
        casa_id=casa_id, starts_at=starts_at, seats=seats, seats_taken=0, cancelled=False
    )
    session.add(slot)
    await session.flush()
    return slot


async def update_slot(
    session: AsyncSession, *, slot_id: int, starts_at: datetime, seats: int, now: datetime
) -> tuple[SpidSlot, Sequence[Booking]]:
    """Move a slot or change its seats; returns the bookings to tell when the time changed."""
    _check_slot(starts_at, seats, now)
    slot = await slot_by_id(session, slot_id=slot_id)
    if slot.cancelled:
        raise InvalidTransition(f"SPID session {slot_id} is cancelled")
    # One conditional UPDATE: a resident booking at this very moment cannot push the seats
    # taken past the new number.
    changed = await session.scalar(
        update(SpidSlot)
        .where(SpidSlot.id == slot_id, SpidSlot.seats_taken <= seats)
        .values(seats=seats, starts_at=starts_at)
        .returning(SpidSlot.id)
        .execution_options(synchronize_session=False)
    )
    moved = slot.starts_at != starts_at
    await session.refresh(slot)
    if changed is None:
        raise DomainError(f"{slot.seats_taken} seats are already booked: keep at least that many")
    return slot, (await confirmed_bookings(session, slot_id=slot_id)) if moved else ()


async def cancel_slot(session: AsyncSession, *, slot_id: int) -> Sequence[Booking]:
    """Cancel a slot and every booking in it; returns the cancelled bookings, to tell them."""
    # Mark the slot first: from here on book_seat's conditional UPDATE refuses it, so no
    # booking can slip in between the list below and the commit.
    cancelled = await session.scalar(
        update(SpidSlot)
        .where(SpidSlot.id == slot_id, SpidSlot.cancelled.is_(False))
        .values(cancelled=True, seats_taken=0)
        .returning(SpidSlot.id)
        .execution_options(synchronize_session=False)
    )
    if cancelled is None:
        await slot_by_id(session, slot_id=slot_id)
        raise InvalidTransition(f"SPID session {slot_id} is already cancelled")
    bookings = await confirmed_bookings(session, slot_id=slot_id)
    for booking in bookings:
        booking.status = "cancelled"
    await session.refresh(await slot_by_id(session, slot_id=slot_id))
    return bookings


def _check_slot(starts_at: datetime, seats: int, now: datetime) -> None:
    if not 1 <= seats <= MAX_SEATS:
        raise DomainError(f"seats must be between 1 and {MAX_SEATS}")
    if starts_at <= now:
        raise DomainError("the session must start in the future")


def _audiences(fields: EventFields) -> list[EventTopic]:
    return [EventTopic(topic=t) for t in AUDIENCES if t in fields.audiences]
