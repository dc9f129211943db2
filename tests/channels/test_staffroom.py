"""The custodians' Telegram group: a handoff card, "Prendo io", answers reaching SMS."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select, update

from actions import handoffs, privacy, staff
from actions.db import transaction
from actions.models import AuditEntry, Casa, Delivery, Handoff, HandoffNote, Resident, StaffUser
from api.console.conversations import render_inbox
from api.console.web import LocalTime
from bot.runtime.staffroom import StaffRoom
from tests.conftest import NOW
from tests.fakes.telegram import FakeTelegram
from tests.support import channels as support
from tests.support.channels import PUBLIC_URL, Harness, SmsResident, Webhooks, send_all
from tests.support.traces import traces

OSPIZIO_GROUP = -1001987654321
FALLBACK_GROUP = -1001000000001
ROSTA_GROUP = -1002222222222
harness = support.harness
ANNA = 555000111  # the Ospizio custodian's Telegram user id
STRANGER = 555000999  # in the group, but no staff account


@pytest.fixture
def staff_room() -> StaffRoom:
    """Handoffs go to their Casa's group, or to the city-wide group."""
    return StaffRoom(FALLBACK_GROUP, PUBLIC_URL + "/console")


@dataclass
class StaffGroup:
    """A custodians' group: reads what the bot posted, presses buttons, replies, commands."""

    hooks: Webhooks
    fake: FakeTelegram
    chat_id: int
    update_id: int = 700000000

    def posts(self) -> list[dict[str, Any]]:
        """The messages the bot posted here, as the Bot API returned them (with message_id)."""
        return [
            answer.body["result"]
            for request, answer in list(self.fake.exchanges)
            if request.path.endswith("/sendMessage")
            and answer.status == 200
            and answer.body["result"]["chat"]["id"] == self.chat_id
        ]

    def _from(self, user: int) -> dict[str, Any]:
        return {"id": user, "is_bot": False, "first_name": "Anna", "last_name": "Bertolini"}

    def _chat(self) -> dict[str, Any]:
        return {"id": self.chat_id, "title": "Custodi", "type": "supergroup"}

    async def presses(self, post: dict[str, Any], label: str, user: int) -> httpx.Response:
        """Press a button of one of the bot's posts."""
        [button] = [
            row[0] for row in post["reply_markup"]["inline_keyboard"] if label in row[0]["text"]
        ]
        self.update_id += 1
        query = {
            "id": f"cq{self.update_id}",
            "from": self._from(user),
            "chat_instance": "-4242",
            "data": button["callback_data"],
            "message": {
                "message_id": post["message_id"],
                "date": 1795593600,
                "chat": self._chat(),
                "text": post["text"],
            },
        }
        return await self.hooks.telegram({"update_id": self.update_id, "callback_query": query})

    async def writes(
        self, text: str, user: int, *, replying_to: dict[str, Any] | None = None
    ) -> httpx.Response:
        """Write in the group, as a reply to one of the bot's posts or not."""
        self.update_id += 1
        message: dict[str, Any] = {
            "message_id": self.update_id % 100000,
            "date": 1795593600,
            "from": self._from(user),
            "chat": self._chat(),
            "text": text,
        }
        if replying_to is not None:
            message["reply_to_message"] = replying_to
        return await self.hooks.telegram({"update_id": self.update_id, "message": message})


@pytest.fixture
async def ospizio(harness: Harness) -> StaffGroup:
    """The Ospizio group, linked to its Casa; Anna, its custodian, linked to her account."""
    async with transaction(harness.sessions) as session:
        await session.execute(
            update(Casa).where(Casa.name == "Ospizio").values(telegram_chat_id=OSPIZIO_GROUP)
        )
        await staff.link_telegram(
            session, email="custode.ospizio@demo.portineria.it", telegram_user_id=ANNA
        )
    return StaffGroup(harness.hooks, harness.telegram, OSPIZIO_GROUP)


async def _resident_of_ospizio(harness: Harness, maria: SmsResident) -> None:
    await maria.says("ciao")
    async with transaction(harness.sessions) as session:
        await session.execute(update(Resident).values(quartiere="Ospizio", display_name="Maria"))
    await send_all(harness)
    maria.new()


async def _asks_for_a_person(
    harness: Harness, group: StaffGroup
) -> tuple[SmsResident, dict[str, Any]]:
    """Maria of Ospizio asks for a person by SMS; the card her group got."""
    maria = SmsResident(harness.hooks, harness.twilio)
    await _resident_of_ospizio(harness, maria)
    await maria.says("operatore")
    await send_all(harness)
    [card] = group.posts()
    return maria, card


async def _handoff(harness: Harness) -> Handoff:
    async with harness.sessions() as session:
        handoff = await session.scalar(select(Handoff))
        assert handoff is not None
        return handoff


async def test_a_custodian_answers_an_sms_resident_from_the_telegram_group(
    harness: Harness, ospizio: StaffGroup
) -> None:
    maria = SmsResident(harness.hooks, harness.twilio)
    await _resident_of_ospizio(harness, maria)
    await maria.says("spid x mia moglie nn so come fare, voglio parlare con qualcuno")
    await maria.says("operatore")
    await send_all(harness)
    [card] = ospizio.posts()
    assert "Richiesta n." in card["text"] and "Ospizio" in card["text"]
    assert "Maria" in card["text"] and "SMS" in card["text"]
    assert "spid x mia moglie" in card["text"]  # the recent transcript
    assert "+39" not in card["text"]  # custodians answer through the bot, not by phone
    assert "Ho chiesto a una persona" in maria.new()[-1]["Body"]

    pressed = await ospizio.presses(card, "Prendo io", ANNA)
    assert pressed.json()["method"] == "answerCallbackQuery"
    assert "ha preso la richiesta" in pressed.json()["text"]
    handoff = await _handoff(harness)
    assert handoff.status == "claimed" and handoff.claimed_by_staff_id is not None

    await ospizio.writes(
        "Buongiorno Maria, sono Anna. Venga giovedì alle 10.", ANNA, replying_to=card
    )
    await send_all(harness)
    [answer] = maria.new()
    assert answer["Body"] == "Buongiorno Maria, sono Anna. Venga giovedì alle 10."

    # While Anna holds it, the bot is quiet and what Maria writes reaches the group.
    await maria.says("grazie, porto la tessera sanitaria?")
    await send_all(harness)
    assert maria.new() == []
    passed_on = ospizio.posts()[-1]
    assert "porto la tessera sanitaria?" in passed_on["text"]
    await ospizio.writes("Sì, e la carta d'identità.", ANNA, replying_to=passed_on)
    await send_all(harness)
    assert [m["Body"] for m in maria.new()] == ["Sì, e la carta d'identità."]

    await ospizio.writes("/nota le serve anche la PEC", ANNA, replying_to=card)
    await ospizio.writes("/chiudi prenotato giovedì", ANNA, replying_to=card)
    await send_all(harness)
    assert "chiusa da" in ospizio.posts()[-1]["text"]
    async with harness.sessions() as session:
        closed = await session.get_one(Handoff, handoff.id)
        assert (closed.status, closed.outcome) == ("closed", "prenotato giovedì")
        [note] = (await session.scalars(select(HandoffNote))).all()
        assert note.text == "le serve anche la PEC"
        actions = set(await session.scalars(select(AuditEntry.action)))
        assert {"handoff.claim", "handoff.reply", "handoff.note", "handoff.close"} <= actions
    await maria.says("menu")
    await send_all(harness)
    assert "Come posso aiutare?" in maria.new()[-1]["Body"]  # the bot answers again


# On PostgreSQL too: the inbox's ON CONFLICT keeps a redelivered update once.
@pytest.mark.both_databases
async def test_a_reply_delivered_twice_by_telegram_reaches_the_resident_once(
    harness: Harness, ospizio: StaffGroup
) -> None:
    maria, card = await _asks_for_a_person(harness, ospizio)
    maria.new()
    await ospizio.writes("Arrivo subito", ANNA, replying_to=card)
    ospizio.update_id -= 1  # Telegram sends the same update again after a lost response
    assert (await ospizio.writes("Arrivo subito", ANNA, replying_to=card)).status_code == 200
    await send_all(harness)
    assert [m["Body"] for m in maria.new()] == ["Arrivo subito"]


async def test_release_gives_the_conversation_back_to_the_bot(
    harness: Harness, ospizio: StaffGroup
) -> None:
    maria, card = await _asks_for_a_person(harness, ospizio)
    await ospizio.writes("/prendo", ANNA, replying_to=card)
    await ospizio.writes(f"/rilascia {(await _handoff(harness)).id}", ANNA)
    await send_all(harness)
    assert "ridata al bot" in ospizio.posts()[-1]["text"]
    maria.new()
    await maria.says("menu")
    await send_all(harness)
    assert "Come posso aiutare?" in maria.new()[-1]["Body"]


async def test_strangers_other_cases_and_unknown_groups_change_nothing(
    harness: Harness, ospizio: StaffGroup
) -> None:
    maria, card = await _asks_for_a_person(harness, ospizio)

    # Someone in the group with no staff account is told how to get linked.
    pressed = await ospizio.presses(card, "Prendo io", STRANGER)
    assert f"portineria staff telegram SUA-EMAIL {STRANGER}" in pressed.json()["text"]
    # A custodian of another Casa does not see this handoff.
    async with transaction(harness.sessions) as session:
        rosta = await session.scalar(select(Casa.id).where(Casa.name == "Rosta Nuova"))
        other = await staff.create_staff(
            session,
            email="custode.rosta@example.org",
            role="custodian",
            password="x" * 16,
            casa_id=rosta,
            now=NOW,
        )
        other.telegram_user_id = 555000222
    pressed = await ospizio.presses(card, "Prendo io", 555000222)
    assert "Non trovo la richiesta" in pressed.json()["text"]
    # A group no Casa uses answers /id only, and nothing else happens there.
    elsewhere = StaffGroup(harness.hooks, harness.telegram, -1009999999999, update_id=710000000)
    assert (await elsewhere.writes(f"/chiudi {(await _handoff(harness)).id}", ANNA)).is_success
    await elsewhere.writes("/id", ANNA)
    await send_all(harness)
    [told] = elsewhere.posts()
    assert "-1009999999999" in told["text"] and "--chat-id -1009999999999" in told["text"]
    assert (await _handoff(harness)).status == "waiting"
    async with harness.sessions() as session:
        relays = await session.scalars(select(Delivery).where(Delivery.kind == "relay"))
        assert relays.all() == []


async def test_danger_while_waiting_posts_the_card_again_marked_urgent_and_first(
    harness: Harness, ospizio: StaffGroup
) -> None:
    maria, card = await _asks_for_a_person(harness, ospizio)
    assert "🔔" in card["text"] and "URGENTE" not in card["text"]
    maria.new()
    async with transaction(harness.sessions) as session:  # Giulia has waited longer
        giulia = Resident(quartiere="Ospizio", display_name="Giulia", created_at=NOW)
        session.add(giulia)
        await session.flush()
        earlier = NOW - timedelta(hours=1)
        await handoffs.open_handoff(
            session, resident_id=giulia.id, quartiere="Ospizio", reason="asked", now=earlier
        )

    await maria.says("mio marito è caduto e non si alza")
    await send_all(harness)
    assert "112" in maria.new()[0]["Body"]
    again = ospizio.posts()[-1]
    assert again["text"].startswith("🚨 URGENTE · Richiesta n.")
    assert "ora è URGENTE" in again["text"]
    assert "mio marito è caduto" in again["text"]  # the message that made it urgent
    assert any(row[0]["text"] == "Prendo io" for row in again["reply_markup"]["inline_keyboard"])
    async with harness.sessions() as session:
        marias = await session.scalar(select(Handoff).where(Handoff.reason == "emergency"))
        assert marias is not None and marias.urgent
        admin = await session.scalar(
            select(StaffUser).where(StaffUser.email == "admin@demo.portineria.it")
        )
        assert admin is not None
        inbox = await render_inbox(session, admin, LocalTime(ZoneInfo("Europe/Rome")), NOW)
    links = re.findall(r'href="/console/handoffs/(\d+)"', inbox)
    assert links[0] == str(marias.id)  # first in the console's queue, though she came second

    await maria.says("sta respirando ma non parla")  # already urgent: passed on, no new card
    await send_all(harness)
    assert ospizio.posts()[-1]["text"].startswith("👤 Maria")


async def test_a_handoff_with_no_casa_goes_to_every_casa_group_and_the_city_wide_one(
    harness: Harness, ospizio: StaffGroup
) -> None:
    rosta = await _rosta_group(harness)
    maria = SmsResident(harness.hooks, harness.twilio)
    await maria.says("voglio parlare con una persona")
    await send_all(harness)
    city = StaffGroup(harness.hooks, harness.telegram, FALLBACK_GROUP, update_id=720000000)
    cards = [group.posts() for group in (ospizio, rosta, city)]
    assert all(len(posts) == 1 for posts in cards), cards
    assert all("nessuna Casa indicata" in posts[0]["text"] for posts in cards)

    # The first to press "Prendo io" takes it; the other groups are told who did.
    await rosta.presses(cards[1][0], "Prendo io", ANNA)
    await send_all(harness)
    handoff = await _handoff(harness)
    assert handoff.status == "claimed"
    assert f"ha preso la richiesta n. {handoff.id}" in rosta.posts()[-1]["text"]
    for group in (ospizio, city):
        assert group.posts()[-1]["text"].endswith(f" ha preso la richiesta n. {handoff.id}.")
    # A second press, in another group, is told it is taken.
    pressed = await ospizio.presses(cards[0][0], "Prendo io", ANNA)
    assert "è già sua" in pressed.json()["text"]
    # Closed in one group: the others read that it is closed, not the outcome's words.
    await rosta.writes("/chiudi parlato con la figlia Anna Bianchi", ANNA, replying_to=cards[1][0])
    await send_all(harness)
    assert "Anna Bianchi" in rosta.posts()[-1]["text"]
    for group in (ospizio, city):
        said = group.posts()[-1]["text"]
        assert said.startswith(f"Richiesta n. {handoff.id} chiusa da ") and "Bianchi" not in said


async def test_a_claim_from_the_staff_api_is_told_to_every_group_that_got_the_card(
    harness: Harness, ospizio: StaffGroup
) -> None:
    rosta = await _rosta_group(harness)
    async with transaction(harness.sessions) as session:
        token = await staff.issue_token(session, email="custode.ospizio@demo.portineria.it")
    maria = SmsResident(harness.hooks, harness.twilio)
    await maria.says("voglio parlare con una persona")
    await send_all(harness)
    handoff = await _handoff(harness)
    taken = await harness.hooks.client.post(
        f"/api/handoffs/{handoff.id}/claim", headers={"authorization": f"Bearer {token}"}
    )
    assert taken.status_code == 200, taken.text
    await send_all(harness)
    city = StaffGroup(harness.hooks, harness.telegram, FALLBACK_GROUP, update_id=720000000)
    for group in (ospizio, rosta, city):
        assert group.posts()[-1]["text"].endswith(f" ha preso la richiesta n. {handoff.id}.")


async def _rosta_group(harness: Harness) -> StaffGroup:
    """Rosta Nuova's group, linked to its Casa."""
    async with transaction(harness.sessions) as session:
        await session.execute(
            update(Casa).where(Casa.name == "Rosta Nuova").values(telegram_chat_id=ROSTA_GROUP)
        )
    return StaffGroup(harness.hooks, harness.telegram, ROSTA_GROUP, update_id=730000000)


async def test_a_transfer_to_another_casa_posts_the_card_in_its_group(
    harness: Harness, ospizio: StaffGroup
) -> None:
    async with transaction(harness.sessions) as session:
        rosta = await session.scalar(select(Casa).where(Casa.name == "Rosta Nuova"))
        assert rosta is not None
        rosta.telegram_chat_id = ROSTA_GROUP
        token = await staff.issue_token(session, email="admin@demo.portineria.it")
    maria = SmsResident(harness.hooks, harness.twilio)
    await _resident_of_ospizio(harness, maria)
    await maria.says("operatore")
    handoff = await _handoff(harness)
    moved = await harness.hooks.client.post(
        f"/api/handoffs/{handoff.id}/transfer",
        json={"casa_id": rosta.id},
        headers={"authorization": f"Bearer {token}"},
    )
    assert moved.status_code == 200, moved.text
    await send_all(harness)
    there = StaffGroup(harness.hooks, harness.telegram, ROSTA_GROUP, update_id=730000000)
    [card] = there.posts()
    assert f"Richiesta n. {handoff.id} · Rosta Nuova" in card["text"]


async def test_added_to_a_group_the_bot_says_how_to_link_it(harness: Harness) -> None:
    group = {"id": -1003333333333, "title": "Custodi Santa Croce", "type": "supergroup"}
    bot = {"id": 123456789, "is_bot": True, "first_name": "Portineria"}
    added = {
        "update_id": 740000001,
        "my_chat_member": {
            "chat": group,
            "from": {"id": ANNA, "is_bot": False, "first_name": "Anna"},
            "date": 1795593800,
            "old_chat_member": {"user": bot, "status": "left"},
            "new_chat_member": {"user": bot, "status": "member"},
        },
    }
    assert (await harness.hooks.telegram(added)).is_success
    await send_all(harness)
    there = StaffGroup(harness.hooks, harness.telegram, group["id"])
    [told] = there.posts()
    assert "--chat-id -1003333333333" in told["text"]


async def test_erasing_a_resident_erases_the_groups_cards_relays_and_outcomes(
    harness: Harness, ospizio: StaffGroup
) -> None:
    """Issue 21.1: the group card, the relayed words and a close's outcome went with no
    resident link, and stayed after the erasure."""
    maria, card = await _asks_for_a_person(harness, ospizio)
    await ospizio.presses(card, "Prendo io", ANNA)
    await maria.says("Sono Maria Rossi, via Emilia 12, prendo il Coumadin")
    await send_all(harness)
    await ospizio.writes("/chiudi parlato con la figlia Anna Bianchi", ANNA, replying_to=card)
    await send_all(harness)
    words = ("Rossi", "Coumadin", "Emilia 12", "Bianchi", maria.number, maria.number[3:])
    assert await traces(harness.sessions, *words)  # stored before the erasure
    async with transaction(harness.sessions) as session:
        handoff = await _handoff(harness)
        erased = await privacy.erase_resident(session, resident_id=handoff.resident_id)
    assert erased.delivered >= 3  # on her phone and in the group: those copies stay there
    assert await traces(harness.sessions, *words) == []
    async with harness.sessions() as session:
        [closed] = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "handoff.close"))
        ).all()
        assert closed.detail == {"via": "telegram"}  # who closed it is kept, not the words


async def test_a_goodbye_after_erasing_from_the_chat_leaves_no_number(
    harness: Harness, ospizio: StaffGroup
) -> None:
    """Issue 21.1: erasing from the chat left the goodbye's row with the number in `address`."""
    maria = SmsResident(harness.hooks, harness.twilio, number="+393339876543")
    await maria.says("ciao")
    await maria.says("cancella i miei dati")
    await maria.says("sì")
    await send_all(harness)
    assert "Ho cancellato tutti i suoi dati" in maria.new()[-1]["Body"]
    assert await traces(harness.sessions, maria.number, maria.number[3:]) == []
