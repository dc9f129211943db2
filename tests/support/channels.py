"""Channel test support: fakes as fixtures, settings that point at them, signed webhook calls."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import redis.asyncio
from sqlalchemy import func, select

from actions.db import SessionFactory, transaction
from actions.demo import load_demo
from actions.models import (
    Booking,
    ChannelAddress,
    Conversation,
    Delivery,
    Handoff,
    MessageLog,
    Need,
    Resident,
)
from api.main import create_app
from api.runtime import build_channels
from api.settings import Settings
from bot.channels import Channels
from bot.runtime.budget import Budget
from bot.runtime.events import ChannelRuntime
from bot.runtime.inbox import InboxWriter
from bot.runtime.intake import Intake
from bot.runtime.sender import Sender
from bot.runtime.staffroom import StaffRoom
from bot.runtime.turns import Conversations
from nlu.types import NLU
from tests.conftest import NOW, ROME
from tests.fakes.telegram import TOKEN, FakeTelegram
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, SMS_FROM, WHATSAPP_FROM, FakeTwilio, sign
from tests.support.clock import RunningClock

PUBLIC_URL = "https://portineria.example.org"
REDIS_URL = "redis://127.0.0.1:6379/0"
TELEGRAM_SECRET = "s3cret-token_for-tests"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TABLES = (Resident, ChannelAddress, Conversation, MessageLog, Delivery, Handoff, Need, Booking)


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    """The fake Bot API, running."""
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    """The fake Twilio API, running."""
    with FakeTwilio() as server:
        yield server


@dataclass
class Harness:
    """The app with every channel on the fakes; the sender is driven by the test."""

    hooks: Webhooks
    sessions: SessionFactory
    sender: Sender
    telegram: FakeTelegram
    twilio: FakeTwilio


@pytest.fixture
def staff_room() -> StaffRoom | None:
    """No custodians' Telegram group unless a test module says otherwise."""
    return None


@pytest.fixture
async def harness(
    database: tuple[str, str | None],
    sessions: SessionFactory,
    nlu: NLU,
    fake_telegram: FakeTelegram,
    fake_twilio: FakeTwilio,
    staff_room: StaffRoom | None,
) -> AsyncIterator[Harness]:
    clock = RunningClock(NOW)
    async with transaction(sessions) as session:
        await load_demo(session, now=NOW, zone=ROME)
    settings = channel_settings(database, fake_telegram, fake_twilio)
    app = create_app(settings, clock=clock)
    channels = build_channels(settings)
    sender = Sender(sessions, channels, Budget(), clock)
    conversations = Conversations(sessions, nlu, ROME, staff_room=staff_room)
    intake = Intake(sessions, conversations, sender.wake, clock)
    app.state.channels = ChannelRuntime(
        channels, sender, sessions, PUBLIC_URL, InboxWriter(sessions), staff_room, intake, clock
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
        # Each call's turn runs before the call returns, as if the intake were instant.
        hooks = Webhooks(client, then=intake.drain)
        yield Harness(hooks, sessions, sender, fake_telegram, fake_twilio)
    for channel in channels.values():
        await channel.close()


def channel_settings(
    database: tuple[str, str | None], telegram: FakeTelegram, twilio: FakeTwilio, **extra: Any
) -> Settings:
    """Settings for one database with every channel pointed at the fakes."""
    url, schema = database
    values: dict[str, Any] = {
        "database_url": url,
        "database_schema": schema,
        "public_url": PUBLIC_URL,
        "telegram_token": TOKEN,
        "telegram_secret_token": TELEGRAM_SECRET,
        "telegram_api_url": telegram.url,
        "twilio_account_sid": ACCOUNT_SID,
        "twilio_auth_token": AUTH_TOKEN,
        "twilio_sms_from": SMS_FROM,
        "twilio_whatsapp_from": WHATSAPP_FROM,
        "twilio_api_url": twilio.url,
        "redis_url": None,
        **extra,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
async def channels(
    fake_telegram: FakeTelegram, fake_twilio: FakeTwilio, tmp_path: Path
) -> AsyncIterator[Channels]:
    """Telegram, SMS and WhatsApp channels built from settings, pointed at the fakes."""
    settings = channel_settings(
        (f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}", None), fake_telegram, fake_twilio
    )
    built = build_channels(settings)
    yield built
    for channel in built.values():
        await channel.close()


@dataclass
class Webhooks:
    """Posts to the webhook routes as Telegram and Twilio do, signed unless told otherwise."""

    client: httpx.AsyncClient
    public_url: str = PUBLIC_URL
    timings: list[float] = field(default_factory=list)
    then: Callable[[], Awaitable[None]] | None = None  # after each call (run the intake)

    async def telegram(
        self, update: dict[str, Any] | bytes, *, secret: str | None = TELEGRAM_SECRET
    ) -> httpx.Response:
        """POST /webhooks/telegram with the secret-token header."""
        body = update if isinstance(update, bytes) else json.dumps(update).encode()
        headers = {"content-type": "application/json"}
        if secret is not None:
            headers["x-telegram-bot-api-secret-token"] = secret
        return await self._post("/webhooks/telegram", body, headers)

    async def twilio(
        self, fields: dict[str, str] | bytes, *, signature: str | None = None
    ) -> httpx.Response:
        """POST /webhooks/twilio as a signed form (the signature over PUBLIC_URL)."""
        url = self.public_url + "/webhooks/twilio"
        if isinstance(fields, bytes):
            body, signed = fields, sign(url, {})
        else:
            body, signed = urlencode(fields).encode(), sign(url, fields)
        headers = {
            "content-type": "application/x-www-form-urlencoded",
            "x-twilio-signature": signed if signature is None else signature,
        }
        return await self._post("/webhooks/twilio", body, headers)

    async def _post(self, path: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
        started = time.perf_counter()
        answer = await self.client.post(path, content=body, headers=headers)
        self.timings.append(time.perf_counter() - started)
        if self.then is not None:
            await self.then()
        return answer


async def send_all(harness: Harness) -> None:
    """Run the sender until no message is waiting (the per-chat pacing makes it take a while)."""
    for _ in range(200):
        async with harness.sessions() as session:
            open_rows = await session.scalar(
                select(Delivery.id).where(Delivery.status.in_(("pending", "sending")))
            )
        if open_rows is None:
            return
        if not await harness.sender.run_once():
            await asyncio.sleep(0.05)
    raise AssertionError("the outbox did not empty")


async def row_counts(sessions: SessionFactory) -> dict[str, int]:
    """How many rows each table the webhooks may touch holds."""
    async with sessions() as session:
        return {
            table.__tablename__: int(await session.scalar(select(func.count()).select_from(table)))
            for table in TABLES
        }


@dataclass(frozen=True)
class Case:
    """One labelled real-shaped payload from tests/fixtures/<channel>/<case>.json."""

    channel: str
    name: str
    description: str
    body: dict[str, Any]
    expect: dict[str, Any]
    setup: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.channel}/{self.name}"


def load_cases() -> list[Case]:
    """Every fixture file: adding a case is adding a file."""
    cases = []
    for path in sorted(FIXTURES.glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        cases.append(
            Case(
                path.parent.name,
                path.stem,
                data["description"],
                data["body"],
                data["expect"],
                data.get("setup", {}),
            )
        )
    return cases


TELEGRAM_USER = {
    "id": 391234567,
    "is_bot": False,
    "first_name": "Giulia",
    "language_code": "it",
}


@dataclass
class TelegramResident:
    """A resident on Telegram: types, presses buttons, reads what the fake Bot API received."""

    hooks: Webhooks
    fake: FakeTelegram
    chat_id: int = 391234567
    update_id: int = 900000000
    seen: int = 0

    def _next(self) -> int:
        self.update_id += 1
        return self.update_id

    def _chat(self) -> dict[str, Any]:
        return {"id": self.chat_id, "first_name": "Giulia", "type": "private"}

    async def says(self, text: str) -> httpx.Response:
        """Send a text message."""
        message = {
            "message_id": self.update_id % 10000,
            "date": 1795593600,
            "from": {**TELEGRAM_USER, "id": self.chat_id},
            "chat": self._chat(),
            "text": text,
        }
        self.last_update = {"update_id": self._next(), "message": message}
        return await self.hooks.telegram(self.last_update)

    async def presses(self, label: str) -> httpx.Response:
        """Press the button of the last message whose label contains `label`."""
        message = self.received()[-1]
        buttons = [row[0] for row in json.loads(message["reply_markup"])["inline_keyboard"]]
        [button] = [b for b in buttons if label in b["text"]]
        query = {
            "id": f"cq{self.update_id}",
            "from": {**TELEGRAM_USER, "id": self.chat_id},
            "chat_instance": "-28763234374647",
            "data": button["callback_data"],
            "message": {
                "message_id": 1,
                "date": 1795593600,
                "chat": self._chat(),
                "text": message["text"],
            },
        }
        self.last_update = {"update_id": self._next(), "callback_query": query}
        return await self.hooks.telegram(self.last_update)

    def received(self) -> list[dict[str, str]]:
        """Every message the bot sent to this chat."""
        return [m for m in self.fake.sent() if m["chat_id"] == str(self.chat_id)]

    def new(self) -> list[dict[str, str]]:
        """The messages sent since the last call."""
        messages = self.received()
        fresh, self.seen = messages[self.seen :], len(messages)
        return fresh


@dataclass
class SmsResident:
    """A resident on SMS: texts through the Twilio webhook, reads what the fake Twilio got."""

    hooks: Webhooks
    fake: FakeTwilio
    number: str = "+393331234567"
    sent: int = 0
    seen: int = 0

    async def says(self, text: str) -> httpx.Response:
        """Send one SMS."""
        self.sent += 1
        self.last_fields = {
            "MessageSid": f"SM{self.sent:032x}",
            "SmsSid": f"SM{self.sent:032x}",
            "AccountSid": ACCOUNT_SID,
            "From": self.number,
            "To": SMS_FROM,
            "Body": text,
            "NumMedia": "0",
            "SmsStatus": "received",
            "ApiVersion": "2010-04-01",
        }
        return await self.hooks.twilio(self.last_fields)

    def received(self) -> list[dict[str, str]]:
        """Every SMS the bot sent to this number."""
        return [m for m in self.fake.created() if m["To"] == self.number]

    def new(self) -> list[dict[str, str]]:
        """The SMS sent since the last call."""
        messages = self.received()
        fresh, self.seen = messages[self.seen :], len(messages)
        return fresh

    def option(self, label: str) -> str:
        """The number in front of the last SMS's option that contains `label`."""
        lines = self.received()[-1]["Body"].splitlines()
        [number] = [line.split(" ", 1)[0] for line in lines if label in line and line[:1].isdigit()]
        return number


async def require_redis() -> str:
    """The test Redis URL; skips when Redis is down (fails under CI=true, which starts it)."""
    client = redis.asyncio.Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (OSError, redis.RedisError):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but Redis is unreachable at {REDIS_URL}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    finally:
        await client.aclose()
    return REDIS_URL
