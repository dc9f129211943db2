"""The conversation takes what the resident already said, and follows up (issue: it listens)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from actions.db import SessionFactory
from actions.models import Booking, Need
from bot.flows.events import topic_of, topics_of
from bot.runtime.turns import Conversations
from nlu.types import NLU
from tests.conftest import NOW, ROME
from tests.support.chat import Resident


@pytest.fixture
def resident(demo_sessions: SessionFactory, nlu: NLU) -> Resident:
    return Resident(Conversations(demo_sessions, nlu, ROME), NOW)


async def test_booking_takes_the_casa_the_person_and_words_at_every_list(
    resident: Resident, demo_sessions: SessionFactory
) -> None:
    await resident.says("buongiorno vorrei prenotare lo spid per mia moglie alla casa di ospizio")
    assert "Quando vuole venire?" in resident.text  # the Casa is not asked again
    assert "In quale Casa" not in resident.text
    assert "Indietro" in resident.text and "0: menu" in resident.text
    second = resident.options[1]
    await resident.says("la seconda")
    assert f"Prenoto {second}" in resident.text and "Per: mia moglie" in resident.text
    await resident.says("si grazie")
    assert "Prenotato! Il suo codice è" in resident.text
    assert "Per: mia moglie" in resident.text and "Via Emilia all'Ospizio 70" in resident.text
    assert "carta d'identità" in resident.text and second in resident.text
    async with demo_sessions() as session:
        booking = await session.scalar(select(Booking))
        assert booking is not None and booking.for_whom == "mia moglie"


async def test_a_casa_by_a_fuzzy_name_and_back_one_step(resident: Resident) -> None:
    await resident.says("menu")
    await resident.says("2")
    await resident.says("santa kroce")
    assert "Quando vuole venire?" in resident.text
    await resident.says("indietro")
    assert "In quale Casa di Quartiere?" in resident.text
    await resident.says("ospizio o orologio")
    assert "Intende Orologio o Ospizio?" in resident.text
    await resident.says("Orologio")
    assert "Quando vuole venire?" in resident.text


async def test_a_need_written_in_full_is_not_asked_again(
    resident: Resident, demo_sessions: SessionFactory
) -> None:
    await resident.says("il lampione davanti al 23 di via Fratelli Rosselli è spento")
    assert "Ho capito: Lampione spento, via Fratelli Rosselli 23." in resident.text
    assert "Mi racconti" not in resident.text and "Dove?" not in resident.text
    await resident.says("va bene")
    assert "Segnalazione numero B-" in resident.text
    assert "Dove: via Fratelli Rosselli 23" in resident.text
    async with demo_sessions() as session:
        need = await session.scalar(select(Need))
        assert need is not None
        assert (need.category, need.location) == ("lighting", "via Fratelli Rosselli 23")
    reference = need.reference
    await resident.says("a che punto è la mia segnalazione?")
    assert f"Segnalazione {reference}" in resident.text and "Stato: ricevuta" in resident.text
    await resident.says(f"stato segnalazione {reference}")
    assert "Dove: via Fratelli Rosselli 23" in resident.text
    await resident.says("B-0000")
    assert "Non trovo la segnalazione B-0000" in resident.text


async def test_moving_a_booking_keeps_it_until_the_new_seat_is_taken(
    resident: Resident, demo_sessions: SessionFactory
) -> None:
    for text in ("menu", "2", "1", "1", "1"):
        await resident.says(text)
    code = resident.text.split("codice è ")[1][:6]
    await resident.says("lo posso spostare a un altro giorno?")
    assert "A quale giorno la sposto?" in resident.text
    await resident.says("1")
    assert "Sposto la prenotazione da" in resident.text
    await resident.says("no")
    assert "la prenotazione resta" in resident.text
    async with demo_sessions() as session:
        [kept] = (await session.scalars(select(Booking))).all()
        assert (kept.code, kept.status) == (code, "confirmed")
    await resident.says("vorrei spostare l'appuntamento")
    await resident.says("2")
    await resident.says("sì")
    assert "Spostata." in resident.text and "Prenotato! Il suo codice è" in resident.text
    async with demo_sessions() as session:
        rows = (await session.scalars(select(Booking).order_by(Booking.id))).all()
        assert [b.status for b in rows] == ["cancelled", "confirmed"]


async def test_cancelling_asks_first(resident: Resident, demo_sessions: SessionFactory) -> None:
    for text in ("menu", "2", "1", "1", "1"):
        await resident.says(text)
    await resident.says("devo disdire l'appuntamento")
    assert "Cancello la prenotazione di" in resident.text
    await resident.says("1")
    assert "cancellata" in resident.text


async def test_an_arabic_mother_books_for_her_husband_and_cancels_in_darija(
    resident: Resident,
) -> None:
    resident.channel, resident.address = "whatsapp", "+393510000779"
    await resident.says("بغيت نحجز موعد ديال SPID لراجلي")
    await resident.says("سانتا كروتشي")
    await resident.says("الثالث")
    assert "راجلي" in resident.text  # who it is for, in her words
    await resident.says("اه")
    assert "تم الحجز!" in resident.text
    await resident.says("شنو هي المواعيد ديالي")
    await resident.says("بغيت نلغي الموعد")
    await resident.says("واخا")
    assert "تم إلغاء الحجز" in resident.text


async def test_a_new_resident_is_welcomed_in_the_telegram_language(resident: Resident) -> None:
    resident.channel, resident.address = "telegram", "99001"
    replies = await resident.says("/start", hint="uk")
    assert "Добрий день! Я Portineria" in replies[0].text
    assert "Bentornato" not in resident.text


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("corso di italiano", "language"),  # "cor" (a choir in Romanian) is not inside "corso"
        ("il coro del quartiere", "music"),
        ("decoro urbano", None),
        ("single", None),
        ("Прогулянка в парку", "walk"),
        ("كمبيوتر", "digital"),
    ],
)
def test_event_topics_are_whole_words(text: str, topic: str | None) -> None:
    assert topic_of(text) == topic


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("ci sono attività per bambini gratis?", ("children", "free")),
        ("free music for kids", ("music", "children", "free")),
        ("الأنشطة للأطفال هاد الأسبوع", ("children",)),
        ("activități gratuite pentru copii", ("children", "free")),
        ("aktivitete falas për fëmijët", ("children", "free")),
        ("безкоштовні заходи для літніх людей", ("elderly", "free")),
        ("老人免费活动", ("elderly", "free")),
        ("c'è un corso di lingua inglese?", ("language",)),
        ("курси англійської мови", ("language",)),
        ("qualcosa per gli anziani", ("elderly",)),
    ],
)
def test_event_topics_in_every_language(text: str, topics: tuple[str, ...]) -> None:
    assert topics_of(text) == topics


async def test_topic_words_filter_the_events(resident: Resident) -> None:
    await resident.says("ci sono attività per bambini?")
    assert "Laboratorio per bambini" in resident.text or "Musica per piccoli" in resident.text
    assert "Tombola" not in resident.text and "Pranzo insieme" not in resident.text
    await resident.says("безкоштовні заходи для літніх людей")
    for title in ("Tombola", "Pranzo insieme", "Laboratorio per bambini", "Coro del quartiere"):
        assert title not in resident.text  # games for the elderly, but not free; free, not theirs
    assert "Camminata di gruppo" in resident.text or "Sportello di aiuto digitale" in resident.text


async def test_no_event_on_that_day_offers_the_same_casa_on_other_days(
    resident: Resident,
) -> None:
    await resident.says("cosa c'è il 24 dicembre 2026 a santa croce?")
    assert "Non ho trovato eventi per questa ricerca. Ecco i più vicini." in resident.text
    assert "Casa di Quartiere Santa Croce" in resident.text
