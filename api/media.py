"""Voice notes served to Twilio: WhatsApp sends media by URL, fetched from Portineria.

The URL's token is 256 random bits and expires (actions/voice.py): a stranger can neither
guess one nor use an old one. Twilio fetches without credentials, so the token is the key.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response, status

from actions import voice
from api.deps import Now, Session

PREFIX = "/media/voice"
router = APIRouter(tags=["media"])
# token_urlsafe(32): 43 characters of the URL-safe base64 alphabet.
Token = Annotated[str, Path(min_length=43, max_length=43, pattern=r"^[A-Za-z0-9_-]{43}$")]


@router.get(
    PREFIX + "/{token}",
    summary="A spoken reply (OGG/Opus) for Twilio to fetch, until it expires",
    response_class=Response,
    responses={404: {"description": "unknown or expired token"}},
)
async def spoken_clip(token: Token, session: Session, now: Now) -> Response:
    clip = await voice.clip_by_token(session, token=token, now=now)
    if clip is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such voice note, or it has expired")
    return Response(
        clip.data,
        media_type=clip.content_type,
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )
