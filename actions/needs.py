"""Needs residents report: a reference number and a status they are told about."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions.errors import InvalidTransition, NotFound
from actions.models import Need

CATEGORIES = ("shopping", "transport", "company", "street", "waste", "lighting", "other")
# open -> in_progress -> solved; a need can be closed as solved straight away too.
TRANSITIONS = {
    "open": {"in_progress", "solved"},
    "in_progress": {"solved", "open"},
    "solved": set(),
}


async def file_need(
    session: AsyncSession,
    *,
    resident_id: int,
    category: str,
    description: str,
    location: str,
    quartiere: str | None,
    consent_contact: bool,
    now: datetime,
    consent_hamlet: bool = False,
) -> Need:
    """Record a need and give it a reference residents can quote ("B-4821")."""
    if category not in CATEGORIES:
        raise NotFound(f"no need category {category!r}")
    need = Need(
        reference=await _new_reference(session),
        resident_id=resident_id,
        category=category,
        description=description,
        location=location,
        quartiere=quartiere,
        consent_contact=consent_contact,
        consent_hamlet=consent_hamlet,
        status="open",
        created_at=now,
        updated_at=now,
    )
    session.add(need)
    await session.flush()
    return need


async def change_status(session: AsyncSession, *, need_id: int, status: str, now: datetime) -> Need:
    """Move a need along; InvalidTransition when the move makes no sense."""
    need = await session.get(Need, need_id)
    if need is None:
        raise NotFound(f"no need {need_id}")
    if status not in TRANSITIONS[need.status]:
        raise InvalidTransition(f"a need cannot go from {need.status} to {status}")
    need.status, need.updated_at = status, now
    return need


async def _new_reference(session: AsyncSession) -> str:
    while True:
        reference = f"B-{secrets.randbelow(9000) + 1000}"
        if await session.scalar(select(Need.id).where(Need.reference == reference)) is None:
            return reference


async def needs_of(session: AsyncSession, *, resident_id: int, limit: int = 5) -> list[Need]:
    """The resident's needs, the newest first."""
    query = (
        select(Need)
        .where(Need.resident_id == resident_id)
        .order_by(Need.created_at.desc(), Need.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def need_of(session: AsyncSession, *, resident_id: int, reference: str) -> Need:
    """One of the resident's needs by its reference ("B-4842"); NotFound for anyone else's."""
    need = await session.scalar(
        select(Need).where(Need.resident_id == resident_id, Need.reference == reference.upper())
    )
    if need is None:
        raise NotFound(f"no need {reference}")
    return need
