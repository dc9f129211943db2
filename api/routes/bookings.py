"""Staff API: the SPID bookings of the Case the caller manages, with who each seat is for."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from actions.models import MAX_ID, Booking, SpidSlot
from api.deps import Now, Session, Staff
from api.schemas import ERRORS, BookingOut
from api.scope import casa_ids_visible

router = APIRouter(prefix="/api/bookings", tags=["bookings"], responses=ERRORS)
# the sessions of the last weeks stay listed: the custodian records how each went
RECENT = timedelta(days=28)


@router.get("", summary="Bookings in the caller's Case, from four weeks ago on, by time")
async def list_bookings(
    session: Session,
    user: Staff,
    now: Now,
    slot_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
) -> list[BookingOut]:
    query = (
        select(Booking)
        .join(Booking.slot)
        .options(contains_eager(Booking.slot))
        .where(SpidSlot.starts_at >= now - RECENT)
        .order_by(SpidSlot.starts_at, Booking.id)
    )
    if (visible := casa_ids_visible(user)) is not None:
        query = query.where(SpidSlot.casa_id.in_(visible))
    if slot_id is not None:
        query = query.where(Booking.slot_id == slot_id)
    if status is not None:
        query = query.where(Booking.status == status)
    found = await session.scalars(query.limit(500))
    return [BookingOut.from_booking(b) for b in found]
