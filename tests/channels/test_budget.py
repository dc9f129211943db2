"""The shared budget: paced before sending, per chat and per bot, in memory or in Redis."""

from __future__ import annotations

import asyncio
import uuid

from bot.channels.budget import Budget
from tests.support.channels import require_redis


async def test_one_message_a_second_per_telegram_chat() -> None:
    budget = Budget()
    assert await budget.take("telegram", "42") == 0
    wait = await budget.take("telegram", "42")
    assert 0.9 < wait <= 1.0
    assert await budget.take("telegram", "43") == 0  # another chat is not held up


async def test_twenty_five_a_second_per_bot_and_twenty_a_minute_per_group() -> None:
    budget = Budget()
    taken = [await budget.take("telegram", str(chat)) for chat in range(26)]
    assert taken[:25] == [0] * 25 and taken[25] > 0
    group = Budget()
    waits = [await group.take("telegram", "-1001234") for _ in range(21)]
    assert waits[:20] == [0] * 20 and waits[20] > 50


async def test_a_refused_chat_does_not_spend_the_bot_budget() -> None:
    budget = Budget()
    await budget.take("sms", "+393331234567")
    assert await budget.take("sms", "+393331234567") > 0
    await asyncio.sleep(1.0)
    assert await budget.take("sms", "+393339999999") == 0


async def test_two_processes_share_one_budget_through_redis() -> None:
    redis_url = await require_redis()
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    server, worker = Budget(redis_url, prefix=prefix), Budget(redis_url, prefix=prefix)
    assert await server.take("telegram", "42") == 0
    assert await worker.take("telegram", "42") > 0  # the other sender already used the second
    assert await worker.take("telegram", "43") == 0
