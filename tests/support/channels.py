"""Channel test support: fakes as fixtures, settings that point at them, signed webhook calls."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import func, select

from actions.db import SessionFactory
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
from api.runtime import build_channels
from api.settings import Settings
from bot.channels import Channels
from tests.fakes.telegram import TOKEN, FakeTelegram
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, SMS_FROM, WHATSAPP_FROM, FakeTwilio, sign

PUBLIC_URL = "https://portineria.example.org"
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
    timings: list[float] = field(default_factory=list)

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
        url = PUBLIC_URL + "/webhooks/twilio"
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
        answer = await self.client.post(path, content=body, headers=headers)
        self.timings.append(answer.elapsed.total_seconds() if _has_elapsed(answer) else 0.0)
        return answer


def _has_elapsed(answer: httpx.Response) -> bool:
    try:
        answer.elapsed  # noqa: B018 - set only once the body was read
    except RuntimeError:
        return False
    return True


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
