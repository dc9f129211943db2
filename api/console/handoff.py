"""One handoff: the transcript, the answer box, notes, and claim/release/close/transfer."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions import handoff_desk as desk
from actions import notes, places, privacy, residents
from actions.errors import HeldByAnother, NotFound
from actions.models import Delivery, Handoff, Resident, StaffUser
from actions.staff import may_see_handoff
from api.console import live, transcript
from api.console.web import (
    SECURITY_HEADERS,
    SESSION_STAFF,
    SESSION_VERSION,
    ActionFailed,
    ConsoleStaff,
    LocalTime,
    failing_back,
    flash,
    fragment,
    local_time_of,
    page,
    redirect,
    say,
    session_holds,
    staff_name,
    words,
)
from api.csrf import csrf_token, verify_csrf
from api.deps import Id, Now, Room, Session
from bot.staff_labels import colleague_name

router = APIRouter(prefix="/console/handoffs", dependencies=[Depends(verify_csrf)])
TRANSCRIPT_LENGTH = 50
INBOX = "/console/inbox"


async def visible_handoff(session: AsyncSession, handoff_id: int, user: StaffUser) -> Handoff:
    """The handoff, or 404 when it does not exist or is not the user's to see."""
    try:
        return await desk.visible(session, handoff_id=handoff_id, by=user)
    except NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None


@router.get("/{handoff_id}")
async def conversation(
    handoff_id: Id, request: Request, user: ConsoleStaff, session: Session
) -> HTMLResponse:
    """The conversation view."""
    handoff = await visible_handoff(session, handoff_id, user)
    resident = await privacy.resident_by_id(session, resident_id=handoff.resident_id)
    casa = await places.casa_by_id(session, casa_id=handoff.casa_id) if handoff.casa_id else None
    note_rows = await notes.notes_of(session, handoff_id=handoff.id)
    authors = {n.staff_id for n in note_rows if n.staff_id is not None}
    names = {
        author.id: staff_name(author)
        for author in await session.scalars(select(StaffUser).where(StaffUser.id.in_(authors)))
    }
    return page(
        request,
        "handoff.html",
        user,
        handoff=handoff,
        resident=resident,
        casa=casa,
        live_html=await render_live(
            session, handoff, user, local_time_of(request), csrf_token(request)
        ),
        notes=[(note, names.get(note.staff_id or 0, "—")) for note in note_rows],
    )


@router.get("/{handoff_id}/stream", response_model=None)
async def conversation_stream(handoff_id: Id, request: Request) -> Response:
    """The transcript and status again whenever they change (server-sent events)."""
    staff_id = request.session.get(SESSION_STAFF)
    version = request.session.get(SESSION_VERSION)
    if not isinstance(staff_id, int):
        return PlainTextResponse("log in first", status_code=401)
    store, local, token = request.app.state.store, local_time_of(request), csrf_token(request)

    async def render() -> str | None:
        async with store.sessions() as session:
            user = await session.get(StaffUser, staff_id)
            handoff = await session.get(Handoff, handoff_id)
            if not session_holds(user, version) or handoff is None:
                return None
            if not may_see_handoff(user, handoff):
                return None
            return await render_live(session, handoff, user, local, token)

    return live.stream(request, render, event="conversation")


async def _staff_by_id(session: AsyncSession) -> dict[int, StaffUser]:
    return {s.id: s for s in await session.scalars(select(StaffUser).order_by(StaffUser.id))}


async def render_live(
    session: AsyncSession,
    handoff: Handoff,
    user: StaffUser,
    local: LocalTime,
    token: str,
    *,
    notice: str | None = None,
    error: str | None = None,
) -> str:
    """Status, actions, the current request, the answer box and the older visits."""
    resident = await session.get(Resident, handoff.resident_id)
    assert resident is not None
    messages = await residents.recent_messages(
        session, resident_id=handoff.resident_id, limit=TRANSCRIPT_LENGTH
    )
    answers = (
        await session.scalars(
            select(Delivery)
            .where(
                Delivery.resident_id == handoff.resident_id,
                Delivery.kind == "relay",
                Delivery.created_at >= (messages[0].created_at if messages else handoff.opened_at),
            )
            .order_by(Delivery.created_at, Delivery.id)
        )
    ).all()
    staff = await _staff_by_id(session)
    case_by_id = {casa.id: casa for casa in await places.list_case(session)}
    current, older = transcript.sessions_of(
        transcript.lines_of(messages, resident, staff, answers, words(local.language)),
        handoff.opened_at,
    )
    return fragment(
        "_conversation.html",
        local.language,
        handoff=handoff,
        resident=resident,
        held_by=staff_name(staff.get(handoff.claimed_by_staff_id or 0)),
        held_by_other=handoff.claimed_by_staff_id not in (None, user.id),
        me=user,
        current=current,
        older=older,
        case=list(case_by_id.values()),
        colleagues=[
            (colleague.id, colleague_name(colleague), case_by_id.get(colleague.casa_id or 0))
            for colleague in await desk.transfer_targets(session, by=user)
        ],
        reply_address=await residents.reachable_address(session, handoff.resident_id),
        notice=notice,
        error=error,
        local=local,
        csrf_token=token,
    )


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


async def _answered(
    request: Request,
    session: AsyncSession,
    handoff_id: int,
    user: StaffUser,
    *,
    notice: str | None = None,
    error: str | None = None,
) -> HTMLResponse:
    """An htmx action's answer: the live part of the page, changed in place by the browser."""
    handoff = await visible_handoff(session, handoff_id, user)
    html = await render_live(
        session,
        handoff,
        user,
        local_time_of(request),
        csrf_token(request),
        notice=notice,
        error=error,
    )
    return HTMLResponse(html, headers=SECURITY_HEADERS)


def _here(handoff_id: int) -> str:
    return f"/console/handoffs/{handoff_id}"


@asynccontextmanager
async def at_desk(request: Request, session: AsyncSession, handoff_id: int) -> AsyncIterator[None]:
    """A refused desk action becomes a message on the conversation page, in the staff's words."""
    try:
        with failing_back(_here(handoff_id)):
            yield
    except ActionFailed as failed:
        if not isinstance(failed.__cause__, HeldByAnother):
            raise
        holder = staff_name(await session.get(StaffUser, failed.__cause__.holder_id))
        why = say(request, "risponde già {name}: chieda di passarle la conversazione", name=holder)
        raise ActionFailed(why, failed.back) from failed.__cause__


async def _done(
    request: Request, session: AsyncSession, handoff_id: int, user: StaffUser, said: str
) -> Response:
    """After an action: htmx gets the live part and a short spoken summary; a form a redirect."""
    if not _htmx(request):
        flash(request, said)
        return redirect(_here(handoff_id))
    answer = await _answered(request, session, handoff_id, user)
    answer.headers["HX-Trigger"] = json.dumps({"announce": said})
    return answer


@router.post("/{handoff_id}/claim", response_model=None)
async def claim(
    handoff_id: Id, request: Request, user: ConsoleStaff, session: Session, now: Now, room: Room
) -> Response:
    """ "Prendo io": the bot goes quiet and relays; the staff groups are told who took it."""
    await visible_handoff(session, handoff_id, user)
    async with at_desk(request, session, handoff_id):
        handoff = await desk.claim(session, handoff_id=handoff_id, by=user, via="console", now=now)
    if room is not None:
        await room.taken(session, handoff, user, now)
    said = say(request, "Conversazione presa in carico.")
    return await _done(request, session, handoff_id, user, said)


@router.post("/{handoff_id}/reply", response_model=None)
async def reply(
    handoff_id: Id,
    request: Request,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    text: Annotated[str, Form(max_length=1600)],
) -> Response:
    """Answer the resident on their own channel (a waiting handoff is claimed by answering)."""
    await visible_handoff(session, handoff_id, user)
    async with at_desk(request, session, handoff_id):
        await desk.answer(
            session, handoff_id=handoff_id, by=user, text=text, via="console", now=now
        )
    said = say(request, "Risposta in coda per l'invio.")
    return await _done(request, session, handoff_id, user, said)


@router.post("/{handoff_id}/release", response_model=None)
async def release(
    handoff_id: Id, request: Request, user: ConsoleStaff, session: Session, now: Now
) -> Response:
    """Hand the conversation back to the bot."""
    await visible_handoff(session, handoff_id, user)
    async with at_desk(request, session, handoff_id):
        await desk.release(session, handoff_id=handoff_id, by=user, via="console", now=now)
    said = say(request, "Conversazione n. {number} ridata al bot.", number=handoff_id)
    if _htmx(request):
        return await _done(request, session, handoff_id, user, said)
    flash(request, said)
    return redirect(INBOX)


@router.post("/{handoff_id}/close", response_model=None)
async def close(
    handoff_id: Id,
    request: Request,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    outcome: Annotated[str, Form(min_length=1, max_length=desk.MAX_OUTCOME)],
) -> Response:
    """Close with an outcome; the bot answers the resident again."""
    await visible_handoff(session, handoff_id, user)
    async with at_desk(request, session, handoff_id):
        await desk.close(
            session, handoff_id=handoff_id, by=user, outcome=outcome, via="console", now=now
        )
    said = say(request, "Conversazione n. {number} chiusa.", number=handoff_id)
    return await _done(request, session, handoff_id, user, said)


@router.post("/{handoff_id}/transfer", response_model=None)
async def transfer(
    handoff_id: Id,
    request: Request,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    room: Room,
    casa_id: Annotated[str, Form()] = "",
    staff_id: Annotated[str, Form()] = "",
) -> Response:
    """Pass to another Casa (waiting there) or to a colleague (held by them)."""
    await visible_handoff(session, handoff_id, user)
    async with at_desk(request, session, handoff_id):
        handoff = await desk.transfer(
            session,
            handoff_id=handoff_id,
            by=user,
            casa_id=int(casa_id) if casa_id.isdigit() else None,
            staff_id=int(staff_id) if staff_id.isdigit() else None,
            via="console",
            now=now,
            announcer=room,
        )
    said = say(request, "Conversazione n. {number} passata.", number=handoff_id)
    if may_see_handoff(user, handoff):
        return await _done(request, session, handoff_id, user, said)
    flash(request, said)
    if _htmx(request):  # no longer theirs to see: the inbox, as a plain form would
        return Response(status_code=204, headers={"HX-Redirect": INBOX})
    return redirect(INBOX)


@router.post("/{handoff_id}/notes")
async def add_note(
    handoff_id: Id,
    request: Request,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    text: Annotated[str, Form(max_length=notes.MAX_NOTE)],
) -> RedirectResponse:
    """An internal note for colleagues."""
    await visible_handoff(session, handoff_id, user)
    async with at_desk(request, session, handoff_id):
        await desk.add_note(
            session, handoff_id=handoff_id, by=user, text=text, via="console", now=now
        )
    return redirect(_here(handoff_id) + "#notes")
