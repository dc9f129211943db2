"""Handoffs: a conversation passed to a person of the resident's Casa di Quartiere."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions import places
from actions.models import Handoff

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
    handoff.status, handoff.outcome, handoff.closed_at = "closed", "withdrawn", now
    return True
