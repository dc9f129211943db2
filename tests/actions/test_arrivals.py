"""The inbox: a retried webhook adds nothing; each address is answered in order; leases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from actions import arrivals
from actions.arrivals import Received
from actions.clock import ManualClock
from actions.db import SessionFactory, transaction
from actions.models import Arrival, MessageLog, Resident
from bot.messages import Inbound
from bot.runtime.intake import MAX_ATTEMPTS, Intake
from bot.runtime.turns import Conversations
from nlu.types import NLU
from tests.conftest import NOW, ROME

# On PostgreSQL too: ON CONFLICT keeps a retried message once, SKIP LOCKED hands out leases.
pytestmark = pytest.mark.both_databases

LEASE = timedelta(seconds=30)


def _received(address: str, message_id: str | None, **message: object) -> Received:
    inbound = Inbound("sms", address, "ciao", provider_message_id=message_id)
    return Received("sms", address, message_id, message or inbound.to_dict(), NOW)


async def _keep(sessions: SessionFactory, *received: Received) -> list[bool]:
    async with transaction(sessions) as session:
        return await arrivals.accept(session, received)


async def test_a_retried_message_is_kept_once(sessions: SessionFactory) -> None:
    assert await _keep(sessions, _received("+393330000001", "SM1")) == [True]
    assert await _keep(sessions, _received("+393330000001", "SM1")) == [False]
    async with sessions() as session:
        assert await arrivals.waiting_count(session) == 1


async def test_a_group_keeps_each_new_message_once(sessions: SessionFactory) -> None:
    await _keep(sessions, _received("+39331", "OLD"))
    group = [
        _received("+39331", "OLD"),  # a retry of a kept message
        _received("+39331", "NEW"),
        _received("+39332", "NEW2"),
        _received("+39332", "NEW2"),  # the same message twice in one group
        _received("+39333", None),  # a provider that gives no id: always new
    ]
    assert await _keep(sessions, *group) == [False, True, True, False, True]
    async with sessions() as session:
        assert await arrivals.waiting_count(session) == 4


async def test_each_address_is_taken_in_order_and_a_lease_holds(sessions: SessionFactory) -> None:
    for address, message_id in (("+39331", "A1"), ("+39331", "A2"), ("+39332", "B1")):
        await _keep(sessions, _received(address, message_id))
    async with transaction(sessions) as session:
        first = await arrivals.claim(session, now=NOW, lease=LEASE, limit=10)
    assert [a.provider_message_id for a in first] == ["A1", "B1"]
    async with transaction(sessions) as session:  # leased: nobody else takes them, nor A2
        assert await arrivals.claim(session, now=NOW, lease=LEASE, limit=10) == []
    async with transaction(sessions) as session:
        await arrivals.answered(session, arrival_id=first[0].id)
        [second] = await arrivals.claim(session, now=NOW, lease=LEASE, limit=10)
    assert second.provider_message_id == "A2"
    later = NOW + LEASE + timedelta(seconds=1)  # their intake died: they come back
    async with transaction(sessions) as session:
        again = await arrivals.claim(session, now=later, lease=LEASE, limit=10)
    assert [(a.provider_message_id, a.attempts) for a in again] == [("A2", 2), ("B1", 2)]


async def test_the_intake_answers_and_forgets_the_stored_messages(
    demo_sessions: SessionFactory, nlu: NLU
) -> None:
    for n in range(3):  # new residents (created in their turn), and one who writes twice
        await _keep(demo_sessions, _received(f"+39333000000{n}", f"SM{n}"))
    await _keep(demo_sessions, _received("+393330000000", "SM9"))
    queued: list[str] = []
    intake = Intake(
        demo_sessions,
        Conversations(demo_sessions, nlu, ROME),
        lambda: queued.append(""),
    )
    await intake.drain()
    async with demo_sessions() as session:
        assert await session.scalar(select(Arrival)) is None
        logged = await session.scalars(
            select(MessageLog.provider_message_id).where(MessageLog.direction == "in")
        )
        assert sorted(logged) == ["SM0", "SM1", "SM2", "SM9"]
        assert await session.scalar(select(func.count()).select_from(Resident)) == 3
    assert queued  # the sender was woken for the replies


async def test_a_message_that_keeps_failing_is_kept_as_failed(
    demo_sessions: SessionFactory, nlu: NLU
) -> None:
    not_an_inbound = _received("+39333", "BAD", channel="sms", unexpected=True)
    await _keep(demo_sessions, not_an_inbound)
    clock = ManualClock(NOW)
    conversations = Conversations(demo_sessions, nlu, ROME)
    intake = Intake(demo_sessions, conversations, lambda: None, clock=clock)
    for _ in range(MAX_ATTEMPTS):
        assert await intake.run_once() == 1
        clock.advance(3600)  # past any backoff
    async with demo_sessions() as session:
        [kept] = (await session.scalars(select(Arrival))).all()
    assert (kept.status, kept.attempts, kept.error) == ("failed", MAX_ATTEMPTS, "TypeError")
    assert await intake.run_once() == 0
