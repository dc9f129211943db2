"""The sender against the fakes, on SQLite and PostgreSQL: pacing, retries, giving up."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import asdict
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from telegram.error import TimedOut

from actions import broadcasts, outbox_claims
from actions.clock import ManualClock
from actions.db import SessionFactory, transaction
from actions.demo import load_demo_residents
from actions.models import ChannelAddress, Delivery, Resident
from actions.outbox import enqueue
from bot.channels import Channels
from bot.channels.base import Channel, DeliveryStatus
from bot.channels.errors import ConnectionFailed, OutcomeUnknown, transport_failure
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram import send_error as telegram_send_error
from bot.channels.twilio import TwilioChannel, twilio_client
from bot.runtime import pauses
from bot.runtime import sender as sender_module
from bot.runtime.broadcast_preview import preview
from bot.runtime.budget import Budget
from bot.runtime.sender import Sender
from tests.conftest import NOW
from tests.fakes.telegram import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from tests.support.clock import RunningClock

# On PostgreSQL too: the sender's claims (FOR UPDATE SKIP LOCKED), leases and two senders.
pytestmark = pytest.mark.both_databases


async def _address(
    sessions: SessionFactory, channel: str, address: str, **flags: object
) -> ChannelAddress:
    now = NOW
    async with transaction(sessions) as session:
        entry = ChannelAddress(
            channel=channel,
            address=address,
            resident=Resident(language="it", created_at=now),
            **{"last_inbound_at": now, **flags},
        )
        session.add(entry)
        await session.flush()
        return entry


async def _queue(
    sessions: SessionFactory,
    address: ChannelAddress,
    *texts: str,
    kind: str = "reply",
    options: tuple[str, ...] = (),
    **payload: object,
) -> None:
    async with transaction(sessions) as session:
        for text in texts:
            body = {"text": text, "options": list(options), **payload}
            enqueue(session, address=address, payload=body, kind=kind, now=NOW)


async def _rows(sessions: SessionFactory) -> list[Delivery]:
    async with sessions() as session:
        return list((await session.scalars(select(Delivery).order_by(Delivery.id))).all())


async def _until(
    sender: Sender, done: Callable[[], Awaitable[bool]], *, timeout: float = 8.0
) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await done():
        assert asyncio.get_running_loop().time() < deadline, "the outbox did not settle"
        if not await sender.run_once():
            await asyncio.sleep(0.05)


def _settled(sessions: SessionFactory) -> Callable[[], Awaitable[bool]]:
    async def done() -> bool:
        return all(row.status not in outbox_claims.OPEN for row in await _rows(sessions))

    return done


@pytest.fixture
def sender(sessions: SessionFactory, channels: Channels) -> Sender:
    return Sender(sessions, channels, Budget(), RunningClock(NOW))


async def test_one_chat_gets_its_replies_in_order_a_second_apart(
    sessions: SessionFactory, sender: Sender, fake_telegram: FakeTelegram
) -> None:
    address = await _address(sessions, "telegram", "42")
    await _queue(sessions, address, "uno", "due", "tre", options=("Sì", "No"))
    others = [await _address(sessions, "telegram", str(100 + n)) for n in range(5)]
    for other in others:
        await _queue(sessions, other, "ciao")
    await sender.run_once()
    first_round = [
        (r.fields["chat_id"], r.fields["text"]) for r in fake_telegram.calls("sendMessage")
    ]
    # six chats at once: only the same chat waits for its next reply
    assert sorted(first_round) == [
        ("100", "ciao"),
        ("101", "ciao"),
        ("102", "ciao"),
        ("103", "ciao"),
        ("104", "ciao"),
        ("42", "uno"),
    ]
    await _until(sender, _settled(sessions))
    to_42 = [r for r in fake_telegram.calls("sendMessage") if r.fields["chat_id"] == "42"]
    assert [r.fields["text"] for r in to_42] == ["uno", "due", "tre"]
    gaps = [b.at - a.at for a, b in zip(to_42, to_42[1:], strict=False)]
    assert all(gap >= 0.9 for gap in gaps), gaps
    rows = await _rows(sessions)
    assert {r.status for r in rows} == {"sent"} and all(r.provider_message_id for r in rows)


async def test_a_429_is_retried_after_retry_after_and_nothing_is_lost_or_doubled(
    sessions: SessionFactory, sender: Sender, fake_telegram: FakeTelegram
) -> None:
    address = await _address(sessions, "telegram", "42")
    fake_telegram.fail(429, "Too Many Requests: retry after 1", retry_after=1)
    await _queue(sessions, address, "uno", "due")
    await _until(sender, _settled(sessions))
    calls = fake_telegram.calls("sendMessage")
    assert [c.fields["text"] for c in calls] == ["uno", "uno", "due"]
    assert calls[1].at - calls[0].at >= 1.0
    assert [m["text"] for m in fake_telegram.sent()] == ["uno", "due"]
    first, second = await _rows(sessions)
    assert (first.status, first.attempts, second.status, second.attempts) == ("sent", 2, "sent", 1)


async def test_a_blocked_user_stops_further_sends(
    sessions: SessionFactory, sender: Sender, fake_telegram: FakeTelegram
) -> None:
    address = await _address(sessions, "telegram", "42")
    fake_telegram.blocked.add(42)
    await _queue(sessions, address, "uno", "due", "tre")
    await _until(sender, _settled(sessions))
    await _queue(sessions, address, "quattro", kind="broadcast")
    await _until(sender, _settled(sessions))
    assert len(fake_telegram.calls("sendMessage")) == 1
    rows = await _rows(sessions)
    assert [r.status for r in rows] == ["failed", "skipped", "skipped", "skipped"]
    assert "blocked" in (rows[0].error or "")
    async with sessions() as session:
        assert (await session.get(ChannelAddress, address.id)).unreachable  # type: ignore[union-attr]


async def test_server_errors_back_off_then_succeed(
    sessions: SessionFactory,
    sender: Sender,
    fake_telegram: FakeTelegram,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pauses, "BACKOFF_BASE", 0.2)
    address = await _address(sessions, "telegram", "42")
    fake_telegram.fail(502, "Bad Gateway", times=2)
    await _queue(sessions, address, "uno")
    await _until(sender, _settled(sessions))
    [row] = await _rows(sessions)
    assert (row.status, row.attempts) == ("sent", 3)
    assert len(fake_telegram.sent()) == 1


async def test_after_the_last_attempt_it_gives_up(
    sessions: SessionFactory, sender: Sender, fake_telegram: FakeTelegram
) -> None:
    address = await _address(sessions, "telegram", "42")
    await _queue(sessions, address, "uno")
    async with transaction(sessions) as session:
        (await session.scalar(select(Delivery))).attempts = sender_module.MAX_ATTEMPTS - 1  # type: ignore[union-attr]
    fake_telegram.fail(500, "Internal Server Error")
    await _until(sender, _settled(sessions))
    [row] = await _rows(sessions)
    assert row.status == "failed" and (row.error or "").startswith("gave up")


async def test_sms_after_stop_sends_nothing_and_21610_records_the_opt_out(
    sessions: SessionFactory, sender: Sender, fake_twilio: FakeTwilio
) -> None:
    stopped = await _address(sessions, "sms", "+393331111111", opted_out=True)
    await _queue(sessions, stopped, "Va bene. Non riceverà più notizie.")
    fake_twilio.opted_out.add("+393332222222")
    carrier_stopped = await _address(sessions, "sms", "+393332222222")
    await _queue(sessions, carrier_stopped, "ciao", "ancora")
    await _until(sender, _settled(sessions))
    assert [r.status for r in await _rows(sessions)] == ["skipped", "failed", "skipped"]
    assert len(fake_twilio.requests) == 1
    async with sessions() as session:
        found = await session.get(ChannelAddress, carrier_stopped.id)
        assert found is not None and found.opted_out and not found.unreachable


async def test_telegram_replies_still_answer_a_stop_but_broadcasts_do_not(
    sessions: SessionFactory, sender: Sender, fake_telegram: FakeTelegram
) -> None:
    address = await _address(sessions, "telegram", "42", opted_out=True)
    await _queue(sessions, address, "Va bene.")
    await _queue(sessions, address, "Notizie", kind="broadcast")
    await _until(sender, _settled(sessions))
    assert [r.status for r in await _rows(sessions)] == ["sent", "skipped"]


async def test_whatsapp_outside_24_hours_only_with_a_template(
    sessions: SessionFactory, sender: Sender, fake_twilio: FakeTwilio
) -> None:
    old = NOW - timedelta(hours=25)
    address = await _address(sessions, "whatsapp", "+393331234567", last_inbound_at=old)
    await _queue(sessions, address, "Notizie", kind="broadcast")
    template = {"content_sid": "HX" + "a" * 32, "variables": {"1": "Ospizio"}}
    await _queue(sessions, address, "Notizie", kind="broadcast", template=template)
    await _until(sender, _settled(sessions))
    skipped, sent = await _rows(sessions)
    assert skipped.status == "skipped" and "24-hour" in (skipped.error or "")
    assert sent.status == "sent"
    [created] = fake_twilio.created()
    assert created["ContentSid"] == "HX" + "a" * 32 and "Body" not in created


async def test_a_broadcast_reaches_whatsapp_off_window_only_through_its_template(
    sessions: SessionFactory, sender: Sender, fake_twilio: FakeTwilio
) -> None:
    now, sid = NOW, "HX" + "b" * 32
    async with transaction(sessions) as session:
        await load_demo_residents(
            session, count=2, now=now - timedelta(days=2), channels=("whatsapp",)
        )
        recent = await session.scalar(select(ChannelAddress).order_by(ChannelAddress.id))
        assert recent is not None
        recent.last_inbound_at = now
        plain = await broadcasts.create_broadcast(session, texts={"it": "Festa"}, now=now)
        templated = await broadcasts.create_broadcast(
            session,
            texts={"it": "Festa"},
            whatsapp_content_sid=sid,
            whatsapp_variables={"1": "sabato"},
            now=now,
        )
        shown = [
            (await preview(session, broadcast=b, now=now, segment_cost=0.08))["whatsapp"]
            for b in (plain, templated)
        ]
        for broadcast in (plain, templated):
            await broadcasts.fan_out(session, broadcast_id=broadcast.id, now=now)
    assert shown == [
        {"outside_window": 1, "template": None, "skipped_without_template": 1},
        {"outside_window": 1, "template": sid, "skipped_without_template": 0},
    ]
    await _until(sender, _settled(sessions))
    outcomes = {
        (r.broadcast_id, r.address == recent.address, r.status) for r in await _rows(sessions)
    }
    assert outcomes == {
        (plain.id, True, "sent"),
        (plain.id, False, "skipped"),
        (templated.id, True, "sent"),
        (templated.id, False, "sent"),
    }
    [reason] = [r.error for r in await _rows(sessions) if r.status == "skipped"]
    assert "24-hour" in (reason or "")
    created = fake_twilio.created()
    assert sorted(m.get("Body", "") for m in created) == ["", "Festa", "Festa"]
    [by_template] = [m for m in created if "ContentSid" in m]
    assert by_template["ContentSid"] == sid
    assert json.loads(by_template["ContentVariables"]) == {"1": "sabato"}


async def test_replies_go_before_broadcasts(
    sessions: SessionFactory, channels: Channels, fake_telegram: FakeTelegram
) -> None:
    for n in range(3):
        await _queue(
            sessions, await _address(sessions, "telegram", str(200 + n)), "news", kind="broadcast"
        )
    await _queue(sessions, await _address(sessions, "telegram", "42"), "risposta")
    sender = Sender(sessions, channels, Budget(), RunningClock(NOW), batch=1)
    await sender.run_once()
    assert fake_telegram.sent()[0]["text"] == "risposta"


async def test_two_senders_never_send_the_same_message(
    sessions: SessionFactory, channels: Channels, fake_telegram: FakeTelegram
) -> None:
    for n in range(12):
        await _queue(sessions, await _address(sessions, "telegram", str(300 + n)), f"m{n}")
    budget = Budget()  # shared, as through Redis
    first, second = (
        Sender(sessions, channels, budget, RunningClock(NOW), batch=4) for _ in range(2)
    )
    for _ in range(3):
        await asyncio.gather(first.run_once(), second.run_once())
    texts = sorted(m["text"] for m in fake_telegram.sent())
    assert texts == sorted(f"m{n}" for n in range(12))


async def test_a_dead_senders_claim_comes_back_after_the_lease(
    sessions: SessionFactory, sender: Sender, fake_telegram: FakeTelegram
) -> None:
    await _queue(sessions, await _address(sessions, "telegram", "42"), "uno")
    now = NOW
    async with transaction(sessions) as session:
        claimed = await outbox_claims.claim_due(
            session, channels=["telegram"], now=now, lease=sender_module.LEASE, limit=5
        )
    assert len(claimed) == 1  # ...and then that sender died
    assert await sender.run_once() == 0
    sender.clock = ManualClock(now + sender_module.LEASE + timedelta(seconds=1))
    assert await sender.run_once() == 1
    assert len(fake_telegram.sent()) == 1


async def test_a_row_handed_over_before_its_sender_died_is_never_sent_again(
    sessions: SessionFactory, sender: Sender, fake_telegram: FakeTelegram
) -> None:
    await _queue(sessions, await _address(sessions, "telegram", "42"), "uno")
    await _queue(sessions, await _address(sessions, "telegram", "43"), "due")
    now = NOW
    async with transaction(sessions) as session:
        first, second = await outbox_claims.claim_due(
            session, channels=["telegram"], now=now, lease=sender_module.LEASE, limit=5
        )
        # the first reached the provider, or not: nobody knows; then that sender died
        assert await outbox_claims.start_sending(session, first, now=now)
    sender.clock = ManualClock(now + sender_module.LEASE + timedelta(seconds=1))
    await _until(sender, _settled(sessions))
    assert [m["text"] for m in fake_telegram.sent()] == ["due"]
    rows = await _rows(sessions)
    assert [r.status for r in rows] == ["failed", "sent"]
    assert rows[0].error == outbox_claims.UNKNOWN_OUTCOME
    async with transaction(sessions) as session:  # the late owner of the lease may not send
        assert not await outbox_claims.start_sending(session, second, now=now)


async def test_status_callbacks_move_forward_only(
    sessions: SessionFactory, sender: Sender, fake_twilio: FakeTwilio
) -> None:
    address = await _address(sessions, "sms", "+393331234567")
    await _queue(sessions, address, "ciao")
    await _until(sender, _settled(sessions))
    [row] = await _rows(sessions)
    sid = row.provider_message_id
    assert sid is not None and row.segments == 1
    for status in ("delivered", "sent"):
        async with transaction(sessions) as session:
            await outbox_claims.apply_status(session, **asdict(DeliveryStatus(sid, status)))
    [row] = await _rows(sessions)
    assert row.status == "delivered"
    async with transaction(sessions) as session:
        assert (
            await outbox_claims.apply_status(
                session, provider_message_id="SM" + "0" * 32, status="sent"
            )
            is None
        )


async def test_without_its_budget_the_sender_waits_rather_than_send_unpaced(
    sessions: SessionFactory, channels: Channels, fake_telegram: FakeTelegram
) -> None:
    await _queue(sessions, await _address(sessions, "telegram", "42"), "uno")
    sender = Sender(
        sessions, channels, Budget("redis://127.0.0.1:1/0"), RunningClock(NOW)
    )  # nobody listens
    assert await sender.run_once() == 1
    [row] = await _rows(sessions)
    assert (row.status, row.error, row.attempts) == ("pending", "rate budget unavailable", 0)
    assert fake_telegram.calls("sendMessage") == []


async def test_a_broadcast_never_goes_faster_than_thirty_a_second(
    sessions: SessionFactory, channels: Channels, fake_telegram: FakeTelegram
) -> None:
    async with transaction(sessions) as session:
        now = NOW
        for n in range(75):
            entry = ChannelAddress(
                channel="telegram",
                address=str(10_000 + n),
                resident=Resident(created_at=now),
                last_inbound_at=now,
            )
            session.add(entry)
            await session.flush()
            enqueue(session, address=entry, payload={"text": "Festa"}, kind="broadcast", now=now)
    sender = Sender(sessions, channels, Budget(), RunningClock(NOW), batch=32)
    await _until(sender, _settled(sessions), timeout=20)
    times = sorted(c.at for c in fake_telegram.calls("sendMessage"))
    assert len(times) == 75
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= 30  # Telegram's limit, counted where Telegram counts: on arrival
    assert times[-1] - times[0] >= 2.0  # 75 at 30 a second


# --- at most once when the provider is slow (issue 21.12) ---------------------------------

TIMEOUT = 0.4  # the clients' read timeout here; the slow fake answers after 1 s


@pytest.fixture
async def impatient(
    fake_telegram: FakeTelegram, fake_twilio: FakeTwilio
) -> AsyncIterator[dict[str, Channel]]:
    """Telegram and SMS channels that wait only TIMEOUT seconds for an answer."""
    built: dict[str, Channel] = {
        "telegram": TelegramChannel(
            token=TELEGRAM_TOKEN, api_url=fake_telegram.url, read_timeout=TIMEOUT
        ),
        "sms": TwilioChannel(
            scheme="sms",
            client=twilio_client(ACCOUNT_SID, AUTH_TOKEN, fake_twilio.url, timeout=TIMEOUT),
            auth_token=AUTH_TOKEN,
            sender="+15005550006",
            status_callback=None,
        ),
    }
    yield built
    for channel in built.values():
        await channel.close()


@pytest.mark.parametrize("channel", ["telegram", "sms"])
async def test_a_send_answered_after_the_timeout_is_outcome_unknown_and_never_resent(
    sessions: SessionFactory,
    impatient: dict[str, Channel],
    fake_telegram: FakeTelegram,
    fake_twilio: FakeTwilio,
    monkeypatch: pytest.MonkeyPatch,
    channel: str,
) -> None:
    """The provider took the message but answered late: sending it again would send it twice
    (the duplicate of a broadcast under load)."""
    monkeypatch.setattr(pauses, "BACKOFF_BASE", 0.1)  # a wrong retry would come at once
    fake = fake_telegram if channel == "telegram" else fake_twilio
    fake.slow(1.0)
    address = await _address(sessions, channel, "42" if channel == "telegram" else "+393331112222")
    await _queue(sessions, address, "uno")
    sender = Sender(sessions, impatient, Budget(), RunningClock(NOW))
    await _until(sender, _settled(sessions))
    await asyncio.sleep(1.2)  # the late answer, and any retry after it
    await sender.run_once()
    taken = [r for r in fake.requests if r.path.endswith(("/sendMessage", "/Messages.json"))]
    assert len(taken) == 1
    [row] = await _rows(sessions)
    assert (row.status, row.attempts, row.error) == (
        "failed",
        1,
        sender_module.UNKNOWN_AFTER_TIMEOUT,
    )


async def test_a_provider_that_cannot_be_reached_is_tried_again(
    sessions: SessionFactory, fake_twilio: FakeTwilio
) -> None:
    """Connection refused proves nothing arrived: the row waits for another try."""
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    sms = TwilioChannel(
        scheme="sms",
        client=twilio_client(ACCOUNT_SID, AUTH_TOKEN, closed, timeout=TIMEOUT),
        auth_token=AUTH_TOKEN,
        sender="+15005550006",
        status_callback=None,
    )
    address = await _address(sessions, "sms", "+393331112222")
    await _queue(sessions, address, "uno")
    await Sender(sessions, {"sms": sms}, Budget(), RunningClock(NOW)).run_once()
    await sms.close()
    [row] = await _rows(sessions)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "unreachable: ConnectError" in (row.error or "")


@pytest.mark.parametrize(
    ("failure", "retried"),
    [
        (httpx.ConnectError("refused"), True),  # refused, DNS: no connection was made
        (httpx.ConnectTimeout("slow to connect"), True),
        (httpx.PoolTimeout("no free connection"), True),
        (httpx.ReadTimeout("no answer"), False),  # written, then no answer: it may be there
        (httpx.WriteTimeout("half written"), False),
        (httpx.RemoteProtocolError("closed mid-answer"), False),
        (httpx.ReadError("reset"), False),
    ],
)
def test_only_failures_that_prove_nothing_arrived_are_retried(
    failure: httpx.HTTPError, retried: bool
) -> None:
    error = transport_failure(failure, "Twilio")
    assert isinstance(error, ConnectionFailed if retried else OutcomeUnknown)
    telegram = telegram_send_error(TimedOut("Timed out"))
    assert isinstance(telegram, OutcomeUnknown)  # a timeout of unknown kind: not resent
    try:
        raise TimedOut("Pool timeout") from httpx.PoolTimeout("pool")
    except TimedOut as exc:
        assert isinstance(telegram_send_error(exc), ConnectionFailed)
