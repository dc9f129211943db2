"""Webhook routes: Telegram updates and Twilio posts, verified first, answered fast."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from api.schemas import Problem
from bot.channels.base import (
    Channel,
    Event,
    Ignored,
    Malformed,
    Parsed,
    WebhookRequest,
)
from bot.messages import Inbound
from bot.runtime.events import ChannelRuntime, handle_event, with_notice

log = logging.getLogger(__name__)
# Documented, so providers' engineers (and schemathesis) know every answer.
ANSWERS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "The body cannot be read; the reason is given"},
    403: {"model": Problem, "description": "Bad signature or secret token: nothing was read"},
    404: {"model": Problem, "description": "This channel is not configured"},
    413: {"model": Problem, "description": "Body too large"},
    503: {"model": Problem, "description": "Database unavailable: the provider retries"},
}
router = APIRouter(prefix="/webhooks", tags=["webhooks"], responses=ANSWERS)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


@router.post("/telegram", summary="Telegram Bot API updates (set with setWebhook)")
async def telegram_webhook(request: Request) -> Response:
    """Check the secret token, handle the update; a button press is answered in the response."""
    runtime, channel = _channel(request, "telegram")
    parsed = await _read(request, runtime, channel)
    notice = await _handle_or_503(runtime, parsed.event)
    if parsed.answer:  # Telegram makes this Bot API call for us
        return JSONResponse(with_notice(parsed, notice))
    if isinstance(parsed.event, Ignored):
        return JSONResponse({"ok": True, "ignored": parsed.event.reason})
    return JSONResponse({"ok": True})


@router.post(
    "/twilio",
    summary="Twilio SMS and WhatsApp messages and status callbacks",
    response_class=Response,
    responses={200: {"content": {"text/xml": {}}, "description": "An empty TwiML response"}},
)
async def twilio_webhook(request: Request) -> Response:
    """Check X-Twilio-Signature, handle the message or status; replies go through the outbox."""
    runtime, channel = _channel(request, "sms", "whatsapp")
    parsed = await _read(request, runtime, channel)
    event = parsed.event
    if isinstance(event, Inbound) and event.channel not in runtime.channels:
        event = Ignored(f"{event.channel} is not configured")
    await _handle_or_503(runtime, event)
    return Response(EMPTY_TWIML, media_type="text/xml")


def _channel(request: Request, *names: str) -> tuple[ChannelRuntime, Channel]:
    runtime: ChannelRuntime | None = getattr(request.app.state, "channels", None)
    found = [runtime.channels[n] for n in names if runtime and n in runtime.channels]
    if runtime is None or not found:
        raise HTTPException(404, f"{names[0]} is not configured")
    return runtime, found[0]


async def _read(request: Request, runtime: ChannelRuntime, channel: Channel) -> Parsed:
    body = await request.body()  # at most WEBHOOK_MAX_BODY: api.body_limit stops the rest
    # Providers sign the public address they called, not the one behind the proxy.
    url = runtime.public_url + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    call = WebhookRequest(url, {k.lower(): v for k, v in request.headers.items()}, body)
    if not channel.verify(call):  # first, before reading anything
        raise HTTPException(403, "bad signature or secret token")
    try:
        return channel.parse(call)
    except Malformed as exc:
        raise HTTPException(400, str(exc)) from None


async def _handle_or_503(runtime: ChannelRuntime, event: Event) -> str | None:
    try:
        return await handle_event(runtime, event)
    except (SQLAlchemyError, OSError) as exc:
        # Our fault, not the caller's: providers retry a 5xx, and the dedupe makes it safe.
        # A refused connection (the database restarting) comes through unwrapped, as OSError.
        log.warning("webhook: database unavailable (%s)", type(exc).__name__)
        raise HTTPException(503, "temporarily unavailable, retry") from None
