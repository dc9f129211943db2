"""Voice notes end to end: the real webhooks, the fake Bot API and Twilio, Whisper, espeak-ng."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import av
import httpx
import pytest
from sqlalchemy import select

from actions.db import SessionFactory, transaction
from actions.demo import load_demo
from actions.models import Conversation, MessageLog
from api import deps
from api.main import create_app
from api.media import PREFIX as MEDIA_PREFIX
from api.runtime import build_channels, voice_notes
from bot.runtime.budget import Budget
from bot.runtime.events import ChannelRuntime
from bot.runtime.inbox import InboxWriter
from bot.runtime.intake import Intake
from bot.runtime.sender import Sender
from bot.runtime.speaking import SpokenReplies, encode_ogg_opus, synthesize
from bot.runtime.turns import Conversations
from nlu.types import NLU
from tests.conftest import NOW, ROME
from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import ACCOUNT_SID, WHATSAPP_FROM, FakeTwilio
from tests.support import channels as support
from tests.support.channels import (
    PUBLIC_URL,
    TELEGRAM_USER,
    Harness,
    Webhooks,
    channel_settings,
    send_all,
)
from tests.support.clock import RunningClock

fake_telegram, fake_twilio = support.fake_telegram, support.fake_twilio
SPID_REQUEST = "vorrei prenotare un appuntamento per lo SPID"
CHAT = TELEGRAM_USER["id"]
WHATSAPP_NUMBER = "+393401234567"
# Whisper's results do not depend on the database: the slow tests run on SQLite only.
sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def spoken(text: str, *, language: str = "it", seconds: float | None = None) -> bytes:
    """`text` said by espeak-ng as an OGG/Opus voice note, padded with silence to `seconds`."""
    pcm, rate = synthesize(text, language) if text else (b"", 16_000)
    if seconds is not None:
        pcm += b"\0\0" * max(int(seconds * rate) - len(pcm) // 2, 0)
    return encode_ogg_opus(pcm, rate)


@pytest.fixture
async def voiced(
    database: tuple[str, str | None],
    sessions: SessionFactory,
    nlu: NLU,
    fake_telegram: FakeTelegram,
    fake_twilio: FakeTwilio,
) -> AsyncIterator[tuple[Harness, httpx.AsyncClient]]:
    """The app with every channel on the fakes, listening and speaking as in production."""
    async with transaction(sessions) as session:
        await load_demo(session, now=NOW, zone=ROME)
    clock = RunningClock(NOW)
    settings = channel_settings(database, fake_telegram, fake_twilio)
    app = create_app(settings, clock=clock)
    channels = build_channels(settings)
    sender = Sender(sessions, channels, Budget(), clock)
    conversations = Conversations(
        sessions, nlu, ROME, speaker=SpokenReplies(PUBLIC_URL + MEDIA_PREFIX)
    )
    listen = voice_notes(settings, sessions, channels)
    intake = Intake(sessions, conversations, sender.wake, clock, listen=listen)
    app.state.channels = ChannelRuntime(
        channels, sender, sessions, PUBLIC_URL, InboxWriter(sessions), None, intake, clock
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
        hooks = Webhooks(client, then=intake.drain)
        yield Harness(hooks, sessions, sender, fake_telegram, fake_twilio), client
    for channel in channels.values():
        await channel.close()


async def telegram_voice(harness: Harness, audio: bytes, update_id: int) -> list[str]:
    """A voice note through the webhook; the texts the resident then received."""
    file_id = f"AwACAgQAAxkBVoice{update_id}"
    harness.telegram.add_file(file_id, audio)
    before = len(harness.telegram.sent())
    message = {
        "message_id": update_id % 1000,
        "date": 1795593600,
        "from": TELEGRAM_USER,
        "chat": {"id": CHAT, "first_name": "Giulia", "type": "private"},
        "voice": {
            "duration": 4,
            "mime_type": "audio/ogg",
            "file_id": file_id,
            "file_unique_id": f"u{update_id}",
            "file_size": len(audio),
        },
    }
    answer = await harness.hooks.telegram({"update_id": update_id, "message": message})
    assert answer.status_code == 200
    await send_all(harness)
    return [m["text"] for m in harness.telegram.sent()[before:]]


async def telegram_text(harness: Harness, text: str, update_id: int) -> None:
    message = {
        "message_id": update_id % 1000,
        "date": 1795593600,
        "from": TELEGRAM_USER,
        "chat": {"id": CHAT, "first_name": "Giulia", "type": "private"},
        "text": text,
    }
    assert (await harness.hooks.telegram({"update_id": update_id, "message": message})).is_success
    await send_all(harness)


async def whatsapp(harness: Harness, sid: str, **fields: str) -> list[dict[str, str]]:
    """A WhatsApp message through the signed webhook; what the fake Twilio then received."""
    before = len(harness.twilio.created())
    form = {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": ACCOUNT_SID,
        "SmsStatus": "received",
        "From": f"whatsapp:{WHATSAPP_NUMBER}",
        "To": WHATSAPP_FROM,
        "Body": "",
        "NumMedia": "0",
        "ApiVersion": "2010-04-01",
        **fields,
    }
    assert (await harness.hooks.twilio(form)).status_code == 200
    await send_all(harness)
    return harness.twilio.created()[before:]


async def flow_of(sessions: SessionFactory) -> Any:
    async with sessions() as session:
        return (await session.scalars(select(Conversation))).one().state.get("flow")


@pytest.mark.slow
@sqlite_only
async def test_a_spoken_spid_request_on_telegram_is_heard_and_booked(
    voiced: tuple[Harness, httpx.AsyncClient],
) -> None:
    harness, _client = voiced
    texts = await telegram_voice(harness, spoken(SPID_REQUEST), 900000001)
    assert texts[0].startswith("Ho capito: «") and "prenotare" in texts[0].lower()
    assert "In quale Casa di Quartiere?" in "\n".join(texts[1:])  # the booking form's question
    assert await flow_of(harness.sessions) == "spid"
    async with harness.sessions() as session:
        logged = await session.scalar(select(MessageLog).where(MessageLog.direction == "in"))
    assert logged is not None and "prenotare" in logged.text.lower()
    assert logged.media == [
        {
            "kind": "voice",
            "url": "telegram-file:AwACAgQAAxkBVoice900000001",
            "content_type": "audio/ogg",
            "heard": "heard",
        }
    ]
    assert [r.path.rpartition("/")[2] for r in harness.telegram.requests][:2] == [
        "getFile",
        "AwACAgQAAxkBVoice900000001",
    ]


@pytest.mark.slow
@sqlite_only
async def test_silence_and_long_notes_on_telegram(
    voiced: tuple[Harness, httpx.AsyncClient],
) -> None:
    harness, _client = voiced
    [silence] = await telegram_voice(harness, spoken("", seconds=4), 900000011)
    assert "Non ho capito il messaggio vocale. Può dirlo di nuovo o scriverlo?" in silence
    assert "persona" in silence
    # Three minutes: the request, then silence; only the first two are heard.
    long_note = spoken(SPID_REQUEST, seconds=180)
    texts = await telegram_voice(harness, long_note, 900000012)
    assert texts[0].startswith("Ho capito: «")
    assert texts[0].endswith("ho ascoltato solo i primi 2 minuti.")


@pytest.mark.slow
@sqlite_only
async def test_a_spoken_spid_request_on_whatsapp_is_fetched_with_the_account(
    voiced: tuple[Harness, httpx.AsyncClient],
) -> None:
    harness, _client = voiced
    sid = "MM" + "7" * 32
    url = harness.twilio.add_media(sid, spoken(SPID_REQUEST), "audio/ogg")
    sent = await whatsapp(harness, sid, NumMedia="1", MediaUrl0=url, MediaContentType0="audio/ogg")
    assert sent[0]["Body"].startswith("Ho capito: «")
    assert "In quale Casa di Quartiere?" in "\n".join(m.get("Body", "") for m in sent[1:])
    fetched = [r for r in harness.twilio.requests if r.method == "GET"]
    assert len(fetched) == 1 and fetched[0].headers["authorization"].startswith("Basic ")


async def test_spoken_answers_go_as_telegram_voice_notes(
    voiced: tuple[Harness, httpx.AsyncClient],
) -> None:
    harness, _client = voiced
    await telegram_text(harness, "mi risponda a voce", 900000021)
    assert "Va bene, da ora le rispondo anche a voce." in harness.telegram.sent()[-1]["text"]
    [(chat, audio)] = harness.telegram.voices()
    assert chat == str(CHAT)
    with av.open(io.BytesIO(audio)) as container:
        assert container.format.name == "ogg"
        [stream] = container.streams.audio
        assert stream.codec_context.name == "opus"
        assert sum(frame.samples for frame in container.decode(stream)) > 48_000  # > 1 s
    # Off again from the language menu's last entry.
    await telegram_text(harness, "lingua", 900000022)
    assert "Risposte solo scritte" in harness.telegram.sent()[-1]["reply_markup"]
    await telegram_text(harness, "8", 900000023)
    assert harness.telegram.sent()[-1]["text"].startswith("Va bene, da ora le rispondo solo")
    assert len(harness.telegram.voices()) == 2  # the answers before "off" were spoken


async def test_spoken_answers_on_whatsapp_are_served_until_they_expire(
    voiced: tuple[Harness, httpx.AsyncClient],
) -> None:
    harness, client = voiced
    sent = await whatsapp(harness, "SM" + "1" * 32, Body="mi risponda a voce")
    assert "Va bene, da ora le rispondo anche a voce." in sent[0]["Body"]
    voice_url = sent[1]["MediaUrl"]
    assert voice_url.startswith(PUBLIC_URL + MEDIA_PREFIX + "/") and "Body" not in sent[1]
    path = voice_url.removeprefix(PUBLIC_URL)
    answer = await client.get(path)
    assert answer.status_code == 200 and answer.headers["content-type"] == "audio/ogg"
    assert answer.content.startswith(b"OggS")
    wrong = path[:-4] + ("AAAA" if not path.endswith("AAAA") else "BBBB")
    assert (await client.get(wrong)).status_code == 404
    assert (await client.get(MEDIA_PREFIX + "/short")).status_code in (404, 422)
    later = NOW + timedelta(hours=2)
    client_app = client._transport.app  # type: ignore[attr-defined]
    client_app.dependency_overrides[deps.now] = lambda: later
    assert (await client.get(path)).status_code == 404


async def test_sms_cannot_speak(voiced: tuple[Harness, httpx.AsyncClient]) -> None:
    harness, _client = voiced
    resident = support.SmsResident(harness.hooks, harness.twilio)
    await resident.says("mi risponda a voce")
    await send_all(harness)
    # with the welcome and the menu it passes two segments: cut in two SMS (bot/paging.py)
    assert "Con gli SMS non posso mandare" in "\n".join(m["Body"] for m in resident.received())
