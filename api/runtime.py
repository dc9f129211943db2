"""Turn the settings into the running parts: engine, sessions, NLU, conversations, channels."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

from actions import places
from actions.clock import SYSTEM_CLOCK, Clock
from actions.db import SessionFactory, is_sqlite
from api.hamlet import hamlet_bridge
from api.media import PREFIX as MEDIA_PREFIX
from api.settings import Settings
from api.store import Store, open_store
from bot.channels.base import Channel
from bot.channels.redaction import hide_in_logs
from bot.runtime.budget import Budget, rates_for
from bot.runtime.events import ChannelRuntime
from bot.runtime.flood import FloodGuard
from bot.runtime.inbox import InboxWriter
from bot.runtime.intake import Intake
from bot.runtime.jobs import run_jobs_forever
from bot.runtime.metrics import TimedNLU
from bot.runtime.polling import poll_telegram
from bot.runtime.sender import Sender
from bot.runtime.speaking import SpokenReplies
from bot.runtime.staffroom import StaffRoom
from bot.runtime.turns import Conversations
from bot.runtime.voicenotes import Listen, VoiceNotes
from nlu.gazetteer import load_gazetteer, merge_names
from nlu.types import NLU, Gazetteer

WORKER_INTAKE_POLL = 0.2  # seconds: at most this much is added to a reply's delay
# The shipped Whisper model is joined here from its two wheels (once, then checked).
STT_BASE_MODEL_DIR = Path("var/stt/whisper-base")


async def gazetteer_with_case(store: Store) -> Gazetteer:
    """The NLU's place names: the shipped list plus every Casa di Quartiere in the database."""
    async with store.sessions() as session:
        extra = await places.neighbourhood_names(session)
    return merge_names(load_gazetteer(), extra)


def build_nlu(settings: Settings, gazetteer: Gazetteer) -> NLU:
    """The configured NLU backend (the built-in one trains on first use and caches)."""
    if settings.nlu_backend == "rasa":
        from nlu.rasa_backend import RasaNLU

        return RasaNLU(
            str(settings.rasa_url),
            gazetteer=gazetteer,
            timezone=settings.timezone,
            threshold=settings.nlu_threshold,
        )
    from nlu.builtin import BuiltinNLU

    return BuiltinNLU.load(
        cache_dir=settings.nlu_model_dir,
        gazetteer=gazetteer,
        timezone=settings.timezone,
        threshold=settings.nlu_threshold,
    )


async def build_conversations(settings: Settings, store: Store) -> Conversations:
    """Everything needed to answer residents."""
    nlu = TimedNLU(build_nlu(settings, await gazetteer_with_case(store)))
    flood = FloodGuard(settings.flood_per_minute, settings.redis_url)
    return Conversations(
        store.sessions,
        nlu,
        settings.zone,
        settings.default_language,
        flood,
        staff_room(settings),
        SpokenReplies(public_base(settings) + MEDIA_PREFIX),
    )


def voice_notes(
    settings: Settings, sessions: SessionFactory, channels: dict[str, Channel]
) -> Listen | None:
    """What hears voice notes in the intake; None with PORTINERIA_STT=off."""
    if settings.stt == "off":
        return None
    fetchers = {
        name: channel.fetch_media
        for name, channel in channels.items()
        if hasattr(channel, "fetch_media")
    }
    return VoiceNotes(sessions, fetchers, settings.stt_model_dir, STT_BASE_MODEL_DIR).listen


def staff_room(settings: Settings) -> StaffRoom | None:
    """The custodians' Telegram groups; none without a Telegram bot to post with."""
    if not settings.telegram_token:
        return None
    return StaffRoom(settings.telegram_staff_chat_id, public_base(settings) + "/console")


def build_channels(settings: Settings) -> dict[str, Channel]:
    """The configured channels by Delivery.channel name; none when no token is set."""
    from bot.channels.telegram import TelegramChannel
    from bot.channels.twilio import TwilioChannel, twilio_client

    channels: dict[str, Channel] = {}
    if settings.telegram_token:
        channels["telegram"] = TelegramChannel(
            token=settings.telegram_token,
            api_url=str(settings.telegram_api_url),
            secret_token=settings.telegram_secret_token,
        )
    sid, token = settings.twilio_account_sid, settings.twilio_auth_token
    if sid and token:
        hide_in_logs(token)
        client = twilio_client(sid, token, str(settings.twilio_api_url))
        callback = public_base(settings) + "/webhooks/twilio"
        service = settings.twilio_messaging_service_sid
        for scheme, sender in (
            ("sms", settings.twilio_sms_from),
            ("whatsapp", settings.twilio_whatsapp_from),
        ):
            pool = service if scheme == "sms" else None
            if sender or pool:
                channels[scheme] = TwilioChannel(
                    scheme=scheme,
                    client=client,
                    auth_token=token,
                    sender=sender or "",
                    status_callback=callback,
                    messaging_service_sid=pool,
                )
    return channels


def budget_of(settings: Settings, clock: Clock) -> Budget:
    """The shared sending budget, with the SMS sender's configured rate."""
    rates = rates_for(sms_per_second=settings.sms_per_second)
    return Budget(settings.redis_url, rates=rates, clock=clock)


def public_base(settings: Settings) -> str:
    """PORTINERIA_PUBLIC_URL without its trailing slash."""
    return str(settings.public_url).rstrip("/")


def embedded_sender(settings: Settings) -> bool:
    """Whether the web server sends the outbox itself.

    SQLite is one process, which does everything. With Redis the budget is shared, so any
    number of senders is safe. With PostgreSQL and no Redis, each sender would pace on its
    own budget and together exceed the limits: run exactly one `portineria worker`.
    """
    return is_sqlite(settings.database_url) or settings.redis_url is not None


def intake_for(
    settings: Settings,
    store: Store,
    conversations: Conversations,
    sender: Sender,
    channels: dict[str, Channel],
    clock: Clock = SYSTEM_CLOCK,
    *,
    poll: float = Intake.poll,
) -> Intake:
    """The intake of a process that answers: it wakes the sender after each batch and hears
    voice notes before their turn."""
    listen = voice_notes(settings, store.sessions, channels)
    return Intake(store.sessions, conversations, sender.wake, clock, poll=poll, listen=listen)


@asynccontextmanager
async def channels_running(
    app: FastAPI, settings: Settings, store: Store, *, telegram_polling: bool = False
) -> AsyncIterator[None]:
    """Build the channels, the conversations and the sender; run the intake, the sender and
    polling (with PORTINERIA_WEB_ONLY, the intake and the sender run in `portineria worker`)."""
    channels = build_channels(settings)
    if not channels:
        yield
        return
    clock: Clock = app.state.clock
    sender = Sender(store.sessions, channels, budget_of(settings, clock), clock)
    intake: Intake | None = None
    if settings.web_only:  # a web-only process never loads the NLU
        room = staff_room(settings)
    else:
        # Tests hand in conversations built on an already trained NLU.
        conversations = getattr(app.state, "conversations", None)
        if conversations is None:
            conversations = await build_conversations(settings, store)
        intake = intake_for(settings, store, conversations, sender, channels, clock)
        room = conversations.staff_room
    inbox = InboxWriter(store.sessions)
    runtime = ChannelRuntime(
        channels,
        sender,
        store.sessions,
        public_base(settings),
        inbox,
        room,
        intake,
        clock,
    )
    app.state.channels = runtime
    stop = asyncio.Event()
    tasks = []
    if intake is not None:
        tasks.append(asyncio.create_task(intake.run_forever(stop)))
        if embedded_sender(settings):
            tasks.append(asyncio.create_task(sender.run_forever(stop)))
    if telegram_polling and "telegram" in channels:
        tasks.append(asyncio.create_task(poll_telegram(runtime, stop)))
    try:
        yield
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for channel in channels.values():
            await channel.close()


async def run_worker(settings: Settings, stop: asyncio.Event) -> None:
    """`portineria worker`: answer the inbox and send the outbox until `stop` is set."""
    channels = build_channels(settings)
    store = open_store(settings)
    try:
        sender = Sender(store.sessions, channels, budget_of(settings, SYSTEM_CLOCK))
        # The webhooks that store the messages run in other processes and cannot wake this
        # intake: it looks often instead (one indexed query when the inbox is empty).
        conversations = await build_conversations(settings, store)
        intake = intake_for(
            settings, store, conversations, sender, channels, poll=WORKER_INTAKE_POLL
        )
        async with jobs_running(settings, store, here=True):
            await asyncio.gather(intake.run_forever(stop), sender.run_forever(stop))
    finally:
        for channel in channels.values():
            await channel.close()
        await store.engine.dispose()


async def set_telegram_webhook(settings: Settings) -> dict[str, object]:
    """Point Telegram at PUBLIC_URL/webhooks/telegram with the secret token; its answer."""
    from bot.channels.telegram import ALLOWED_UPDATES, TelegramChannel

    channel = build_channels(settings)["telegram"]
    assert isinstance(channel, TelegramChannel)
    url = public_base(settings) + "/webhooks/telegram"
    try:
        await channel.bot.set_webhook(
            url, secret_token=channel.secret, allowed_updates=list(ALLOWED_UPDATES)
        )
        info = await channel.bot.get_webhook_info()
    finally:
        await channel.close()
    return {"url": info.url, "pending_update_count": info.pending_update_count}


@asynccontextmanager
async def jobs_running(
    settings: Settings, store: Store, *, here: bool, clock: Clock = SYSTEM_CLOCK
) -> AsyncIterator[None]:
    """Run the scheduled jobs in this process while the block runs (when `here`)."""
    if not here:
        yield
        return
    stop = asyncio.Event()
    retention = timedelta(days=settings.message_retention_days)
    bridge = hamlet_bridge(settings)
    task = asyncio.create_task(
        run_jobs_forever(
            store.sessions, settings.zone, retention, stop, clock, bridge.run if bridge else None
        )
    )
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(task, return_exceptions=True)
