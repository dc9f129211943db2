"""Book a SPID assistance session: what to bring, then the booking form."""

from __future__ import annotations

from actions import bookings
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import new_or_mine
from bot.forms.booking import NAME, BookingForm
from bot.messages import Reply

NEW = "spid:new"


class BookingFlow:
    """Starts the booking form from the menu or a request, then feeds it the answers."""

    name = NAME
    form = BookingForm()

    def accepts(self, turn: Turn) -> bool:
        return turn.choice in (NAME, NEW) or turn.intent == "book_spid" or turn.in_flow(NAME)

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        if turn.in_flow(NAME):
            return await self.form.answer(turn, ctx)
        if turn.choice == NAME:  # the menu's entry: one with a booking may want to move it
            mine = await bookings.bookings_of(ctx.session, resident_id=ctx.resident.id, now=ctx.now)
            if mine:
                casa = mine[0].slot.casa
                summary = ctx.gettext("Ha già una prenotazione: {when}, Casa {name}.").format(
                    when=ctx.format_when(mine[0].slot.starts_at), name=casa.name
                )
                return [new_or_mine(ctx, turn.state, summary, "mybookings", NEW)]
        return await self.form.begin(turn, ctx, [self.form.bring(ctx)])
