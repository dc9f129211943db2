"""Care before procedure: danger gets 112 and an urgent person, scams a warning, loneliness an ear.

The checks run before the NLU (bot/care.py); these flows answer them. Scams and loneliness
end with an offer of a person (1 Sì 2 No) that the `CareOfferFlow` takes.
"""

from __future__ import annotations

from bot.care import DANGER, LONELY, SCAM, SELF_HARM
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.handoff import hand_to_person
from bot.flows.menu import main_menu, offer
from bot.keywords import NO, YES
from bot.messages import Reply

NAME = "care"
# The offer's handoff reason, per concern.
OFFER_REASON = {SCAM: "scam", LONELY: "company"}


class EmergencyFlow:
    """Immediate danger to anyone: the emergency number first, then an urgent person."""

    name = "emergency"

    def accepts(self, turn: Turn) -> bool:
        return turn.concern is not None and turn.concern.kind in (DANGER, SELF_HARM)

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        assert turn.concern is not None
        lines = [_("Chiami subito il 112. È gratis, anche senza credito.")]
        if turn.concern.kind == SELF_HARM:
            # Telefono Amico Italia and Samaritans Onlus: national listening lines.
            lines.append(
                _("Può parlare con qualcuno anche al Telefono Amico: 02 2327 2327.")
                + "\n"
                + _("Oppure ai Samaritans: 06 77208977.")
            )
            reason = "self_harm"
        else:
            reason = "emergency"
        if turn.concern.category == "violence":
            # 1522: the national anti-violence and stalking line, free, day and night.
            lines.append(_("Per la violenza c'è anche il 1522. È gratis, a ogni ora."))
        handed = await hand_to_person(turn, ctx, reason, urgent=True)
        return [Reply("\n".join(lines)), handed]


class ScamFlow:
    """Codes or PINs asked by someone, a strange call: a plain warning and a person."""

    name = "scam"

    def accepts(self, turn: Turn) -> bool:
        return turn.concern is not None and turn.concern.kind == SCAM

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        warning = _(
            "Attenzione, può essere una truffa. Non dia mai codici, PIN o password. "
            "La Casa, la banca e le Poste non li chiedono mai."
        )
        already = _("Se li ha già dati, chiami subito la sua banca.")
        return [_offer(turn, ctx, SCAM, f"{warning}\n{already}")]


class LonelyFlow:
    """Loneliness and distress are needs: a warm word and the offer of a call."""

    name = "lonely"

    def accepts(self, turn: Turn) -> bool:
        return turn.concern is not None and turn.concern.kind == LONELY

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        return [_offer(turn, ctx, LONELY, _("Mi dispiace che si senta così. Qui c'è chi ascolta."))]


class CareOfferFlow:
    """The answer to the offer of a person: yes opens a handoff, no goes back to the menu."""

    name = NAME

    def accepts(self, turn: Turn) -> bool:
        return turn.in_flow(NAME) and _answer(turn) is not None

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        reason = OFFER_REASON.get(str(turn.state.slots.get("concern")), "asked")
        if _answer(turn):
            intro = _("Bene. Una persona della Casa la chiamerà o le scriverà qui.")
            handed = await hand_to_person(turn, ctx, reason)
            # The intro says who and how; the rest of the handoff's answer says when.
            rest = handed.text.split("\n")[1:]
            return [Reply("\n".join([intro, *rest]))]
        return [main_menu(ctx, turn.state, _("Va bene. Se cambia idea, scriva 6."))]


def _offer(turn: Turn, ctx: TurnContext, concern: str, text: str) -> Reply:
    """The text, then "Vuole parlare con una persona della Casa?" 1 Sì 2 No."""
    _ = ctx.gettext
    turn.state.start(NAME)
    turn.state.slots = {"concern": concern}
    offer(turn.state, ["yes", "no"])
    question = (
        _("Vuole che una persona della Casa la chiami?")
        if concern == LONELY
        else _("Vuole parlarne con una persona della Casa?")
    )
    return Reply(f"{text}\n{question}", (_("Sì"), _("No")))


def _answer(turn: Turn) -> bool | None:
    """True for yes, False for no, None for anything else."""
    if turn.choice in ("yes", "no"):
        return turn.choice == "yes"
    if turn.command in (YES, NO):
        return turn.command == YES
    if turn.intent in ("affirm", "deny"):
        return turn.intent == "affirm"
    return None
