"""Whole journeys through the scripted chat (`portineria chat --jsonl`), as residents write."""

from __future__ import annotations

import re

import pytest

from tests.support.processes import chat_jsonl, environment, portineria

# One worker runs the whole module, so its demo database is made once.
pytestmark = [pytest.mark.processes, pytest.mark.xdist_group("transcripts")]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, nlu: object) -> dict[str, str]:
    """One demo database for the module (SQLite; the same flows run on PostgreSQL elsewhere)."""
    database = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('transcripts') / 'demo.db'}"
    env = environment((database, None))
    assert portineria("db", "upgrade", env=env).returncode == 0
    assert portineria("demo-data", env=env).returncode == 0
    return env


def _texts(turn: dict[str, object]) -> str:
    return "\n".join(f"{r['text']}\n" + "\n".join(r["options"]) for r in turn["out"])  # type: ignore[index, union-attr]


def test_italian_free_text_books_spid(env: dict[str, str]) -> None:
    turns = chat_jsonl(
        ["buongiorno", "vorrei prenotare lo spid per mia moglie"], env=env, sender="+393330000101"
    )
    assert "Come posso aiutare?" in _texts(turns[0])
    assert "carta d'identità" in _texts(turns[1])
    options = turns[1]["out"][-1]["options"]  # type: ignore[index]
    turns = chat_jsonl(
        [str(options.index("Ospizio") + 1), "1", "sì"], env=env, sender="+393330000101"
    )
    assert "Conferma?" in _texts(turns[1])
    assert "Prenotato! Il suo codice è" in _texts(turns[2])
    [mine] = chat_jsonl(["quando è il mio appuntamento?"], env=env, sender="+393330000101")
    assert "Le sue prenotazioni per lo SPID" in _texts(mine)


def test_italian_free_text_hours_events_need_news(env: dict[str, str]) -> None:
    turns = chat_jsonl(
        [
            "a che ora apre la casa di quartiere di santa croce?",
            "cosa c'è da fare questa settimana? c'è la tombola?",
            "0",
            "il lampione davanti a casa mia è spento",
            "è tutto buio la sera, ho paura a uscire",
            "via Adua 20",
            "no",
            "mandatemi le notizie del quartiere",
        ],
        env=env,
        sender="+393330000102",
    )
    assert "Via Adua 57" in _texts(turns[0])
    assert "Tombola" in _texts(turns[1]) and "Coro" not in _texts(turns[1])
    assert "Mi racconti in breve cosa serve." in _texts(turns[3])  # category understood
    assert "La segnalazione ha il numero B-" in _texts(turns[6])
    assert "Di quale quartiere vuole le notizie?" in _texts(turns[7])


def test_a_date_in_the_past_is_said_politely(env: dict[str, str]) -> None:
    [turn] = chat_jsonl(["che eventi c'erano il 3 gennaio 2020?"], env=env, sender="+393330000103")
    assert "Quel giorno è già passato." in _texts(turn)


def test_english_resident(env: dict[str, str]) -> None:
    turns = chat_jsonl(
        [
            "Hello, what events are on at the neighbourhood house?",
            "0",
            "I want to book help for SPID",
        ],
        env=env,
        sender="+447700900001",
    )
    assert "Here is what's on" in _texts(turns[0])
    assert "Events and activities" in _texts(turns[1])
    assert "In which Casa di Quartiere" in _texts(turns[2]) or "Casa di Quartiere" in _texts(
        turns[2]
    )


def test_arabic_resident_by_telegram(env: dict[str, str]) -> None:
    turns = chat_jsonl(
        ["السلام عليكم، أريد حجز موعد للمساعدة في SPID", "1", "1", "1"],
        env=env,
        sender="555000111",
        channel="telegram",
    )
    first = _texts(turns[0])
    assert "SPID" in first and any("\u0600" <= ch <= "\u06ff" for ch in first)
    assert any("\u0600" <= ch <= "\u06ff" for ch in _texts(turns[3]))
    # the booking code: six letters and digits, none of 0, 1, I, O (may hold no digit at all)
    assert re.search(r"\b[A-HJ-NP-Z2-9]{6}\b", _texts(turns[3]))


def test_stop_by_sms_and_natural_unsubscribe(env: dict[str, str]) -> None:
    turns = chat_jsonl(
        ["5", "1", "non voglio più ricevere messaggi", "STOP"], env=env, sender="+393330000104"
    )
    assert "Riceverà le notizie" in _texts(turns[1])
    assert "Non riceverà più notizie" in _texts(turns[2])
    assert "START" in _texts(turns[3])
