"""Answering aloud: a reply read by espeak-ng (offline) in the resident's language, as OGG/Opus.

Telegram plays OGG/Opus as a voice note, and WhatsApp as an audio message; PyAV (already
here for listening) encodes it, so no ffmpeg is needed on the machine.
"""

from __future__ import annotations

import asyncio
import base64
import io
import logging
import shutil
import subprocess
import unicodedata
import wave
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from actions import voice
from bot.i18n import gettext_for
from bot.messages import Reply

log = logging.getLogger(__name__)
SPOKEN_CHANNELS = ("telegram", "whatsapp")  # SMS carries no audio

OGG_OPUS = "audio/ogg"
OPUS_RATE = 48_000  # the rate Opus works at
OPUS_BITRATE = 24_000  # speech is clear at 24 kbit/s: a minute is about 180 KB
# espeak-ng's voice names for our languages.
VOICES = {"it": "it", "en": "en-gb", "ar": "ar", "ro": "ro", "sq": "sq", "uk": "uk", "zh": "cmn"}
WORDS_PER_MINUTE = 150  # a little slower than espeak-ng's 175: easier to follow
MAX_CHARS = 2000  # a reply read aloud for minutes helps no one; the text is there too
TIMEOUT = 30.0


class SpeechUnavailable(RuntimeError):
    """espeak-ng is not installed, or failed."""


def espeak_path() -> str:
    """The espeak-ng program; SpeechUnavailable when it is not installed."""
    found = shutil.which("espeak-ng")
    if found is None:
        raise SpeechUnavailable("espeak-ng is not installed (apt-get install espeak-ng)")
    return found


def spoken_text(text: str, options: tuple[str, ...] | list[str], say_number: str) -> str:
    """What is read aloud: the text, each option with its number, then how to choose."""
    lines = [text]
    lines += [f"{n}: {label}." for n, label in enumerate(options, start=1)]
    if options:
        lines.append(say_number)
    # Emoji and symbols are read out by name ("grinning face"): leave them to the eyes.
    said = "\n".join(lines)
    return "".join(ch for ch in said if unicodedata.category(ch) not in ("So", "Sk", "Cs"))[
        :MAX_CHARS
    ]


def synthesize(text: str, language: str, *, speed: int = WORDS_PER_MINUTE) -> tuple[bytes, int]:
    """espeak-ng's 16-bit mono WAV of `text` as (samples, sample rate)."""
    voice = VOICES.get(language, "it")
    try:
        # The text goes on stdin, never on the command line: it is the resident's words too.
        done = subprocess.run(
            [espeak_path(), "-v", voice, "-s", str(speed), "--stdout"],
            input=text.encode(),
            capture_output=True,
            timeout=TIMEOUT,
            check=True,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        raise SpeechUnavailable(f"espeak-ng failed: {type(exc).__name__}") from None
    with wave.open(io.BytesIO(done.stdout)) as wav:
        return wav.readframes(wav.getnframes()), wav.getframerate()


def encode_ogg_opus(pcm: bytes, rate: int) -> bytes:
    """16-bit mono PCM as an OGG/Opus file."""
    import av

    samples = np.frombuffer(pcm, dtype=np.int16).reshape(1, -1)
    out_buffer = io.BytesIO()
    with av.open(out_buffer, mode="w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=OPUS_RATE)
        stream.bit_rate = OPUS_BITRATE
        stream.layout = "mono"
        resampler = av.AudioResampler(format="s16", layout="mono", rate=OPUS_RATE)
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate = rate
        frame.time_base = Fraction(1, rate)
        frame.pts = 0
        for resampled in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(resampled):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out_buffer.getvalue()


def voice_note(text: str, language: str) -> bytes:
    """`text` read aloud in `language`, as an OGG/Opus voice note."""
    pcm, rate = synthesize(text, language)
    return encode_ogg_opus(pcm, rate)


@dataclass(frozen=True)
class SpokenReplies:
    """Each reply also as a voice note, for the residents who asked (Telegram, WhatsApp)."""

    media_base: str  # where Portineria serves the clips: PUBLIC_URL/media/voice

    async def notes(self, replies: list[Reply], language: str, channel: str) -> list[bytes | None]:
        """One voice note per reply (None where it has no text or espeak-ng failed)."""
        if channel not in SPOKEN_CHANNELS:
            return []
        say_number = gettext_for(language)("Dica o scriva il numero.")
        notes: list[bytes | None] = []
        for reply in replies:
            said = spoken_text(reply.text, reply.options, say_number).strip()
            try:
                notes.append(await asyncio.to_thread(voice_note, said, language) if said else None)
            except SpeechUnavailable as exc:
                log.warning("spoken reply not made: %s", exc)
                notes.append(None)
        return notes

    def attach(
        self,
        session: AsyncSession,
        payload: dict[str, Any],
        note: bytes,
        *,
        channel: str,
        resident_id: int,
        now: datetime,
    ) -> None:
        """Put the note in the outbox payload: the file itself for Telegram (sendVoice), an
        expiring URL for WhatsApp (Twilio fetches the media from us)."""
        if channel == "telegram":
            payload["voice"] = base64.b64encode(note).decode()
        elif channel == "whatsapp":
            token = voice.keep_clip(
                session, resident_id=resident_id, data=note, content_type=OGG_OPUS, now=now
            )
            payload["voice_url"] = f"{self.media_base}/{token}"
