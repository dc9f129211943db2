"""Webhook routes: Telegram updates and Twilio posts, verified first, answered fast."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from actions.arrivals import Received
from actions.db import SessionFactory, transaction
from api.inbox import InboxWriter
from api.schemas import Problem
from bot import claims
from bot.channels import Channels
from bot.channels.base import (
    Channel,
    DeliveryStatus,
    Event,
    Ignored,
    Malformed,
    Parsed,
    StaffMessage,
    WebhookRequest,
)
from bot.intake import Intake
from bot.logcontext import REQUEST_ID
from bot.messages import Inbound
from bot.outbox import Sender
from bot.staffroom import StaffRoom

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


@dataclass(frozen=True)
class ChannelRuntime:
    """What the webhook routes use: the channels, the sender and the intake to wake, the
    store, the inbox and the custodians' groups."""

    channels: Channels
    sender: Sender
    sessions: SessionFactory
    public_url: str
    inbox: InboxWriter
    staff_room: StaffRoom | None
    intake: Intake | None  # None in a web-only process: a worker polls the inbox


@router.post("/telegram", summary="Telegram Bot API updates (set with setWebhook)")
async def telegram_webhook(request: Request) -> Response:
    """Check the secret token, handle the update; a button press is answered in the response."""
    runtime, channel = _channel(request, "telegram")
    parsed = await _read(request, runtime, channel)
    outcome = await _handle_or_503(runtime, parsed.event)
    if parsed.answer:  # Telegram makes this Bot API call for us
        return JSONResponse(_with_notice(parsed, outcome))
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


def _with_notice(parsed: Parsed, outcome: str) -> dict[str, Any]:
    """A staff button's answer shows what came of it ("È sua", "La segue già Anna")."""
    answer = dict(parsed.answer or {})
    if isinstance(parsed.event, StaffMessage) and outcome:
        answer["text"] = outcome[:200]  # Telegram's limit for a notice
    return answer


async def _handle_or_503(runtime: ChannelRuntime, event: Event) -> str:
    try:
        return await handle_event(runtime, event)
    except (SQLAlchemyError, OSError) as exc:
        # Our fault, not the caller's: providers retry a 5xx, and the dedupe makes it safe.
        # A refused connection (the database restarting) comes through unwrapped, as OSError.
        log.warning("webhook: database unavailable (%s)", type(exc).__name__)
        raise HTTPException(503, "temporarily unavailable, retry") from None


async def handle_event(runtime: ChannelRuntime, event: Event) -> str:
    """Store what a provider told us; returns a word for the logs (for staff: their answer)."""
    now = datetime.now(UTC)
    if isinstance(event, StaffMessage):
        return await _staff_message(runtime, event, now)
    if isinstance(event, Inbound):
        # Stored, then answered: the turn runs in the intake, so a burst never keeps the
        # provider waiting. A retried call finds its message already kept.
        received = Received(
            channel=event.channel,
            address=event.address,
            provider_message_id=event.provider_message_id,
            message=event.cleaned().to_dict(),
            received_at=now,
            request_id=REQUEST_ID.get(),
        )
        if not await runtime.inbox.keep(received):
            return "duplicate"
        if runtime.intake is not None:
            runtime.intake.wake()
        return "queued"
    if isinstance(event, Ignored):
        log.info("webhook ignored: %s", event.reason)
        return "ignored"
    async with transaction(runtime.sessions) as session:
        if isinstance(event, DeliveryStatus):
            found = await claims.apply_status(session, event)
            return "status" if found else "status of an unknown message"
        await claims.mark_address(
            session, channel=event.channel, address=event.address, unreachable=not event.reachable
        )
        return "reachability"


async def _staff_message(runtime: ChannelRuntime, event: StaffMessage, now: datetime) -> str:
    room = runtime.staff_room
    if room is None:
        return ""
    try:
        async with transaction(runtime.sessions) as session:
            answer = await room.handle(session, event, now)
    except IntegrityError:  # the same update twice: its answer is already queued
        return ""
    runtime.sender.wake()
    return answer


async def poll_telegram(runtime: ChannelRuntime, stop: asyncio.Event) -> None:
    """Long polling (`serve --telegram-polling`), for a deployment with no public address."""
    from telegram.error import TelegramError

    from bot.channels.telegram import ALLOWED_UPDATES, TelegramChannel
    from bot.channels.telegram_updates import parse_update

    channel = runtime.channels["telegram"]
    assert isinstance(channel, TelegramChannel)
    offset = 0
    await channel.bot.delete_webhook()  # Telegram refuses getUpdates while a webhook is set
    while not stop.is_set():
        try:
            updates = await channel.bot.get_updates(
                offset=offset, timeout=25, allowed_updates=list(ALLOWED_UPDATES)
            )
        except TelegramError as exc:
            log.warning("telegram polling: %s", exc)
            await asyncio.sleep(5)
            continue
        for received in updates:
            offset = received.update_id + 1
            parsed = parse_update(received)
            try:
                outcome = await handle_event(runtime, parsed.event)
                await channel.answer(_with_notice(parsed, outcome))
            except (SQLAlchemyError, TelegramError):
                log.exception("telegram polling: update %s not handled", received.update_id)
