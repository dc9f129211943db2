""" "When is my appointment?", moving and cancelling a booking: the bookings form."""

from __future__ import annotations

from actions import bookings
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import main_menu
from bot.forms.mybooking import NAME, MyBookingForm
from bot.messages import Reply


class MyBookingsFlow:
    """Starts the bookings form when the resident has a booking; says so when not."""

    name = NAME
    form = MyBookingForm()

    def accepts(self, turn: Turn) -> bool:
        return (
            turn.choice == NAME
            or turn.intent in ("my_bookings", "cancel_booking")
            or turn.in_flow(NAME)
        )

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        if turn.in_flow(NAME):
            return await self.form.answer(turn, ctx)
        mine = await bookings.bookings_of(ctx.session, resident_id=ctx.resident.id, now=ctx.now)
        if not mine:
            return [main_menu(ctx, turn.state, ctx.gettext("Non ha prenotazioni."))]
        return await self.form.begin(turn, ctx)
