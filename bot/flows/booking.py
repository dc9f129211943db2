"""Book a SPID assistance session: what to bring, which Casa, which slot, confirm, a code."""

from __future__ import annotations

from actions import bookings, places
from actions.errors import AlreadyBooked, SlotFull
from actions.models import Casa
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import main_menu, offer, retry_prefix
from bot.keywords import NO, YES
from bot.messages import Reply

NAME = "spid"


class BookingFlow:
    """A form with three questions; a wrong answer asks again and keeps what was given."""

    name = NAME

    def accepts(self, turn: Turn) -> bool:
        return turn.choice == NAME or turn.intent == "book_spid" or turn.in_flow(NAME)

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        state = turn.state
        if not turn.in_flow(NAME):
            state.start(NAME, "casa")
            return [self._bring(ctx), await self._ask_casa(turn, ctx)]
        if state.step == "casa":
            if turn.choice is None or not turn.choice.startswith("casa:"):
                return [await self._ask_casa(turn, ctx, retry=True)]
            state.slots["casa_id"] = int(turn.choice.removeprefix("casa:"))
            return [await self._ask_slot(turn, ctx)]
        if state.step == "slot":
            if turn.choice is None or not turn.choice.startswith("slot:"):
                return [await self._ask_slot(turn, ctx, retry=True)]
            state.slots["slot_id"] = int(turn.choice.removeprefix("slot:"))
            return [await self._confirm(turn, ctx)]
        return await self._submit(turn, ctx)

    def _bring(self, ctx: TurnContext) -> Reply:
        _ = ctx.gettext
        return Reply(
            _(
                "Per lo SPID porti: carta d'identità, tessera sanitaria, "
                "un telefono che usa e un indirizzo email."
            )
        )

    async def _ask_casa(self, turn: Turn, ctx: TurnContext, retry: bool = False) -> Reply:
        _ = ctx.gettext
        case = sorted(
            await places.list_case(ctx.session),
            key=lambda c: (c.quartiere != ctx.resident.quartiere, c.name),
        )
        turn.state.step = "casa"
        offer(turn.state, [f"casa:{c.id}" for c in case])
        question = _("In quale Casa di Quartiere? Scriva il numero.")
        return Reply(retry_prefix(ctx, retry) + question, tuple(c.name for c in case))

    async def _ask_slot(
        self, turn: Turn, ctx: TurnContext, retry: bool = False, intro: str = ""
    ) -> Reply:
        _ = ctx.gettext
        casa = await places.casa_by_id(ctx.session, casa_id=turn.state.slots["casa_id"])
        slots = await bookings.free_slots(ctx.session, casa_id=casa.id, now=ctx.now, limit=5)
        if not slots:
            reply = await self._ask_casa(turn, ctx)
            full = _("Alla Casa {name} non ci sono posti liberi.").format(name=casa.name)
            return Reply(f"{intro}{full}\n{reply.text}", reply.options)
        turn.state.step = "slot"
        offer(turn.state, [f"slot:{s.id}" for s in slots])
        question = _("Quando vuole venire? Scriva il numero.")
        return Reply(
            intro + retry_prefix(ctx, retry) + question,
            tuple(ctx.format_when(s.starts_at) for s in slots),
        )

    async def _confirm(self, turn: Turn, ctx: TurnContext) -> Reply:
        _ = ctx.gettext
        free = await bookings.free_slots(
            ctx.session, casa_id=turn.state.slots["casa_id"], now=ctx.now, limit=50
        )
        slot = next((s for s in free if s.id == turn.state.slots["slot_id"]), None)
        if slot is None:
            return await self._ask_slot(turn, ctx, intro=self._taken(ctx))
        casa: Casa = await places.casa_by_id(ctx.session, casa_id=slot.casa_id)
        turn.state.step = "confirm"
        offer(turn.state, ["yes", "no"])
        text = _("Prenoto {when} alla Casa di Quartiere {name}. Conferma?").format(
            when=ctx.format_when(slot.starts_at), name=casa.name
        )
        return Reply(text, (_("Sì"), _("No")))

    async def _submit(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        if turn.choice == "no" or turn.command == NO:
            return [main_menu(ctx, turn.state, _("Va bene, non prenoto niente."))]
        if turn.choice != "yes" and turn.command != YES:
            reply = await self._confirm(turn, ctx)
            return [Reply(retry_prefix(ctx, True) + reply.text, reply.options)]
        try:
            booking = await bookings.book_seat(
                ctx.session,
                resident_id=ctx.resident.id,
                slot_id=turn.state.slots["slot_id"],
                now=ctx.now,
            )
        except (SlotFull, AlreadyBooked) as exc:
            intro = (
                _("Ha già un posto a quell'ora.") + "\n"
                if isinstance(exc, AlreadyBooked)
                else self._taken(ctx)
            )
            return [await self._ask_slot(turn, ctx, intro=intro)]
        done = _("Prenotato! Il suo codice è {code}. Porti i documenti.").format(code=booking.code)
        return [main_menu(ctx, turn.state, done)]

    def _taken(self, ctx: TurnContext) -> str:
        return ctx.gettext("Mi dispiace, l'ultimo posto è appena stato preso.") + "\n"
