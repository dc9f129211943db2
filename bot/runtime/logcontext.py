"""The id that ties log records to the webhook call that brought a message (no personal data)."""

from __future__ import annotations

from contextvars import ContextVar

# Set by the HTTP middleware for a request, and by the intake for the message that request kept.
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
