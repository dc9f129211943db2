"""Residents book a SPID session over Telegram and over SMS: webhook in, outbox out, fakes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from actions.db import transaction
from actions.models import Booking, ChannelAddress, Delivery
from actions.outbox import enqueue
from tests.conftest import NOW
from tests.support import channels as support
from tests.support.channels import Harness, SmsResident, TelegramResident, send_all

# On PostgreSQL too: whole round trips through the inbox's and the outbox's claims.
pytestmark = pytest.mark.both_databases

fake_telegram, fake_twilio, harness = support.fake_telegram, support.fake_twilio, support.harness


async def test_a_telegram_resident_books_spid_with_buttons(harness: Harness) -> None:
    giulia = TelegramResident(harness.hooks, harness.telegram)
    assert (await giulia.says("/start")).json() == {"ok": True}
    await send_all(harness)
    [menu] = giulia.new()
    assert "Come posso aiutare?" in menu["text"] and "reply_markup" in menu
    answer = await giulia.presses("SPID")
    # The button press is acknowledged in the webhook's own response: no extra request.
    assert answer.json() == {
        "method": "answerCallbackQuery",
        "callback_query_id": f"cq{giulia.update_id - 1}",
    }
    await send_all(harness)
    bring, where = giulia.new()
    assert "carta d'identità" in bring["text"] and "In quale Casa" in where["text"]
    await giulia.presses("Ospizio")
    await send_all(harness)
    [when] = giulia.new()
    assert "Quando vuole venire?" in when["text"]
    await giulia.presses("1.")
    await send_all(harness)
    [confirm] = giulia.new()
    assert "Conferma?" in confirm["text"]
    await giulia.presses("Sì")
    await send_all(harness)
    done, menu = giulia.new()  # the confirmation to keep, then the menu's buttons
    assert menu["text"] == "Come posso aiutare? Scriva il numero."
    async with harness.sessions() as session:
        booking = await session.scalar(select(Booking))
    assert booking is not None and f"Il suo codice è {booking.code}" in done["text"]
    # Telegram retries the last update: no second booking, no second reply.
    assert (await harness.hooks.telegram(giulia.last_update)).status_code == 200
    await send_all(harness)
    assert giulia.new() == []


async def test_an_sms_resident_books_spid_with_digits(harness: Harness) -> None:
    mario = SmsResident(harness.hooks, harness.twilio)
    await mario.says("menu")
    await send_all(harness)
    [menu] = mario.new()  # a new resident: the welcome heads the menu, in one message
    assert menu["Body"].startswith("Buongiorno! Sono Portineria")
    assert "Come posso aiutare? Scriva il numero.\n1 " in menu["Body"]
    await mario.says(mario.option("SPID"))
    await send_all(harness)
    assert len(mario.new()) == 2
    await mario.says(mario.option("Ospizio"))
    await send_all(harness)
    await mario.says("1")
    await send_all(harness)
    await mario.says("1")
    await send_all(harness)
    [done] = mario.new()[-1:]
    assert "Prenotato! Il suo codice è" in done["Body"]
    async with harness.sessions() as session:
        rows = (await session.scalars(select(Delivery).order_by(Delivery.id))).all()
    assert all(r.status == "sent" and r.segments and r.segments <= 2 for r in rows)
    assert all(m["StatusCallback"].endswith("/webhooks/twilio") for m in mario.received())
    # Twilio retries the last webhook: no second reply.
    await harness.hooks.twilio(mario.last_fields)
    await send_all(harness)
    assert mario.new() == []


async def test_a_blocked_telegram_resident_gets_nothing_more(harness: Harness) -> None:
    giulia = TelegramResident(harness.hooks, harness.telegram)
    harness.telegram.blocked.add(giulia.chat_id)
    await giulia.says("/start")  # and blocks the bot before the answer goes out
    await send_all(harness)
    async with transaction(harness.sessions) as session:
        address = await session.scalar(select(ChannelAddress))
        assert address is not None and address.unreachable
        for kind in ("reminder", "broadcast"):
            enqueue(session, address=address, payload={"text": kind}, kind=kind, now=NOW)
    await send_all(harness)
    assert len(harness.telegram.calls("sendMessage")) == 1  # only the first, refused
    async with harness.sessions() as session:
        statuses = (await session.scalars(select(Delivery.status).order_by(Delivery.id))).all()
    assert statuses == ["failed", "skipped", "skipped"]


async def test_events_on_telegram_come_with_a_calendar_file(
    harness: Harness, fake_telegram: object
) -> None:
    anna = TelegramResident(harness.hooks, harness.telegram)
    await anna.says("/start")
    await send_all(harness)
    anna.new()
    await anna.presses("Eventi")
    await send_all(harness)
    [events] = anna.new()
    assert "Ecco cosa c'è:" in events["text"]
    [document] = [c.fields for c in fake_telegram.calls("sendDocument")]  # type: ignore[attr-defined]
    assert document["chat_id"] == str(anna.chat_id)
    assert "BEGIN:VCALENDAR" in document["document"] and "BEGIN:VEVENT" in document["document"]
