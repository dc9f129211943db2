"""The conversation core through the real conversation service, NLU and database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from actions.db import SessionFactory
from actions.models import ChannelAddress, MessageLog, Subscription
from bot.messages import Inbound
from bot.runtime.flood import FloodGuard
from bot.runtime.turns import Conversations
from nlu.gazetteer import load_gazetteer
from nlu.rasa_backend import RasaNLU
from nlu.types import NLU
from tests.conftest import NOW, ROME
from tests.support.chat import Resident
from tests.support.processes import free_port

MENU = (
    "Eventi e attività",
    "Prenotare aiuto per lo SPID",
    "Segnalare un bisogno",
    "Orari e indirizzi delle Case",
    "Notizie del quartiere",
    "Parlare con una persona",
    "Lingua - Language",
)


@pytest.fixture
def resident(demo_sessions: SessionFactory, nlu: NLU) -> Resident:
    return Resident(Conversations(demo_sessions, nlu, ROME), NOW)


async def test_greeting_shows_the_numbered_menu_in_italian(resident: Resident) -> None:
    await resident.says("ciao")
    assert "Buongiorno" in resident.text
    assert resident.options == MENU


async def test_a_digit_picks_the_option_and_zero_goes_back(resident: Resident) -> None:
    await resident.says("ciao")
    await resident.says("4")
    assert "Quale Casa di Quartiere?" in resident.text
    assert "Ospizio" in resident.options
    await resident.says("0")
    assert resident.options == MENU


async def test_opening_hours_come_from_the_database(resident: Resident) -> None:
    await resident.says("menu")
    await resident.says("4")
    number = resident.options.index("Ospizio") + 1
    await resident.says(str(number))
    assert "Via Emilia all'Ospizio 70" in resident.text
    assert "0522 000101 (numero demo)" in resident.text
    assert "Adesso è aperta." in resident.text  # Wednesday 10:00


async def test_a_wrong_digit_reasks_and_keeps_the_question(resident: Resident) -> None:
    await resident.says("menu")
    await resident.says("4")
    await resident.says("9")
    assert "Scriva un numero della lista." in resident.text
    assert "Ospizio" in resident.options
    await resident.says("9")
    await resident.says("ciao")  # free text inside a list: still asked again
    assert "Ospizio" in resident.options


async def test_out_of_range_digit_on_the_menu(resident: Resident) -> None:
    resident.channel = "telegram"  # the menu in full; SMS: see the test below
    await resident.says("menu")
    await resident.says("9")
    assert "Il numero 9 non è tra le scelte." in resident.text
    assert resident.options == MENU


async def test_events_three_at_a_time_with_more(resident: Resident) -> None:
    resident.channel = "telegram"  # on SMS, two at a time: see below
    await resident.says("menu")
    first = await resident.says("1")
    assert first[0].text.startswith("Ecco cosa c'è:")
    assert first[0].options == ("Altri eventi",)
    assert first[0].text.count("Casa di Quartiere") == 3
    second = await resident.says("1")
    assert second[0].text.count("Casa di Quartiere") == 3
    assert second[0].text != first[0].text


async def test_on_sms_events_come_two_at_a_time(resident: Resident) -> None:
    await resident.says("menu")
    first = await resident.says("1")
    assert first[0].text.count("Casa di Quartiere") == 2 and first[0].options == ("Altri eventi",)


async def test_subscribe_then_stop(resident: Resident, demo_sessions: SessionFactory) -> None:
    await resident.says("menu")
    await resident.says("5")
    number = resident.options.index("Santa Croce") + 1
    await resident.says(str(number))
    assert "Riceverà le notizie del quartiere Santa Croce." in resident.text
    async with demo_sessions() as session:
        assert await session.scalar(select(Subscription.quartiere)) == "Santa Croce"
    await resident.says("STOP")
    assert "non le scriviamo più" in resident.text and "START" in resident.text
    async with demo_sessions() as session:
        assert await session.scalar(select(Subscription.id)) is None
        address = await session.scalar(select(ChannelAddress))
        assert address is not None and address.opted_out


async def test_on_sms_the_full_menu_goes_only_when_asked(resident: Resident) -> None:
    await resident.says("ciao")  # a new conversation: the menu in full
    assert resident.options == MENU
    await resident.says("9")
    assert "Il numero 9 non è tra le scelte." in resident.text
    assert resident.options == () and resident.last[-1].text.endswith("\n0 menu")
    await resident.says("6")  # its numbers still work
    assert "Ho chiesto a una persona" in resident.text
    await resident.says("0")
    assert resident.options == MENU


async def test_language_change_renders_english(resident: Resident) -> None:
    resident.channel = "telegram"  # the menu in full; SMS: see the test below
    await resident.says("menu")
    await resident.says("7")
    await resident.says(str(resident.options.index("English") + 1))
    assert "OK, let's speak English." in resident.text
    assert resident.options[0] == "Events and activities"
    await resident.says("ciao")  # a short Italian word does not switch back
    assert resident.options[0] == "Events and activities"


async def test_state_survives_between_messages_and_resets_when_idle(resident: Resident) -> None:
    await resident.says("menu")
    await resident.says("4")
    resident.now += timedelta(hours=5)
    await resident.says("5")
    # After hours away the list is forgotten: "3" is read against the main menu.
    assert "Riceverà" not in resident.text and "Casa di Quartiere" not in resident.text
    assert "Di quale quartiere" in resident.text


async def test_a_retried_message_is_answered_once(demo_sessions: SessionFactory, nlu: NLU) -> None:
    conversations = Conversations(demo_sessions, nlu, ROME)
    inbound = Inbound(
        channel="sms", address="+393330000000", text="ciao", provider_message_id="SM123"
    )
    first = await conversations.receive(inbound, now=NOW, deliver=False)
    again = await conversations.receive(inbound, now=NOW, deliver=False)
    assert first.replies and not first.duplicate
    assert again.duplicate and again.replies == []


async def test_nonsense_and_empty_input_never_crash(resident: Resident) -> None:
    resident.channel = "telegram"  # the menu in full; SMS: see the test below
    for text in ("", "   ", "🙂🙂🙂", "asdkjh qwe zzz", "x" * 5000, "\u202e\u0000"):
        replies = await resident.says(text)
        assert replies and replies[-1].options == MENU, text[:20]


async def test_a_flood_is_slowed_without_slowing_others(
    demo_sessions: SessionFactory, nlu: NLU
) -> None:
    conversations = Conversations(demo_sessions, nlu, ROME, flood=FloodGuard(per_minute=5))
    flooder = Resident(conversations, NOW, address="+393330000001")
    neighbour = Resident(conversations, NOW, address="+393330000002")
    answered = [bool(await flooder.says(f"ciao {n}")) for n in range(9)]
    assert answered == [True] * 5 + [True, False, False, False]
    assert "Sta scrivendo molto in fretta." in flooder.text or not flooder.last
    assert await neighbour.says("ciao")
    async with demo_sessions() as session:
        kept = await session.scalar(
            select(func.count()).select_from(MessageLog).where(MessageLog.direction == "in")
        )
        assert kept == 10  # nothing is lost


async def test_an_nlu_outage_still_answers(demo_sessions: SessionFactory) -> None:
    # The Rasa backend pointed at a port where no server listens.
    down = RasaNLU(f"http://127.0.0.1:{free_port()}", gazetteer=load_gazetteer(), timeout=1)
    resident = Resident(Conversations(demo_sessions, down, ROME), NOW)
    await resident.says("quando apre la casa?")
    assert resident.options == MENU
    await resident.says("4")
    assert "Quale Casa di Quartiere?" in resident.text
