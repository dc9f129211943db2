"""A voice note in the console: the transcript, a player, the audio fetched from the provider."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from actions import residents
from actions.db import SessionFactory, transaction
from api.main import create_app
from api.runtime import build_channels
from bot.runtime.events import ChannelRuntime
from tests.conftest import NOW
from tests.console.conftest import SECRET, add_staff, log_in, resident_waiting
from tests.fakes.telegram import TOKEN, FakeTelegram
from tests.support import channels as support

fake_telegram = support.fake_telegram
AUDIO = b"OggS-a-voice-note"


@pytest.fixture
async def console_with_telegram(
    database: tuple[str, str | None], demo_sessions: SessionFactory, fake_telegram: FakeTelegram
) -> AsyncIterator[httpx.AsyncClient]:
    """The console of an app whose Telegram bot is the fake (where the audio is kept)."""
    url, schema = database
    settings = support.Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        database_schema=schema,
        secret_key=SECRET,
        telegram_token=TOKEN,
        telegram_api_url=fake_telegram.url,
    )
    app = create_app(settings)
    channels = build_channels(settings)
    app.state.channels = ChannelRuntime(channels, None, demo_sessions, "", None, None, None)  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portineria") as client:
        yield client
    for channel in channels.values():
        await channel.close()


async def test_custodians_read_the_transcript_and_hear_the_audio(
    console_with_telegram: httpx.AsyncClient,
    demo_sessions: SessionFactory,
    fake_telegram: FakeTelegram,
) -> None:
    console = console_with_telegram
    await add_staff(demo_sessions, "c@ospizio.it", "custodian", "Ospizio")
    await add_staff(demo_sessions, "d@orologio.it", "custodian", "Orologio")
    waiting = await resident_waiting(demo_sessions)
    fake_telegram.add_file("VoiceF1", AUDIO)
    async with transaction(demo_sessions) as session:
        residents.log_message(
            session,
            resident_id=waiting.resident_id,
            channel="telegram",
            direction="in",
            text="ho bisogno di aiuto con la spesa",
            now=NOW,
            provider_message_id="815000777",
            media=[{"kind": "voice", "url": "telegram-file:VoiceF1", "heard": "heard"}],
        )
    here = f"/console/handoffs/{waiting.handoff_id}"
    await log_in(console, "c@ospizio.it")
    page = await console.get(here)
    assert "ho bisogno di aiuto con la spesa" in page.text
    assert f'src="{here}/audio/815000777"' in page.text
    audio = await console.get(f"{here}/audio/815000777")
    assert audio.status_code == 200 and audio.content == AUDIO
    assert audio.headers["content-type"] == "audio/ogg"
    assert (await console.get(f"{here}/audio/999")).status_code == 404  # no such message
    assert (await console.get(f"{here}/audio/..%2F..")).status_code in (404, 422)
    fake_telegram.files.clear()  # Telegram no longer has it
    assert (await console.get(f"{here}/audio/815000777")).status_code == 502
    # A custodian of another Casa does not see the handoff, nor its audio.
    await console.post("/console/logout")
    other = httpx.AsyncClient(transport=console._transport, base_url="http://portineria")
    async with other:
        await log_in(other, "d@orologio.it")
        assert (await other.get(f"{here}/audio/815000777")).status_code == 404
