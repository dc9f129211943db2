"""The conversation core: one inbound message and the stored state in, replies and new state out."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from actions import handoffs
from bot.care import LONELY, SCAM, asks_about_wait, concern_of
from bot.context import TurnContext
from bot.flows import FLOWS
from bot.flows.base import Turn
from bot.flows.menu import MENU_KEYS, without_full_menu
from bot.keywords import command_of, digit_of
from bot.messages import Inbound, Reply
from bot.state import ConversationState
from nlu.types import FALLBACK_INTENT, READ_CHARS, Intent, NLUUnavailable, Parse

# A conversation left for this long starts again from the menu: the resident has
# forgotten the half-finished question, and so should the bot.
IDLE_RESET_SECONDS = 4 * 3600
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class TurnResult:
    """What a turn produced."""

    replies: list[Reply]
    state: ConversationState
    intent: str | None = None


async def handle_turn(inbound: Inbound, state: ConversationState, ctx: TurnContext) -> TurnResult:
    """Route one message to the first flow that accepts it and collect its replies."""
    state = copy.deepcopy(state)
    idle = state.idle_since(ctx.now)
    if idle is not None and idle > IDLE_RESET_SECONDS:
        state = ConversationState()
    new_conversation = state.last_turn_at is None
    turn = _read(inbound, state, ctx)
    free = turn.concern is None and turn.command is None and turn.number is None
    # Asked only when the words are there: one query, on a message about the wait.
    if free and not ctx.held and asks_about_wait(turn.text):
        waiting = await handoffs.open_handoff_of(ctx.session, resident_id=ctx.resident.id)
        if waiting is not None and waiting.status == "waiting":
            turn.waiting = waiting
    replies: list[Reply] = []
    for flow in FLOWS:
        if flow.accepts(turn):
            replies = await flow.handle(turn, ctx)
            break
    if ctx.channel == "sms" and not new_conversation and flow.name != "menu":
        replies = without_full_menu(ctx, replies)
    state.last_turn_at = ctx.now.isoformat()
    return TurnResult(replies, state, turn.parse.intent.name if turn.parse else None)


def _read(inbound: Inbound, state: ConversationState, ctx: TurnContext) -> Turn:
    """Work out what the message is: a command, a numbered choice, or free text for the NLU."""
    text = inbound.text.strip()
    command = command_of(text)
    number = digit_of(inbound.choice or text)
    # With nothing on screen (a new or reset conversation), numbers mean the main menu:
    # residents learn its numbers by heart.
    offered = state.offered or list(MENU_KEYS)
    choice = None
    if number is not None and 1 <= number <= len(offered):
        choice = offered[number - 1]
    turn = Turn(
        inbound=inbound,
        state=state,
        text=text,
        command=command,
        choice=choice,
        number=number,
        held=ctx.held,
    )
    # Care before procedure, before the NLU: danger anywhere (in a form, while a person
    # holds the chat); scams and loneliness where the text is not a form's answer.
    if command is None and number is None and text:
        turn.concern = concern_of(text)
        if turn.concern and turn.concern.kind in (SCAM, LONELY) and (state.step or ctx.held):
            turn.concern = None
    # Inside a form the answer is free text for the form; elsewhere, ask the NLU.
    if command is None and number is None and text and not state.step and not ctx.held:
        try:
            turn.parse = ctx.nlu.parse(text[:READ_CHARS], now=ctx.now)
        except NLUUnavailable:
            # Digits and commands still work; free text gets the menu until the NLU is back.
            turn.parse = Parse(text, Intent(FALLBACK_INTENT, 1.0))
        # The first message long enough to tell sets the language; after that only the
        # resident changes it, so a short "ok" never flips an Arabic speaker to English.
        understood = turn.parse.intent.name != FALLBACK_INTENT
        language = turn.parse.language if understood else None
        if turn.concern is not None:
            # Understood too, and said in a known language: the warning is in theirs (Darija
            # in Latin letters, which the NLU takes for English or French, gets Arabic).
            latin_darija = turn.concern.language == "ar" and turn.parse.language != "ar"
            if latin_darija or not language:
                language = turn.concern.language or turn.parse.language
        if language and not ctx.resident.language_confirmed:
            ctx.use_language(language)
            ctx.resident.language_confirmed = True
    # Danger or distress written in another script (Cyrillic, Arabic, Chinese) than the
    # resident's language: answered in the one they wrote in, whatever was set before.
    concern = turn.concern
    if concern and concern.language not in (None, ctx.language) and not _LATIN.search(text):
        ctx.use_language(str(concern.language))
    return turn
