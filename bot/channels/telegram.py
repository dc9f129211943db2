"""Telegram through python-telegram-bot: secret-token check, updates, inline buttons, sends."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import warnings
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import httpx
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from bot.channels.base import Malformed, Parsed, Rendered, Sent, WebhookRequest, reply_of
from bot.channels.errors import (
    ConnectionFailed,
    Misconfigured,
    OutcomeUnknown,
    RecipientUnreachable,
    Rejected,
    SendError,
    Throttled,
    transport_failure,
)
from bot.channels.redaction import hide_in_logs, redact
from bot.channels.telegram_updates import parse_update

log = logging.getLogger(__name__)
SECRET_HEADER = "x-telegram-bot-api-secret-token"
# The updates Portineria reads; the rest are never sent to it.
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")
MAX_TEXT = 4096
# Bad requests that mean "this chat is gone", not "this message is wrong".
GONE = ("chat not found", "user is deactivated", "peer_id_invalid", "bot was kicked")
# Provider failures by type, checked in order (subclasses before their bases).
ERRORS: tuple[tuple[type[TelegramError], type[SendError], str], ...] = (
    (Forbidden, RecipientUnreachable, "403"),
    (ChatMigrated, RecipientUnreachable, "400"),
    (InvalidToken, Misconfigured, "401"),
    (EndPointNotFound, Misconfigured, "404"),
    (Conflict, Misconfigured, "409"),
    (BadRequest, Rejected, "400"),
)


def derived_secret(token: str) -> str:
    """A webhook secret derived from the bot token, for deployments that set none."""
    return hmac.new(token.encode(), b"portineria-webhook", hashlib.sha256).hexdigest()


class TelegramChannel:
    """One bot: verifies and parses webhook updates, renders buttons, sends."""

    name = "telegram"
    free_form_window: timedelta | None = None

    def __init__(
        self,
        *,
        token: str,
        api_url: str,
        secret_token: str | None = None,
        read_timeout: float = 5.0,
    ) -> None:
        self.secret = secret_token or derived_secret(token)
        hide_in_logs(token, self.secret)
        base = api_url.rstrip("/")
        # Long polling holds a request open for its whole timeout: a connection of its own.
        self._requests = (
            HTTPXRequest(connection_pool_size=32, read_timeout=read_timeout),
            HTTPXRequest(read_timeout=40),
        )
        self.bot = Bot(
            token,
            base_url=f"{base}/bot",
            base_file_url=f"{base}/file/bot",
            request=self._requests[0],
            get_updates_request=self._requests[1],
        )

    def verify(self, request: WebhookRequest) -> bool:
        """Telegram echoes the secret set with setWebhook; compare in constant time."""
        given = request.headers.get(SECRET_HEADER, "")
        return hmac.compare_digest(given.encode(), self.secret.encode())

    def parse(self, request: WebhookRequest) -> Parsed:
        """One update as an event (Inbound, Reachability or Ignored)."""
        try:
            data = json.loads(request.body)
        except (UnicodeDecodeError, ValueError, RecursionError):  # "[[[[..." is not JSON to us
            raise Malformed("body is not JSON") from None
        if not isinstance(data, dict) or type(data.get("update_id")) is not int:
            raise Malformed("not a Telegram update: no update_id")
        try:
            # The library's types check little: a missing required field shows up as None
            # while reading the update, so reading it is part of the check.
            return parse_update(Update.de_json(data, None))
        # OSError and OverflowError: a "date" no clock can hold (found by fuzzing).
        except (KeyError, TypeError, ValueError, AttributeError, OSError, OverflowError) as exc:
            raise Malformed(f"not a Telegram update: {type(exc).__name__}") from None

    def render(
        self,
        payload: Mapping[str, Any],
        *,
        rtl: bool,
        in_window: bool,
        language: str | None = None,
    ) -> Rendered:
        """The text, with one button per option labelled with its number."""
        reply = reply_of(payload)
        buttons = tuple(f"{n}. {label}" for n, label in enumerate(reply.options, start=1))
        text = reply.text or "…"
        text = text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
        # Staff group cards carry their own buttons: [label, callback data] pairs.
        staff_buttons = [(str(b[0]), str(b[1])) for b in payload.get("buttons") or ()]
        if staff_buttons:
            labels, data = zip(*staff_buttons, strict=True)
            return Rendered(text, labels, button_data=data)
        return Rendered(text, buttons, attachment=reply.attachment)

    async def send(self, address: str, rendered: Rendered) -> Sent:
        """sendMessage; a button's callback data is its option number, as if typed."""
        markup = None
        if rendered.buttons:
            data = rendered.button_data or tuple(
                str(n) for n in range(1, len(rendered.buttons) + 1)
            )
            rows = [
                [InlineKeyboardButton(label, callback_data=datum)]
                for label, datum in zip(rendered.buttons, data, strict=True)
            ]
            markup = InlineKeyboardMarkup(rows)
        try:
            message = await self.bot.send_message(
                chat_id=int(address), text=rendered.text, reply_markup=markup
            )
        except TelegramError as exc:
            raise send_error(exc) from None
        if rendered.attachment is not None:
            # e.g. the events' .ics: one tap adds them to the phone's calendar. The text is
            # sent: a failed file must not make the row fail and send the text again.
            try:
                await self.bot.send_document(
                    chat_id=int(address),
                    document=rendered.attachment.data,
                    filename=rendered.attachment.filename,
                )
            except TelegramError as exc:
                log.warning("telegram: the attachment was not sent (%s)", type(exc).__name__)
        return Sent(str(message.message_id))

    async def answer(self, answer: Mapping[str, Any]) -> None:
        """Make the call a webhook would have answered with (long polling has no response)."""
        if answer.get("method") == "answerCallbackQuery":
            await self.bot.answer_callback_query(
                str(answer["callback_query_id"]), text=answer.get("text")
            )

    async def close(self) -> None:
        """Close the HTTP connections."""
        for request in self._requests:
            await request.shutdown()


def send_error(exc: TelegramError) -> SendError:
    """The typed failure for a python-telegram-bot error."""
    reason = redact(str(exc))
    if isinstance(exc, RetryAfter):
        with warnings.catch_warnings():  # int-or-timedelta transition warning in PTB 22
            warnings.simplefilter("ignore")
            wait = exc.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        return Throttled(reason, retry_after=seconds, code="429")
    for provider_type, error_type, code in ERRORS:
        if isinstance(exc, provider_type):
            if error_type is Rejected and any(gone in reason.lower() for gone in GONE):
                return RecipientUnreachable(reason, code=code)
            return error_type(reason, code=code)
    # python-telegram-bot raises TimedOut / NetworkError from the httpx error: what that was
    # tells whether the request can have reached Telegram.
    if isinstance(exc.__cause__, httpx.HTTPError):
        return transport_failure(exc.__cause__, "Telegram")
    if isinstance(exc, TimedOut):
        return OutcomeUnknown(reason)
    return ConnectionFailed(reason)  # 5xx, unreadable answers
