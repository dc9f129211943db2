"""Refuse oversized request bodies with 413 before they are read into memory."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A Telegram update is a few KB (4,096 characters of text at most); a Twilio form less.
WEBHOOK_MAX_BODY = 64 * 1024
# Staff forms and API calls: broadcast texts with translations, event descriptions.
API_MAX_BODY = 1024 * 1024


def limit_for(path: str) -> int:
    """The largest body accepted on this path, in bytes."""
    return WEBHOOK_MAX_BODY if path.startswith("/webhooks/") else API_MAX_BODY


class BodyTooLarge(HTTPException):
    """The body went past the limit while it was being read.

    An HTTPException, so FastAPI's body parsing lets it through (anything else it turns into
    a 400) and the app answers it like any other error.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, reason(limit))


def reason(limit: int) -> str:
    """The 413's detail."""
    return f"body too large: at most {limit} bytes here"


class BodySizeLimit:
    """ASGI middleware: 413 on a Content-Length over the limit, or once the streamed bytes are."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send, limit)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # a chunked body, or a Content-Length that lied
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(send, limit)


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps({"detail": reason(limit)}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),  # the rest of the body is not read
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
