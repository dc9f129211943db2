"""Passing the conversation to a person of the resident's Casa di Quartiere."""

from __future__ import annotations

from actions import handoffs, places
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.messages import Reply


async def hand_to_person(
    turn: Turn, ctx: TurnContext, reason: str, *, urgent: bool = False
) -> Reply:
    """Open a handoff to the resident's Casa and say when someone will answer."""
    _ = ctx.gettext
    already = await handoffs.open_handoff_of(ctx.session, resident_id=ctx.resident.id)
    await handoffs.open_handoff(
        ctx.session,
        resident_id=ctx.resident.id,
        quartiere=ctx.resident.quartiere,
        reason=reason,
        now=ctx.now,
        urgent=urgent,
    )
    turn.state.finish()
    turn.state.offered = []
    if already is not None:
        lines = [_("Una persona le risponderà presto, qui.")]
    else:
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
