"""The conversation core: one inbound message and the stored state in, replies and new state out."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from bot.context import TurnContext
from bot.flows import FLOWS
from bot.flows.base import Turn
from bot.flows.menu import MENU_KEYS
from bot.keywords import command_of, digit_of
from bot.messages import Inbound, Reply
from bot.state import ConversationState
from nlu.types import FALLBACK_INTENT, READ_CHARS, Intent, NLUUnavailable, Parse

# A conversation left for this long starts again from the menu: the resident has
# forgotten the half-finished question, and so should the bot.
IDLE_RESET_SECONDS = 4 * 3600


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
    turn = _read(inbound, state, ctx)
    replies: list[Reply] = []
    for flow in FLOWS:
        if flow.accepts(turn):
            replies = await flow.handle(turn, ctx)
            break
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
        if turn.parse.language and understood and not ctx.resident.language_confirmed:
            ctx.use_language(turn.parse.language)
            ctx.resident.language_confirmed = True
    return turn
