"""While a request for a person waits: how long, who, and how to cancel, with real figures."""

from __future__ import annotations

from actions import handoffs, places
from actions.models import Casa
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.i18n import format_clock
from bot.messages import Reply


class WaitingFlow:
    """ "Quanto devo aspettare?", "chi mi risponde?": the place in the queue and the hours."""

    name = "waiting"

    def accepts(self, turn: Turn) -> bool:
        return turn.waiting is not None

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        handoff = turn.waiting
        assert handoff is not None
        position = await handoffs.queue_position(ctx.session, handoff)
        if position == 1:
            lines = [_("La sua richiesta è la prima in attesa.")]
        else:
            lines = [_("Richieste prima della sua: {count}.").format(count=position - 1)]
        casa = None
        if handoff.casa_id is not None:
            casa = await places.casa_by_id(ctx.session, casa_id=handoff.casa_id)
        if casa is not None:
            lines.append(_("Le risponde una persona della Casa {casa}.").format(casa=casa.name))
            lines.append(self._when(casa, ctx))
        else:
            lines.append(_("Le risponde una persona delle Case di Quartiere."))
        lines.append(_("Se non serve più, scriva ANNULLA."))
        return [Reply("\n".join(lines))]

    @staticmethod
    def _when(casa: Casa, ctx: TurnContext) -> str:
        """Open now (until when), or the next opening."""
        _ = ctx.gettext
        local = ctx.now.astimezone(ctx.zone)
        for start, end in places.opening_intervals(casa, local.weekday()):
            if start <= local.time() < end:
                until = format_clock(
                    local.replace(hour=end.hour, minute=end.minute), ctx.zone, ctx.language
                )
                return _("Ora la Casa è aperta fino alle {time}.").format(time=until)
        opening = places.next_opening(casa, ctx.now, ctx.zone)
        if opening is None:
            return _("Ora la Casa è chiusa.")
        return _("Ora la Casa è chiusa. Le risponderemo da {when}.").format(
            when=ctx.format_when(opening)
        )
