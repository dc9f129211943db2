"""What SPID is and what to bring, with the next free sessions from the database."""

from __future__ import annotations

from actions import bookings, places
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import offer
from bot.messages import Reply


class SpidInfoFlow:
    """A short answer, then the way to book."""

    name = "spidinfo"

    def accepts(self, turn: Turn) -> bool:
        return turn.intent == "spid_info"

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        turn.state.finish()
        lines = [
            _("Lo SPID è la sua identità digitale. Serve per entrare nei siti pubblici."),
            _("L'aiuto nelle Case di Quartiere è gratis."),
            _(
                "Porti: carta d'identità, tessera sanitaria, un telefono che usa e un "
                "indirizzo email."
            ),
        ]
        casa = None
        if ctx.resident.quartiere:
            casa = await places.casa_for_quartiere(ctx.session, quartiere=ctx.resident.quartiere)
        case = [casa] if casa else list(await places.list_case(ctx.session))
        soonest = []
        for each in case:
            soonest += [
                (slot, each)
                for slot in await bookings.free_slots(
                    ctx.session, casa_id=each.id, now=ctx.now, limit=1
                )
            ]
        if soonest:
            slot, where = min(soonest, key=lambda pair: pair[0].starts_at)
            lines.append(
                _("Primo posto libero: {when}, Casa di Quartiere {name}.").format(
                    when=ctx.format_when(slot.starts_at), name=where.name
                )
            )
        offer(turn.state, ["spid"])
        lines.append(_("Per prenotare scriva 1. Per il menu scriva 0."))
        return [Reply("\n".join(lines), (_("Prenotare aiuto per lo SPID"),))]
