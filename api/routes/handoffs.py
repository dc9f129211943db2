"""Staff API: the handoff inbox and what a person does with a handoff."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from actions import audit, handoffs, residents
from actions.models import Handoff
from api.deps import Id, Now, Room, Session, Staff
from api.schemas import ERRORS, CloseIn, HandoffDetail, HandoffOut, MessageOut, ReplyIn, TransferIn
from api.scope import ensure_handoff_visible, handoffs_visible

router = APIRouter(prefix="/api/handoffs", tags=["handoffs"], responses=ERRORS)
TRANSCRIPT_LENGTH = 30


@router.get("", summary="Handoffs the caller may see, newest first")
async def list_handoffs(
    session: Session, user: Staff, status: str | None = None
) -> list[HandoffOut]:
    query = handoffs_visible(select(Handoff).order_by(Handoff.opened_at.desc()), user)
    if status is not None:
        query = query.where(Handoff.status == status)
    return [HandoffOut.model_validate(h) for h in (await session.scalars(query.limit(200)))]


@router.get("/{handoff_id}", summary="One handoff with the recent transcript and media")
async def get_handoff(handoff_id: Id, session: Session, user: Staff) -> HandoffDetail:
    handoff = await _visible(session, handoff_id, user)
    messages = await residents.recent_messages(
        session, resident_id=handoff.resident_id, limit=TRANSCRIPT_LENGTH
    )
    transcript = [MessageOut.model_validate(m) for m in messages]
    return HandoffDetail(**HandoffOut.model_validate(handoff).model_dump(), transcript=transcript)


@router.post("/{handoff_id}/claim", summary="Take the conversation (the bot goes quiet)")
async def claim(handoff_id: Id, session: Session, user: Staff, now: Now) -> HandoffOut:
    await _visible(session, handoff_id, user)
    handoff = await handoffs.claim(session, handoff_id=handoff_id, staff_id=user.id)
    audit.record(
        session, staff_id=user.id, action="handoff.claim", target=f"handoff:{handoff_id}", now=now
    )
    return HandoffOut.model_validate(handoff)


@router.post("/{handoff_id}/reply", summary="Answer the resident on their own channel")
async def reply(
    handoff_id: Id, body: ReplyIn, session: Session, user: Staff, now: Now
) -> HandoffOut:
    handoff = await _visible(session, handoff_id, user)
    await handoffs.staff_reply(
        session, handoff_id=handoff_id, staff_id=user.id, text=body.text, now=now
    )
    audit.record(
        session, staff_id=user.id, action="handoff.reply", target=f"handoff:{handoff_id}", now=now
    )
    return HandoffOut.model_validate(handoff)


@router.post("/{handoff_id}/release", summary="Hand the conversation back to the bot")
async def release(handoff_id: Id, session: Session, user: Staff, now: Now) -> HandoffOut:
    await _visible(session, handoff_id, user)
    handoff = await handoffs.release(session, handoff_id=handoff_id, now=now)
    audit.record(
        session, staff_id=user.id, action="handoff.release", target=f"handoff:{handoff_id}", now=now
    )
    return HandoffOut.model_validate(handoff)


@router.post("/{handoff_id}/close", summary="Close with an outcome")
async def close(
    handoff_id: Id, body: CloseIn, session: Session, user: Staff, now: Now
) -> HandoffOut:
    await _visible(session, handoff_id, user)
    handoff = await handoffs.close(session, handoff_id=handoff_id, outcome=body.outcome, now=now)
    audit.record(
        session,
        staff_id=user.id,
        action="handoff.close",
        target=f"handoff:{handoff_id}",
        now=now,
        detail={"outcome": body.outcome},
    )
    return HandoffOut.model_validate(handoff)


@router.post("/{handoff_id}/transfer", summary="Pass to another Casa or a colleague")
async def transfer(
    handoff_id: Id, body: TransferIn, session: Session, user: Staff, now: Now, room: Room
) -> HandoffOut:
    await _visible(session, handoff_id, user)
    handoff = await handoffs.transfer(
        session, handoff_id=handoff_id, casa_id=body.casa_id, staff_id=body.staff_id
    )
    if room is not None and body.casa_id is not None:  # the new Casa's group sees it
        await room.announce(session, handoff, now=now)
    audit.record(
        session,
        staff_id=user.id,
        action="handoff.transfer",
        target=f"handoff:{handoff_id}",
        now=now,
        detail=body.model_dump(),
    )
    return HandoffOut.model_validate(handoff)


async def _visible(session: Session, handoff_id: Id, user: Staff) -> Handoff:
    handoff = await handoffs.handoff_by_id(session, handoff_id=handoff_id)
    ensure_handoff_visible(handoff, user)
    return handoff
