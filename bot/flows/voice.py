"""Voice notes: what was heard is said back; spoken answers are switched on and off."""

from __future__ import annotations

from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import main_menu
from bot.i18n import N_
from bot.keywords import TEXT_ONLY, VOICE
from bot.messages import HEARD, HEARD_CUT, NOT_HEARD, Inbound, Reply

NAME = "voice"
# The language menu's last entry switches spoken answers on and off.
VOICE_OPTION = NAME
VOICE_LABELS = {False: N_("Risposte anche a voce"), True: N_("Risposte solo scritte")}


def said_back(inbound: Inbound, ctx: TurnContext) -> Reply | None:
    """ "Ho capito: «...»" for a voice note, so a wrong transcript shows; None for text."""
    if inbound.heard not in (HEARD, HEARD_CUT):
        return None
    _ = ctx.gettext
    lines = [_("Ho capito: «{text}»").format(text=inbound.text)]
    if inbound.heard == HEARD_CUT:
        lines.append(_("Il messaggio era lungo: ho ascoltato solo i primi 2 minuti."))
    return Reply("\n".join(lines))


def not_heard(ctx: TurnContext, turn: Turn) -> Reply:
    """An empty or unsure transcript: say it again, write it, or a person."""
    _ = ctx.gettext
    intro = _(
        "Non ho capito il messaggio vocale. Può dirlo di nuovo o scriverlo? "
        "Per parlare con una persona scriva 6."
    )
    return main_menu(ctx, turn.state, intro)


def voice_label(ctx: TurnContext) -> str:
    """The language menu's entry: switch spoken answers on, or off."""
    return ctx.gettext(VOICE_LABELS[bool(ctx.resident.voice_replies)])


class VoiceFlow:
    """Spoken answers on request ("mi risponda a voce", Lingua -> voce), off again by text."""

    name = NAME

    def accepts(self, turn: Turn) -> bool:
        return turn.command in (VOICE, TEXT_ONLY) or turn.choice == VOICE_OPTION

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        wanted = not ctx.resident.voice_replies
        if turn.command in (VOICE, TEXT_ONLY):
            wanted = turn.command == VOICE
        if wanted and ctx.channel == "sms":
            done = _("Con gli SMS non posso mandare messaggi vocali. Rispondo per iscritto.")
            return [main_menu(ctx, turn.state, done)]
        ctx.resident.voice_replies = wanted
        if wanted:
            done = _("Va bene, da ora le rispondo anche a voce.")
        else:
            done = _("Va bene, da ora le rispondo solo per iscritto.")
        return [main_menu(ctx, turn.state, done)]


class NotHeardFlow:
    """A voice note that could not be understood (or not fetched)."""

    name = "not heard"

    def accepts(self, turn: Turn) -> bool:
        return turn.inbound.heard == NOT_HEARD and not turn.held

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        return [not_heard(ctx, turn)]
