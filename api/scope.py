"""What each role may see: a custodian their own Casa, a manager their Casa or all, admin all."""

from __future__ import annotations

from fastapi import HTTPException, status
from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from actions.models import Broadcast, Casa, Handoff, Need, StaffUser


def handoffs_visible(query: Select[tuple[Handoff]], user: StaffUser) -> Select[tuple[Handoff]]:
    """Restrict a handoff query to what the user may see."""
    if user.role == "admin" or user.casa_id is None:
        return query
    # A handoff of no Casa is every Casa's (the first to claim takes it).
    return query.where(or_(Handoff.casa_id == user.casa_id, Handoff.casa_id.is_(None)))


def needs_visible(query: Select[tuple[Need]], user: StaffUser) -> Select[tuple[Need]]:
    """Restrict a need query to the neighbourhood of the user's Casa (all for admins)."""
    if user.role == "admin" or user.casa_id is None:
        return query
    quartiere = select(Casa.quartiere).where(Casa.id == user.casa_id).scalar_subquery()
    return query.where(Need.quartiere == quartiere)


def casa_ids_visible(user: StaffUser) -> list[int] | None:
    """The Case whose events and SPID slots the user manages (None: every Casa)."""
    if user.role == "admin" or user.casa_id is None:
        return None
    return [user.casa_id]


def ensure_casa_visible(casa_id: int, user: StaffUser) -> None:
    """404 when the user does not manage that Casa's events and slots."""
    visible = casa_ids_visible(user)
    if visible is not None and casa_id not in visible:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no Casa di Quartiere {casa_id}")


async def announcing_to(session: AsyncSession, user: StaffUser) -> str | None:
    """The one neighbourhood a community manager with a Casa announces to (None: any)."""
    if user.role == "admin" or user.casa_id is None:
        return None
    found = await session.scalar(select(Casa.quartiere).where(Casa.id == user.casa_id))
    return found or ""  # a Casa gone: no neighbourhood, so no announcement


async def ensure_may_announce(
    session: AsyncSession, user: StaffUser, quartiere: str | None
) -> None:
    """403 when the user may not announce to that neighbourhood (None: the whole city)."""
    mine = await announcing_to(session, user)
    if mine is not None and (quartiere or "").strip().casefold() != mine.casefold():
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"announcements of the neighbourhood {mine!r} only"
        )


async def ensure_broadcast_visible(
    session: AsyncSession, broadcast: Broadcast, user: StaffUser
) -> None:
    """404 (as for a handoff) when the broadcast is another neighbourhood's or the city's."""
    mine = await announcing_to(session, user)
    if mine is not None and broadcast.quartiere != mine:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no broadcast {broadcast.id}")
