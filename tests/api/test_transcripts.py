"""Whole journeys through the scripted chat (`portineria chat --jsonl`), as residents write."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from tests.support.processes import ChatSession, demo_environment, portineria

# One worker runs the whole module, so its demo database is made once.
pytestmark = [pytest.mark.processes, pytest.mark.xdist_group("transcripts")]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, nlu: object) -> dict[str, str]:
    """One demo database for the module (SQLite; the same flows run on PostgreSQL elsewhere)."""
    return demo_environment(tmp_path_factory.mktemp("transcripts"))


@pytest.fixture(scope="module")
def chat(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChatSession]:
    """One scripted chat for the module's residents (each test writes as its own)."""
    with ChatSession(env, tmp_path_factory.mktemp("chat") / "stderr.log") as session:
        yield session


def _texts(turn: dict[str, object]) -> str:
    return "\n".join(f"{r['text']}\n" + "\n".join(r["options"]) for r in turn["out"])  # type: ignore[index, union-attr]


def test_italian_free_text_books_spid(chat: ChatSession) -> None:
    turns = chat(["buongiorno", "vorrei prenotare lo spid per mia moglie"], sender="+393330000101")
    assert "Come posso aiutare?" in _texts(turns[0])
    assert "carta d'identità" in _texts(turns[1])
    options = turns[1]["out"][-1]["options"]  # type: ignore[index]
    turns = chat([str(options.index("Ospizio") + 1), "1", "sì"], sender="+393330000101")
    assert "Conferma?" in _texts(turns[1])
    assert "Prenotato! Il suo codice è" in _texts(turns[2])
    [mine] = chat(["quando è il mio appuntamento?"], sender="+393330000101")
    assert "Le sue prenotazioni per lo SPID" in _texts(mine)


def test_italian_free_text_hours_events_need_news(chat: ChatSession) -> None:
    turns = chat(
        [
            "a che ora apre la casa di quartiere di santa croce?",
            "cosa c'è da fare questa settimana? c'è la tombola?",
            "0",
            "il lampione davanti a casa mia è spento",
            "via Adua 20",
            "no",
            "mandatemi le notizie del quartiere",
        ],
        sender="+393330000102",
    )
    assert "Via Adua 57" in _texts(turns[0])
    assert "Tombola" in _texts(turns[1]) and "Coro" not in _texts(turns[1])
    # category and description understood from the one message: only the place is asked
    assert "Dove?" in _texts(turns[3]) and "Mi racconti" not in _texts(turns[3])
    assert "Ho capito: Lampione spento, via Adua 20." in _texts(turns[4])
    assert "Segnalazione numero B-" in _texts(turns[5])
    assert "Di quale quartiere vuole le notizie?" in _texts(turns[6])


def test_a_date_in_the_past_is_said_politely(chat: ChatSession) -> None:
    [turn] = chat(["che eventi c'erano il 3 gennaio 2020?"], sender="+393330000103")
    assert "Quel giorno è già passato." in _texts(turn)


def test_english_resident(chat: ChatSession) -> None:
    turns = chat(
        [
            "Hello, what events are on at the neighbourhood house?",
            "0",
            "I want to book help for SPID",
        ],
        sender="+447700900001",
    )
    assert "Here is what's on" in _texts(turns[0])
    assert "Events and activities" in _texts(turns[1])
    assert "In which Casa di Quartiere" in _texts(turns[2]) or "Casa di Quartiere" in _texts(
        turns[2]
    )


def test_arabic_resident_by_telegram(chat: ChatSession) -> None:
    turns = chat(
        ["السلام عليكم، أريد حجز موعد للمساعدة في SPID", "1", "1", "1"],
        sender="555000111",
        channel="telegram",
    )
    first = _texts(turns[0])
    assert "SPID" in first and any("\u0600" <= ch <= "\u06ff" for ch in first)
    assert any("\u0600" <= ch <= "\u06ff" for ch in _texts(turns[3]))
    # the booking code: six letters and digits, none of 0, 1, I, O (may hold no digit at all)
    assert re.search(r"\b[A-HJ-NP-Z2-9]{6}\b", _texts(turns[3]))


def test_stop_by_sms_and_natural_unsubscribe(chat: ChatSession) -> None:
    turns = chat(["5", "1", "non voglio più ricevere messaggi", "STOP"], sender="+393330000104")
    assert "Riceverà le notizie" in _texts(turns[1])
    assert "Non riceverà più notizie" in _texts(turns[2])
    assert "I promemoria delle prenotazioni arrivano ancora." in _texts(turns[2])
    assert "non le scriviamo più" in _texts(turns[3]) and "START" in _texts(turns[3])


# Care before procedure through the scripted chat: (sender, messages, expected in the last).
CARE = [
    ("+393330000201", ["mio marito è caduto e non si alza"], "Chiami subito il 112"),
    ("+393330000202", ["Мій чоловік впав і не може встати"], "Негайно телефонуйте 112"),
    ("+393330000203", ["راجلي طاح وما كينوضش"], "112"),
    ("+393330000204", ["mi sento solo", "1"], "Una persona della Casa la chiamerà"),
    ("+393330000205", ["mi hanno chiesto il codice che mi è arrivato"], "Non dia mai codici"),
    ("+393330000206", ["Ci sono eventi a Firenze?"], "Firenze"),
]


@pytest.mark.parametrize(("sender", "lines", "expected"), CARE)
def test_care_before_procedure(
    chat: ChatSession, sender: str, lines: list[str], expected: str
) -> None:
    turns = chat(lines, sender=sender)
    if expected == "Firenze":  # an ordinary question: no 112, no person
        assert "112" not in _texts(turns[-1]) and "persona" not in _texts(turns[-1])
        return
    assert expected in _texts(turns[-1])


def _said_as_words(label: str) -> str:
    """ "mercoledì 9 dicembre, 10:00" -> "mercoledi alle 10", as a resident types a slot."""
    weekday = label.split()[0]
    hour = int(label.rsplit(", ", 1)[1].split(":")[0])
    return f"{weekday.replace('ì', 'i')} alle {hour}"


def test_the_casa_named_in_the_request_and_words_at_every_list(chat: ChatSession) -> None:
    sender = "+393330000111"
    [first] = chat(
        ["buongiorno vorrei prenotare per fare lo spid alla casa di quartiere di ospizio"],
        sender=sender,
    )
    assert "Quando vuole venire?" in _texts(first) and "In quale Casa" not in _texts(first)
    assert "0: menu" in _texts(first)
    second = first["out"][-1]["options"][1]  # type: ignore[index]
    turns = chat([_said_as_words(second), "si grazie"], sender=sender)
    assert f"Prenoto {second}" in _texts(turns[0])
    card = _texts(turns[1])
    for part in ("Prenotato! Il suo codice è", second, "Ospizio", "Via Emilia all'Ospizio 70"):
        assert part in card
    assert "carta d'identità" in card


def test_an_elderly_man_books_for_his_wife_by_words_alone(chat: ChatSession) -> None:
    turns = chat(
        ["spid x mia moglie nn so come fare", "OSPIZIO", "la prima", "va bene"],
        sender="+393330000112",
    )
    assert "Quando vuole venire?" in _texts(turns[1])
    assert "Per: mia moglie" in _texts(turns[2])
    assert "Per: mia moglie" in _texts(turns[3]) and "Prenotato!" in _texts(turns[3])
    turns = chat(
        ["lo posso spostare a un altro giorno?", "la seconda", "certo"],
        sender="+393330000112",
    )
    assert "A quale giorno la sposto?" in _texts(turns[0])
    assert "Sposto la prenotazione da" in _texts(turns[1])
    assert "Spostata." in _texts(turns[2]) and "Per: mia moglie" in _texts(turns[2])
    turns = chat(["devo disdire l'appuntamento", "sì"], sender="+393330000112")
    assert "Cancello la prenotazione di" in _texts(turns[0])  # asked before, never at once
    assert "cancellata" in _texts(turns[1])


def test_a_need_in_full_then_its_status_by_reference(chat: ChatSession) -> None:
    sender = "+393330000113"
    turns = chat(
        ["il lampione davanti al 23 di via Fratelli Rosselli è spento", "sì"],
        sender=sender,
    )
    assert "Ho capito: Lampione spento, via Fratelli Rosselli 23." in _texts(turns[0])
    assert "Mi racconti" not in _texts(turns[0])
    filed = _texts(turns[1])
    reference = re.search(r"B-\d{4}", filed).group(0)  # type: ignore[union-attr]
    assert "Dove: via Fratelli Rosselli 23" in filed
    turns = chat(
        ["a che punto è la mia segnalazione?", reference, f"stato segnalazione {reference}"],
        sender=sender,
    )
    for turn in turns:
        assert f"Segnalazione {reference}" in _texts(turn) and "Stato:" in _texts(turn)


@pytest.mark.parametrize(
    ("sender", "lines", "expected"),
    [
        (
            "+447700900011",
            [
                "I want to book a SPID appointment for my father",
                "Santa Croce",
                "the second one",
                "yes please",
                "my bookings",
            ],
            ["At which Casa", "For: my father", "Booked! Your code is", "Move to another day"],
        ),
        (
            "+393510000011",
            ["أريد حجز موعد SPID لزوجتي", "سانتا كروتشي", "الثاني", "نعم", "ما حالة بلاغي"],
            ["زوجتي", "تم الحجز!", "لم تقدّم أي بلاغ"],
        ),
        (
            "+380500000011",
            [
                "Хочу записатися на SPID для моєї мами",
                "Санта Кроче",
                "другий",
                "так",
                "мої звернення",
            ],
            ["Для: моєї мами", "Записано!", "Ви ще не подавали звернень"],
        ),
    ],
)
def test_booking_by_words_alone_in_other_languages(
    chat: ChatSession, sender: str, lines: list[str], expected: list[str]
) -> None:
    text = "\n".join(_texts(turn) for turn in chat(lines, sender=sender))
    for part in expected:
        assert part in text


def test_a_ukrainian_neighbours_shopping_is_filed_as_shopping(chat: ChatSession) -> None:
    turns = chat(
        [
            "Моя сусідка сама, їй 85 років, вона не може ходити в магазин за продуктами, "
            "потрібна допомога з покупками, вулиця via Adua 20",
            "ні",
        ],
        sender="+380500000012",
    )
    assert "Допомога з покупками" in _texts(turns[0])
    assert "опишіть" not in _texts(turns[0])
    assert "B-" in _texts(turns[1])


def test_many_residents_in_one_run_and_telegrams_language_hint(
    chat: ChatSession, env: dict[str, str]
) -> None:
    [welcome] = chat(["/start"], sender="777000201", channel="telegram", language_code="uk")
    [menu] = chat(["0"], sender="+393330000121")
    [events] = chat(["1"], sender="777000201", channel="telegram")
    [hours] = chat(["4"], sender="+393330000121")
    assert "Добрий день! Я Portineria" in _texts(welcome) and "Події" in _texts(welcome)
    assert "Come posso aiutare?" in _texts(menu)
    assert "Quale Casa di Quartiere?" in _texts(hours)
    assert [t["channel"] for t in (welcome, events)] == ["telegram", "telegram"]
    bad = portineria("chat", "--jsonl", env=env, stdin='{"to": "x"}\n{"text": "ciao"}\n')
    said = [json.loads(line) for line in bad.stdout.splitlines()]
    assert said[0]["error"] == "unknown fields: to" and said[1]["out"]
