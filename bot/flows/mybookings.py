""" "When is my appointment?" and cancelling or moving a booking."""

from __future__ import annotations

from actions import bookings
from actions.models import Booking
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import main_menu, offer, retry_prefix
from bot.messages import Reply

NAME = "mybookings"


class MyBookingsFlow:
    """List the resident's bookings; pick one to cancel it (moving = cancel and book again)."""

    name = NAME

    def accepts(self, turn: Turn) -> bool:
        return (
            turn.choice == NAME
            or turn.intent in ("my_bookings", "cancel_booking")
            or turn.in_flow(NAME)
        )

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        mine = list(
            await bookings.bookings_of(ctx.session, resident_id=ctx.resident.id, now=ctx.now)
        )
        if turn.in_flow(NAME) and turn.state.step == "pick":
            if turn.choice is None or not turn.choice.startswith("booking:"):
                return [self._list(turn, ctx, mine, retry=True)]
            code = turn.choice.removeprefix("booking:")
            await bookings.cancel_booking(ctx.session, resident_id=ctx.resident.id, code=code)
            done = _("Prenotazione {code} cancellata. Il posto è di nuovo libero.").format(
                code=code
            )
            return [
                main_menu(
                    ctx, turn.state, done + "\n" + _("Per prenotare un altro giorno scelga 2.")
                )
            ]
        if not mine:
            return [main_menu(ctx, turn.state, _("Non ha prenotazioni."))]
        return [self._list(turn, ctx, mine)]

    def _list(
        self, turn: Turn, ctx: TurnContext, mine: list[Booking], retry: bool = False
    ) -> Reply:
        _ = ctx.gettext
        turn.state.start(NAME, "pick")
        offer(turn.state, [f"booking:{b.code}" for b in mine])
        lines = [retry_prefix(ctx, retry) + _("Le sue prenotazioni per lo SPID:")]
        lines += [
            _("{when}, Casa di Quartiere {name}, codice {code}").format(
                when=ctx.format_when(b.slot.starts_at), name=b.slot.casa.name, code=b.code
            )
            for b in mine
        ]
        lines.append(_("Per cancellarne una scriva il numero. Per il menu scriva 0."))
        return Reply(
            "\n".join(lines), tuple(_("Cancella {code}").format(code=b.code) for b in mine)
        )
