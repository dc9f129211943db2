"""The console's conversations page (/console/inbox): who is waiting for a person, live (SSE)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from actions.handoffs import OPEN_STATES
from actions.models import Casa, Handoff, MessageLog, Resident, StaffUser
from api.console import live
from api.console.web import (
    SESSION_STAFF,
    SESSION_VERSION,
    ConsoleStaff,
    LocalTime,
    fragment,
    local_time_of,
    page,
    session_holds,
    staff_name,
)
from api.csrf import verify_csrf
from api.deps import Now, Session
from api.scope import handoffs_visible

router = APIRouter(prefix="/console", dependencies=[Depends(verify_csrf)])
RECENTLY_CLOSED = 10
M = TypeVar("M", Resident, Casa, StaffUser)


@dataclass(frozen=True)
class InboxRow:
    """One handoff as the inbox lists it."""

    handoff: Handoff
    resident: Resident
    casa: str | None
    held_by: str | None
    last_text: str
    last_channel: str | None


@router.get("/inbox")
async def inbox(request: Request, user: ConsoleStaff, session: Session, now: Now) -> HTMLResponse:
    """Open handoffs (emergencies and the longest waiting first) and the last closed ones."""
    body = await render_inbox(session, user, local_time_of(request), now)
    return page(request, "inbox.html", user, inbox_body=body)


@router.get("/inbox/stream", response_model=None)
async def inbox_stream(request: Request) -> Response:
    """The inbox's rows again whenever they change (server-sent events)."""
    staff_id = request.session.get(SESSION_STAFF)
    version = request.session.get(SESSION_VERSION)
    if not isinstance(staff_id, int):
        return PlainTextResponse("log in first", status_code=401)
    store, local = request.app.state.store, local_time_of(request)

    async def render() -> str | None:
        async with store.sessions() as session:
            user = await session.get(StaffUser, staff_id)
            if not session_holds(user, version):
                return None
            return await render_inbox(
                session, user, local, request.app.state.clock.now().astimezone(local.zone)
            )

    return live.stream(request, render, event="inbox")


async def render_inbox(
    session: AsyncSession, user: StaffUser, local: LocalTime, now: datetime
) -> str:
    """The inbox's body, as the page shows it and the live stream sends it."""
    open_query = handoffs_visible(select(Handoff).where(Handoff.status.in_(OPEN_STATES)), user)
    waiting = list((await session.scalars(open_query)).all())
    waiting.sort(key=lambda h: (not h.urgent, h.status != "waiting", h.opened_at))
    closed_query = handoffs_visible(
        select(Handoff)
        .where(Handoff.status == "closed")
        .order_by(Handoff.closed_at.desc(), Handoff.id.desc())
        .limit(RECENTLY_CLOSED),
        user,
    )
    closed = list((await session.scalars(closed_query)).all())
    rows = await inbox_rows(session, [*waiting, *closed])
    return fragment(
        "_inbox.html",
        local.language,
        open_rows=rows[: len(waiting)],
        closed_rows=rows[len(waiting) :],
        waiting_count=sum(h.status == "waiting" for h in waiting),
        local=local,
        now=now,
        me=user,
    )


async def inbox_rows(session: AsyncSession, handoffs: Sequence[Handoff]) -> list[InboxRow]:
    """The handoffs with their resident, Casa, holder and last message (four queries)."""
    residents = await _by_id(session, Resident, {h.resident_id for h in handoffs})
    case = await _by_id(session, Casa, {h.casa_id for h in handoffs if h.casa_id})
    holders = await _by_id(
        session, StaffUser, {h.claimed_by_staff_id for h in handoffs if h.claimed_by_staff_id}
    )
    latest = (
        select(func.max(MessageLog.id))
        .where(MessageLog.resident_id.in_(residents), MessageLog.direction == "in")
        .group_by(MessageLog.resident_id)
    )
    messages = await session.scalars(select(MessageLog).where(MessageLog.id.in_(latest)))
    last = {message.resident_id: message for message in messages}
    return [
        InboxRow(
            handoff=h,
            resident=residents[h.resident_id],
            casa=case[h.casa_id].name if h.casa_id in case else None,
            held_by=staff_name(holders.get(h.claimed_by_staff_id)),
            last_text=last[h.resident_id].text if h.resident_id in last else "",
            last_channel=last[h.resident_id].channel if h.resident_id in last else None,
        )
        for h in handoffs
    ]


async def _by_id(session: AsyncSession, model: type[M], ids: set[int]) -> dict[int, M]:
    if not ids:
        return {}
    rows = await session.scalars(select(model).where(model.id.in_(ids)))
    return {row.id: row for row in rows}
