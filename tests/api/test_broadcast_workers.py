"""A broadcast sent by real `portineria worker` processes on PostgreSQL, sharing Redis."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from actions import broadcasts
from actions.db import SessionFactory, transaction
from actions.demo import load_demo_residents
from actions.models import Delivery
from actions.outbox_claims import OPEN, UNKNOWN_OUTCOME
from bot.runtime.sender import LEASE
from tests.fakes.telegram import TOKEN, FakeTelegram
from tests.support.channels import require_redis
from tests.support.processes import ON_POSTGRES, PORTINERIA, environment, eventually

pytestmark = pytest.mark.processes

REDIS_DB = 14  # the budget's keys apart from other tests' (sharing would only slow sending)


@dataclass
class Workers:
    """`portineria worker` processes sending to one fake Telegram, sharing one Redis."""

    env: dict[str, str]
    running: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self) -> subprocess.Popen[bytes]:
        process = subprocess.Popen([PORTINERIA, "worker"], env=self.env)
        self.running.append(process)
        return process


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    """The fake Bot API, enforcing Telegram's 30 a second (a 429 beyond)."""
    with FakeTelegram(per_second=30) as server:
        yield server


@pytest.fixture
def workers(database: tuple[str, str | None], fake: FakeTelegram) -> Iterator[Workers]:
    """Nothing started yet; every worker is killed at the end."""
    redis_url = asyncio.run(require_redis()).rsplit("/", 1)[0] + f"/{REDIS_DB}"
    env = environment(
        database,
        PORTINERIA_TELEGRAM_TOKEN=TOKEN,
        PORTINERIA_TELEGRAM_API_URL=fake.url,
        PORTINERIA_REDIS_URL=redis_url,
        PORTINERIA_LOG_LEVEL="WARNING",
    )
    started = Workers(env)
    yield started
    for process in started.running:
        process.kill()
        process.wait()


async def _broadcast_to(sessions: SessionFactory, residents: int, *, times: int = 1) -> None:
    """`residents` Telegram residents, and `times` broadcasts to all of them, fanned out."""
    now = datetime.now(UTC)
    async with transaction(sessions) as session:
        await load_demo_residents(session, count=residents, now=now, channels=("telegram",))
        for n in range(times):
            created = await broadcasts.create_broadcast(
                session, texts={"it": f"Avviso {n}"}, now=now
            )
            await broadcasts.fan_out(session, broadcast_id=created.id, now=now)


async def _rows(sessions: SessionFactory) -> list[Delivery]:
    async with sessions() as session:
        return list((await session.scalars(select(Delivery))).all())


async def _until_settled(sessions: SessionFactory, timeout: float) -> list[Delivery]:
    deadline = time.monotonic() + timeout
    while True:
        rows = await _rows(sessions)
        if all(row.status not in OPEN for row in rows):
            return rows
        assert time.monotonic() < deadline, "the broadcast did not finish"
        await asyncio.sleep(0.5)


async def _until_quiet(fake: FakeTelegram, quiet: float, longest: float) -> None:
    """Until no message arrived for `quiet` seconds (or `longest` passed)."""
    deadline = time.monotonic() + longest
    while time.monotonic() < deadline:
        seen = len(fake.arrivals)
        await asyncio.sleep(quiet)
        if len(fake.arrivals) == seen:
            return


@ON_POSTGRES
async def test_a_worker_killed_mid_send_loses_and_doubles_nothing(
    sessions: SessionFactory, workers: Workers, fake: FakeTelegram
) -> None:
    await _broadcast_to(sessions, 150)
    workers.start()
    victim = workers.start()
    await eventually(lambda: len(fake.arrivals) >= 40, what="40 messages")
    # Telegram is slow to answer when the worker dies: its messages in flight have arrived,
    # but it never hears so; its other claimed rows wait for their lease to end.
    fake.answering.clear()
    await _until_quiet(fake, 1.0, longest=3.5)  # both stopped at the budget: 30 outstanding
    victim.kill()
    victim.wait()
    fake.answering.set()
    workers.start()
    rows = await _until_settled(sessions, timeout=LEASE.total_seconds() + 60)
    received = Counter(message["chat_id"] for message in fake.sent())
    assert received == Counter({row.address: 1 for row in rows})  # everyone, exactly once
    unknown = [row for row in rows if row.status != "sent"]
    # A message whose answer died with its sender is not sent again: it did arrive.
    assert all((r.status, r.error) == ("failed", UNKNOWN_OUTCOME) for r in unknown), unknown
    assert len(unknown) <= 30
    assert fake.throttled == 0


@ON_POSTGRES
async def test_two_workers_keep_to_the_limits_through_redis(
    sessions: SessionFactory, workers: Workers, fake: FakeTelegram
) -> None:
    fake.per_second = None  # let everything through, and count afterwards
    await _broadcast_to(sessions, 60, times=3)  # 180 messages, three to each chat
    workers.start()
    workers.start()
    rows = await _until_settled(sessions, timeout=90)
    assert [row.status for row in rows] == ["sent"] * 180
    arrivals = sorted((call.at, call.fields["chat_id"]) for call in fake.calls("sendMessage"))
    times = [at for at, _chat in arrivals]
    busiest = max(sum(1 for t in times[i:] if t < start + 1.0) for i, start in enumerate(times))
    assert busiest <= 30  # Telegram's 30 a second per bot, counted on arrival
    per_chat: dict[str, list[float]] = {}
    for at, chat in arrivals:
        per_chat.setdefault(chat, []).append(at)
    gaps = [b - a for chats in per_chat.values() for a, b in zip(chats, chats[1:], strict=False)]
    assert len(gaps) == 120 and min(gaps) >= 1.0  # one a second per chat
