"""Book a SPID assistance session: what to bring, then the booking form."""

from __future__ import annotations

from bot.context import TurnContext
from bot.flows.base import Turn
from bot.forms.booking import NAME, BookingForm
from bot.messages import Reply


class BookingFlow:
    """Starts the booking form from the menu or a request, then feeds it the answers."""

    name = NAME
    form = BookingForm()

    def accepts(self, turn: Turn) -> bool:
        return turn.choice == NAME or turn.intent == "book_spid" or turn.in_flow(NAME)

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        if not turn.in_flow(NAME):
            return await self.form.begin(turn, ctx, [self.form.bring(ctx)])
        return await self.form.answer(turn, ctx)
