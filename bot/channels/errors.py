"""Typed send failures: the outbox branches on the type, never on a provider's message."""

from __future__ import annotations

import httpx


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


class OutcomeUnknown(SendError):
    """The request may have reached the provider (no answer in time, or the connection broke
    after it was written): the message may be on its way, so it is never sent again."""


class Misconfigured(SendError):
    """Our side is wrong (token, sender number): retried slowly while an operator fixes it."""


class Rejected(SendError):
    """The provider refused this one message for good (too long, malformed)."""


class OutsideWindow(Rejected):
    """WhatsApp: free-form text more than 24 hours after the resident's last message."""


# Transport failures that prove the request never reached the provider: no connection was
# made (refused, DNS, TLS), or none was free in our pool. Only these are sent again; any other
# (a read timeout, a connection closed mid-answer) may come after the provider took the message.
NOTHING_SENT: tuple[type[httpx.HTTPError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)


def transport_failure(exc: httpx.HTTPError, provider: str) -> SendError:
    """The typed failure for an HTTP transport error: ConnectionFailed when nothing can have
    arrived (retried), else OutcomeUnknown (never retried)."""
    name = type(exc).__name__
    if isinstance(exc, NOTHING_SENT):
        return ConnectionFailed(f"{provider} unreachable: {name}")
    return OutcomeUnknown(f"{provider} did not answer in time ({name}): it may have arrived")
