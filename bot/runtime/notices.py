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


REMINDER_TEXT = N_(
    "Promemoria: domani, {day} alle {time}, aiuto SPID alla Casa di Quartiere "
    "{name}. Codice {code}. Porti i documenti."
)


async def _tell(
    session: AsyncSession,
    *,
    resident_id: int,
    message: str,
    kind: str,
    key: str,
    now: datetime,
    when: datetime | None = None,
    zone: ZoneInfo | None = None,
    **fields: str,
) -> bool:
    """Queue `message` (an Italian msgid) in the resident's language, on the channel they
    wrote from last; `when` fills {day} and {time}. False when they cannot be reached."""
    resident = await session.get(Resident, resident_id)
    address = await residents.reachable_address(session, resident_id)
    if resident is None or address is None:
        return False
    if when is not None and zone is not None:
        fields["day"] = format_day(when, zone, resident.language)
        fields["time"] = format_clock(when, zone, resident.language)
    text = gettext_for(resident.language)(message).format(**fields)
    enqueue(
        session,
        address=address,
        payload=Reply(text).to_dict(),
        kind=kind,
        now=now,
        idempotency_key=key[:80],
    )
    return True


async def tell_need_status(session: AsyncSession, *, need: Need, now: datetime) -> bool:
    """Queue a message about the need's new status; False when the resident is unreachable."""
    return await _tell(
        session,
        resident_id=need.resident_id,
        message=NEED_STATUS_TEXT[need.status],
        kind="notice",
        key=f"need:{need.id}:{need.status}:{now.isoformat()}",
        now=now,
        reference=need.reference,
    )


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
        queued += await _tell(
            session,
            resident_id=booking.resident_id,
            message=REMINDER_TEXT,
            kind="reminder",
            key=f"reminder:{booking.id}",
            now=now,
            when=booking.slot.starts_at,
            zone=zone,
            name=booking.slot.casa.name,
            code=booking.code,
        )
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
    what = "cancelled" if cancelled else f"moved:{slot.starts_at.isoformat()}"
    return await _tell(
        session,
        resident_id=booking.resident_id,
        message=SLOT_CANCELLED_TEXT if cancelled else SLOT_MOVED_TEXT,
        kind="notice",
        key=f"slot:{booking.id}:{what}",
        now=now,
        when=slot.starts_at,
        zone=zone,
        name=slot.casa.name,
        code=booking.code,
    )
