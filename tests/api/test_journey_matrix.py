"""Every resident journey by digits alone and by words alone, in four languages.

Book, my bookings, move, cancel, report a need, my reports, events, hours and subscribe, each
completed through `portineria chat --jsonl`: one process per language replays both residents
(one who types only digits, one who types only words) and each journey is asserted on its own.
"""

from __future__ import annotations

import pytest

from tests.support.processes import chat_script, environment, portineria

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
def env(tmp_path_factory: pytest.TempPathFactory, nlu: object) -> dict[str, str]:
    """One demo database for the module."""
    database = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('matrix') / 'demo.db'}"
    # A whole journey matrix is typed faster than any resident types: no flood limit here.
    env = environment((database, None), PORTINERIA_FLOOD_PER_MINUTE="100000")
    assert portineria("db", "upgrade", env=env).returncode == 0
    assert portineria("demo-data", env=env).returncode == 0
    return env


def _script(language: str) -> tuple[list[dict[str, str]], dict[tuple[str, str], slice]]:
    """Both residents' messages, interleaved, and where each journey's turns are."""
    address, channel, number = RESIDENTS[language]
    plans = {
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
    messages = [
        {"from": f"{address}{i}", "channel": channel, "text": text}
        for i, mode in enumerate(plans)
        for text in plans[mode]
    ]
    return messages, spans


_CACHE: dict[str, dict[tuple[str, str], str]] = {}


def _journeys(language: str, env: dict[str, str]) -> dict[tuple[str, str], str]:
    """The text of each journey's answers, played once per language."""
    if language not in _CACHE:
        messages, spans = _script(language)
        turns = chat_script(messages, env=env)
        address = RESIDENTS[language][0]
        played: dict[tuple[str, str], str] = {}
        for i, mode in enumerate(("digits", "words")):
            mine = turns[f"{address}{i}"]
            for journey in JOURNEYS:
                said = mine[spans[mode, journey]]
                played[mode, journey] = "\n".join(
                    f"> {t['in']}\n" + "\n".join(r["text"] + str(r["options"]) for r in t["out"])
                    for t in said
                )
        _CACHE[language] = played
    return _CACHE[language]


@pytest.mark.parametrize("mode", ["digits", "words"])
@pytest.mark.parametrize("journey", JOURNEYS)
@pytest.mark.parametrize("language", list(RESIDENTS))
def test_journey(env: dict[str, str], language: str, journey: str, mode: str) -> None:
    played = _journeys(language, env)[mode, journey]
    # a journey may end sooner (the Casa of one who reported in its neighbourhood is known)
    assert DONE[language][journey] in played, played
    if (journey, mode) == ("events", "words"):
        assert NOT_SHOWN[language] not in played, played
