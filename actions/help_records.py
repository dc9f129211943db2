"""Records of the help given: how each SPID booking went, and a month's report per Casa."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from actions.errors import DomainError, InvalidTransition, NotFound
from actions.models import Booking, MessageLog, Resident, SpidSlot

# came: helped, SPID not finished; spid_activated: done; another_visit: to be continued;
# no_show: did not come (the seat's booking ends: they may book again, and it is counted).
OUTCOMES = ("came", "spid_activated", "another_visit", "no_show")
HELPED = ("came", "spid_activated", "another_visit")
AGE_BANDS = ("under_65", "65_74", "75_plus")
NOTE_MAX = 300


async def record_outcome(
    session: AsyncSession,
    *,
    booking_id: int,
    outcome: str,
    note: str,
    age_band: str | None,
    staff_id: int,
    now: datetime,
) -> Booking:
    """How a booking went, once its session has begun (recorded again, it is corrected)."""
    booking = await session.get(Booking, booking_id, options=[joinedload(Booking.slot)])
    if booking is None:
        raise NotFound(f"no booking {booking_id}")
    if outcome not in OUTCOMES:
        raise DomainError(f"the outcome must be one of {', '.join(OUTCOMES)}")
    if age_band is not None and age_band not in AGE_BANDS:
        raise DomainError(f"the age band must be one of {', '.join(AGE_BANDS)}")
    if len(note) > NOTE_MAX:
        raise DomainError(f"the note is longer than {NOTE_MAX} characters")
    if booking.status not in ("confirmed", "attended", "no_show"):
        raise InvalidTransition(f"booking {booking.code} is {booking.status}")
    if booking.slot.starts_at > now:
        raise DomainError("the session has not started yet")
    booking.status = "no_show" if outcome == "no_show" else "attended"
    booking.outcome, booking.outcome_note = outcome, note.strip() or None
    booking.age_band, booking.outcome_at, booking.outcome_by_staff_id = age_band, now, staff_id
    return booking


async def sessions_to_record(
    session: AsyncSession, *, casa_ids: list[int] | None, since: datetime, now: datetime
) -> list[tuple[SpidSlot, list[tuple[Booking, Resident]]]]:
    """Sessions begun between `since` and now, newest first, with their bookings."""
    query = (
        select(Booking, Resident)
        .join(SpidSlot, Booking.slot_id == SpidSlot.id)
        .join(Resident, Booking.resident_id == Resident.id)
        .options(joinedload(Booking.slot).joinedload(SpidSlot.casa))
        .where(
            SpidSlot.starts_at >= since,
            SpidSlot.starts_at <= now,
            SpidSlot.cancelled.is_(False),
            Booking.status.in_(("confirmed", "attended", "no_show")),
        )
        .order_by(SpidSlot.starts_at.desc(), Booking.created_at)
    )
    if casa_ids is not None:
        query = query.where(SpidSlot.casa_id.in_(casa_ids))
    grouped: dict[int, tuple[SpidSlot, list[tuple[Booking, Resident]]]] = {}
    for booking, resident in (await session.execute(query)).all():
        grouped.setdefault(booking.slot_id, (booking.slot, []))[1].append((booking, resident))
    return list(grouped.values())


@dataclass
class MonthReport:
    """What a month of SPID sessions gave: counts only, nothing that names a resident."""

    bookings: int = 0
    people_helped: int = 0
    no_shows: int = 0
    not_recorded: int = 0
    by_outcome: Counter[str] = field(default_factory=Counter)
    by_age: Counter[str] = field(default_factory=Counter)
    by_language: Counter[str] = field(default_factory=Counter)
    by_channel: Counter[str] = field(default_factory=Counter)

    def rows(self) -> list[tuple[str, str, int]]:
        """(dimension, value, count) rows, e.g. for a CSV file."""
        rows = [
            ("total", "bookings", self.bookings),
            ("total", "people_helped", self.people_helped),
            ("total", "no_shows", self.no_shows),
            ("total", "not_recorded", self.not_recorded),
        ]
        for name, counts in (
            ("outcome", self.by_outcome),
            ("age_band", self.by_age),
            ("language", self.by_language),
            ("channel", self.by_channel),
        ):
            rows.extend((name, value, count) for value, count in sorted(counts.items()))
        return rows


async def month_report(
    session: AsyncSession, *, start: datetime, end: datetime, casa_ids: Sequence[int] | None
) -> MonthReport:
    """Bookings of sessions in [start, end) of the given Case (None: the city)."""
    # The channel a booking came from: the resident's message of the same turn.
    channel = (
        select(MessageLog.channel)
        .where(
            MessageLog.resident_id == Booking.resident_id,
            MessageLog.direction == "in",
            MessageLog.created_at <= Booking.created_at,
        )
        .order_by(MessageLog.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(Booking, Resident.language, channel)
        .join(SpidSlot, Booking.slot_id == SpidSlot.id)
        .join(Resident, Booking.resident_id == Resident.id)
        .where(
            SpidSlot.starts_at >= start,
            SpidSlot.starts_at < end,
            SpidSlot.cancelled.is_(False),
            Booking.status.in_(("confirmed", "attended", "no_show")),
        )
    )
    if casa_ids is not None:
        query = query.where(SpidSlot.casa_id.in_(casa_ids))
    report, helped = MonthReport(), set()
    for booking, language, booked_on in (await session.execute(query)).all():
        report.bookings += 1
        if booking.outcome is None:
            report.not_recorded += 1
            continue
        report.by_outcome[booking.outcome] += 1
        if booking.outcome == "no_show":
            report.no_shows += 1
            continue
        if booking.resident_id not in helped:  # a person counts once however many visits
            helped.add(booking.resident_id)
            report.by_age[booking.age_band or "unknown"] += 1
            report.by_language[language] += 1
            report.by_channel[booked_on or "unknown"] += 1
    report.people_helped = len(helped)
    return report
