"""Report a need: the need form, started from the menu or from the resident's own words."""

from __future__ import annotations

from bot.context import TurnContext
from bot.flows.base import Turn
from bot.forms.need import CATEGORY_LABELS, NAME, NeedForm
from bot.messages import Reply

__all__ = ["CATEGORY_LABELS", "NeedFlow"]


class NeedFlow:
    """Starts the need form, then feeds it the answers."""

    name = NAME
    form = NeedForm()

    def accepts(self, turn: Turn) -> bool:
        return turn.choice == NAME or turn.intent == "report_need" or turn.in_flow(NAME)

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        if not turn.in_flow(NAME):
            return await self.form.begin(turn, ctx)
        return await self.form.answer(turn, ctx)
