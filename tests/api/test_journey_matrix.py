"""Every resident journey by digits alone and by words alone, in four languages.

Book, my bookings, move, cancel, report a need, my reports, events, hours and subscribe, each
completed through `portineria chat --jsonl`: one kept-running process replays, per language,
a resident who types only digits and one who types only words; each journey is asserted on
its own.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.processes import ChatSession, demo_environment

pytestmark = [pytest.mark.processes, pytest.mark.xdist_group("journey_matrix")]

JOURNEYS = ("book", "mybookings", "move", "cancel", "need", "myneeds", "events", "hours", "news")
# (address, channel, the number of the language in the menu's language list)
RESIDENTS = {
    "it": ("+393330000301", "sms", None),
    "en": ("+447700900301", "sms", "2"),
    "ar": ("+393510000301", "whatsapp", "3"),
    "uk": ("+380500000301", "sms", "6"),
}
# Digits alone: the same keys in every language (the menu's numbers are learnt by heart).
DIGITS = {
    "book": ["0", "2", "1", "1", "1"],
    "mybookings": ["0", "2", "1"],
    "move": ["0", "2", "1", "1", "1", "1"],
    "cancel": ["0", "2", "1", "2", "1"],
    "need": ["0", "3", "1", "1", "1", "2"],
    "myneeds": ["0", "3", "1"],
    "events": ["0", "1", "1"],
    "hours": ["0", "4", "1"],
    "news": ["0", "5", "1"],
}
# Words alone, as residents type them; "menu" (or its word) starts each journey afresh.
WORDS = {
    "it": {
        "book": ["vorrei prenotare lo spid", "ospizio", "la prima", "sì grazie"],
        "mybookings": ["menu", "quando è il mio appuntamento?"],
        "move": ["menu", "lo posso spostare a un altro giorno?", "la seconda", "va bene"],
        "cancel": ["menu", "devo disdire l'appuntamento", "certo"],
        "need": ["menu", "il lampione in via Adua 20 è spento", "no grazie"],
        "myneeds": ["menu", "a che punto è la mia segnalazione?"],
        "events": ["menu", "ci sono attività per bambini questa settimana?", "altri"],
        "hours": ["menu", "a che ora apre la casa di quartiere ospizio?"],
        "news": ["menu", "voglio ricevere le notizie del quartiere", "ospizio"],
    },
    "en": {
        "book": ["I want to book help with SPID", "ospizio", "the first one", "yes please"],
        "mybookings": ["menu", "when is my appointment?"],
        "move": ["menu", "can I move it to another day?", "the second one", "ok"],
        "cancel": ["menu", "I need to cancel my appointment", "yes"],
        "need": ["menu", "the street light in via Adua 20 is broken", "no thanks"],
        "myneeds": ["menu", "what is the status of my report?"],
        "events": ["menu", "any free events for kids this week?", "more"],
        "hours": ["menu", "when does the Casa di Quartiere Ospizio open?"],
        "news": ["menu", "I want to get the neighbourhood news", "ospizio"],
    },
    "ar": {
        "book": ["أريد حجز موعد للمساعدة في SPID", "أوسبيتسيو", "الأول", "نعم"],
        "mybookings": ["القائمة", "متى موعدي؟"],
        "move": ["القائمة", "أريد تغيير موعدي إلى يوم آخر", "الثاني", "نعم"],
        "cancel": ["القائمة", "أريد إلغاء موعدي", "نعم"],
        "need": ["القائمة", "مصباح الشارع في via Adua 20 مطفأ", "لا"],
        "myneeds": ["القائمة", "ما حالة بلاغي؟"],
        "events": ["القائمة", "الأنشطة للأطفال هاد الأسبوع", "المزيد"],
        "hours": ["القائمة", "متى تفتح دار الحي أوسبيتسيو؟"],
        "news": ["القائمة", "أريد أن أتلقى أخبار الحي", "أوسبيتسيو"],
    },
    "uk": {
        "book": ["Хочу записатися на допомогу зі SPID", "Оспіціо", "перший", "так"],
        "mybookings": ["меню", "коли мій запис?"],
        "move": ["меню", "можна перенести запис на інший день?", "другий", "так"],
        "cancel": ["меню", "хочу скасувати запис", "так"],
        "need": ["меню", "ліхтар на вулиці via Adua 20 не світить", "ні"],
        "myneeds": ["меню", "який статус мого звернення?"],
        "events": ["меню", "які заходи для літніх людей цього тижня?", "ще"],
        "hours": ["меню", "коли відкривається Casa di Quartiere Ospizio?"],
        "news": ["меню", "хочу отримувати новини району", "Оспіціо"],
    },
}
# What the answer that completes each journey says, in each language.
DONE = {
    "it": {
        "book": "Prenotato! Il suo codice è",
        "mybookings": "Le sue prenotazioni per lo SPID",
        "move": "Spostata.",
        "cancel": "cancellata",
        "need": "Segnalazione numero B-",
        "myneeds": "Stato:",
        "events": "Casa ",
        "hours": "Via ",
        "news": "Riceverà le notizie",
    },
    "en": {
        "book": "Booked! Your code is",
        "mybookings": "Your SPID bookings",
        "move": "Moved.",
        "cancel": "cancelled",
        "need": "Report number B-",
        "myneeds": "Status:",
        "events": "Casa ",
        "hours": "Via ",
        "news": "You will get the news",
    },
    "ar": {
        "book": "تم الحجز!",
        "mybookings": "حجوزاتك",
        "move": "تم تغيير",
        "cancel": "تم إلغاء الحجز",
        "need": "B-",
        "myneeds": "الحالة:",
        "events": "Casa ",
        "hours": "Via ",
        "news": "ستصلك أخبار",
    },
    "uk": {
        "book": "Записано!",
        "mybookings": "Ваші записи на SPID",
        "move": "Перенесено.",
        "cancel": "скасовано",
        "need": "B-",
        "myneeds": "Стан:",
        "events": "Casa ",
        "hours": "Via ",
        "news": "Ви отримуватимете новини",
    },
}


# Topic words filter the events: asked for children, no Tombola; for the elderly, no children's.
NOT_SHOWN = {"it": "Tombola", "en": "Tombola", "ar": "Tombola", "uk": "Laboratorio per bambini"}


@pytest.fixture(scope="module")
def chat(tmp_path_factory: pytest.TempPathFactory, nlu: object) -> Iterator[ChatSession]:
    """One demo database and one scripted chat for the module's residents."""
    # A whole journey matrix is typed faster than any resident types: no flood limit here.
    env = demo_environment(tmp_path_factory.mktemp("matrix"), PORTINERIA_FLOOD_PER_MINUTE="100000")
    with ChatSession(env, tmp_path_factory.mktemp("chat") / "stderr.log") as session:
        yield session


def _plans(language: str) -> tuple[dict[str, list[str]], dict[tuple[str, str], slice]]:
    """Each resident's messages (one types digits, one words), and where each journey's
    turns are."""
    number = RESIDENTS[language][2]
    plans: dict[str, list[str]] = {
        "digits": ["0", "7", number] if number else [],
        "words": [],
    }
    spans: dict[tuple[str, str], slice] = {}
    for mode in plans:
        for journey in JOURNEYS:
            lines = DIGITS[journey] if mode == "digits" else WORDS[language][journey]
            start = len(plans[mode])
            plans[mode] += lines
            spans[mode, journey] = slice(start, len(plans[mode]))
    return plans, spans


_PLAYED: dict[str, dict[tuple[str, str], str]] = {}


def _journeys(language: str, chat: ChatSession) -> dict[tuple[str, str], str]:
    """The text of each journey's answers, played once per language."""
    if language not in _PLAYED:
        address, channel, _ = RESIDENTS[language]
        plans, spans = _plans(language)
        played: dict[tuple[str, str], str] = {}
        for i, mode in enumerate(plans):
            mine = chat(plans[mode], sender=f"{address}{i}", channel=channel)
            for journey in JOURNEYS:
                played[mode, journey] = "\n".join(
                    f"> {t['in']}\n" + "\n".join(r["text"] + str(r["options"]) for r in t["out"])  # type: ignore[attr-defined]
                    for t in mine[spans[mode, journey]]
                )
        _PLAYED[language] = played
    return _PLAYED[language]


@pytest.mark.parametrize("mode", ["digits", "words"])
@pytest.mark.parametrize("journey", JOURNEYS)
@pytest.mark.parametrize("language", list(RESIDENTS))
def test_journey(chat: ChatSession, language: str, journey: str, mode: str) -> None:
    played = _journeys(language, chat)[mode, journey]
    # a journey may end sooner (the Casa of one who reported in its neighbourhood is known)
    assert DONE[language][journey] in played, played
    if (journey, mode) == ("events", "words"):
        assert NOT_SHOWN[language] not in played, played
