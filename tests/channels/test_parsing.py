"""Whatever a stranger posts, parsing ends in an event or Malformed (a 400), never a crash."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.base import Malformed, Parsed, WebhookRequest
from bot.channels.telegram import TelegramChannel
from bot.channels.twilio_form import parse_form
from tests.fakes.telegram import TOKEN

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
MESSAGE_KEYS = [
    "message_id",
    "date",
    "chat",
    "from",
    "text",
    "caption",
    "photo",
    "voice",
    "location",
    "contact",
    "sticker",
    "id",
    "type",
    "data",
    "status",
    "user",
]
# Update-shaped noise: the real keys, with values that are anything.
UPDATE = st.fixed_dictionaries(
    {"update_id": st.integers(0, 2**40)},
    optional={
        k: st.dictionaries(st.sampled_from(MESSAGE_KEYS), JSON, max_size=6)
        for k in ("message", "edited_message", "callback_query", "my_chat_member")
    },
)
TWILIO_KEYS = [
    "MessageSid",
    "SmsSid",
    "From",
    "Body",
    "NumMedia",
    "MediaUrl0",
    "MediaContentType0",
    "MessageStatus",
    "SmsStatus",
    "ErrorCode",
    "OptOutType",
    "Latitude",
    "Longitude",
    "ButtonPayload",
    "ProfileName",
]
CHANNEL = TelegramChannel(token=TOKEN, api_url="http://127.0.0.1:9", secret_token="x" * 16)


def _telegram(body: bytes) -> Parsed | None:
    try:
        return CHANNEL.parse(WebhookRequest("https://x/webhooks/telegram", {}, body))
    except Malformed:
        return None


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_any_json_is_an_event_or_malformed(value: Any) -> None:
    _telegram(json.dumps(value).encode())


@settings(max_examples=200, deadline=None)
@given(UPDATE)
def test_update_shaped_noise_is_an_event_or_malformed(update: dict[str, Any]) -> None:
    _telegram(json.dumps(update).encode())


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(TWILIO_KEYS), st.text(max_size=40), max_size=8),
    st.sampled_from(["SM" + "a" * 32, "MMxyz", ""]),
)
def test_any_twilio_form_is_an_event_or_malformed(fields: dict[str, str], sid: str) -> None:
    if sid:
        fields = {**fields, "MessageSid": sid}
    with contextlib.suppress(Malformed):
        parse_form({k: [v] for k, v in fields.items()})
