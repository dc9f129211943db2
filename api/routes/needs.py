"""Staff API: the needs board; changing a status tells the resident."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from sqlalchemy import select

from actions import audit, needs
from actions.models import Need
from api.deps import Id, Now, Session, Staff
from api.schemas import ERRORS, NeedOut, NeedStatusIn
from api.scope import needs_visible
from bot.runtime.notices import tell_need_status

router = APIRouter(prefix="/api/needs", tags=["needs"], responses=ERRORS)


@router.get("", summary="Needs the caller may see, newest first")
async def list_needs(session: Session, user: Staff, status: str | None = None) -> list[NeedOut]:
    query = needs_visible(select(Need).order_by(Need.created_at.desc()), user)
    if status is not None:
        query = query.where(Need.status == status)
    return [NeedOut.model_validate(n) for n in await session.scalars(query.limit(500))]


@router.patch("/{need_id}", summary="Change a need's status; the resident is told")
async def change_status(
    need_id: Id, body: NeedStatusIn, session: Session, user: Staff, now: Now
) -> NeedOut:
    visible = await session.scalar(needs_visible(select(Need).where(Need.id == need_id), user))
    if visible is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no need {need_id}")
    need = await needs.change_status(session, need_id=need_id, status=body.status, now=now)
    await tell_need_status(session, need=need, now=now)
    audit.record(
        session,
        staff_id=user.id,
        action="need.status",
        target=f"need:{need_id}",
        now=now,
        detail={"status": body.status},
    )
    return NeedOut.model_validate(need)
