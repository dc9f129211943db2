"""What every channel module offers: verify, parse, render, send; and the values between them."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from bot.messages import Attachment, Inbound, Reply


@dataclass(frozen=True)
class WebhookRequest:
    """A provider's HTTP call, framework-neutral: the public URL it called, headers, raw body."""

    url: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes


@dataclass(frozen=True)
class DeliveryStatus:
    """The provider's news about a message we sent (Twilio status callbacks)."""

    provider_message_id: str
    status: str  # sent | delivered | failed
    error_code: str | None = None
    unreachable: bool = False  # the error says this address will never receive
    opted_out: bool = False


@dataclass(frozen=True)
class Reachability:
    """The resident blocked or unblocked the bot (Telegram my_chat_member)."""

    channel: str
    address: str
    reachable: bool


@dataclass(frozen=True)
class Ignored:
    """A valid call with nothing for us (an edit, a group message): answered 200 with why."""

    reason: str


@dataclass(frozen=True)
class StaffMessage:
    """A staff member in a custodians' group: a command, a button, or a reply to relay."""

    chat: str  # the group's chat id
    staff_account: int  # the sender's Telegram user id, linked to a staff account
    sender_name: str
    command: str | None  # "prendo", "chiudi"...; None for a reply to relay
    text: str  # what follows the command, or the answer to relay
    update_id: int
    handoff_id: int | None = None  # from a button or a "/chiudi 12"
    replying_to: str | None = None  # the bot's message it answers (which handoff)
    button_press: str | None = None  # the callback query to answer with a short notice


Event = Inbound | DeliveryStatus | Reachability | Ignored | StaffMessage


@dataclass(frozen=True)
class Parsed:
    """One webhook call understood; `answer` is a Bot API call sent back in the response."""

    event: Event
    answer: Mapping[str, Any] | None = None


class Malformed(ValueError):
    """A body we cannot read; answered 400 with this reason."""


@dataclass(frozen=True)
class Template:
    """A pre-approved WhatsApp message (Twilio Content API) for outside the 24-hour window."""

    content_sid: str
    variables: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    """A reply in a channel's own shape, ready to send."""

    text: str
    buttons: tuple[str, ...] = ()  # Telegram inline buttons; their data is the option number
    button_data: tuple[str, ...] = ()  # other data per button (staff group: "prendo:12")
    segments: int | None = None  # SMS billing units
    encoding: str | None = None  # SMS: GSM-7 or UCS-2
    template: Template | None = None
    attachment: Attachment | None = None  # a file sent after the text where the channel can
    voice: bytes | None = None  # the reply read aloud (OGG/Opus), sent after the text
    voice_url: str | None = None  # the same, served by Portineria for Twilio to fetch


@dataclass(frozen=True)
class Sent:
    """The provider accepted the message."""

    provider_message_id: str
    segments: int | None = None


class Channel(Protocol):
    """One messaging channel; `name` is the Delivery.channel it serves."""

    name: str
    # WhatsApp only allows free-form messages this long after the resident's last one.
    free_form_window: timedelta | None

    def verify(self, request: WebhookRequest) -> bool:
        """True when the call really comes from the provider (checked in constant time)."""
        ...

    def parse(self, request: WebhookRequest) -> Parsed:
        """The call as an event; raises Malformed when the body cannot be read."""
        ...

    def render(
        self,
        payload: Mapping[str, Any],
        *,
        rtl: bool,
        in_window: bool,
        language: str | None = None,
    ) -> Rendered:
        """An outbox payload ({"text", "options"}) in this channel's shape, for a reader of
        `language` (SMS writes some letters plainly, see bot/gsm.py)."""
        ...

    async def send(self, address: str, rendered: Rendered) -> Sent:
        """Hand one message to the provider; raises a SendError subclass on failure."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


def reply_of(payload: Mapping[str, Any]) -> Reply:
    """The Reply an outbox payload ({"text", "options"}) was made from."""
    options = payload.get("options") or ()
    attached = payload.get("attachment")
    attachment = None
    if isinstance(attached, Mapping):
        attachment = Attachment(
            str(attached["filename"]),
            str(attached["content_type"]),
            base64.b64decode(str(attached["data"])),
        )
    return Reply(str(payload.get("text") or ""), tuple(str(o) for o in options), attachment)
