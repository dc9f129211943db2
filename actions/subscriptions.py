"""Residents who asked for the announcements of a neighbourhood."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from actions.models import Subscription


async def subscribe(
    session: AsyncSession, *, resident_id: int, quartiere: str, now: datetime
) -> bool:
    """Subscribe; False when the resident was already subscribed to that neighbourhood."""
    existing = await session.scalar(
        select(Subscription.id).where(
            Subscription.resident_id == resident_id, Subscription.quartiere == quartiere
        )
    )
    if existing is not None:
        return False
    session.add(Subscription(resident_id=resident_id, quartiere=quartiere, created_at=now))
    await session.flush()
    return True


async def unsubscribe_all(session: AsyncSession, *, resident_id: int) -> int:
    """Remove every subscription of the resident; returns how many there were."""
    result = await session.execute(
        delete(Subscription).where(Subscription.resident_id == resident_id)
    )
    return result.rowcount or 0


async def subscribed_quartieri(session: AsyncSession, *, resident_id: int) -> list[str]:
    """The neighbourhoods the resident follows."""
    rows = await session.scalars(
        select(Subscription.quartiere).where(Subscription.resident_id == resident_id)
    )
    return sorted(rows.all())
