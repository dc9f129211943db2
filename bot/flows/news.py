"""Subscriptions to a neighbourhood's announcements, and STOP / START."""

from __future__ import annotations

from actions import bookings, places, subscriptions
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import main_menu, offer, retry_prefix
from bot.keywords import START, STOP
from bot.messages import Reply

NAME = "news"


class SubscribeFlow:
    """Follow a neighbourhood: the one named, the resident's own, or one picked from a list."""

    name = NAME

    def accepts(self, turn: Turn) -> bool:
        return turn.choice == NAME or turn.intent == "subscribe" or turn.in_flow(NAME)

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        known = await places.quartieri(ctx.session)
        if turn.in_flow(NAME):
            wanted = turn.choice.removeprefix("q:") if turn.choice else None
        else:
            wanted = turn.entity("neighbourhood") or ctx.resident.quartiere
        if wanted not in known:
            retry = turn.in_flow(NAME)
            turn.state.start(NAME, "pick")
            offer(turn.state, [f"q:{q}" for q in known])
            question = _("Di quale quartiere vuole le notizie? Scriva il numero.")
            return [Reply(retry_prefix(ctx, retry) + question, tuple(known))]
        assert isinstance(wanted, str)
        ctx.resident.quartiere = ctx.resident.quartiere or wanted
        await subscriptions.subscribe(
            ctx.session, resident_id=ctx.resident.id, quartiere=wanted, now=ctx.now
        )
        done = _("Fatto. Riceverà le notizie del quartiere {quartiere}.").format(quartiere=wanted)
        return [
            Reply(f"{done}\n" + _("Per non riceverle più, scriva STOP.")),
            main_menu(ctx, turn.state),
        ]


class UnsubscribeFlow:
    """STOP stops every message, as the carrier does; "no more news" only the news.

    STOP is the carriers' keyword: on SMS nothing more reaches the number, reminders of a
    booking included, until START; the answer says so. Asked in words, only the news stop.
    """

    name = "unsubscribe"

    def accepts(self, turn: Turn) -> bool:
        return turn.command in (STOP, START) or turn.intent == "unsubscribe"

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        turn.state.finish()
        turn.state.offered = []
        if turn.command == START:
            return [main_menu(ctx, turn.state, _("Bentornato! Può di nuovo ricevere messaggi."))]
        await subscriptions.unsubscribe_all(ctx.session, resident_id=ctx.resident.id)
        if turn.command != STOP:
            return [
                Reply(
                    _("Va bene. Non riceverà più notizie.")
                    + "\n"
                    + _("I promemoria delle prenotazioni arrivano ancora.")
                )
            ]
        lines = [_("Va bene. Da ora non le scriviamo più, nemmeno le notizie.")]
        booked = await bookings.bookings_of(ctx.session, resident_id=ctx.resident.id, now=ctx.now)
        if booked:
            lines.append(_("Non arrivano più nemmeno i promemoria."))
        lines.append(_("Per ricevere di nuovo i messaggi scriva START."))
        return [Reply("\n".join(lines))]
