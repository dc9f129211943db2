"""The shared budget: paced before sending, per chat and per bot, in memory or in Redis."""

from __future__ import annotations

import asyncio
import uuid

from bot.runtime.budget import Budget
from tests.support.channels import require_redis


async def test_one_message_a_second_per_telegram_chat() -> None:
    budget = Budget()
    first = await budget.take("telegram", "42")
    assert first.go
    await budget.answered(first)
    again = await budget.take("telegram", "42")
    assert not again.go and 0 < again.wait <= 1.0 and not again.whole_channel
    assert (await budget.take("telegram", "43")).go  # another chat is not held up


async def test_thirty_a_second_per_bot_and_twenty_a_minute_per_group() -> None:
    budget = Budget()
    grants = [await budget.take("telegram", str(chat)) for chat in range(31)]
    assert all(g.go for g in grants[:30])
    assert not grants[30].go and grants[30].whole_channel
    group = Budget()
    waits = []
    for _ in range(21):
        grant = await group.take("telegram", "-1001234")
        await group.answered(grant)
        waits.append(grant.wait)
    assert waits[:20] == [0] * 20 and waits[20] > 50


async def test_a_message_counts_until_a_second_after_its_answer() -> None:
    budget = Budget()
    grant = await budget.take("sms", "+393331234567")
    await asyncio.sleep(1.1)  # the provider is slow to answer: still in flight
    assert not (await budget.take("sms", "+393339999999")).go
    await budget.answered(grant)
    refused = await budget.take("sms", "+393339999999")
    assert not refused.go and refused.whole_channel and 0 < refused.wait <= 1.0
    await asyncio.sleep(refused.wait)
    assert (await budget.take("sms", "+393339999999")).go


async def test_a_refused_chat_does_not_spend_the_bot_budget() -> None:
    budget = Budget()
    await budget.answered(await budget.take("sms", "+393331234567"))
    assert not (await budget.take("sms", "+393331234567")).go
    await asyncio.sleep(1.0)
    assert (await budget.take("sms", "+393339999999")).go


async def test_two_processes_share_one_budget_through_redis() -> None:
    redis_url = await require_redis()
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    server, worker = Budget(redis_url, prefix=prefix), Budget(redis_url, prefix=prefix)
    first = await server.take("telegram", "42")
    assert first.go
    await server.answered(first)
    second = await worker.take("telegram", "42")
    assert not second.go and 0 < second.wait <= 1.0  # the other sender used the second
    assert (await worker.take("telegram", "43")).go
    grants = [await worker.take("telegram", str(100 + n)) for n in range(29)]
    assert all(g.go for g in grants[:28]) and grants[28].whole_channel
