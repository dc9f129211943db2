"""Residents' data for the administration: search, export as JSON, erase."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from actions import audit, privacy
from actions.errors import NotFound
from actions.models import Handoff, MessageLog, Need, Resident
from api.console.web import ConsoleStaff, flash, page, redirect, require_role, say, texts
from api.csrf import verify_csrf
from api.deps import Id, Now, Session
from bot.i18n import N_

router = APIRouter(prefix="/console/residents", dependencies=[Depends(verify_csrf)])
LIST = "/console/residents"
# Typed by hand, so a slip of the mouse erases nothing.
CONFIRM_WORD = "CANCELLA"


async def _resident(session: Session, resident_id: int) -> Resident:
    try:
        return await privacy.resident_by_id(session, resident_id=resident_id)
    except NotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no resident {resident_id}") from None


@router.get("")
async def search(
    request: Request, user: ConsoleStaff, session: Session, q: str = ""
) -> HTMLResponse:
    """Find residents by number, name, phone or chat id, or a need's reference."""
    require_role(user, "admin")
    found = await privacy.search_residents(session, text=q[:100])
    return page(request, "residents.html", user, q=q, residents=found)


@router.get("/{resident_id}")
async def resident(
    resident_id: Id, request: Request, user: ConsoleStaff, session: Session
) -> HTMLResponse:
    """One resident: addresses, what is stored, and the export and erase buttons."""
    require_role(user, "admin")
    found = await _resident(session, resident_id)

    async def count(model: type[MessageLog] | type[Need] | type[Handoff]) -> int:
        query = select(func.count()).where(model.resident_id == resident_id)
        return int(await session.scalar(query) or 0)

    counts = {  # translated on the page
        N_("messaggi"): await count(MessageLog),
        N_("segnalazioni"): await count(Need),
        N_("conversazioni con una persona"): await count(Handoff),
    }
    return page(
        request, "resident.html", user, resident=found, counts=counts, confirm_word=CONFIRM_WORD
    )


@router.post("/{resident_id}/export")
async def export(resident_id: Id, user: ConsoleStaff, session: Session, now: Now) -> Response:
    """Everything stored about the resident, as a JSON file to hand over."""
    require_role(user, "admin")
    await _resident(session, resident_id)
    data = await privacy.export_resident(session, resident_id=resident_id)
    audit.record(
        session,
        staff_id=user.id,
        action="resident.export",
        target=f"resident:{resident_id}",
        now=now,
        detail={"via": "console"},
    )
    return Response(
        json.dumps({"exported_at": now.isoformat(), **data}, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="residente-{resident_id}.json"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/{resident_id}/erase")
async def erase(
    resident_id: Id,
    request: Request,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    confirm: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Delete the resident and everything about them, for good."""
    require_role(user, "admin")
    await _resident(session, resident_id)
    if confirm.strip() != CONFIRM_WORD:
        said = say(request, "Per cancellare scriva {word} nella casella.", word=CONFIRM_WORD)
        flash(request, said, "error")
        return redirect(f"{LIST}/{resident_id}")
    erased = await privacy.erase_resident(session, resident_id=resident_id)
    # Only numbers in the log: the point is that nothing about the person is left.
    audit.record(
        session,
        staff_id=user.id,
        action="resident.erase",
        target=f"resident:{resident_id}",
        now=now,
        detail={"via": "console", **erased.__dict__},
    )
    _ = texts(request)
    said = _(
        "Residente n. {number} cancellato: {messages} messaggi, {needs} segnalazioni, "
        "{bookings} prenotazioni, {handoffs} conversazioni.",
        number=resident_id,
        messages=erased.messages,
        needs=erased.needs,
        bookings=erased.bookings,
        handoffs=erased.handoffs,
    )
    kept = _(
        "{count} messaggi erano già arrivati al telefono della persona o a un gruppo dei "
        "custodi. Restano là: da qui non si possono togliere.",
        count=erased.delivered,
    )
    flash(request, f"{said} {kept}")
    return redirect(LIST)
