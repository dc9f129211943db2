"""A voice note becomes its transcript before the turn: fetched, decoded and heard here, in
the intake (never in the webhook, which only keeps the media's reference)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from actions import residents
from actions.db import SessionFactory
from bot.channels.errors import MediaUnavailable
from bot.messages import HEARD, HEARD_CUT, NOT_HEARD, Inbound, Media
from bot.runtime.listening import LANGUAGES, Heard, shared_listener

log = logging.getLogger(__name__)
AUDIO_KINDS = ("voice", "audio")
Fetch = Callable[[str], Awaitable[bytes]]
Listen = Callable[[Inbound], Awaitable[Inbound]]


def voice_note_of(inbound: Inbound) -> Media | None:
    """The voice note or audio file of a message that has no text, if any."""
    if inbound.text or inbound.heard is not None:
        return None
    return next((m for m in inbound.media if m.kind in AUDIO_KINDS and m.url), None)


@dataclass
class VoiceNotes:
    """Hears voice notes: fetches them per channel, transcribes them with one shared model."""

    sessions: SessionFactory
    fetchers: Mapping[str, Fetch]  # channel -> its fetch_media
    model_dir: Path | None  # another CTranslate2 Whisper model; None: the shipped base
    assemble_into: Path  # where the shipped base model is joined

    async def listen(self, inbound: Inbound) -> Inbound:
        """The message with its transcript as text (`heard` says how it went)."""
        note = voice_note_of(inbound)
        fetch = self.fetchers.get(inbound.channel)
        if note is None or note.url is None or fetch is None:
            return inbound
        language = await self._language_of(inbound)
        try:
            audio = await fetch(note.url)
            heard = await asyncio.to_thread(self._hear, audio, language)
        except MediaUnavailable as exc:
            log.warning("voice note not fetched: %s", exc, extra={"channel": inbound.channel})
            return replace(inbound, heard=NOT_HEARD)
        except Exception as exc:  # noqa: BLE001 - a file PyAV cannot read, a model error
            log.warning("voice note not heard: %s", type(exc).__name__)
            return replace(inbound, heard=NOT_HEARD)
        if not heard.clear:
            return replace(inbound, heard=NOT_HEARD)
        return replace(inbound, text=heard.text, heard=HEARD_CUT if heard.cut else HEARD)

    def _hear(self, audio: bytes, language: str | None) -> Heard:
        # Loaded on the first note, then shared by the whole process.
        listener = shared_listener(self.model_dir, assemble_into=self.assemble_into)
        return listener.hear(audio, language=language)

    async def _language_of(self, inbound: Inbound) -> str | None:
        """The resident's language once known; else the app's (Telegram's language_code)."""
        async with self.sessions() as session:
            address = await residents.find_address(
                session, channel=inbound.channel, address=inbound.address
            )
            if address is not None and address.resident.language_confirmed:
                return address.resident.language
        hint = (inbound.language_hint or "").split("-")[0].lower()
        return hint if hint in LANGUAGES else None
