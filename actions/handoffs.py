"""Handoffs: a conversation passed to a person of the resident's Casa di Quartiere."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions import places, residents
from actions.errors import DomainError, InvalidTransition, NotFound
from actions.models import Conversation, Delivery, Handoff
from actions.outbox import enqueue

OPEN_STATES = ("waiting", "claimed")


async def open_handoff(
    session: AsyncSession,
    *,
    resident_id: int,
    quartiere: str | None,
    reason: str,
    now: datetime,
) -> Handoff:
    """Open (or return the already open) handoff for the resident's Casa di Quartiere."""
    existing = await open_handoff_of(session, resident_id=resident_id)
    if existing is not None:
        return existing
    casa = await places.casa_for_quartiere(session, quartiere=quartiere) if quartiere else None
    handoff = Handoff(
        resident_id=resident_id,
        casa_id=casa.id if casa else None,
        reason=reason,
        status="waiting",
        opened_at=now,
    )
    session.add(handoff)
    await session.flush()
    return handoff


async def open_handoff_of(session: AsyncSession, *, resident_id: int) -> Handoff | None:
    """The resident's handoff still waiting or held by a person, if any."""
    return await session.scalar(
        select(Handoff).where(Handoff.resident_id == resident_id, Handoff.status.in_(OPEN_STATES))
    )


async def withdraw(session: AsyncSession, *, resident_id: int, now: datetime) -> bool:
    """The resident no longer needs a person; False when nothing was open."""
    handoff = await open_handoff_of(session, resident_id=resident_id)
    if handoff is None:
        return False
    await close(session, handoff_id=handoff.id, outcome="withdrawn by the resident", now=now)
    return True


async def handoff_by_id(session: AsyncSession, *, handoff_id: int) -> Handoff:
    """One handoff, or NotFound."""
    handoff = await session.get(Handoff, handoff_id)
    if handoff is None:
        raise NotFound(f"no handoff {handoff_id}")
    return handoff


async def claim(session: AsyncSession, *, handoff_id: int, staff_id: int) -> Handoff:
    """A person takes the conversation: from now on the bot stays quiet and relays."""
    handoff = await handoff_by_id(session, handoff_id=handoff_id)
    if handoff.status != "waiting":
        raise InvalidTransition(f"handoff {handoff_id} is {handoff.status}, not waiting")
    handoff.status, handoff.claimed_by_staff_id = "claimed", staff_id
    conversation = await _conversation(session, handoff.resident_id)
    conversation.held_by_staff_id = staff_id
    return handoff


async def release(session: AsyncSession, *, handoff_id: int, now: datetime) -> Handoff:
    """Hand the conversation back to the bot."""
    return await close(session, handoff_id=handoff_id, outcome="returned to the bot", now=now)


async def close(session: AsyncSession, *, handoff_id: int, outcome: str, now: datetime) -> Handoff:
    """Close the handoff with an outcome; the bot answers the resident again."""
    handoff = await handoff_by_id(session, handoff_id=handoff_id)
    if handoff.status not in OPEN_STATES:
        raise InvalidTransition(f"handoff {handoff_id} is already {handoff.status}")
    handoff.status, handoff.outcome, handoff.closed_at = "closed", outcome, now
    conversation = await _conversation(session, handoff.resident_id)
    conversation.held_by_staff_id = None
    return handoff


async def transfer(
    session: AsyncSession, *, handoff_id: int, casa_id: int | None, staff_id: int | None
) -> Handoff:
    """Pass the handoff to another Casa (waiting again) or to a colleague (claimed by them)."""
    handoff = await handoff_by_id(session, handoff_id=handoff_id)
    if handoff.status not in OPEN_STATES:
        raise InvalidTransition(f"handoff {handoff_id} is already {handoff.status}")
    conversation = await _conversation(session, handoff.resident_id)
    if casa_id is not None:
        await places.casa_by_id(session, casa_id=casa_id)
        handoff.casa_id = casa_id
    handoff.claimed_by_staff_id = staff_id
    handoff.status = "claimed" if staff_id is not None else "waiting"
    conversation.held_by_staff_id = staff_id
    return handoff


async def _conversation(session: AsyncSession, resident_id: int) -> Conversation:
    conversation = await session.scalar(
        select(Conversation).where(Conversation.resident_id == resident_id)
    )
    if conversation is None:
        raise NotFound(f"no conversation for resident {resident_id}")
    return conversation


async def staff_reply(
    session: AsyncSession,
    *,
    handoff_id: int,
    staff_id: int,
    text: str,
    now: datetime,
    idempotency_key: str | None = None,
) -> Delivery:
    """A person's answer, sent to the resident on the channel they last wrote from.

    `idempotency_key` makes a retried call (a provider's webhook, twice) queue it once.
    """
    handoff = await handoff_by_id(session, handoff_id=handoff_id)
    if handoff.status not in OPEN_STATES:
        raise InvalidTransition(f"handoff {handoff_id} is {handoff.status}")
    if not text.strip():
        raise DomainError("the answer is empty")
    address = await residents.reachable_address(session, handoff.resident_id)
    if address is None:
        raise DomainError("the resident cannot be reached on any channel")
    if handoff.status == "waiting":
        await claim(session, handoff_id=handoff_id, staff_id=staff_id)
    residents.log_message(
        session,
        resident_id=handoff.resident_id,
        channel=address.channel,
        direction="out",
        text=text,
        now=now,
        staff_id=staff_id,
    )
    return enqueue(
        session,
        address=address,
        payload={"text": text, "options": []},
        kind="relay",
        now=now,
        idempotency_key=idempotency_key,
    )
