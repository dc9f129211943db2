"""The needs board: what residents reported, with a status they are told about."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions import audit, hamlet_posts, needs
from actions.errors import DomainError
from actions.humhub import HumHubError
from actions.models import ChannelAddress, Need
from api.console.web import (
    ActionFailed,
    ConsoleStaff,
    flash,
    page,
    partial,
    redirect,
    safe_back,
    say,
    settings_of,
    texts,
)
from api.csrf import verify_csrf
from api.deps import Id, Now, Session
from api.hamlet import hamlet_bridge
from api.scope import needs_visible
from bot.runtime.hamlet import remove_post
from bot.runtime.notices import tell_need_status

router = APIRouter(prefix="/console/needs", dependencies=[Depends(verify_csrf)])
BOARD = "/console/needs"
SHOWN = 300


@router.get("")
async def board(
    request: Request,
    user: ConsoleStaff,
    session: Session,
    status: str = "",
    category: str = "",
) -> HTMLResponse:
    """Needs the user may see, newest first, filtered by status and category."""
    query = needs_visible(select(Need).order_by(Need.created_at.desc(), Need.id.desc()), user)
    if status in needs.TRANSITIONS:
        query = query.where(Need.status == status)
    if category in needs.CATEGORIES:
        query = query.where(Need.category == category)
    rows = (await session.scalars(query.limit(SHOWN))).all()
    contacts = await _contacts(session, [n.resident_id for n in rows if n.consent_contact])
    return page(
        request,
        "needs.html",
        user,
        needs=rows,
        hamlet=await hamlet_posts.posts_of_needs(session, need_ids=[n.id for n in rows]),
        transitions=needs.TRANSITIONS,
        statuses=tuple(needs.TRANSITIONS),
        categories=needs.CATEGORIES,
        chosen={"status": status, "category": category},
        contacts=contacts,
        back=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
    )


@router.post("/{need_id}/status", response_model=None)
async def change_status(
    need_id: Id,
    request: Request,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    status_: Annotated[str, Form(alias="status")],
    back: Annotated[str, Form()] = BOARD,
) -> HTMLResponse | RedirectResponse:
    """Move a need along and tell the resident; htmx gets the row back, a plain form a page."""
    back = safe_back(back, BOARD)
    visible = await session.scalar(needs_visible(select(Need).where(Need.id == need_id), user))
    if visible is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no need {need_id}")
    htmx = request.headers.get("HX-Request") == "true"
    try:
        need = await needs.change_status(session, need_id=need_id, status=status_, now=now)
    except DomainError as exc:
        if htmx:  # nothing was written: answer with the row as it is, and why
            why = say(request, "Non fatto: {why}", why=exc)
            return await _row(request, session, visible, back, error=why)
        raise ActionFailed(str(exc), back) from exc
    told = await tell_need_status(session, need=need, now=now)
    audit.record(
        session,
        staff_id=user.id,
        action="need.status",
        target=f"need:{need_id}",
        now=now,
        detail={"status": status_, "via": "console", "resident_told": told},
    )
    _ = texts(request)
    if told:
        message = _("{reference}: stato cambiato, residente avvisato.", reference=need.reference)
    else:
        message = _(
            "{reference}: stato cambiato (il residente non è raggiungibile).",
            reference=need.reference,
        )
    if htmx:
        return await _row(request, session, need, back, notice=message)
    flash(request, message)
    return redirect(back)


@router.post("/{need_id}/hamlet")
async def take_off_hamlet(
    need_id: Id,
    request: Request,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    back: Annotated[str, Form()] = BOARD,
) -> RedirectResponse:
    """Keep a need off Hamlet: a waiting post is withheld, a posted one deleted there."""
    back = safe_back(back, BOARD)
    visible = await session.scalar(needs_visible(select(Need).where(Need.id == need_id), user))
    if visible is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no need {need_id}")
    try:
        await remove_post(session, hamlet_bridge(settings_of(request)), need_id=need_id)
    except DomainError as exc:
        raise ActionFailed(str(exc), back) from exc
    except HumHubError as exc:  # nothing changed here: it can be tried again
        why = say(request, "Hamlet non ha risposto ({why})", why=exc)
        raise ActionFailed(why, back) from exc
    audit.record(
        session, staff_id=user.id, action="need.hamlet_remove", target=f"need:{need_id}", now=now
    )
    flash(request, say(request, "{reference}: non è più su Hamlet.", reference=visible.reference))
    return redirect(back)


async def _row(
    request: Request, session: AsyncSession, need: Need, back: str, **extra: str
) -> HTMLResponse:
    contacts = await _contacts(session, [need.resident_id] if need.consent_contact else [])
    return partial(
        request,
        "_need_row.html",
        need=need,
        hamlet=await hamlet_posts.posts_of_needs(session, need_ids=[need.id]),
        transitions=needs.TRANSITIONS,
        back=back,
        contacts=contacts,
        **extra,
    )


@dataclass(frozen=True)
class Contact:
    """A way to call or write back to a resident who agreed to be contacted."""

    channel: str
    address: str

    @property
    def masked(self) -> str:
        """Only the last digits until someone asks to see it (and the audit log says who)."""
        return "•••• " + self.address[-3:]

    @property
    def phone(self) -> str | None:
        """The number for a tel: link (SMS and WhatsApp are phone numbers; Telegram is not)."""
        number = self.address.removeprefix("whatsapp:")
        return number if self.channel in ("sms", "whatsapp") and number[1:].isdigit() else None


async def _contacts(session: AsyncSession, resident_ids: list[int]) -> dict[int, list[Contact]]:
    """The addresses of residents who agreed to be contacted, by resident."""
    if not resident_ids:
        return {}
    found = await session.scalars(
        select(ChannelAddress)
        .where(ChannelAddress.resident_id.in_(resident_ids), ChannelAddress.opted_out.is_(False))
        .order_by(ChannelAddress.id)
    )
    contacts: dict[int, list[Contact]] = {}
    for address in found:
        contacts.setdefault(address.resident_id, []).append(
            Contact(address.channel, address.address)
        )
    return contacts


@router.post("/{need_id}/contact")
async def reveal_contact(
    need_id: Id, request: Request, user: ConsoleStaff, session: Session, now: Now
) -> HTMLResponse:
    """The full contact of a resident who agreed to be called back; the audit log keeps who."""
    need = await session.scalar(needs_visible(select(Need).where(Need.id == need_id), user))
    if need is None or not need.consent_contact:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no contact for need {need_id}")
    contacts = (await _contacts(session, [need.resident_id])).get(need.resident_id, [])
    audit.record(
        session,
        staff_id=user.id,
        action="need.contact",
        target=f"need:{need_id}",
        now=now,
        detail={"via": "console", "channels": [c.channel for c in contacts]},
    )
    return partial(request, "_need_contact.html", need=need, contacts=contacts, revealed=True)
