"""Typed send failures: the outbox branches on the type, never on a provider's message."""

from __future__ import annotations


class SendError(Exception):
    """A message could not be handed to the provider; `code` is the provider's own code."""

    def __init__(self, reason: str, *, code: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code

    def __str__(self) -> str:
        return f"{self.reason} ({self.code})" if self.code else self.reason


class Throttled(SendError):
    """The provider asked us to slow down: try again after `retry_after` seconds."""

    def __init__(self, reason: str, *, retry_after: float, code: str | None = None) -> None:
        super().__init__(reason, code=code)
        self.retry_after = retry_after


class RecipientUnreachable(SendError):
    """This address will not receive anything (blocked the bot, opted out, no such number)."""

    def __init__(self, reason: str, *, opted_out: bool = False, code: str | None = None) -> None:
        super().__init__(reason, code=code)
        self.opted_out = opted_out


class ConnectionFailed(SendError):
    """The provider could not be reached or failed on its side (5xx): try again later."""


class Misconfigured(SendError):
    """Our side is wrong (token, sender number): retried slowly while an operator fixes it."""


class Rejected(SendError):
    """The provider refused this one message for good (too long, malformed)."""


class OutsideWindow(Rejected):
    """WhatsApp: free-form text more than 24 hours after the resident's last message."""


class MediaUnavailable(Exception):
    """A resident's file could not be fetched from the provider (gone, too big, refused)."""
