"""Internal notes on a handoff: what staff tell each other; the resident never sees them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions.errors import DomainError
from actions.handoffs import handoff_by_id
from actions.models import HandoffNote

MAX_NOTE = 2000


async def add_note(
    session: AsyncSession, *, handoff_id: int, staff_id: int, text: str, now: datetime
) -> HandoffNote:
    """Add a note to a handoff (open or closed: a follow-up can come later)."""
    text = text.strip()
    if not text:
        raise DomainError("the note is empty")
    if len(text) > MAX_NOTE:
        raise DomainError(f"a note is at most {MAX_NOTE} characters")
    await handoff_by_id(session, handoff_id=handoff_id)
    note = HandoffNote(handoff_id=handoff_id, staff_id=staff_id, text=text, created_at=now)
    session.add(note)
    await session.flush()
    return note


async def notes_of(session: AsyncSession, *, handoff_id: int) -> Sequence[HandoffNote]:
    """The notes of a handoff, oldest first."""
    query = (
        select(HandoffNote)
        .where(HandoffNote.handoff_id == handoff_id)
        .order_by(HandoffNote.created_at, HandoffNote.id)
    )
    return (await session.scalars(query)).all()
