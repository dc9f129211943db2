"""The conversation core: one inbound message and the stored state in, replies and new state out."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import datetime

from actions import handoffs
from bot.care import LONELY, SCAM, asks_about_wait, concern_of
from bot.context import TurnContext
from bot.flows import FLOWS
from bot.flows.base import Turn
from bot.flows.menu import MENU_KEYS, without_full_menu
from bot.flows.voice import said_back
from bot.forms.base import SKIP
from bot.keywords import MENU, NO, START, YES, command_of, digit_of
from bot.messages import Inbound, Reply
from bot.options import by_place, match_option
from bot.paging import paged
from bot.state import ConversationState
from nlu.types import FALLBACK_INTENT, LANGUAGES, READ_CHARS, Intent, NLUUnavailable, Parse

# A conversation left for this long starts again from the menu: the resident has
# forgotten the half-finished question, and so should the bot.
IDLE_RESET_SECONDS = 4 * 3600
# Words in a list that pick no option but are plainly a new request ("quando è il mio
# appuntamento?" while times are listed) leave the list: no dead end.
LEAVE_WORDS = 3
LEAVE_CONFIDENCE = 0.8
# Danger gets 112 first and nothing before it; a held conversation only relays.
NO_WELCOME = frozenset({"emergency", "scam", "lonely", "held"})
# The intents that start each form: said inside it, they are an answer, not a new request.
SAME_FLOW = {
    "report_need": "need",
    "book_spid": "spid",
    "my_bookings": "mybookings",
    "cancel_booking": "mybookings",
}
STAY_INTENTS = frozenset({FALLBACK_INTENT, "affirm", "deny", "greet", "thank", "help"})
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
    first = state.last_turn_at is None and ctx.resident.created_at == ctx.now
    idle = state.idle_since(ctx.now)
    if idle is not None and idle > IDLE_RESET_SECONDS:
        state = ConversationState()
    new_conversation = state.last_turn_at is None
    turn = _read(inbound, state, ctx)
    turn.first = first
    if first and turn.command == START:
        turn.command = MENU  # /start from a new resident: a welcome, not "welcome back"
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
    if first and replies and flow.name not in NO_WELCOME:
        # one message, not two: the welcome heads the first answer
        head = replies[0]
        replies[0] = Reply(f"{welcome(ctx)}\n{head.text}", head.options, head.attachment)
    if ctx.channel == "sms" and not new_conversation and flow.name not in ("menu", "pages"):
        replies = without_full_menu(ctx, replies)
    _remember_labels(state, replies)
    replies = paged(ctx, state, replies, turn.page_from)
    heard = said_back(inbound, ctx)
    if heard is not None and replies:  # what a voice note said, before the answer to it
        replies.insert(0, heard)
    state.last_turn_at = ctx.now.isoformat()
    return TurnResult(replies, state, turn.parse.intent.name if turn.parse else None)


def _match_words(turn: Turn, ctx: TurnContext) -> None:
    """A list answered in words: "ospizio", "la terza", "mercoledì alle 10", "sì grazie"."""
    state = turn.state
    if turn.command is not None and turn.command not in (YES, NO):
        return
    times = [datetime.fromisoformat(t) for t in state.times]
    found = match_option(
        turn.text,
        state.offered,
        state.labels,
        times=times,
        now=ctx.now.astimezone(ctx.zone),
        in_form=state.step is not None,
    )
    if found.index is None and not found.candidates and state.step and state.labels:
        found = by_place(_place_named(turn, ctx), state.labels)
    if found.index is not None:
        turn.choice = state.offered[found.index]
    turn.ambiguous = found.candidates


def _place_named(turn: Turn, ctx: TurnContext) -> object:
    """The neighbourhood the words name as the gazetteer knows it, in Cyrillic or Arabic too."""
    try:
        return ctx.nlu.parse(turn.text[:READ_CHARS], now=ctx.now).entity("neighbourhood")
    except NLUUnavailable:
        return None


def _remember_labels(state: ConversationState, replies: list[Reply]) -> None:
    # the last reply's options are the list on screen: keep their words for the next answer
    options = replies[-1].options if replies else ()
    state.labels = list(options) if len(options) == len(state.offered) else []
    if len(state.times) != len(state.offered):
        state.times = []


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
    if choice is None and number is None and state.offered and text and not ctx.held:
        _match_words(turn, ctx)
    if _leaves_the_list(turn, ctx):
        state.finish()  # a new request in words: the list is left, the request answered
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
    _use_hint(inbound, ctx)
    return turn


def _leaves_the_list(turn: Turn, ctx: TurnContext) -> bool:
    """True when words that pick nothing from a list are plainly another request."""
    state = turn.state
    if not state.step or not state.offered or turn.choice or turn.ambiguous or ctx.held:
        return False
    if state.offered == [SKIP]:
        return False  # a question for free words, with a shortcut: the words are the answer
    if turn.command is not None or turn.number is not None:
        return False
    if len(turn.text.split()) < LEAVE_WORDS:
        return False
    try:
        parse = ctx.nlu.parse(turn.text[:READ_CHARS], now=ctx.now)
    except NLUUnavailable:
        return False
    if SAME_FLOW.get(parse.intent.name) == state.flow:
        return False  # "via Adua 20" while asked where: still the same report, an answer
    return parse.intent.name not in STAY_INTENTS and parse.intent.confidence >= LEAVE_CONFIDENCE


def _use_hint(inbound: Inbound, ctx: TurnContext) -> None:
    """Telegram's language_code, until the resident's own words tell the language."""
    hint = (inbound.language_hint or "").split("-")[0].casefold()
    if hint in LANGUAGES and not ctx.resident.language_confirmed and hint != ctx.language:
        ctx.use_language(hint)


def welcome(ctx: TurnContext) -> str:
    """The first words to a new resident: what the bot does."""
    _ = ctx.gettext
    # Short, so that with the menu it fits two SMS: the menu says what the bot does.
    return _(
        "Buongiorno! Sono Portineria, lo sportello delle Case di Quartiere. Scriva con parole sue."
    )
