"""Staff API: the handoff inbox and what a person does with a handoff."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from actions import handoff_desk as desk
from actions import residents
from actions.models import Handoff
from api.deps import Id, Now, Room, Session, Staff
from api.schemas import (
    ERRORS,
    CloseIn,
    HandoffDetail,
    HandoffOut,
    MessageOut,
    NoteIn,
    NoteOut,
    ReplyIn,
    TransferIn,
)
from api.scope import handoffs_visible

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
    handoff = await desk.visible(session, handoff_id=handoff_id, by=user)
    messages = await residents.recent_messages(
        session, resident_id=handoff.resident_id, limit=TRANSCRIPT_LENGTH
    )
    transcript = [MessageOut.model_validate(m) for m in messages]
    return HandoffDetail(**HandoffOut.model_validate(handoff).model_dump(), transcript=transcript)


@router.post("/{handoff_id}/claim", summary="Take the conversation (the bot goes quiet)")
async def claim(handoff_id: Id, session: Session, user: Staff, now: Now, room: Room) -> HandoffOut:
    handoff = await desk.claim(session, handoff_id=handoff_id, by=user, via="api", now=now)
    if room is not None:  # the staff groups that got its card read who took it
        await room.taken(session, handoff, user, now)
    return HandoffOut.model_validate(handoff)


@router.post(
    "/{handoff_id}/reply",
    summary="Answer the resident on their own channel (only the holder, once it is held)",
)
async def reply(
    handoff_id: Id, body: ReplyIn, session: Session, user: Staff, now: Now
) -> HandoffOut:
    await desk.answer(session, handoff_id=handoff_id, by=user, text=body.text, via="api", now=now)
    return HandoffOut.model_validate(await desk.visible(session, handoff_id=handoff_id, by=user))


@router.post(
    "/{handoff_id}/release",
    summary="Hand the conversation back to the bot (the holder or an admin)",
)
async def release(handoff_id: Id, session: Session, user: Staff, now: Now) -> HandoffOut:
    handoff = await desk.release(session, handoff_id=handoff_id, by=user, via="api", now=now)
    return HandoffOut.model_validate(handoff)


@router.post("/{handoff_id}/close", summary="Close with an outcome (the holder or an admin)")
async def close(
    handoff_id: Id, body: CloseIn, session: Session, user: Staff, now: Now
) -> HandoffOut:
    handoff = await desk.close(
        session, handoff_id=handoff_id, by=user, outcome=body.outcome, via="api", now=now
    )
    return HandoffOut.model_validate(handoff)


@router.post(
    "/{handoff_id}/transfer",
    summary="Pass to another Casa or a colleague (whose Casa it moves to)",
)
async def transfer(
    handoff_id: Id, body: TransferIn, session: Session, user: Staff, now: Now, room: Room
) -> HandoffOut:
    handoff = await desk.transfer(
        session,
        handoff_id=handoff_id,
        by=user,
        casa_id=body.casa_id,
        staff_id=body.staff_id,
        via="api",
        now=now,
        announcer=room,
    )
    return HandoffOut.model_validate(handoff)


@router.post("/{handoff_id}/notes", status_code=201, summary="An internal note for colleagues")
async def add_note(
    handoff_id: Id, body: NoteIn, session: Session, user: Staff, now: Now
) -> NoteOut:
    note = await desk.add_note(
        session, handoff_id=handoff_id, by=user, text=body.text, via="api", now=now
    )
    return NoteOut.model_validate(note)
