"""Reaching a person: on request, while one holds the chat, and for voice notes or photos."""

from __future__ import annotations

from actions import handoffs
from bot.care import DANGER, SELF_HARM
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.handoff import hand_to_person
from bot.flows.menu import main_menu
from bot.keywords import HUMAN, WITHDRAW
from bot.messages import Reply


class HeldFlow:
    """While a person holds the conversation the bot stays quiet; the message reaches them."""

    name = "held"

    def accepts(self, turn: Turn) -> bool:
        danger = turn.concern is not None and turn.concern.kind in (DANGER, SELF_HARM)
        return turn.held and turn.command != WITHDRAW and not danger

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        return []


class PersonFlow:
    """A person on request ("operatore", the menu, the NLU); ANNULLA withdraws the request."""

    name = "person"

    def accepts(self, turn: Turn) -> bool:
        return (
            turn.command in (HUMAN, WITHDRAW)
            or turn.choice == "person"
            or turn.intent == "talk_to_human"
        )

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        if turn.command == WITHDRAW:
            withdrawn = await handoffs.withdraw(
                ctx.session, resident_id=ctx.resident.id, now=ctx.now
            )
            if withdrawn:
                return [main_menu(ctx, turn.state, _("Va bene, ho annullato la richiesta."))]
            return [main_menu(ctx, turn.state)]
        return [await hand_to_person(turn, ctx, "asked")]


class MediaFlow:
    """Voice notes, photos and stickers: say what the bot can do and offer a person."""

    name = "media"

    def accepts(self, turn: Turn) -> bool:
        return bool(turn.inbound.media) and not turn.text

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        intro = _(
            "Ho ricevuto il suo messaggio, ma so leggere solo il testo. "
            "Lo tengo per le persone della Casa. Per parlare con una persona scriva 6."
        )
        return [main_menu(ctx, turn.state, intro)]
