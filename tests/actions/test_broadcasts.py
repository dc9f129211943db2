"""Broadcast targeting and bulk fan-out, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from actions import broadcasts
from actions.db import SessionFactory, transaction
from actions.demo import load_demo_residents
from actions.errors import DomainError, InvalidTransition
from actions.models import ChannelAddress, Delivery, Resident, Subscription
from tests.conftest import NOW

# On PostgreSQL too: the fan-out's bulk INSERT ... SELECT and its keys built in SQL.
pytestmark = pytest.mark.both_databases


async def _people(sessions: SessionFactory) -> None:
    async with transaction(sessions) as session:
        await load_demo_residents(session, count=90, now=NOW - timedelta(days=2))


async def test_targeting_by_neighbourhood_language_and_channel(
    demo_sessions: SessionFactory,
) -> None:
    await _people(demo_sessions)
    async with transaction(demo_sessions) as session:
        everyone = await broadcasts.create_broadcast(session, texts={"it": "Ciao"}, now=NOW)
        ospizio_sms = await broadcasts.create_broadcast(
            session, texts={"it": "Lavori"}, quartiere="Ospizio", channel="sms", now=NOW
        )
        reached = await broadcasts.audience(session, broadcast=everyone, now=NOW)
        narrow = await broadcasts.audience(session, broadcast=ospizio_sms, now=NOW)
        expected = await session.scalar(
            select(func.count())
            .select_from(ChannelAddress)
            .join(Resident)
            .join(Subscription, Subscription.resident_id == Resident.id)
            .where(Subscription.quartiere == "Ospizio", ChannelAddress.channel == "sms")
        )
    assert reached.total() == 90
    assert reached.whatsapp_outside_window == reached.total("whatsapp") == 30
    assert narrow.total() == narrow.total("sms") == expected


async def test_fan_out_writes_one_delivery_per_address_in_each_language(
    demo_sessions: SessionFactory,
) -> None:
    await _people(demo_sessions)
    async with transaction(demo_sessions) as session:
        broadcast = await broadcasts.create_broadcast(
            session, texts={"it": "Domani lavori in strada", "en": "Road works tomorrow"}, now=NOW
        )
        assert await broadcasts.fan_out(session, broadcast_id=broadcast.id, now=NOW) == 90
    async with transaction(demo_sessions) as session:
        with pytest.raises(InvalidTransition):
            await broadcasts.fan_out(session, broadcast_id=broadcast.id, now=NOW)
    async with demo_sessions() as session:
        rows = (
            await session.execute(
                select(Resident.language, Delivery.payload)
                .join(Resident)
                .where(Delivery.broadcast_id == broadcast.id)
            )
        ).all()
        assert {p["text"] for lang, p in rows if lang == "en"} == {"Road works tomorrow"}
        assert {p["text"] for lang, p in rows if lang != "en"} == {"Domani lavori in strada"}
        stats = await broadcasts.statistics(session, broadcast_id=broadcast.id)
    assert stats == {
        "id": broadcast.id,
        "state": "sending",
        "total": 90,
        "sent": 0,
        "delivered": 0,
        "failed": 0,
        "skipped": 0,
        "pending": 90,
    }


async def test_cancel_skips_what_is_not_sent(demo_sessions: SessionFactory) -> None:
    await _people(demo_sessions)
    async with transaction(demo_sessions) as session:
        broadcast = await broadcasts.create_broadcast(session, texts={"it": "x"}, now=NOW)
        await broadcasts.fan_out(session, broadcast_id=broadcast.id, now=NOW)
        assert await broadcasts.cancel_broadcast(session, broadcast_id=broadcast.id) == 90
        stats = await broadcasts.statistics(session, broadcast_id=broadcast.id)
    assert stats["state"] == "cancelled" and stats["skipped"] == 90


async def test_bad_broadcasts_are_refused(demo_sessions: SessionFactory) -> None:
    async with transaction(demo_sessions) as session:
        for kwargs in (
            {"texts": {"en": "only english"}},
            {"texts": {"it": "x", "fr": "y"}},
            {"texts": {"it": "x"}, "channel": "fax"},
            {"texts": {"it": "x"}, "scheduled_at": NOW - timedelta(hours=1)},
        ):
            with pytest.raises(DomainError):
                await broadcasts.create_broadcast(session, now=NOW, **kwargs)


async def test_a_draft_is_scheduled_once_and_never_in_the_past(
    demo_sessions: SessionFactory,
) -> None:
    async with transaction(demo_sessions) as session:
        draft = await broadcasts.create_broadcast(session, texts={"it": "Festa"}, now=NOW)
        with pytest.raises(DomainError):
            await broadcasts.schedule_broadcast(
                session, broadcast_id=draft.id, at=NOW - timedelta(minutes=1), now=NOW
            )
        at = NOW + timedelta(hours=3)
        scheduled = await broadcasts.schedule_broadcast(
            session, broadcast_id=draft.id, at=at, now=NOW
        )
        assert scheduled.state == "scheduled" and scheduled.scheduled_at == at
        with pytest.raises(InvalidTransition):
            await broadcasts.schedule_broadcast(session, broadcast_id=draft.id, at=at, now=NOW)
        assert await broadcasts.due_broadcasts(session, now=at) == [draft.id]


async def test_counts_per_channel_and_reason_and_for_many_broadcasts(
    demo_sessions: SessionFactory,
) -> None:
    await _people(demo_sessions)
    async with transaction(demo_sessions) as session:
        first = await broadcasts.create_broadcast(session, texts={"it": "Uno"}, now=NOW)
        await broadcasts.fan_out(session, broadcast_id=first.id, now=NOW)
        second = await broadcasts.create_broadcast(
            session, texts={"it": "Due"}, channel="sms", now=NOW
        )
        sms = await session.scalars(
            select(Delivery.id).where(Delivery.broadcast_id == first.id, Delivery.channel == "sms")
        )
        opted_out, *_rest = sms.all()
        await session.execute(
            update(Delivery)
            .where(Delivery.id == opted_out)
            .values(status="skipped", error="recipient opted out")
        )
        await session.execute(
            update(Delivery)
            .where(Delivery.broadcast_id == first.id, Delivery.status == "pending")
            .values(status="sent")
        )
    async with transaction(demo_sessions) as session:
        breakdown = await broadcasts.delivery_breakdown(session, broadcast_id=first.id)
        listed = await broadcasts.latest_with_statistics(session, limit=10)
    assert broadcasts.DeliveryCount("sms", "skipped", "recipient opted out", 1) in breakdown
    assert {(c.channel, c.status, c.count) for c in breakdown} == {
        ("telegram", "sent", 30),
        ("whatsapp", "sent", 30),
        ("sms", "sent", 29),
        ("sms", "skipped", 1),
    }
    assert [
        (b.id, stats["state"], stats["total"], stats["sent"], stats["skipped"])
        for b, stats in listed
    ] == [(second.id, "draft", 0, 0, 0), (first.id, "done", 90, 89, 1)]
