"""Announcements: compose, preview the reach and cost, send or schedule, follow, cancel."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession

from actions import audit, broadcasts, places
from actions.errors import NotFound
from actions.models import Broadcast, StaffUser
from actions.outbox_claims import UNKNOWN_OUTCOME
from api.console import broadcast_form, charts
from api.console.broadcast_form import LANGUAGE_NAMES, FormInvalid
from api.console.web import (
    ConsoleStaff,
    Words,
    failing_back,
    flash,
    label,
    local_time_of,
    page,
    partial,
    redirect,
    require_role,
    say,
    settings_of,
    staff_name,
    texts,
)
from api.csrf import verify_csrf
from api.deps import Id, Now, Session
from api.routes.broadcasts import ROLES
from api.scope import announcing_to, ensure_broadcast_visible
from bot.i18n import N_
from bot.runtime.broadcast_preview import preview as preview_of
from bot.runtime.sender import UNKNOWN_AFTER_TIMEOUT

router = APIRouter(prefix="/console/broadcasts", dependencies=[Depends(verify_csrf)])
LIST = "/console/broadcasts"
SHOWN = 100
STATES = {
    "draft": N_("Bozza"),
    "scheduled": N_("Programmato"),
    "sending": N_("In invio"),
    "done": N_("Concluso"),
    "cancelled": N_("Annullato"),
}
OPEN_STATES = ("draft", "scheduled", "sending")
# The outbox's reasons (bot/runtime/sender.py, the channels' errors) in the words staff read.
REASONS = {
    "recipient opted out": N_("ha chiesto di non ricevere messaggi (STOP)"),
    "recipient unreachable": N_("non raggiungibile"),
    "broadcast cancelled": N_("annuncio annullato"),
    UNKNOWN_OUTCOME: N_("esito sconosciuto: l'invio si è interrotto, non viene rimandato"),
    UNKNOWN_AFTER_TIMEOUT: N_(
        "esito sconosciuto: il servizio non ha risposto, non viene rimandato"
    ),
    "free-form WhatsApp message outside the 24-hour window": N_(
        "fuori dalla finestra di 24 ore di WhatsApp, senza modello"
    ),
}
NO_REASON = N_("motivo non registrato")
CHART_KEYS = ("delivered", "sent", "pending", "failed", "skipped")
# Colours that mean what they say: green arrived, blue on its way, grey waiting, red failed.
CHART_COLORS = {
    "delivered": "#009E73",
    "sent": "#0072B2",
    "pending": "#999999",
    "failed": "#D55E00",
    "skipped": "#E69F00",
}


async def broadcast_staff(user: ConsoleStaff) -> StaffUser:
    """The staff member, if their role may send announcements (as in the REST API)."""
    require_role(user, *ROLES)
    return user


Manager = Annotated[StaffUser, Depends(broadcast_staff)]


@router.get("")
async def listing(request: Request, user: Manager, session: Session) -> HTMLResponse:
    """The latest announcements with where each stands."""
    mine = await announcing_to(session, user)
    found = await broadcasts.latest_with_statistics(session, limit=SHOWN, quartiere=mine)
    return page(
        request, "broadcasts.html", user, broadcasts=found, states=STATES, languages=LANGUAGE_NAMES
    )


@router.get("/new")
async def new(request: Request, user: Manager, session: Session) -> HTMLResponse:
    """An empty compose form."""
    return await _form(request, user, session, {"when": "now"})


@router.post("", response_model=None)
async def compose(
    request: Request, user: Manager, session: Session, now: Now
) -> HTMLResponse | RedirectResponse:
    """Save what was composed as a draft, then show its preview; nothing is sent yet."""
    values = broadcast_form.form_values(await request.form())
    local = local_time_of(request)
    try:
        composed = broadcast_form.read(
            values, quartieri=await _quartieri(session, user), local=local, now=now
        )
        mine = await announcing_to(session, user)
        if mine is not None and composed.quartiere != mine:
            raise FormInvalid(
                say(request, "Può mandare annunci solo al quartiere {name}: lo scelga.", name=mine)
            )
    except FormInvalid as exc:
        return await _form(request, user, session, values, error=str(exc))
    draft = await broadcasts.create_broadcast(
        session,
        texts=composed.texts,
        quartiere=composed.quartiere,
        language=composed.language,
        channel=composed.channel,
        whatsapp_content_sid=composed.whatsapp_content_sid,
        whatsapp_variables=composed.whatsapp_variables,
        staff_id=user.id,
        now=now,
    )
    _record(session, user, "broadcast.create", draft.id, now)
    if composed.at is None:
        return redirect(f"{LIST}/{draft.id}/preview")
    when = {"day": local.date_input(composed.at), "time": local.time_input(composed.at)}
    return redirect(f"{LIST}/{draft.id}/preview?{urlencode(when)}")


@router.get("/{broadcast_id}/preview", response_model=None)
async def preview(
    broadcast_id: Id,
    request: Request,
    user: Manager,
    session: Session,
    now: Now,
    day: str = "",
    time: str = "",
) -> HTMLResponse | RedirectResponse:
    """Who it reaches on each channel, SMS encoding and cost, WhatsApp; then confirm."""
    draft = await _broadcast(session, broadcast_id, user)
    if draft.state != "draft":
        return redirect(f"{LIST}/{broadcast_id}")
    local = local_time_of(request)
    try:
        at = local.parse(day, time) if day and time else None
    except ValueError:
        at = None
    settings = settings_of(request)
    shown = await preview_of(
        session,
        broadcast=draft,
        now=now,
        segment_cost=settings.sms_segment_cost,
        sms_per_second=settings.sms_per_second,
    )
    return page(
        request,
        "broadcast_preview.html",
        user,
        broadcast=draft,
        preview=shown,
        at=at,
        when={"day": day, "time": time},
        cost=f"{shown['sms']['estimated_cost_eur']:.2f}".replace(".", ","),
        languages=LANGUAGE_NAMES,
        channels=broadcasts.BROADCAST_CHANNELS,
    )


@router.post("/{broadcast_id}/send")
async def send(
    broadcast_id: Id, request: Request, user: Manager, session: Session, now: Now
) -> RedirectResponse:
    """Fan out now: one delivery per resident and channel, sent by the outbox."""
    await _broadcast(session, broadcast_id, user)
    with failing_back(f"{LIST}/{broadcast_id}"):
        queued = await broadcasts.fan_out(session, broadcast_id=broadcast_id, now=now)
    _record(session, user, "broadcast.send", broadcast_id, now, deliveries=queued)
    flash(request, say(request, "Annuncio in invio: {count} messaggi in coda.", count=queued))
    return redirect(f"{LIST}/{broadcast_id}")


@router.post("/{broadcast_id}/schedule")
async def schedule(
    broadcast_id: Id,
    request: Request,
    user: Manager,
    session: Session,
    now: Now,
    day: Annotated[str, Form()] = "",
    time: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Confirm a draft for later: it goes out by itself at that time."""
    await _broadcast(session, broadcast_id, user)
    local = local_time_of(request)
    back = f"{LIST}/{broadcast_id}/preview?" + urlencode({"day": day, "time": time})
    try:
        at = broadcast_form.scheduled_time(day, time, local=local, now=now)
    except FormInvalid as exc:
        flash(request, str(exc), "error")
        return redirect(back)
    with failing_back(back):
        await broadcasts.schedule_broadcast(session, broadcast_id=broadcast_id, at=at, now=now)
    _record(session, user, "broadcast.schedule", broadcast_id, now, at=at.isoformat())
    flash(request, say(request, "Annuncio programmato per {when}.", when=local.when(at)))
    return redirect(f"{LIST}/{broadcast_id}")


@router.post("/{broadcast_id}/cancel")
async def cancel(
    broadcast_id: Id, request: Request, user: Manager, session: Session, now: Now
) -> RedirectResponse:
    """Stop it: what is not sent yet is skipped (a draft or scheduled one never goes out)."""
    await _broadcast(session, broadcast_id, user)
    with failing_back(f"{LIST}/{broadcast_id}"):
        stopped = await broadcasts.cancel_broadcast(session, broadcast_id=broadcast_id)
    _record(session, user, "broadcast.cancel", broadcast_id, now, stopped=stopped)
    said = say(request, "Annuncio annullato. Messaggi non più inviati: {count}.", count=stopped)
    flash(request, said)
    return redirect(f"{LIST}/{broadcast_id}")


@router.get("/{broadcast_id}")
async def detail(
    broadcast_id: Id, request: Request, user: Manager, session: Session
) -> HTMLResponse:
    """What was sent to whom, and how it went on each channel."""
    broadcast = await _broadcast(session, broadcast_id, user)
    author_id = broadcast.created_by_staff_id
    author = await session.get(StaffUser, author_id) if author_id else None
    return page(
        request,
        "broadcast.html",
        user,
        author=staff_name(author),
        languages=LANGUAGE_NAMES,
        **await _progress(session, broadcast, texts(request)),
    )


@router.get("/{broadcast_id}/progress")
async def progress(
    broadcast_id: Id, request: Request, user: Manager, session: Session
) -> HTMLResponse:
    """The statistics again (the detail page polls this while the announcement goes out)."""
    broadcast = await _broadcast(session, broadcast_id, user)
    shown = await _progress(session, broadcast, texts(request))
    return partial(request, "_broadcast_progress.html", **shown)


async def _progress(session: AsyncSession, broadcast: Broadcast, _: Words) -> dict[str, Any]:
    """Totals, a row and a bar per channel, and why messages were skipped or failed."""
    stats = await broadcasts.statistics(session, broadcast_id=broadcast.id)
    per_channel: dict[str, dict[str, int]] = {}
    reasons = []
    for item in await broadcasts.delivery_breakdown(session, broadcast_id=broadcast.id):
        key = "pending" if item.status in broadcasts.OPEN_DELIVERY else item.status
        counts = per_channel.setdefault(item.channel, {})
        counts[key] = counts.get(key, 0) + item.count
        if item.status in ("skipped", "failed"):
            why = _(REASONS.get(item.reason or "", item.reason or NO_REASON))
            reasons.append((item.channel, item.status, why, item.count))
    chart = charts.stacked_bars(
        {_(label("channel", channel)): counts for channel, counts in per_channel.items()},
        CHART_KEYS,
        {key: _(label("delivery", key)) for key in CHART_KEYS},
        CHART_COLORS,
    )
    return {
        "broadcast": broadcast,
        "stats": stats,
        "per_channel": per_channel,
        "reasons": reasons,
        "chart": chart,
        "states": STATES,
        "can_cancel": stats["state"] in OPEN_STATES,
    }


async def _form(
    request: Request,
    user: StaffUser,
    session: AsyncSession,
    values: dict[str, str],
    error: str | None = None,
) -> HTMLResponse:
    return page(
        request,
        "broadcast_form.html",
        user,
        status_code=400 if error else 200,
        values=values,
        error=error,
        quartieri=await _quartieri(session, user),
        languages=LANGUAGE_NAMES,
        channels=broadcasts.BROADCAST_CHANNELS,
        text_max=broadcast_form.TEXT_MAX,
        translated=any(v for k, v in values.items() if k.startswith("text_") and k != "text_it"),
    )


async def _broadcast(session: AsyncSession, broadcast_id: int, user: StaffUser) -> Broadcast:
    try:
        found = await broadcasts.broadcast_by_id(session, broadcast_id=broadcast_id)
    except NotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no broadcast {broadcast_id}") from None
    await ensure_broadcast_visible(session, found, user)
    return found


async def _quartieri(session: AsyncSession, user: StaffUser) -> list[str]:
    """The neighbourhoods the user may announce to, as the form offers them."""
    mine = await announcing_to(session, user)
    return [mine] if mine is not None else list(await places.quartieri(session))


def _record(
    session: AsyncSession,
    user: StaffUser,
    action: str,
    broadcast_id: Id,
    now: datetime,
    **detail: Any,
) -> None:
    audit.record(
        session,
        staff_id=user.id,
        action=action,
        target=f"broadcast:{broadcast_id}",
        now=now,
        detail={"via": "console", **detail},
    )
