"""The shared budget: paced before sending, per chat and per bot, in memory or in Redis."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
import redis.asyncio

from bot.channels.budget import Budget

REDIS_URL = "redis://127.0.0.1:6379/0"


async def test_one_message_a_second_per_telegram_chat() -> None:
    budget = Budget()
    assert await budget.take("telegram", "42") == 0
    wait = await budget.take("telegram", "42")
    assert 0.9 < wait <= 1.0
    assert await budget.take("telegram", "43") == 0  # another chat is not held up


async def test_thirty_a_second_per_bot_and_twenty_a_minute_per_group() -> None:
    budget = Budget()
    taken = [await budget.take("telegram", str(chat)) for chat in range(31)]
    assert taken[:30] == [0] * 30 and taken[30] > 0
    group = Budget()
    waits = [await group.take("telegram", "-1001234") for _ in range(21)]
    assert waits[:20] == [0] * 20 and waits[20] > 50


async def test_a_refused_chat_does_not_spend_the_bot_budget() -> None:
    budget = Budget()
    await budget.take("sms", "+393331234567")
    assert await budget.take("sms", "+393331234567") > 0
    await asyncio.sleep(1.0)
    assert await budget.take("sms", "+393339999999") == 0


async def _redis_up() -> bool:
    client = redis.asyncio.Redis.from_url(REDIS_URL)
    try:
        return bool(await client.ping())
    except (OSError, redis.RedisError):
        return False
    finally:
        await client.aclose()


async def test_two_processes_share_one_budget_through_redis() -> None:
    if not await _redis_up():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but Redis is unreachable at 127.0.0.1:6379")
        pytest.skip("Redis not reachable at 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    server, worker = Budget(REDIS_URL, prefix=prefix), Budget(REDIS_URL, prefix=prefix)
    assert await server.take("telegram", "42") == 0
    assert await worker.take("telegram", "42") > 0  # the other sender already used the second
    assert await worker.take("telegram", "43") == 0
