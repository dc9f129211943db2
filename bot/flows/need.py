"""Report a need: the need form, started from the menu or from the resident's own words."""

from __future__ import annotations

from actions import needs
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import new_or_mine
from bot.forms.need import CATEGORY_LABELS, NAME, NeedForm
from bot.messages import Reply

__all__ = ["CATEGORY_LABELS", "NeedFlow"]
NEW = "need:new"


class NeedFlow:
    """Starts the need form, then feeds it the answers."""

    name = NAME
    form = NeedForm()

    def accepts(self, turn: Turn) -> bool:
        return turn.choice in (NAME, NEW) or turn.intent == "report_need" or turn.in_flow(NAME)

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        if turn.in_flow(NAME):
            return await self.form.answer(turn, ctx)
        if turn.choice == NAME:  # the menu's entry: one who reported may want the news of it
            mine = await needs.needs_of(ctx.session, resident_id=ctx.resident.id, limit=1)
            if mine:
                _ = ctx.gettext
                what = _(CATEGORY_LABELS.get(mine[0].category, CATEGORY_LABELS["other"]))
                summary = _("La sua ultima segnalazione: {reference}, {what}.").format(
                    reference=mine[0].reference, what=what
                )
                return [new_or_mine(ctx, turn.state, summary, "myneeds", NEW)]
        return await self.form.begin(turn, ctx)
