"""Telegram long polling, for a deployment with no public address (`serve --telegram-polling`)."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import SQLAlchemyError

from bot.runtime.events import ChannelRuntime, handle_event, with_notice

log = logging.getLogger(__name__)


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
                notice = await handle_event(runtime, parsed.event)
                await channel.answer(with_notice(parsed, notice))
            except (SQLAlchemyError, TelegramError):
                log.exception("telegram polling: update %s not handled", received.update_id)
