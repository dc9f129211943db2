"""Live updates over server-sent events: re-render a fragment, send it when it changed."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable

from fastapi import Request
from fastapi.responses import StreamingResponse

# Polling the database keeps this correct whoever changed it: another server process, the
# worker, the Telegram group or `portineria chat`. Every two seconds is live enough for a
# person and costs one small query per open page.
POLL_SECONDS = 2.0
# A stream ends by itself after a while and the browser reconnects (sending the last id, so
# nothing is re-sent): a server that is stopping never waits long for open streams.
STREAM_SECONDS = 25.0
RETRY_MILLISECONDS = 3000

Render = Callable[[], Awaitable[str | None]]


def stream(request: Request, render: Render, *, event: str) -> StreamingResponse:
    """An event stream sending `render()` as `event` whenever it changes; None ends it."""
    return StreamingResponse(
        _events(request, render, event),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _events(request: Request, render: Render, event: str) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STREAM_SECONDS
    last = request.headers.get("last-event-id")
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    while True:
        html = await render()
        if html is None:
            return
        digest = hashlib.sha256(html.encode()).hexdigest()[:16]
        # A comment line each round: a closed connection shows up as a failed send.
        yield ": alive\n\n" if digest == last else format_event(event, digest, html)
        last = digest
        if loop.time() >= deadline or await request.is_disconnected():
            return
        await asyncio.sleep(POLL_SECONDS)


def format_event(event: str, event_id: str, data: str) -> str:
    """One event in the text/event-stream format (each line of data on its own field)."""
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"event: {event}\nid: {event_id}\n{lines}\n"
