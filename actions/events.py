"""Neighbourhood events: what is on, where and when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from actions.models import Casa, Event, EventTopic


async def upcoming_events(
    session: AsyncSession,
    *,
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
    quartiere: str | None = None,
    topics: Sequence[str] = (),
    offset: int = 0,
    limit: int = 3,
) -> Sequence[Event]:
    """Events not cancelled and not over, from `start` (default now) until `end`, by time.

    With `topics`, only events that have every one of them, as their kind or another topic.
    """
    query = (
        select(Event)
        .join(Casa)
        .options(joinedload(Event.casa))
        .where(Event.cancelled.is_(False), Event.ends_at > now)
        .order_by(Event.starts_at, Event.id)
        .offset(offset)
        .limit(limit)
    )
    if start is not None:
        query = query.where(Event.ends_at > start)
    if end is not None:
        query = query.where(Event.starts_at < end)
    if quartiere is not None:
        query = query.where(Casa.quartiere == quartiere)
    for topic in topics:
        more = select(EventTopic.event_id).where(EventTopic.topic == topic)
        query = query.where(or_(Event.topic == topic, Event.id.in_(more)))
    return (await session.scalars(query)).all()
