"""The webhook routes through the real app: every fixture replayed, then what strangers send."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from actions.db import SessionFactory, transaction
from actions.models import ChannelAddress, Delivery, MessageLog, Resident
from api.main import create_app
from tests.conftest import NOW
from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import FakeTwilio, sign
from tests.support import channels as support
from tests.support.channels import (
    PUBLIC_URL,
    Case,
    Harness,
    channel_settings,
    load_cases,
    row_counts,
)

# The fixtures this module uses, from the shared support module.
fake_telegram, fake_twilio, harness = support.fake_telegram, support.fake_twilio, support.harness
staff_room = support.staff_room

CASES = load_cases()


async def _post(harness: Harness, case: Case) -> httpx.Response:
    if case.channel == "telegram":
        return await harness.hooks.telegram(case.body)
    return await harness.hooks.twilio(case.body)


async def _set_up(sessions: SessionFactory, setup: dict[str, Any]) -> None:
    now = NOW
    async with transaction(sessions) as session:
        if "address" in setup:
            session.add(ChannelAddress(**setup["address"], resident=Resident(created_at=now)))
        if "delivery" in setup:
            session.add(
                Delivery(
                    **setup["delivery"],
                    idempotency_key=setup["delivery"]["provider_message_id"],
                    kind="reply",
                    payload={"text": "ciao"},
                    next_attempt_at=now,
                    created_at=now,
                    sent_at=now,
                )
            )


async def _address(sessions: SessionFactory, channel: str, address: str) -> ChannelAddress:
    async with sessions() as session:
        found = await session.scalar(
            select(ChannelAddress).where(
                ChannelAddress.channel == channel, ChannelAddress.address == address
            )
        )
    assert found is not None
    return found


async def _refused(harness: Harness, case: Case) -> None:
    """A wrong or missing secret, a bad or stale signature: 403 each."""
    if case.channel == "telegram":
        wrong = await harness.hooks.telegram(case.body, secret="not-the-secret")
        missing = await harness.hooks.telegram(case.body, secret=None)
    else:
        url = PUBLIC_URL + "/webhooks/twilio"
        wrong = await harness.hooks.twilio(case.body, signature=sign(url, case.body, "x" * 32))
        tampered = {**case.body, "Body": "tampered"}
        missing = await harness.hooks.twilio(tampered, signature=sign(url, case.body))
    assert (wrong.status_code, missing.status_code) == (403, 403)


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_fixture(harness: Harness, case: Case) -> None:
    await _set_up(harness.sessions, case.setup)
    before = await row_counts(harness.sessions)
    await _refused(harness, case)
    assert await row_counts(harness.sessions) == before, "a refused call wrote something"
    answer = await _post(harness, case)
    assert answer.status_code == 200, answer.text
    expect = case.expect
    if case.channel == "telegram":
        ignored = {"ignored": answer.json().get("ignored")} if expect["event"] == "ignored" else {}
        assert answer.json() == expect.get("answer", {"ok": True, **ignored})
        assert "answer" in expect or expect["event"] != "ignored" or ignored["ignored"]
    else:
        assert answer.headers["content-type"].startswith("text/xml")
    after = await row_counts(harness.sessions)
    if expect["event"] == "inbound":
        inbound = expect["inbound"]
        async with harness.sessions() as session:
            logged = await session.scalar(
                select(MessageLog).where(
                    MessageLog.provider_message_id == inbound["provider_message_id"]
                )
            )
        assert logged is not None and logged.direction == "in"
        assert logged.channel == inbound["channel"] and logged.text == inbound["text"]
        assert logged.media == [{"kind": m["kind"], "url": m["url"]} for m in inbound["media"]]
        assert after["deliveries"] > before["deliveries"], "no reply was queued"
    else:
        changed = {t for t in after if after[t] != before[t]}
        assert not changed, f"{case} wrote to {changed}"
    if "address" in expect:
        channel = case.setup.get("address", {}).get("channel") or expect["inbound"]["channel"]
        address = case.setup.get("address", {}).get("address") or expect["inbound"]["address"]
        found = await _address(harness.sessions, channel, address)
        for flag, value in expect["address"].items():
            assert getattr(found, flag) == value, flag
    if "delivery" in expect:
        async with harness.sessions() as session:
            delivery = await session.scalar(select(Delivery))
        assert delivery is not None
        for name, value in expect["delivery"].items():
            assert getattr(delivery, name) == value, name
    # A provider retries a webhook it thinks failed: the replay must change nothing.
    settled = await row_counts(harness.sessions)
    again = await _post(harness, case)
    assert again.status_code == 200
    assert await row_counts(harness.sessions) == settled


TELEGRAM_UNREADABLE = [
    b"",
    b"{",
    b"[]",
    b"null",
    b'{"update_id": "7"}',
    b'{"update_id": true}',
    b"[" * 60_000,  # deep nesting, within the 64 KiB a webhook may send
    b'{"update_id": 7, "message": {"message_id": 1, "date": 99999999999999999999,'
    b' "chat": {"id": 1, "type": "private"}, "text": "x"}}',
    b'{"update_id": 7, "message": {"message_id": 1, "date": -1e300,'
    b' "chat": {"id": 1, "type": "private"}, "text": "x"}}',
    b'{"update_id": 7, "message": "x"}',
    b'{"update_id": 7, "message": {"chat": 5}}',
    "\u00e8".encode("latin-1"),
]
TWILIO_UNREADABLE = ["", "garbage", "MessageSid=SMnope&From=%2B393331234567", "From=%2B39333"]


async def test_unreadable_bodies_get_400_and_store_nothing(harness: Harness) -> None:
    before = await row_counts(harness.sessions)
    for body in TELEGRAM_UNREADABLE:
        answer = await harness.hooks.telegram(body)
        assert answer.status_code == 400 and answer.json()["detail"], body
    for form in TWILIO_UNREADABLE:
        answer = await harness.hooks.twilio(dict(httpx.QueryParams(form)))
        assert answer.status_code == 400 and answer.json()["detail"], form
    # Unsigned garbage is refused before it is read.
    assert (await harness.hooks.twilio(b"\xff\xfe", signature="x")).status_code == 403
    assert await row_counts(harness.sessions) == before


async def test_unconfigured_channels_are_not_found(
    database: tuple[str, str | None], sessions: SessionFactory
) -> None:
    url, schema = database
    app = create_app(
        channel_settings(
            database, FakeTelegram(), FakeTwilio(), telegram_token=None, twilio_account_sid=None
        )
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
        assert (await client.post("/webhooks/telegram", content=b"{}")).status_code == 404
        assert (await client.post("/webhooks/twilio", content=b"")).status_code == 404


async def test_writing_again_makes_an_unreachable_address_reachable(harness: Harness) -> None:
    await _set_up(
        harness.sessions,
        {"address": {"channel": "sms", "address": "+393331234567", "unreachable": True}},
    )
    [case] = [c for c in CASES if str(c) == "twilio/sms_digit"]
    assert (await _post(harness, case)).status_code == 200
    found = await _address(harness.sessions, "sms", "+393331234567")
    assert not found.unreachable


# On PostgreSQL too: racing first messages create one resident (ON CONFLICT, row locks).
@pytest.mark.both_databases
async def test_a_new_residents_first_messages_at_once_are_all_kept(harness: Harness) -> None:
    # Both calls create the resident; the one that loses the race must not be dropped as a
    # "duplicate" (Telegram posts updates in parallel, and providers retry in bursts).
    def update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
        chat = {"id": chat_id, "first_name": "Ada", "type": "private"}
        sender = {"id": chat_id, "is_bot": False, "first_name": "Ada"}
        message = {"message_id": 1, "date": 1795593600, "from": sender, "chat": chat}
        return {"update_id": update_id, "message": {**message, "text": text}}

    async def until_accepted(body: dict[str, Any]) -> None:
        for _try in range(50):  # a 503 is retried, as Telegram does
            if (await harness.hooks.telegram(body)).status_code != 503:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"update {body['update_id']} was never accepted")

    chats = range(610000000, 610000020)
    bodies = [
        update(chat * 10 + n, chat, text)
        for chat in chats
        for n, text in enumerate(("ciao", "orari"))
    ]
    await asyncio.gather(*(until_accepted(body) for body in bodies))
    async with harness.sessions() as session:
        kept = set(
            await session.scalars(
                select(MessageLog.provider_message_id).where(MessageLog.direction == "in")
            )
        )
    assert kept == {str(body["update_id"]) for body in bodies}
