"""Records of the help given: the outcome of each SPID booking, and a month's report."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import joinedload

from actions import audit, help_records, places
from actions.models import Booking, StaffUser
from api.console import charts
from api.console.web import (
    ConsoleStaff,
    failing_back,
    flash,
    labels_in,
    local_time_of,
    page,
    redirect,
    texts,
)
from api.csrf import verify_csrf
from api.deps import Id, Now, Session
from api.scope import casa_ids_visible
from bot.staff_labels import label

router = APIRouter(prefix="/console/help", dependencies=[Depends(verify_csrf)])
RECORD = "/console/help/record"
RECORD_DAYS = 30  # sessions this far back can still be recorded
CHART_COLORS = {
    "came": "#0072B2",
    "spid_activated": "#009E73",
    "another_visit": "#E69F00",
    "no_show": "#999999",
}


@router.get("/record")
async def to_record(
    request: Request, user: ConsoleStaff, session: Session, now: Now
) -> HTMLResponse:
    """The SPID sessions of the last weeks, each booking with how it went."""
    found = await help_records.sessions_to_record(
        session, casa_ids=casa_ids_visible(user), since=now - timedelta(days=RECORD_DAYS), now=now
    )
    return page(
        request,
        "help_record.html",
        user,
        sessions=found,
        outcomes=help_records.OUTCOMES,
        age_bands=help_records.AGE_BANDS,
    )


@router.post("/bookings/{booking_id}")
async def record(
    booking_id: Id,
    request: Request,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    outcome: Annotated[str, Form()],
    note: Annotated[str, Form(max_length=help_records.NOTE_MAX)] = "",
    age_band: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Save how one booking went (a no-show frees the resident to book again)."""
    booking = await session.get(Booking, booking_id, options=[joinedload(Booking.slot)])
    visible = casa_ids_visible(user)
    if booking is None or (visible is not None and booking.slot.casa_id not in visible):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no booking {booking_id}")
    back = f"{RECORD}#slot-{booking.slot_id}"
    with failing_back(back):
        await help_records.record_outcome(
            session,
            booking_id=booking_id,
            outcome=outcome,
            note=note,
            age_band=age_band or None,
            staff_id=user.id,
            now=now,
        )
    audit.record(
        session,
        staff_id=user.id,
        action="booking.outcome",
        target=f"booking:{booking_id}",
        now=now,
        detail={"via": "console", "outcome": outcome},
    )
    _ = texts(request)
    said = _(label("help_outcome", outcome))
    flash(request, _("Prenotazione {code}: {outcome}.", code=booking.code, outcome=said))
    return redirect(back)


def _month(value: str, today: date) -> date:
    """The first day of the month asked for ("2026-11"), else of the current one."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


async def _report(
    request: Request, user: StaffUser, session: Session, now: datetime, month: str, casa: str
) -> tuple[date, int | None, help_records.MonthReport]:
    zone = local_time_of(request).zone
    first = _month(month, now.astimezone(zone).date())
    after = (first + timedelta(days=32)).replace(day=1)
    visible = casa_ids_visible(user)
    chosen = int(casa) if casa.isdigit() else None
    if visible is not None:
        chosen = visible[0] if chosen not in visible else chosen
    report = await help_records.month_report(
        session,
        start=datetime.combine(first, time(), tzinfo=zone),
        end=datetime.combine(after, time(), tzinfo=zone),
        casa_ids=None if chosen is None else [chosen],
    )
    return first, chosen, report


@router.get("")
async def report_page(
    request: Request,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    month: str = "",
    casa: str = "",
) -> HTMLResponse:
    """A month of SPID help, for a Casa or the city: people helped, outcomes, who they were."""
    first, chosen, report = await _report(request, user, session, now, month, casa)
    outcome_keys = help_records.OUTCOMES
    _ = texts(request)
    chart = charts.stacked_bars(
        {_("Prenotazioni"): {key: report.by_outcome.get(key, 0) for key in outcome_keys}},
        outcome_keys,
        labels_in("help_outcome", _),
        CHART_COLORS,
    )
    return page(
        request,
        "help_report.html",
        user,
        first=first,
        month_value=f"{first:%Y-%m}",
        chosen=chosen,
        case=await places.list_case(session) if casa_ids_visible(user) is None else [],
        report=report,
        chart=chart,
    )


@router.get(".csv", response_model=None)
async def report_csv(
    request: Request,
    user: ConsoleStaff,
    session: Session,
    now: Now,
    month: str = "",
    casa: str = "",
) -> Response:
    """The same report as counts in CSV (no name, number or message of any resident)."""
    first, chosen, report = await _report(request, user, session, now, month, casa)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["month", "casa_id", "dimension", "value", "count"])
    for dimension, value, count in report.rows():
        writer.writerow([f"{first:%Y-%m}", chosen or "", dimension, value, count])
    name = f"aiuto-spid-{first:%Y-%m}{f'-casa-{chosen}' if chosen else ''}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
