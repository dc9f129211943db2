"""Spoken answers: the resident's preference, and the voice notes served to WhatsApp."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from actions.models import SpokenClip

# Twilio fetches a message's media when it sends it, within seconds; an hour covers its
# retries, and after that the URL leads nowhere.
CLIP_LIFETIME = timedelta(hours=1)


def keep_clip(
    session: AsyncSession,
    *,
    resident_id: int | None,
    data: bytes,
    content_type: str,
    now: datetime,
    lifetime: timedelta = CLIP_LIFETIME,
) -> str:
    """Keep a voice note to serve; its unguessable token (256 random bits)."""
    token = secrets.token_urlsafe(32)
    session.add(
        SpokenClip(
            token=token,
            resident_id=resident_id,
            content_type=content_type,
            data=data,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


async def clip_by_token(session: AsyncSession, *, token: str, now: datetime) -> SpokenClip | None:
    """The clip for this token while it has not expired; None otherwise."""
    clip = await session.scalar(select(SpokenClip).where(SpokenClip.token == token))
    if clip is None or clip.expires_at <= now:
        return None
    return clip


async def purge_clips(session: AsyncSession, *, now: datetime) -> None:
    """Delete the clips that have expired: nobody may fetch them any more."""
    await session.execute(delete(SpokenClip).where(SpokenClip.expires_at <= now))
