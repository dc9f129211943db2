"""A resident's voice note, played in the console beside its transcript.

Portineria keeps no copy of the audio: it stays with Telegram or Twilio, and is fetched from
there (with the bot's or the account's credentials) each time a custodian listens.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, status
from fastapi.responses import Response
from sqlalchemy import select

from actions.models import MessageLog
from api.console.handoff import visible_handoff
from api.console.web import ConsoleStaff
from api.csrf import verify_csrf
from api.deps import Id, Session
from bot.channels.errors import MediaUnavailable

# Reads only today; the check stands so that a form added here later is covered too.
router = APIRouter(prefix="/console/handoffs", dependencies=[Depends(verify_csrf)])
AUDIO_KINDS = ("voice", "audio")
ProviderId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


def audio_path(handoff_id: int, provider_message_id: str) -> str:
    """Where the console plays this message's voice note."""
    return f"/console/handoffs/{handoff_id}/audio/{provider_message_id}"


@router.get("/{handoff_id}/audio/{provider_message_id}")
async def voice_note(
    handoff_id: Id,
    provider_message_id: ProviderId,
    request: Request,
    user: ConsoleStaff,
    session: Session,
) -> Response:
    """The audio of one of the resident's messages in this handoff."""
    handoff = await visible_handoff(session, handoff_id, user)
    message = await session.scalar(
        select(MessageLog).where(
            MessageLog.resident_id == handoff.resident_id,
            MessageLog.provider_message_id == provider_message_id,
            MessageLog.direction == "in",
        )
    )
    media = [m for m in (message.media if message else []) if m.get("kind") in AUDIO_KINDS]
    runtime = getattr(request.app.state, "channels", None)
    channel = runtime.channels.get(message.channel) if runtime and message else None
    if not media or channel is None or not hasattr(channel, "fetch_media"):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no voice note in this message")
    try:
        audio = await channel.fetch_media(str(media[0].get("url")))
    except MediaUnavailable:
        raise HTTPException(
            status.HTTP_502_BAD_GATEWAY, "the provider no longer has this voice note"
        ) from None
    # Telegram's voice notes are OGG/Opus; Twilio says the type with the media.
    content_type = media[0].get("content_type") or "audio/ogg"
    return Response(audio, media_type=str(content_type), headers={"Cache-Control": "no-store"})
