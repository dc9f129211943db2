"""The Telegram channel with the real python-telegram-bot Bot against the fake Bot API."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.channels.base import Rendered, WebhookRequest
from bot.channels.errors import (
    ConnectionFailed,
    Misconfigured,
    RecipientUnreachable,
    Rejected,
    Throttled,
)
from bot.channels.telegram import TelegramChannel, derived_secret
from tests.fakes.telegram import TOKEN, FakeTelegram

SECRET = "s3cret-token_for-tests"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
async def channel(fake: FakeTelegram) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(token=TOKEN, api_url=fake.url, secret_token=SECRET)
    yield channel
    await channel.close()


def test_buttons_carry_the_option_number(channel: TelegramChannel) -> None:
    rendered = channel.render(
        {"text": "Come posso aiutare?", "options": ["Eventi", "SPID"]}, rtl=False, in_window=True
    )
    assert rendered == Rendered("Come posso aiutare?", ("1. Eventi", "2. SPID"))


async def test_send_message_with_inline_keyboard(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    sent = await channel.send("42", Rendered("Scelga:", ("1. Eventi", "2. SPID")))
    [call] = fake.calls("sendMessage")
    assert call.path == f"/bot{TOKEN}/sendMessage"
    fields = call.fields
    assert fields["chat_id"] == "42" and fields["text"] == "Scelga:"
    assert json.loads(fields["reply_markup"]) == {
        "inline_keyboard": [
            [{"text": "1. Eventi", "callback_data": "1"}],
            [{"text": "2. SPID", "callback_data": "2"}],
        ]
    }
    assert sent.provider_message_id == "1000"


async def test_plain_text_has_no_keyboard(channel: TelegramChannel, fake: FakeTelegram) -> None:
    await channel.send("42", Rendered("Ciao"))
    assert "reply_markup" not in fake.calls("sendMessage")[0].fields


@pytest.mark.parametrize(
    ("status", "description", "retry_after", "error"),
    [
        (429, "Too Many Requests: retry after 3", 3, Throttled),
        (403, "Forbidden: bot was blocked by the user", None, RecipientUnreachable),
        (400, "Bad Request: chat not found", None, RecipientUnreachable),
        (400, "Bad Request: message is too long", None, Rejected),
        (401, "Unauthorized", None, Misconfigured),
        (502, "Bad Gateway", None, ConnectionFailed),
        (500, "Internal Server Error", None, ConnectionFailed),
    ],
)
async def test_provider_errors_are_typed(
    channel: TelegramChannel,
    fake: FakeTelegram,
    status: int,
    description: str,
    retry_after: int | None,
    error: type[Exception],
) -> None:
    fake.fail(status, description, retry_after=retry_after)
    with pytest.raises(error) as raised:
        await channel.send("42", Rendered("Ciao"))
    if retry_after:
        assert raised.value.retry_after == retry_after  # type: ignore[attr-defined]


async def test_unreachable_server_is_a_connection_failure() -> None:
    channel = TelegramChannel(token=TOKEN, api_url="http://127.0.0.1:9", secret_token=SECRET)
    with pytest.raises(ConnectionFailed):
        await channel.send("42", Rendered("Ciao"))
    await channel.close()


def test_secret_token_is_compared_exactly(channel: TelegramChannel) -> None:
    def call(headers: dict[str, str]) -> WebhookRequest:
        return WebhookRequest("https://x/webhooks/telegram", headers, b"{}")

    assert channel.verify(call({"x-telegram-bot-api-secret-token": SECRET}))
    assert not channel.verify(call({"x-telegram-bot-api-secret-token": SECRET + "x"}))
    assert not channel.verify(call({"x-telegram-bot-api-secret-token": ""}))
    assert not channel.verify(call({}))


def test_a_secret_is_derived_from_the_token_when_none_is_set(fake: FakeTelegram) -> None:
    channel = TelegramChannel(token=TOKEN, api_url=fake.url)
    assert channel.secret == derived_secret(TOKEN) and TOKEN not in channel.secret
    assert len(channel.secret) == 64 and channel.secret.isalnum()  # Telegram's allowed set


async def test_the_token_never_reaches_a_log(
    fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    channel = TelegramChannel(token=TOKEN, api_url=fake.url, secret_token=SECRET)
    await channel.send("42", Rendered("Ciao"))
    fake.fail(401, "Unauthorized", method="getMe")
    with pytest.raises(Exception):  # noqa: B017 - any error: only the log matters here
        await channel.bot.initialize()
    logging.getLogger("test").exception("failed calling %s", f"{fake.url}/bot{TOKEN}/getMe")
    await channel.close()
    assert caplog.records, "the libraries should have logged something"
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "bot[redacted]/sendMessage" in logged
    assert TOKEN not in logged and SECRET not in logged
