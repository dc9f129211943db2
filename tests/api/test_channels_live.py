"""The real server on a real port: webhooks answered fast, the embedded sender delivers."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import select

from actions.db import SessionFactory, transaction
from actions.demo import load_demo
from actions.models import Delivery
from api.main import create_app
from bot.runtime.turns import Conversations
from nlu.types import NLU
from tests.conftest import NOW, ROME
from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import FakeTwilio, sign
from tests.support import channels as support
from tests.support.channels import (
    SmsResident,
    TelegramResident,
    Webhooks,
    channel_settings,
    require_redis,
)
from tests.support.clock import RunningClock
from tests.support.processes import eventually, free_port, serving_app

# On PostgreSQL too: the real server's intake and embedded sender (with Redis there).
pytestmark = pytest.mark.both_databases

fake_telegram, fake_twilio = support.fake_telegram, support.fake_twilio


@dataclass
class Live:
    """A running server, its base URL and its database."""

    hooks: Webhooks
    url: str
    sessions: SessionFactory


@pytest.fixture
async def live(
    database: tuple[str, str | None],
    sessions: SessionFactory,
    nlu: NLU,
    fake_telegram: FakeTelegram,
    fake_twilio: FakeTwilio,
) -> AsyncIterator[Live]:
    async with transaction(sessions) as session:
        await load_demo(session, now=NOW, zone=ROME)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # On PostgreSQL the web server sends only when Redis holds the shared budget.
    extra = {"redis_url": await require_redis()} if database[1] else {}
    app = create_app(
        channel_settings(database, fake_telegram, fake_twilio, public_url=url, **extra),
        clock=RunningClock(NOW),
    )
    app.state.conversations = Conversations(app.state.store.sessions, nlu, ROME)
    async with serving_app(app, port), httpx.AsyncClient(base_url=url) as client:
        yield Live(Webhooks(client, public_url=url), url, sessions)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def test_webhooks_answer_fast_and_the_replies_follow(
    live: Live, fake_telegram: FakeTelegram
) -> None:
    residents = [
        TelegramResident(live.hooks, fake_telegram, chat_id=5000 + n, update_id=1000 * n)
        for n in range(20)
    ]
    posted: dict[int, float] = {}
    for n, resident in enumerate(residents):
        posted[resident.chat_id] = time.monotonic()
        answer = await resident.says("ciao" if n % 2 else "/start")  # free text goes to the NLU
        assert answer.status_code == 200
    await eventually(lambda: all(r.received() for r in residents), timeout=10, every=0.02)
    first = {int(c.fields["chat_id"]): c.at for c in reversed(fake_telegram.calls("sendMessage"))}
    to_reply = [first[chat] - at for chat, at in posted.items()]
    answers = live.hooks.timings
    print(
        f"\nwebhook answer: p50 {statistics.median(answers) * 1000:.0f} ms, "
        f"p95 {_percentile(answers, 0.95) * 1000:.0f} ms, max {max(answers) * 1000:.0f} ms; "
        f"reply at the fake: p50 {statistics.median(to_reply) * 1000:.0f} ms, "
        f"p95 {_percentile(to_reply, 0.95) * 1000:.0f} ms"
    )
    # Speed is a benchmark's business, not a test's: here only that every resident got a
    # reply through the outbox, after a webhook that did not wait for the send.
    assert len(answers) == len(residents)


async def test_sms_status_callbacks_reach_the_delivery(live: Live, fake_twilio: FakeTwilio) -> None:
    mario = SmsResident(live.hooks, fake_twilio)
    await mario.says("menu")
    await eventually(lambda: bool(mario.received()), timeout=10, every=0.02)
    sid = None
    for _ in range(100):  # the sender records the SID just after Twilio answered
        async with live.sessions() as session:
            sid = await session.scalar(select(Delivery.provider_message_id))
        if sid:
            break
        await asyncio.sleep(0.05)
    [created] = mario.received()
    callback = created["StatusCallback"]
    assert callback == live.url + "/webhooks/twilio"
    fields = {
        "MessageSid": sid,
        "MessageStatus": "delivered",
        "SmsStatus": "delivered",
        "To": mario.number,
        "From": created["From"],
        "AccountSid": "AC" + "0" * 31 + "1",
    }
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            callback,
            content=urlencode(fields),
            headers={
                "content-type": "application/x-www-form-urlencoded",
                "x-twilio-signature": sign(callback, fields),
            },
        )
    assert answer.status_code == 200
    async with live.sessions() as session:
        assert await session.scalar(select(Delivery.status)) == "delivered"


async def test_long_polling_without_a_public_address(
    database: tuple[str, str | None],
    sessions: SessionFactory,
    nlu: NLU,
    fake_telegram: FakeTelegram,
    fake_twilio: FakeTwilio,
) -> None:
    async with transaction(sessions) as session:
        await load_demo(session, now=NOW, zone=ROME)
    extra = {"redis_url": await require_redis()} if database[1] else {}
    settings = channel_settings(database, fake_telegram, fake_twilio, **extra)
    app = create_app(settings, telegram_polling=True, clock=RunningClock(NOW))
    app.state.conversations = Conversations(app.state.store.sessions, nlu, ROME)
    fake_telegram.webhook = {"url": "https://old.example.org/webhooks/telegram"}
    query = {
        "id": "cq1",
        "from": {"id": 77, "is_bot": False, "first_name": "Anna"},
        "chat_instance": "1",
        "data": "4",
        "message": {
            "message_id": 1,
            "date": 1795593600,
            "text": "menu",
            "chat": {"id": 77, "type": "private"},
        },
    }
    fake_telegram.push_update({"update_id": 1, "callback_query": query})
    async with app.router.lifespan_context(app):
        await eventually(lambda: bool(fake_telegram.sent()), timeout=10, every=0.02)
        await eventually(
            lambda: bool(fake_telegram.calls("answerCallbackQuery")), timeout=10, every=0.02
        )
    assert fake_telegram.webhook == {}  # deleted: Telegram refuses getUpdates while one is set
    assert fake_telegram.sent()[0]["chat_id"] == "77"
    assert fake_telegram.calls("answerCallbackQuery")[0].fields["callback_query_id"] == "cq1"
