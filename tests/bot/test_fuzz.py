"""Arbitrary Unicode never breaks the NLU or the engine: there is always a polite answer."""

from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.db import SessionFactory
from bot.messages import Inbound
from bot.runtime.turns import Conversations
from nlu.types import INTENTS, NLU
from tests.conftest import NOW, ROME

TEXTS = st.text(st.characters(codec="utf-8"), max_size=300) | st.sampled_from(
    ["0", "٣", "STOP", "menu", "\u202e\u200f", "🙂" * 50, "a" * 5000, "spid x mia moglie"]
)
_RESIDENTS = itertools.count(1)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(text=TEXTS)
def test_the_nlu_always_parses(nlu: NLU, text: str) -> None:
    parse = nlu.parse(text, now=NOW)
    assert parse.intent.name in (*INTENTS, "nlu_fallback")
    assert 0.0 <= parse.intent.confidence <= 1.0


@FUZZ
@given(texts=st.lists(TEXTS, min_size=1, max_size=4))
async def test_the_engine_always_answers(
    demo_sessions: SessionFactory, nlu: NLU, texts: list[str]
) -> None:
    conversations = Conversations(demo_sessions, nlu, ROME)
    address = f"+39333{next(_RESIDENTS):07d}"  # a new resident each example: replays agree
    for n, text in enumerate(texts):
        inbound = Inbound(channel="sms", address=address, text=text)
        outcome = await conversations.receive(inbound, now=NOW + timedelta(minutes=n), deliver=True)
        assert outcome.replies, f"no answer to {text!r}"
        # a list sent after its question goes as its numbered options alone
        assert all(reply.text.strip() or reply.options for reply in outcome.replies)
