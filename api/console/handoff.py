"""One handoff: the transcript, the answer box, notes, and claim/release/close/transfer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions import audit, handoffs, notes, places, privacy, residents
from actions.errors import DomainError, NotFound
from actions.models import Delivery, Handoff, StaffUser
from api.console import live
from api.console.web import (
    SESSION_STAFF,
    SESSION_VERSION,
    Clock,
    ConsoleStaff,
    clock_of,
    failing_back,
    flash,
    fragment,
    page,
    redirect,
    session_holds,
    staff_name,
)
from api.csrf import verify_csrf
from api.deps import Now, Room, Session
from api.scope import ensure_handoff_visible

router = APIRouter(prefix="/console/handoffs", dependencies=[Depends(verify_csrf)])
TRANSCRIPT_LENGTH = 50
INBOX = "/console/inbox"


async def visible_handoff(session: AsyncSession, handoff_id: int, user: StaffUser) -> Handoff:
    """The handoff, or 404 when it does not exist or is not the user's to see."""
    try:
        handoff = await handoffs.handoff_by_id(session, handoff_id=handoff_id)
    except NotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no handoff {handoff_id}") from None
    ensure_handoff_visible(handoff, user)
    return handoff


@router.get("/{handoff_id}")
async def conversation(
    handoff_id: int, request: Request, user: ConsoleStaff, session: Session
) -> HTMLResponse:
    """The conversation view."""
    handoff = await visible_handoff(session, handoff_id, user)
    resident = await privacy.resident_by_id(session, resident_id=handoff.resident_id)
    casa = await places.casa_by_id(session, casa_id=handoff.casa_id) if handoff.casa_id else None
    colleagues = (
        await session.scalars(
            select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.display_name)
        )
    ).all()
    names = {colleague.id: staff_name(colleague) for colleague in colleagues}
    return page(
        request,
        "handoff.html",
        user,
        handoff=handoff,
        resident=resident,
        casa=casa,
        live_html=await render_live(session, handoff, clock_of(request)),
        notes=[
            (note, names.get(note.staff_id or 0, "—"))
            for note in await notes.notes_of(session, handoff_id=handoff.id)
        ],
        case=await places.list_case(session),
        colleagues=[c for c in colleagues if c.id != user.id],
        held_by_other=handoff.claimed_by_staff_id not in (None, user.id),
        reply_address=await residents.reachable_address(session, handoff.resident_id),
    )


@router.get("/{handoff_id}/stream", response_model=None)
async def conversation_stream(handoff_id: int, request: Request) -> Response:
    """The transcript and status again whenever they change (server-sent events)."""
    staff_id = request.session.get(SESSION_STAFF)
    version = request.session.get(SESSION_VERSION)
    if not isinstance(staff_id, int):
        return PlainTextResponse("log in first", status_code=401)
    store, clock = request.app.state.store, clock_of(request)

    async def render() -> str | None:
        async with store.sessions() as session:
            user = await session.get(StaffUser, staff_id)
            handoff = await session.get(Handoff, handoff_id)
            if not session_holds(user, version) or handoff is None:
                return None
            try:
                ensure_handoff_visible(handoff, user)
            except HTTPException:
                return None
            return await render_live(session, handoff, clock)

    return live.stream(request, render, event="conversation")


async def render_live(session: AsyncSession, handoff: Handoff, clock: Clock) -> str:
    """Status, transcript and the answers sent, as the page shows them and the stream sends."""
    messages = await residents.recent_messages(
        session, resident_id=handoff.resident_id, limit=TRANSCRIPT_LENGTH
    )
    answers = (
        await session.scalars(
            select(Delivery)
            .where(
                Delivery.resident_id == handoff.resident_id,
                Delivery.kind == "relay",
                Delivery.created_at >= handoff.opened_at,
            )
            .order_by(Delivery.created_at, Delivery.id)
        )
    ).all()
    holder = (
        await session.get(StaffUser, handoff.claimed_by_staff_id)
        if handoff.claimed_by_staff_id
        else None
    )
    return fragment(
        "_conversation.html",
        handoff=handoff,
        held_by=staff_name(holder),
        messages=messages,
        answers=answers,
        clock=clock,
    )


def _here(handoff_id: int) -> str:
    return f"/console/handoffs/{handoff_id}"


def _record(
    session: AsyncSession,
    user: StaffUser,
    action: str,
    handoff_id: int,
    now: datetime,
    **detail: object,
) -> None:
    audit.record(
        session,
        staff_id=user.id,
        action=f"handoff.{action}",
        target=f"handoff:{handoff_id}",
        now=now,
        detail={"via": "console", **detail},
    )


@router.post("/{handoff_id}/claim")
async def claim(
    handoff_id: int, user: ConsoleStaff, session: Session, now: Now
) -> RedirectResponse:
    """ "Prendo io": the bot goes quiet and relays."""
    await visible_handoff(session, handoff_id, user)
    with failing_back(_here(handoff_id)):
        await handoffs.claim(session, handoff_id=handoff_id, staff_id=user.id)
    _record(session, user, "claim", handoff_id, now)
    return redirect(_here(handoff_id))


@router.post("/{handoff_id}/reply")
async def reply(
    handoff_id: int,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    text: Annotated[str, Form(max_length=1600)],
) -> RedirectResponse:
    """Answer the resident on their own channel (a waiting handoff is claimed by answering)."""
    handoff = await visible_handoff(session, handoff_id, user)
    with failing_back(_here(handoff_id)):
        if handoff.claimed_by_staff_id not in (None, user.id):
            holder = staff_name(await session.get(StaffUser, handoff.claimed_by_staff_id))
            raise DomainError(f"risponde già {holder}: chieda di passarle la conversazione")
        await handoffs.staff_reply(
            session, handoff_id=handoff_id, staff_id=user.id, text=text, now=now
        )
    _record(session, user, "reply", handoff_id, now)
    return redirect(_here(handoff_id))


@router.post("/{handoff_id}/release")
async def release(
    handoff_id: int, request: Request, user: ConsoleStaff, session: Session, now: Now
) -> RedirectResponse:
    """Hand the conversation back to the bot."""
    await visible_handoff(session, handoff_id, user)
    with failing_back(_here(handoff_id)):
        await handoffs.release(session, handoff_id=handoff_id, now=now)
    _record(session, user, "release", handoff_id, now)
    flash(request, f"Conversazione n. {handoff_id} ridata al bot.")
    return redirect(INBOX)


@router.post("/{handoff_id}/close")
async def close(
    handoff_id: int,
    request: Request,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    outcome: Annotated[str, Form(min_length=1, max_length=200)],
) -> RedirectResponse:
    """Close with an outcome; the bot answers the resident again."""
    await visible_handoff(session, handoff_id, user)
    with failing_back(_here(handoff_id)):
        await handoffs.close(session, handoff_id=handoff_id, outcome=outcome.strip(), now=now)
    _record(session, user, "close", handoff_id, now, outcome=outcome.strip())
    flash(request, f"Conversazione n. {handoff_id} chiusa.")
    return redirect(_here(handoff_id))


@router.post("/{handoff_id}/transfer")
async def transfer(
    handoff_id: int,
    request: Request,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    room: Room,
    casa_id: Annotated[str, Form()] = "",
    staff_id: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Pass to another Casa (waiting there) or to a colleague (held by them)."""
    handoff = await visible_handoff(session, handoff_id, user)
    with failing_back(_here(handoff_id)):
        to_casa = int(casa_id) if casa_id.isdigit() else None
        to_staff = int(staff_id) if staff_id.isdigit() else None
        if to_casa is None and to_staff is None:
            raise DomainError("scelga una Casa o un collega")
        if to_staff is not None:
            colleague = await session.get(StaffUser, to_staff)
            if colleague is None or not colleague.active:
                raise NotFound(f"no colleague {to_staff}")
            # The colleague must be able to see it: it moves to their Casa unless one was chosen.
            if to_casa is None and colleague.casa_id not in (None, handoff.casa_id):
                to_casa = colleague.casa_id
        await handoffs.transfer(session, handoff_id=handoff_id, casa_id=to_casa, staff_id=to_staff)
        if room is not None and to_casa is not None:  # the new Casa's group sees it
            await room.announce(session, handoff, now=now)
    _record(session, user, "transfer", handoff_id, now, casa_id=to_casa, staff_id=to_staff)
    flash(request, f"Conversazione n. {handoff_id} passata.")
    try:
        ensure_handoff_visible(handoff, user)
    except HTTPException:
        return redirect(INBOX)
    return redirect(_here(handoff_id))


@router.post("/{handoff_id}/notes")
async def add_note(
    handoff_id: int,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    text: Annotated[str, Form(max_length=notes.MAX_NOTE)],
) -> RedirectResponse:
    """An internal note for colleagues."""
    await visible_handoff(session, handoff_id, user)
    with failing_back(_here(handoff_id)):
        note = await notes.add_note(
            session, handoff_id=handoff_id, staff_id=user.id, text=text, now=now
        )
    _record(session, user, "note", handoff_id, now, note_id=note.id)
    return redirect(_here(handoff_id) + "#notes")
