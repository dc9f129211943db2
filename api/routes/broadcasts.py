"""Staff API: announcements (community managers and admins only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from actions import audit, broadcasts
from actions.models import Broadcast, StaffUser
from api.deps import Config, Id, Now, Session, Staff, require_role
from api.schemas import ERRORS, BroadcastIn, BroadcastStatus
from api.scope import ensure_broadcast_visible, ensure_may_announce
from bot.runtime.broadcast_preview import preview as preview_of

router = APIRouter(prefix="/api/broadcasts", tags=["broadcasts"], responses=ERRORS)
ROLES = ("community_manager", "admin")


@router.post("", status_code=201, summary="Create a draft or scheduled broadcast")
async def create(body: BroadcastIn, session: Session, user: Staff, now: Now) -> BroadcastStatus:
    require_role(user, *ROLES)
    await ensure_may_announce(session, user, body.quartiere)
    created = await broadcasts.create_broadcast(
        session,
        texts=dict(body.texts),
        quartiere=body.quartiere,
        language=body.language,
        channel=body.channel,
        scheduled_at=body.scheduled_at,
        whatsapp_content_sid=body.whatsapp_content_sid,
        whatsapp_variables=body.whatsapp_variables,
        staff_id=user.id,
        now=now,
    )
    audit.record(
        session,
        staff_id=user.id,
        action="broadcast.create",
        target=f"broadcast:{created.id}",
        now=now,
    )
    return BroadcastStatus(**await broadcasts.statistics(session, broadcast_id=created.id))


@router.get("/{broadcast_id}", summary="Statistics of a broadcast")
async def status(broadcast_id: Id, session: Session, user: Staff) -> BroadcastStatus:
    await _visible(session, broadcast_id, user)
    return BroadcastStatus(**await broadcasts.statistics(session, broadcast_id=broadcast_id))


@router.get("/{broadcast_id}/preview", summary="Reach per channel, SMS segments, WhatsApp")
async def preview(
    broadcast_id: Id, session: Session, user: Staff, now: Now, settings: Config
) -> dict[str, Any]:
    broadcast = await _visible(session, broadcast_id, user)
    return await preview_of(
        session,
        broadcast=broadcast,
        now=now,
        segment_cost=settings.sms_segment_cost,
        sms_per_second=settings.sms_per_second,
    )


@router.post("/{broadcast_id}/send", summary="Fan out now")
async def send(broadcast_id: Id, session: Session, user: Staff, now: Now) -> BroadcastStatus:
    await _visible(session, broadcast_id, user)
    await broadcasts.fan_out(session, broadcast_id=broadcast_id, now=now)
    audit.record(
        session,
        staff_id=user.id,
        action="broadcast.send",
        target=f"broadcast:{broadcast_id}",
        now=now,
    )
    return BroadcastStatus(**await broadcasts.statistics(session, broadcast_id=broadcast_id))


@router.post("/{broadcast_id}/cancel", summary="Stop: what is not sent yet is skipped")
async def cancel(broadcast_id: Id, session: Session, user: Staff, now: Now) -> BroadcastStatus:
    await _visible(session, broadcast_id, user)
    await broadcasts.cancel_broadcast(session, broadcast_id=broadcast_id)
    audit.record(
        session,
        staff_id=user.id,
        action="broadcast.cancel",
        target=f"broadcast:{broadcast_id}",
        now=now,
    )
    return BroadcastStatus(**await broadcasts.statistics(session, broadcast_id=broadcast_id))


async def _visible(session: Session, broadcast_id: int, user: StaffUser) -> Broadcast:
    """The broadcast, if the user's role and neighbourhood let them act on it (else 403/404)."""
    require_role(user, *ROLES)
    broadcast = await broadcasts.broadcast_by_id(session, broadcast_id=broadcast_id)
    await ensure_broadcast_visible(session, broadcast, user)
    return broadcast
