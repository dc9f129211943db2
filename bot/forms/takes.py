"""Takes shared by the forms: a pick from the list shown, a yes or a no."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.context import TurnContext
from bot.flows.base import Turn
from bot.forms.base import Retry
from bot.keywords import NO, YES
from nlu.dates import find_date


def not_in_list(ctx: TurnContext) -> Retry:
    """The reason given when an answer is none of the options."""
    return Retry(ctx.gettext("Scriva un numero della lista."))


def pick_key(kind: str) -> Callable[[Turn, TurnContext], Awaitable[Any]]:
    """A take for a list of `kind:KEY` options: the KEY picked, as text."""

    async def take(turn: Turn, ctx: TurnContext) -> str | Retry:
        if turn.choice is None or not turn.choice.startswith(f"{kind}:"):
            return not_in_list(ctx)
        return turn.choice.removeprefix(f"{kind}:")

    return take


def pick(kind: str) -> Callable[[Turn, TurnContext], Awaitable[Any]]:
    """A take for a list of `kind:ID` options: the ID picked, as a number."""

    async def take(turn: Turn, ctx: TurnContext) -> int | Retry:
        if turn.choice is None or not turn.choice.startswith(f"{kind}:"):
            return not_in_list(ctx)
        return int(turn.choice.removeprefix(f"{kind}:"))

    return take


def pick_slot() -> Callable[[Turn, TurnContext], Awaitable[Any]]:
    """A take for a list of slots: a day or time with no slot listed says so."""
    by_id = pick("slot")

    async def take(turn: Turn, ctx: TurnContext) -> int | Retry:
        value = await by_id(turn, ctx)
        now = ctx.now.astimezone(ctx.zone)
        if (
            isinstance(value, Retry)
            and turn.number is None
            and find_date(turn.text, now=now, language=None) is not None
        ):
            return Retry(ctx.gettext("In quel giorno non ci sono posti liberi."))
        return value

    return take


async def yes_or_no(turn: Turn, ctx: TurnContext) -> bool | Retry:
    """True for yes, False for no (as a digit, a word or a button)."""
    if turn.choice == "yes" or turn.command == YES:
        return True
    if turn.choice == "no" or turn.command == NO:
        return False
    return not_in_list(ctx)
