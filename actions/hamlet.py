"""The Case's Hamlet spaces: links, and their calendars kept in step with the events."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import false, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from actions.errors import DomainError
from actions.hamlet_entries import Entry
from actions.models import Casa, Event, HamletSpace
from actions.places import casa_for_quartiere, casa_named

SOURCE = "hamlet"
ERROR_LIMIT = 200


@dataclass
class Changes:
    """What one sync did to a Casa's events."""

    created: int = 0
    updated: int = 0
    removed: int = 0


async def link_casa(
    session: AsyncSession, *, name: str, container_id: int | None, now: datetime
) -> Casa:
    """Link a Casa to a Hamlet space's content container (None: unlink).

    Unlinked, its future events from Hamlet are cancelled: nothing would keep them true.
    """
    casa = await casa_named(session, name=name)
    space = await session.get(HamletSpace, casa.id)
    if container_id is None:
        if space is not None:
            await session.delete(space)
        await session.execute(
            update(Event)
            .where(Event.casa_id == casa.id, Event.source == SOURCE, Event.ends_at > now)
            .values(cancelled=True)
            .execution_options(synchronize_session=False)
        )
        return casa
    other = await session.scalar(
        select(HamletSpace).where(
            HamletSpace.container_id == container_id, HamletSpace.casa_id != casa.id
        )
    )
    if other is not None:
        raise DomainError(f"container {container_id} is already linked to another Casa")
    if space is None:
        session.add(HamletSpace(casa_id=casa.id, container_id=container_id, failures=0))
    else:
        space.container_id, space.next_sync_at = container_id, None
    await session.flush()
    return casa


async def linked_spaces(session: AsyncSession) -> Sequence[HamletSpace]:
    """Every linked space with its Casa, by the Casa's name."""
    query = select(HamletSpace).join(Casa).options(joinedload(HamletSpace.casa))
    return (await session.scalars(query.order_by(Casa.name))).all()


async def space_for_quartiere(
    session: AsyncSession, *, quartiere: str | None
) -> HamletSpace | None:
    """The Hamlet space of the Casa of a neighbourhood, if it has one."""
    if not quartiere:
        return None
    casa = await casa_for_quartiere(session, quartiere=quartiere)
    return None if casa is None else await session.get(HamletSpace, casa.id)


async def claim_due_spaces(
    session: AsyncSession, *, now: datetime, every: timedelta
) -> list[HamletSpace]:
    """The spaces due for a sync, each taken by one worker only until `every` has passed."""
    due = await linked_spaces(session)
    claimed = []
    for space in due:
        if space.next_sync_at is not None and space.next_sync_at > now:
            continue
        # A conditional UPDATE: of two workers looking at once, one takes it.
        taken = await session.scalar(
            update(HamletSpace)
            .where(
                HamletSpace.casa_id == space.casa_id,
                or_(HamletSpace.next_sync_at.is_(None), HamletSpace.next_sync_at <= now),
            )
            .values(next_sync_at=now + every)
            .returning(HamletSpace.casa_id)
            .execution_options(synchronize_session=False)
        )
        if taken is not None:
            claimed.append(space)
    return claimed


async def apply_entries(
    session: AsyncSession,
    *,
    casa_id: int,
    entries: Sequence[Entry],
    now: datetime,
    topic_of: Callable[[str], str | None],
) -> Changes:
    """Make the Casa's Hamlet events match `entries`, the whole calendar as Hamlet has it.

    New entries are added, changed ones updated; entries gone or closed leave the future
    (their events are cancelled). Past events and events made in the console stay as they are.
    """
    changes = Changes()
    listed = {entry.hamlet_id: entry for entry in entries}
    ids = list(listed)
    known = {
        event.hamlet_id: event
        for event in await session.scalars(
            select(Event).where(
                Event.source == SOURCE,
                or_(Event.casa_id == casa_id, Event.hamlet_id.in_(ids) if ids else false()),
            )
        )
    }
    for hamlet_id, entry in listed.items():
        event = known.get(hamlet_id)
        if entry.closed or entry.ends_at <= now:
            continue
        values = _values(entry, casa_id, topic_of)
        if event is None:
            session.add(Event(**values, source=SOURCE, hamlet_id=hamlet_id))
            changes.created += 1
        elif any(getattr(event, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(event, name, value)
            changes.updated += 1
    for hamlet_id, event in known.items():
        entry = listed.get(hamlet_id)
        gone = entry is None or entry.closed
        if gone and event.casa_id == casa_id and event.ends_at > now and not event.cancelled:
            event.cancelled = True
            changes.removed += 1
    await session.flush()
    return changes


def _values(entry: Entry, casa_id: int, topic_of: Callable[[str], str | None]) -> dict[str, object]:
    return {
        "casa_id": casa_id,
        "title": entry.title,
        "description": entry.description,
        "topic": topic_of(f"{entry.title} {entry.description}") or "other",
        "starts_at": entry.starts_at,
        "ends_at": entry.ends_at,
        "all_day": entry.all_day,
        "hamlet_url": entry.url,
        "cancelled": False,  # an entry reopened on Hamlet comes back
    }


async def record_sync(
    session: AsyncSession, *, casa_id: int, now: datetime, error: str | None = None
) -> None:
    """Note how a space's sync ended; a failure is counted (for /metrics) with its reason."""
    space = await session.get(HamletSpace, casa_id)
    if space is None:  # unlinked meanwhile
        return
    if error is None:
        space.synced_at, space.last_error = now, None
    else:
        space.last_error, space.failures = error[:ERROR_LIMIT], space.failures + 1
