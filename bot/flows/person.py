"""Reaching a person: on request, in an emergency, and for voice notes or photos."""

from __future__ import annotations

from actions import handoffs, places
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import main_menu
from bot.keywords import HUMAN, WITHDRAW, is_emergency
from bot.messages import Reply


async def hand_to_person(turn: Turn, ctx: TurnContext, reason: str) -> Reply:
    """Open a handoff to the resident's Casa and say when someone will answer."""
    _ = ctx.gettext
    await handoffs.open_handoff(
        ctx.session,
        resident_id=ctx.resident.id,
        quartiere=ctx.resident.quartiere,
        reason=reason,
        now=ctx.now,
    )
    turn.state.finish()
    turn.state.offered = []
    lines = [_("Ho chiesto a una persona di risponderle. Le scriverà qui.")]
    casa = None
    if ctx.resident.quartiere:
        casa = await places.casa_for_quartiere(ctx.session, quartiere=ctx.resident.quartiere)
    if casa is not None and not places.is_open(casa, ctx.now, ctx.zone):
        opening = places.next_opening(casa, ctx.now, ctx.zone)
        if opening is not None:
            lines.append(
                _("Ora la Casa è chiusa. Le risponderemo da {when}.").format(
                    when=ctx.format_when(opening)
                )
            )
    lines.append(_("Se non serve più, scriva ANNULLA."))
    return Reply("\n".join(lines))


class HeldFlow:
    """While a person holds the conversation the bot stays quiet; the message reaches them."""

    name = "held"

    def accepts(self, turn: Turn) -> bool:
        return turn.held and turn.command != WITHDRAW and not is_emergency(turn.text)

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        return []


class EmergencyFlow:
    """Immediate danger: the emergency number first, then a person."""

    name = "emergency"

    def accepts(self, turn: Turn) -> bool:
        return is_emergency(turn.text)

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        urgent = Reply(_("Se c'è un pericolo, chiami subito il 112. È gratis."))
        return [urgent, await hand_to_person(turn, ctx, "emergency")]


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
