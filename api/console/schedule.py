"""Events and SPID slots: create, edit, cancel; residents with a booking are told."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions import audit, places, schedule
from actions.errors import DomainError, NotFound
from actions.models import Booking, Casa, Resident, SpidSlot, StaffUser
from api.console.web import (
    ConsoleStaff,
    Words,
    failing_back,
    flash,
    local_time_of,
    page,
    redirect,
    say,
    texts,
)
from api.csrf import verify_csrf
from api.deps import Id, Now, Session
from api.scope import casa_ids_visible, ensure_casa_visible
from bot.runtime.notices import tell_slot_change

router = APIRouter(prefix="/console", dependencies=[Depends(verify_csrf)])
EVENTS, SLOTS = "/console/events", "/console/slots"


async def _case(session: AsyncSession, user: StaffUser) -> list[Casa]:
    visible = casa_ids_visible(user)
    return [c for c in await places.list_case(session) if visible is None or c.id in visible]


def _today(request: Request, now: datetime) -> datetime:
    zone = local_time_of(request).zone
    return datetime.combine(now.astimezone(zone).date(), time(), tzinfo=zone)


def _record(
    session: AsyncSession, user: StaffUser, action: str, target: str, now: datetime, **detail: Any
) -> None:
    audit.record(
        session,
        staff_id=user.id,
        action=action,
        target=target,
        now=now,
        detail={"via": "console", **detail},
    )


async def _found(work: Any) -> Any:
    try:
        return await work
    except NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None


# --- events -------------------------------------------------------------------------------


@router.get("/events")
async def events(request: Request, user: ConsoleStaff, session: Session, now: Now) -> HTMLResponse:
    """Events from today on (cancelled ones shown struck through)."""
    found = await schedule.events_for_staff(
        session, casa_ids=casa_ids_visible(user), since=_today(request, now)
    )
    return page(request, "events.html", user, events=found)


@router.get("/events/new")
async def new_event(request: Request, user: ConsoleStaff, session: Session) -> HTMLResponse:
    """An empty event form."""
    return _event_form(request, user, await _case(session, user), None, {})


@router.get("/events/{event_id}/edit")
async def edit_event(
    event_id: Id, request: Request, user: ConsoleStaff, session: Session
) -> HTMLResponse:
    """The form of an existing event."""
    event = await _found(schedule.event_by_id(session, event_id=event_id))
    ensure_casa_visible(event.casa_id, user)
    with failing_back(EVENTS):
        schedule.ensure_editable(event)
    local = local_time_of(request)
    values = {
        "casa_id": event.casa_id,
        "title": event.title,
        "topic": event.topic,
        "audiences": event.topics[1:],
        "day": local.date_input(event.starts_at),
        "start": local.time_input(event.starts_at),
        "end": local.time_input(event.ends_at),
        "description": event.description,
        "accessibility": event.accessibility,
    }
    return _event_form(request, user, await _case(session, user), event.id, values)


def _event_form(
    request: Request,
    user: StaffUser,
    case: Sequence[Casa],
    event_id: int | None,
    values: dict[str, Any],
    error: str | None = None,
    invalid: tuple[str, ...] = (),
) -> HTMLResponse:
    return page(
        request,
        "event_form.html",
        user,
        status_code=400 if error else 200,
        invalid=invalid,
        case=case,
        event_id=event_id,
        values=values,
        topics=schedule.TOPICS,
        audiences=schedule.AUDIENCES,
        error=error,
    )


class EventForm(BaseModel):
    """The event form as posted."""

    casa_id: int
    title: str = Field(max_length=160)
    day: str
    start: str
    end: str
    topic: str = "other"
    audiences: list[str] = []  # the boxes ticked: who it is for, whether it is free
    description: str = Field(default="", max_length=4000)
    accessibility: str = Field(default="", max_length=200)


@router.post("/events", response_model=None)
async def create_event(
    request: Request,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    form: Annotated[EventForm, Form()],
) -> HTMLResponse | RedirectResponse:
    """Add an event."""
    return await _save_event(request, user, session, now, None, form)


@router.post("/events/{event_id}", response_model=None)
async def update_event(
    event_id: Id,
    request: Request,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    form: Annotated[EventForm, Form()],
) -> HTMLResponse | RedirectResponse:
    """Change an event."""
    event = await _found(schedule.event_by_id(session, event_id=event_id))
    ensure_casa_visible(event.casa_id, user)
    return await _save_event(request, user, session, now, event_id, form)


async def _save_event(
    request: Request,
    user: StaffUser,
    session: AsyncSession,
    now: datetime,
    event_id: int | None,
    form: EventForm,
) -> HTMLResponse | RedirectResponse:
    ensure_casa_visible(form.casa_id, user)
    local = local_time_of(request)
    try:
        fields = schedule.EventFields(
            casa_id=form.casa_id,
            title=form.title,
            starts_at=local.parse(form.day, form.start),
            ends_at=local.parse(form.day, form.end),
            topic=form.topic,
            audiences=tuple(form.audiences),
            description=form.description,
            accessibility=form.accessibility,
        )
        if event_id is None:
            event = await schedule.create_event(session, fields=fields)
        else:
            event = await schedule.update_event(session, event_id=event_id, fields=fields)
    except (ValueError, DomainError) as exc:  # checked before anything is written
        case = await _case(session, user)
        return _event_form(
            request,
            user,
            case,
            event_id,
            form.model_dump(),
            error=_why(exc, texts(request)),
            invalid=_fields_of(exc),
        )
    action = "event.create" if event_id is None else "event.update"
    _record(session, user, action, f"event:{event.id}", now, title=event.title)
    when = local.when(event.starts_at)
    flash(request, say(request, "Evento salvato: {title}, {when}.", title=event.title, when=when))
    return redirect(EVENTS)


@router.post("/events/{event_id}/cancel")
async def cancel_event(
    event_id: Id, request: Request, user: ConsoleStaff, session: Session, now: Now
) -> RedirectResponse:
    """Cancel an event: the bot stops listing it."""
    event = await _found(schedule.event_by_id(session, event_id=event_id))
    ensure_casa_visible(event.casa_id, user)
    with failing_back(EVENTS):
        await schedule.cancel_event(session, event_id=event_id)
    _record(session, user, "event.cancel", f"event:{event_id}", now, title=event.title)
    said = say(request, "Evento annullato: {title}. Il bot non lo propone più.", title=event.title)
    flash(request, said)
    return redirect(EVENTS)


def _why(exc: Exception, _: Words) -> str:
    if isinstance(exc, ValueError):
        return _("Data o ora non valide.")
    return _("Non salvato: {why}", why=exc)


# Which fields a refusal is about, so the page can mark them (aria-invalid) and tie the
# message to them (aria-describedby).
FIELD_WORDS = (
    ("title", ("title",)),
    ("accessibility", ("accessibility",)),
    ("end", ("end",)),
    ("topic", ("topic",)),
    ("seats", ("seats",)),
)


def _fields_of(exc: Exception) -> tuple[str, ...]:
    if isinstance(exc, ValueError):
        return ("day", "start", "end")
    text = str(exc)
    return tuple(name for name, words in FIELD_WORDS if any(w in text for w in words))


# --- SPID slots ---------------------------------------------------------------------------


@router.get("/slots")
async def slots(request: Request, user: ConsoleStaff, session: Session, now: Now) -> HTMLResponse:
    """SPID slots from today on, with who booked them."""
    found = await schedule.slots_for_staff(
        session, casa_ids=casa_ids_visible(user), since=_today(request, now)
    )
    booked: dict[int, list[tuple[Booking, Resident]]] = defaultdict(list)
    rows = await session.execute(
        select(Booking, Resident)
        .join(Resident, Booking.resident_id == Resident.id)
        .where(Booking.slot_id.in_([s.id for s in found]), Booking.status == "confirmed")
        .order_by(Booking.created_at)
    )
    for booking, resident in rows.all():
        booked[booking.slot_id].append((booking, resident))
    return page(request, "slots.html", user, slots=found, booked=booked)


@router.get("/slots/new")
async def new_slot(request: Request, user: ConsoleStaff, session: Session) -> HTMLResponse:
    """An empty slot form."""
    return _slot_form(request, user, await _case(session, user), None, {"seats": 3})


@router.get("/slots/{slot_id}/edit")
async def edit_slot(
    slot_id: Id, request: Request, user: ConsoleStaff, session: Session
) -> HTMLResponse:
    """The form of an existing slot."""
    slot = await _found(schedule.slot_by_id(session, slot_id=slot_id))
    ensure_casa_visible(slot.casa_id, user)
    local = local_time_of(request)
    values = {
        "casa_id": slot.casa_id,
        "day": local.date_input(slot.starts_at),
        "start": local.time_input(slot.starts_at),
        "seats": slot.seats,
    }
    return _slot_form(request, user, await _case(session, user), slot, values)


def _slot_form(
    request: Request,
    user: StaffUser,
    case: Sequence[Casa],
    slot: SpidSlot | None,
    values: dict[str, Any],
    error: str | None = None,
    invalid: tuple[str, ...] = (),
) -> HTMLResponse:
    return page(
        request,
        "slot_form.html",
        user,
        status_code=400 if error else 200,
        invalid=invalid,
        case=case,
        slot=slot,
        values=values,
        error=error,
        max_seats=schedule.MAX_SEATS,
    )


@router.post("/slots", response_model=None)
async def create_slot(
    request: Request,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    casa_id: Annotated[int, Form()],
    day: Annotated[str, Form()],
    start: Annotated[str, Form()],
    seats: Annotated[int, Form()],
) -> HTMLResponse | RedirectResponse:
    """Open a SPID session residents can book."""
    values = {"casa_id": casa_id, "day": day, "start": start, "seats": seats}
    ensure_casa_visible(casa_id, user)
    local = local_time_of(request)
    try:
        slot = await schedule.create_slot(
            session, casa_id=casa_id, starts_at=local.parse(day, start), seats=seats, now=now
        )
    except (ValueError, DomainError) as exc:  # checked before anything is written
        case = await _case(session, user)
        return _slot_form(
            request, user, case, None, values, _why(exc, texts(request)), _fields_of(exc)
        )
    _record(session, user, "slot.create", f"slot:{slot.id}", now, seats=seats)
    said = say(
        request,
        "Sessione SPID aperta: {when}, {seats} posti.",
        when=local.when(slot.starts_at),
        seats=seats,
    )
    flash(request, said)
    return redirect(SLOTS)


@router.post("/slots/{slot_id}", response_model=None)
async def update_slot(
    slot_id: Id,
    request: Request,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    day: Annotated[str, Form()],
    start: Annotated[str, Form()],
    seats: Annotated[int, Form()],
) -> HTMLResponse | RedirectResponse:
    """Move a slot or change its seats; residents booked are told the new time."""
    slot = await _found(schedule.slot_by_id(session, slot_id=slot_id))
    ensure_casa_visible(slot.casa_id, user)
    local = local_time_of(request)
    values = {"casa_id": slot.casa_id, "day": day, "start": start, "seats": seats}
    try:
        starts_at = local.parse(day, start)
    except ValueError as exc:
        case = await _case(session, user)
        return _slot_form(
            request, user, case, slot, values, _why(exc, texts(request)), _fields_of(exc)
        )
    with failing_back(f"{SLOTS}/{slot_id}/edit"):
        slot, moved = await schedule.update_slot(
            session, slot_id=slot_id, starts_at=starts_at, seats=seats, now=now
        )
    told = [
        await tell_slot_change(
            session, booking=b, slot=slot, cancelled=False, now=now, zone=local.zone
        )
        for b in moved
    ]
    _record(
        session,
        user,
        "slot.update",
        f"slot:{slot_id}",
        now,
        seats=seats,
        starts_at=slot.starts_at.isoformat(),
        residents_told=sum(told),
    )
    said = say(
        request,
        "Sessione SPID salvata. Residenti avvisati: {told} su {booked}.",
        told=sum(told),
        booked=len(moved),
    )
    flash(request, said)
    return redirect(SLOTS)


@router.post("/slots/{slot_id}/cancel")
async def cancel_slot(
    slot_id: Id, request: Request, user: ConsoleStaff, session: Session, now: Now
) -> RedirectResponse:
    """Cancel a slot and its bookings; every resident booked is told."""
    slot = await _found(schedule.slot_by_id(session, slot_id=slot_id))
    ensure_casa_visible(slot.casa_id, user)
    with failing_back(SLOTS):
        cancelled = await schedule.cancel_slot(session, slot_id=slot_id)
    zone = local_time_of(request).zone
    told = [
        await tell_slot_change(session, booking=b, slot=slot, cancelled=True, now=now, zone=zone)
        for b in cancelled
    ]
    _record(
        session,
        user,
        "slot.cancel",
        f"slot:{slot_id}",
        now,
        bookings=len(cancelled),
        residents_told=sum(told),
    )
    said = say(
        request,
        "Sessione SPID annullata. Residenti avvisati: {told} su {booked}.",
        told=sum(told),
        booked=len(cancelled),
    )
    flash(request, said)
    return redirect(SLOTS)
