"""Care before procedure through the real conversation service, NLU and database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from actions.db import SessionFactory
from actions.models import Handoff
from bot.i18n import gettext_for
from bot.runtime.turns import Conversations
from nlu.types import NLU
from tests.conftest import NOW, ROME
from tests.support.chat import Resident

# (language of the answer, message, a word of the 112 reply): danger to the writer or
# someone else. Darija in Latin letters is answered in Arabic.
DANGER = [
    ("it", "mio marito è caduto e non si alza", "112"),
    ("it", "sento puzza di gas", "112"),
    ("en", "my mum fell and can't get up", "112"),
    ("ar", "راجلي طاح وما كينوضش", "112"),
    ("ar", "rajli ta7 o ma kaynodch", "112"),
    ("ro", "soțul meu a căzut și nu se poate ridica", "112"),
    ("sq", "burri im ra dhe nuk ngrihet", "112"),
    ("uk", "Мій чоловік впав і не може встати", "112"),
    ("zh", "我妈妈摔倒了，起不来", "112"),
]
SCAMS = [
    ("it", "mi hanno chiesto il codice che mi è arrivato", "PIN"),
    ("en", "someone asked me for the code I got by text", "PIN"),
    ("ar", "طلبوا مني الكود اللي وصلني", "PIN"),
    ("ro", "mi-au cerut codul primit prin SMS", "PIN"),
    ("sq", "më kërkuan kodin që më erdhi", "PIN"),
    ("uk", "мене просили назвати код з смс", "PIN"),
    ("zh", "有人让我告诉他验证码", "PIN"),
]
LONELY = [
    ("it", "mi sento solo", "Sì"),
    ("it", "nn ce la faccio piu a stare sempre da sola in casa", "Sì"),
    ("en", "I feel so lonely", "Yes"),
    ("ar", "أشعر بالوحدة", "نعم"),
    ("ro", "mă simt singură", "Da"),
    ("sq", "ndihem shumë e vetmuar", "Po"),
    ("uk", "мені самотньо", "Так"),
    ("zh", "我很孤独", "是"),
]


def CALL_112(language: str) -> str:  # noqa: N802 - reads as the message it stands for
    return gettext_for(language)("Chiami subito il 112. È gratis, anche senza credito.")


@pytest.fixture
def resident(demo_sessions: SessionFactory, nlu: NLU) -> Resident:
    return Resident(Conversations(demo_sessions, nlu, ROME), NOW)


async def _handoffs(sessions: SessionFactory) -> list[Handoff]:
    async with sessions() as session:
        return list((await session.scalars(select(Handoff).order_by(Handoff.id))).all())


@pytest.mark.parametrize(("language", "message", "word"), DANGER)
async def test_danger_gets_112_then_an_urgent_person(
    resident: Resident, demo_sessions: SessionFactory, language: str, message: str, word: str
) -> None:
    replies = await resident.says(message)
    assert replies[0].text.startswith(CALL_112(language))
    assert len(replies) == 2
    [handoff] = await _handoffs(demo_sessions)
    assert handoff.urgent and handoff.reason == "emergency"


async def test_self_harm_gets_112_and_the_helplines(
    resident: Resident, demo_sessions: SessionFactory
) -> None:
    replies = await resident.says("non voglio più vivere")
    assert "112" in replies[0].text
    assert "Telefono Amico: 02 2327 2327" in replies[0].text
    [handoff] = await _handoffs(demo_sessions)
    assert handoff.urgent and handoff.reason == "self_harm"


async def test_violence_gets_1522(resident: Resident) -> None:
    replies = await resident.says("mio marito mi picchia")
    assert "112" in replies[0].text and "1522" in replies[0].text


async def test_danger_in_another_script_is_answered_in_it(resident: Resident) -> None:
    await resident.says("buongiorno, vorrei prenotare lo spid")
    replies = await resident.says("Мій чоловік впав і не може встати")
    assert replies[0].text == CALL_112("uk")


async def test_danger_inside_a_form_still_gets_112(resident: Resident) -> None:
    await resident.says("vorrei prenotare lo spid")
    replies = await resident.says("aiuto mia madre non respira")
    assert "112" in replies[0].text


async def test_danger_makes_an_open_request_urgent(
    resident: Resident, demo_sessions: SessionFactory
) -> None:
    await resident.says("operatore")
    await resident.says("mia madre non risponde al telefono da ieri")
    [handoff] = await _handoffs(demo_sessions)
    assert handoff.urgent


@pytest.mark.parametrize(
    "message", ["Ci sono eventi a Firenze?", "corsi di cucina", "è caduto il governo"]
)
async def test_ordinary_messages_open_no_handoff(
    resident: Resident, demo_sessions: SessionFactory, message: str
) -> None:
    await resident.says(message)
    assert "112" not in resident.text
    assert await _handoffs(demo_sessions) == []


@pytest.mark.parametrize(("language", "message", "word"), SCAMS)
async def test_scams_get_a_warning_and_the_offer_of_a_person(
    resident: Resident, demo_sessions: SessionFactory, language: str, message: str, word: str
) -> None:
    replies = await resident.says(message)  # on SMS in UCS-2: cut in two answers (paging.py)
    assert word in "\n".join(reply.text for reply in replies)
    assert len(replies[-1].options) == 2
    await resident.says("1")
    [handoff] = await _handoffs(demo_sessions)
    assert handoff.reason == "scam" and not handoff.urgent


@pytest.mark.parametrize(("language", "message", "yes"), LONELY)
async def test_loneliness_gets_an_offer_of_a_call(
    resident: Resident, demo_sessions: SessionFactory, language: str, message: str, yes: str
) -> None:
    resident.address = f"+3933312{abs(hash(message)) % 100000:05d}"
    [reply] = await resident.says(message)
    assert reply.options[0] == yes
    assert "non posso aiutare" not in reply.text
    await resident.says("1")
    [handoff] = await _handoffs(demo_sessions)
    assert handoff.reason == "company"


async def test_loneliness_declined_goes_back_to_the_menu(
    resident: Resident, demo_sessions: SessionFactory
) -> None:
    await resident.says("mi sento solo")
    await resident.says("no")
    assert "Se cambia idea, scriva 6." in resident.text
    assert await _handoffs(demo_sessions) == []


async def test_while_waiting_the_bot_says_the_place_in_the_queue(resident: Resident) -> None:
    await resident.says("iscrivimi alle notizie di Ospizio")
    await resident.says("operatore")
    await resident.says("quanto devo aspettare?")
    assert "La sua richiesta è la prima in attesa." in resident.text
    assert "Casa" in resident.text and "ANNULLA" in resident.text
    resident.address = "+393339999999"
    await resident.says("iscrivimi alle notizie di Ospizio")
    await resident.says("operatore")
    await resident.says("Скільки чекати?")
    assert ": 1." in resident.text  # one request before this one
    await resident.says("quando apre la casa ospizio?")  # other requests are still answered
    assert "Ospizio" in resident.text


async def test_emoji_and_punctuation_never_open_a_handoff(
    resident: Resident, demo_sessions: SessionFactory
) -> None:
    for message in ("🙂🙂", "?", "👍", "..."):
        await resident.says(message)
    assert await _handoffs(demo_sessions) == []
    assert "Scriva con parole o con un numero." in resident.text
