"""The SPID booking form: which Casa, which slot, confirm; then a seat and a code."""

from __future__ import annotations

from typing import Any

from actions import bookings, places
from actions.errors import AlreadyBooked, SlotFull
from actions.models import Booking, Casa, SpidSlot
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import main_menu, offer
from bot.forms.base import Form, Retry, Step
from bot.forms.takes import pick, pick_slot, yes_or_no
from bot.messages import Reply
from bot.options import by_time
from nlu.types import NLUUnavailable

NAME = "spid"
SHOWN = 5  # slots listed at once: more is too long for an SMS


class BookingForm(Form):
    """Casa, slot and confirmation, asked in order; a wrong answer asks again and keeps the rest."""

    name = NAME

    def __init__(self) -> None:
        self.steps = (
            Step("casa_id", self._ask_casa, self._take_casa),
            Step("slot_id", self._ask_slot, pick_slot()),
            Step("confirm", self._confirm, yes_or_no),
        )

    async def prefill(self, turn: Turn, ctx: TurnContext) -> None:
        """A Casa or neighbourhood, a day or time and a person named in the request are kept."""
        answers = turn.state.slots
        if who := turn.entity("person"):
            answers["for_whom"] = str(who)[:80]
        if turn.entity("date") is not None:
            answers["asked_when"] = turn.text  # narrows the slots once they are listed
        if (place := turn.entity("neighbourhood")) and (casa := await self._casa_in(ctx, place)):
            answers["casa_id"] = casa.id

    def bring(self, ctx: TurnContext) -> Reply:
        """What to bring to a SPID session."""
        _ = ctx.gettext
        return Reply(
            _(
                "Per lo SPID porti: carta d'identità, tessera sanitaria, "
                "un telefono che usa e un indirizzo email."
            )
        )

    async def _ask_casa(self, turn: Turn, ctx: TurnContext) -> Reply:
        _ = ctx.gettext
        case = sorted(
            await places.list_case(ctx.session),
            key=lambda c: (c.quartiere != ctx.resident.quartiere, c.name),
        )
        offer(turn.state, [f"casa:{c.id}" for c in case])
        question = _("In quale Casa di Quartiere? Scriva il numero.")
        return Reply(question, tuple(c.name for c in case))

    async def _take_casa(self, turn: Turn, ctx: TurnContext) -> int | Retry:
        """The Casa picked, or named as the gazetteer knows it ("سانتا كروتشي", "Санта Кроче")."""
        picked = await pick("casa")(turn, ctx)
        if not isinstance(picked, Retry) or turn.number is not None:
            return picked
        try:
            named = ctx.nlu.parse(turn.text[:200], now=ctx.now).entity("neighbourhood")
        except NLUUnavailable:
            return picked
        casa = await self._casa_in(ctx, named)
        return casa.id if casa is not None else picked

    async def _casa_in(self, ctx: TurnContext, place: object) -> Casa | None:
        case = await places.list_case(ctx.session)
        return next((c for c in case if place in (c.quartiere, c.name)), None)

    async def _ask_slot(self, turn: Turn, ctx: TurnContext) -> Reply:
        _ = ctx.gettext
        casa = await places.casa_by_id(ctx.session, casa_id=turn.state.slots["casa_id"])
        slots = list(await bookings.free_slots(ctx.session, casa_id=casa.id, now=ctx.now, limit=50))
        if not slots:
            self.forget(turn, "casa_id")
            full = _("Alla Casa {name} non ci sono posti liberi.").format(name=casa.name)
            return await self.ask(turn, ctx, "casa_id", full)
        slots, intro = self._narrow(turn, ctx, slots)
        slots = slots[:SHOWN]
        offer(turn.state, [f"slot:{s.id}" for s in slots], [s.starts_at.isoformat() for s in slots])
        question = _("Quando vuole venire? Scriva il numero.")
        return Reply(intro + question, tuple(ctx.format_when(s.starts_at) for s in slots))

    def _narrow(
        self, turn: Turn, ctx: TurnContext, slots: list[SpidSlot]
    ) -> tuple[list[SpidSlot], str]:
        """The slots on the day and time the request named, once; all of them if none fits."""
        asked = turn.state.slots.pop("asked_when", None)
        if not asked:
            return slots, ""
        now = ctx.now.astimezone(ctx.zone)
        found = by_time(asked, [s.starts_at for s in slots], now)
        fits = [found.index] if found.index is not None else list(found.candidates)
        if not fits:
            return slots, ctx.gettext("In quel giorno non ci sono posti liberi.") + "\n"
        return [slots[i] for i in fits], ""

    async def _confirm(self, turn: Turn, ctx: TurnContext) -> Reply:
        _ = ctx.gettext
        slots = turn.state.slots
        free = await bookings.free_slots(
            ctx.session, casa_id=slots["casa_id"], now=ctx.now, limit=50
        )
        slot = next((s for s in free if s.id == slots["slot_id"]), None)
        if slot is None:
            self.forget(turn, "slot_id")
            return await self.ask(turn, ctx, "slot_id", self._taken(ctx))
        casa: Casa = await places.casa_by_id(ctx.session, casa_id=slot.casa_id)
        offer(turn.state, ["yes", "no"])
        text = _("Prenoto {when} alla Casa di Quartiere {name}. Conferma?").format(
            when=ctx.format_when(slot.starts_at), name=casa.name
        )
        if who := slots.get("for_whom"):
            text = _("Per: {who}").format(who=who) + "\n" + text
        return Reply(text, (_("Sì"), _("No")))

    async def submit(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        answers: dict[str, Any] = turn.state.slots
        if not answers["confirm"]:
            return [main_menu(ctx, turn.state, _("Va bene, non prenoto niente."))]
        try:
            booking = await bookings.book_seat(
                ctx.session,
                resident_id=ctx.resident.id,
                slot_id=answers["slot_id"],
                now=ctx.now,
                for_whom=answers.get("for_whom"),
            )
        except (SlotFull, AlreadyBooked) as exc:
            self.forget(turn, "slot_id", "confirm")
            if isinstance(exc, AlreadyBooked):
                return [await self.ask(turn, ctx, "slot_id", _("Ha già un posto a quell'ora."))]
            return [await self.ask(turn, ctx, "slot_id", self._taken(ctx))]
        slot = await ctx.session.get(SpidSlot, booking.slot_id)
        casa = await places.casa_by_id(ctx.session, casa_id=slot.casa_id)  # type: ignore[union-attr]
        done = Reply(booking_card(ctx, booking, slot, casa))  # type: ignore[arg-type]
        return [done, main_menu(ctx, turn.state)]

    def _taken(self, ctx: TurnContext) -> str:
        return ctx.gettext("Mi dispiace, l'ultimo posto è appena stato preso.")


def booking_card(ctx: TurnContext, booking: Booking, slot: SpidSlot, casa: Casa) -> str:
    """The message a resident keeps: code, who, day and time, Casa and address, what to bring."""
    _ = ctx.gettext
    lines = [_("Prenotato! Il suo codice è {code}.").format(code=booking.code)]
    if booking.for_whom:
        lines.append(_("Per: {who}").format(who=booking.for_whom))
    lines.append(ctx.format_when(slot.starts_at))
    lines.append(_("Casa di Quartiere {name}").format(name=casa.name) + ", " + casa.address)
    lines.append(_("Porti: carta d'identità, tessera sanitaria, telefono, indirizzo email."))
    return "\n".join(lines)
