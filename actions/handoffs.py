"""Handoffs: a conversation passed to a person of the resident's Casa di Quartiere."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from actions import places
from actions.errors import InvalidTransition, NotFound
from actions.models import Conversation, Handoff, possible_id

OPEN_STATES = ("waiting", "claimed")


async def open_handoff(
    session: AsyncSession,
    *,
    resident_id: int,
    quartiere: str | None,
    reason: str,
    now: datetime,
    urgent: bool = False,
) -> Handoff:
    """Open (or return the already open) handoff for the resident's Casa di Quartiere.

    An urgent request makes an already open one urgent too: danger jumps the queue.
    """
    existing = await open_handoff_of(session, resident_id=resident_id)
    if existing is not None:
        if urgent and not existing.urgent:
            existing.urgent, existing.reason = True, reason
        return existing
    casa = await places.casa_for_quartiere(session, quartiere=quartiere) if quartiere else None
    handoff = Handoff(
        resident_id=resident_id,
        casa_id=casa.id if casa else None,
        reason=reason,
        status="waiting",
        urgent=urgent,
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


async def queue_position(session: AsyncSession, handoff: Handoff) -> int:
    """1 for the first in its Casa's queue of waiting handoffs (urgent first, then oldest)."""
    earlier = Handoff.opened_at < handoff.opened_at
    if handoff.urgent:
        ahead = Handoff.urgent.is_(True) & earlier
    else:
        ahead = Handoff.urgent.is_(True) | earlier
    query = select(func.count()).where(Handoff.status == "waiting", Handoff.id != handoff.id)
    if handoff.casa_id is not None:
        query = query.where(Handoff.casa_id == handoff.casa_id)
    return 1 + int(await session.scalar(query.where(ahead)) or 0)


async def withdraw(session: AsyncSession, *, resident_id: int, now: datetime) -> bool:
    """The resident no longer needs a person; False when nothing was open."""
    handoff = await open_handoff_of(session, resident_id=resident_id)
    if handoff is None:
        return False
    await close(session, handoff_id=handoff.id, outcome="withdrawn by the resident", now=now)
    return True


async def handoff_by_id(session: AsyncSession, *, handoff_id: int) -> Handoff:
    """One handoff, or NotFound."""
    handoff = await session.get(Handoff, handoff_id) if possible_id(handoff_id) else None
    if handoff is None:
        raise NotFound(f"no handoff {handoff_id}")
    return handoff


async def close(session: AsyncSession, *, handoff_id: int, outcome: str, now: datetime) -> Handoff:
    """Close the handoff with an outcome; the bot answers the resident again."""
    handoff = await handoff_by_id(session, handoff_id=handoff_id)
    if handoff.status not in OPEN_STATES:
        raise InvalidTransition(f"handoff {handoff_id} is already {handoff.status}")
    handoff.status, handoff.outcome, handoff.closed_at = "closed", outcome, now
    conversation = await conversation_of(session, handoff.resident_id)
    conversation.held_by_staff_id = None
    return handoff


async def conversation_of(session: AsyncSession, resident_id: int) -> Conversation:
    """The resident's conversation (whose holder says who answers instead of the bot)."""
    conversation = await session.scalar(
        select(Conversation).where(Conversation.resident_id == resident_id)
    )
    if conversation is None:
        raise NotFound(f"no conversation for resident {resident_id}")
    return conversation
