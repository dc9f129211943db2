"""Messages the bot starts itself: booking reminders and news about a resident's need."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from actions import residents
from actions.models import Booking, Need, Resident, SpidSlot
from actions.outbox import enqueue
from bot.i18n import N_, format_clock, format_day, gettext_for
from bot.messages import Reply

NEED_STATUS_TEXT = {
    "in_progress": N_("La segnalazione {reference} è in lavorazione. Ce ne stiamo occupando."),
    "solved": N_("La segnalazione {reference} è risolta. Grazie per averci scritto."),
    "open": N_("La segnalazione {reference} è di nuovo aperta."),
}


async def tell_need_status(session: AsyncSession, *, need: Need, now: datetime) -> bool:
    """Queue a message about the need's new status; False when the resident is unreachable."""
    resident = await session.get(Resident, need.resident_id)
    address = await residents.reachable_address(session, need.resident_id)
    if resident is None or address is None:
        return False
    _ = gettext_for(resident.language)
    text = _(NEED_STATUS_TEXT[need.status]).format(reference=need.reference)
    enqueue(
        session,
        address=address,
        payload=Reply(text).to_dict(),
        kind="notice",
        now=now,
        idempotency_key=f"need:{need.id}:{need.status}:{now.isoformat()}",
    )
    return True


async def send_reminders(session: AsyncSession, *, now: datetime, zone: ZoneInfo) -> int:
    """Remind everyone booked for tomorrow (once each); returns how many were queued."""
    tomorrow = (now.astimezone(zone) + timedelta(days=1)).date()
    start = datetime.combine(tomorrow, datetime.min.time(), tzinfo=zone)
    due = await session.scalars(
        select(Booking)
        .join(SpidSlot)
        .options(joinedload(Booking.slot).joinedload(SpidSlot.casa))
        .where(
            Booking.status == "confirmed",
            Booking.reminded_at.is_(None),
            SpidSlot.starts_at >= start,
            SpidSlot.starts_at < start + timedelta(days=1),
        )
    )
    queued = 0
    for booking in due.all():
        booking.reminded_at = now
        resident = await session.get(Resident, booking.resident_id)
        address = await residents.reachable_address(session, booking.resident_id)
        if resident is None or address is None:
            continue
        _ = gettext_for(resident.language)
        when = booking.slot.starts_at
        text = _(
            "Promemoria: domani, {day} alle {time}, aiuto SPID alla Casa di Quartiere "
            "{name}. Codice {code}. Porti i documenti."
        ).format(
            day=format_day(when, zone, resident.language),
            time=format_clock(when, zone, resident.language),
            name=booking.slot.casa.name,
            code=booking.code,
        )
        enqueue(
            session,
            address=address,
            payload=Reply(text).to_dict(),
            kind="reminder",
            now=now,
            idempotency_key=f"reminder:{booking.id}",
        )
        queued += 1
    return queued


SLOT_CANCELLED_TEXT = N_(
    "Ci dispiace: l'aiuto SPID di {day} alle {time} alla Casa di Quartiere {name} è "
    "annullato. La prenotazione {code} non vale più. Può prenotare un altro giorno."
)
SLOT_MOVED_TEXT = N_(
    "L'aiuto SPID con codice {code} è spostato a {day} alle {time}, alla Casa di Quartiere "
    "{name}. Se non può venire, ci scriva."
)


async def tell_slot_change(
    session: AsyncSession,
    *,
    booking: Booking,
    slot: SpidSlot,
    cancelled: bool,
    now: datetime,
    zone: ZoneInfo,
) -> bool:
    """Tell a booked resident their SPID session was cancelled or moved (slot.casa loaded)."""
    resident = await session.get(Resident, booking.resident_id)
    address = await residents.reachable_address(session, booking.resident_id)
    if resident is None or address is None:
        return False
    _ = gettext_for(resident.language)
    text = _(SLOT_CANCELLED_TEXT if cancelled else SLOT_MOVED_TEXT).format(
        day=format_day(slot.starts_at, zone, resident.language),
        time=format_clock(slot.starts_at, zone, resident.language),
        name=slot.casa.name,
        code=booking.code,
    )
    what = "cancelled" if cancelled else f"moved:{slot.starts_at.isoformat()}"
    enqueue(
        session,
        address=address,
        payload=Reply(text).to_dict(),
        kind="notice",
        now=now,
        idempotency_key=f"slot:{booking.id}:{what}"[:80],
    )
    return True
