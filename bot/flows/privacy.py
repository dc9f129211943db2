"""A resident's data: what is stored, and forgetting it all after a confirmation."""

from __future__ import annotations

from actions import privacy
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import main_menu, offer, retry_prefix
from bot.keywords import NO, YES, privacy_request_of
from bot.messages import Reply

NAME = "privacy"


class PrivacyFlow:
    """ "I miei dati" shows a summary; "cancella i miei dati" asks, then erases everything."""

    name = NAME

    def accepts(self, turn: Turn) -> bool:
        return turn.in_flow(NAME) or privacy_request_of(turn.text) is not None

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        if turn.in_flow(NAME):
            if turn.choice == "yes" or turn.command == YES:
                ctx.forget = True
                return [
                    Reply(
                        _(
                            "Fatto. Ho cancellato tutti i suoi dati. I messaggi già arrivati "
                            "sul suo telefono restano lì: può cancellarli lei. Arrivederci."
                        )
                    )
                ]
            if turn.choice == "no" or turn.command == NO:
                return [main_menu(ctx, turn.state, _("Va bene, non cancello niente."))]
            return [self._confirm(turn, ctx, retry=True)]
        if privacy_request_of(turn.text) == "forget":
            return [self._confirm(turn, ctx)]
        return [await self._summary(turn, ctx)]

    def _confirm(self, turn: Turn, ctx: TurnContext, retry: bool = False) -> Reply:
        _ = ctx.gettext
        turn.state.start(NAME, "confirm")
        offer(turn.state, ["yes", "no"])
        question = _(
            "Cancello tutti i suoi dati: messaggi, prenotazioni e segnalazioni. "
            "Non si può tornare indietro. Confermi?"
        )
        return Reply(retry_prefix(ctx, retry) + question, (_("Sì"), _("No")))

    async def _summary(self, turn: Turn, ctx: TurnContext) -> Reply:
        _ = ctx.gettext
        data = await privacy.export_resident(ctx.session, resident_id=ctx.resident.id)
        followed = sorted(s["quartiere"] for s in data.get("subscriptions", []))
        lines = [
            _("Ecco cosa sappiamo di lei:"),
            _("Messaggi: {count}").format(count=len(data.get("messages", []))),
            _("Prenotazioni: {count}").format(count=len(data.get("bookings", []))),
            _("Segnalazioni: {count}").format(count=len(data.get("needs", []))),
            _("Notizie di: {quartieri}").format(quartieri=", ".join(followed) or "-"),
            _("Per cancellare tutto scriva: cancella i miei dati."),
        ]
        return main_menu(ctx, turn.state, "\n".join(lines))
