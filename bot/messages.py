"""Channel-neutral values: what a resident sent, and what the bot answers."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field, replace
from typing import Any

CHANNELS = ("telegram", "whatsapp", "sms", "console")
# Longer than any real message (Telegram's own limit is 4096): the rest is noise or abuse.
MAX_TEXT = 4096
# A voice note listened to: its transcript is the message's text.
HEARD, HEARD_CUT, NOT_HEARD = "heard", "cut", "unclear"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Media:
    """A voice note, photo, sticker, location... attached to an inbound message."""

    kind: str
    url: str | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class Inbound:
    """One message from a resident, already verified and parsed by its channel."""

    channel: str
    address: str
    text: str = ""
    choice: str | None = None  # a button's payload (the option's number)
    media: tuple[Media, ...] = ()
    provider_message_id: str | None = None
    language_hint: str | None = None  # e.g. Telegram's language_code
    display_name: str | None = None
    heard: str | None = None  # HEARD, HEARD_CUT (only the start) or NOT_HEARD; None: typed

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape kept in the inbox until the turn runs."""
        # vars, not dataclasses.asdict: every field is a plain value but media, and asdict's
        # deep copy was a tenth of a webhook's time.
        shape = dict(vars(self))
        shape["media"] = [dict(vars(m)) for m in self.media]
        return shape

    @classmethod
    def from_dict(cls, shape: dict[str, Any]) -> Inbound:
        """The message `to_dict` made."""
        media = tuple(Media(**m) for m in shape.get("media") or ())
        return cls(**{**shape, "media": media})

    def cleaned(self) -> Inbound:
        """The same message without control characters (PostgreSQL refuses NUL) and capped."""
        return replace(self, text=_CONTROL.sub("", self.text)[:MAX_TEXT])


@dataclass(frozen=True)
class Attachment:
    """A file to send with a reply, e.g. an .ics calendar entry."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Reply:
    """One message to the resident: text and numbered options, rendered late by the channel."""

    text: str
    options: tuple[str, ...] = ()
    attachment: Attachment | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, object]:
        """The JSON shape used by the scripted chat and the outbox."""
        shape: dict[str, object] = {"text": self.text, "options": list(self.options)}
        if self.attachment is not None:
            shape["attachment"] = {
                "filename": self.attachment.filename,
                "content_type": self.attachment.content_type,
                "data": base64.b64encode(self.attachment.data).decode(),
            }
        return shape
