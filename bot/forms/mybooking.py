"""The resident's bookings: pick one, move it to another slot or cancel it, always confirmed."""

from __future__ import annotations

from typing import Any

from actions import bookings, places
from actions.errors import AlreadyBooked, NotFound, SlotFull
from actions.models import Booking, SpidSlot
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import main_menu, offer
from bot.forms.base import Form, Retry, Step
from bot.forms.booking import SHOWN, booking_card
from bot.forms.takes import pick_key, pick_slot, yes_or_no
from bot.messages import Reply
from nlu.normalize import fold

NAME = "mybookings"
# "lo posso spostare a un altro giorno?": moving, not cancelling, in every language (folded)
MOVE_WORDS = (
    "spost",
    "cambiare data",
    "cambiare giorno",
    "cambiare il giorno",
    "cambiare la data",
    "altro giorno",
    "rimand",
    "anticip",
    "rinvi",
    "resched",
    "move",
    "change the date",
    "another day",
    "different day",
    "muta",
    "mut",
    "schimb",
    "reprogram",
    "zhvendos",
    "ndrysh",
    "dite tjeter",
    "перенес",
    "змінити дат",
    "інший день",
    "иншии день",
    "تغيير",
    "نغير",
    "نبدل",
    "تأجيل",
    "تاجيل",
    "أجل",
    "اجل",
    "يوم آخر",
    "يوم اخر",
    "改期",
    "换个时间",
    "改时间",
    "推迟",
    "换一天",
    "改到",
)


CANCEL_WORDS = (
    "cancell",
    "disdi",
    "annull",
    "togli",
    "cancel",
    "anul",
    "anulo",
    "скасу",
    "відмін",
    "إلغاء",
    "الغاء",
    "ألغي",
    "الغي",
    "نلغي",
    "取消",
)


def wants_to_move(text: str) -> bool:
    """True when the message asks to move a booking rather than cancel it."""
    folded = fold(text)
    return any(fold(word) in folded for word in MOVE_WORDS)


class MyBookingForm(Form):
    """Which booking, move or cancel, the new slot when moving, then a yes before acting."""

    name = NAME

    def __init__(self) -> None:
        self.steps = (
            Step("code", self._ask_booking, pick_key("booking")),
            Step("action", self._ask_action, self._take_action),
            Step("slot_id", self._ask_slot, pick_slot(), lambda a: a.get("action") == "move"),
            Step("confirm", self._confirm, yes_or_no),
        )

    async def prefill(self, turn: Turn, ctx: TurnContext) -> None:
        """Move or cancel as the request said; the booking itself when there is only one."""
        answers = turn.state.slots
        if turn.intent == "cancel_booking":
            answers["action"] = "move" if wants_to_move(turn.text) else "cancel"
        mine = await self._mine(ctx)
        if len(mine) == 1:
            answers["code"] = mine[0].code

    async def _mine(self, ctx: TurnContext) -> list[Booking]:
        return list(
            await bookings.bookings_of(ctx.session, resident_id=ctx.resident.id, now=ctx.now)
        )

    async def _booking(self, turn: Turn, ctx: TurnContext) -> Booking | None:
        code = turn.state.slots.get("code")
        return next((b for b in await self._mine(ctx) if b.code == code), None)

    def _line(self, ctx: TurnContext, booking: Booking) -> str:
        casa = booking.slot.casa
        where = ctx.gettext("Casa di Quartiere {name}").format(name=casa.name)
        return f"{ctx.format_when(booking.slot.starts_at)}, {where}, {casa.address}"

    def _with_code(self, ctx: TurnContext, booking: Booking) -> str:
        casa = booking.slot.casa
        line = ctx.gettext("{when}, Casa di Quartiere {name}, codice {code}").format(
            when=ctx.format_when(booking.slot.starts_at), name=casa.name, code=booking.code
        )
        who = f" - {booking.for_whom}" if booking.for_whom else ""
        return f"{line} ({casa.address}){who}"

    async def _ask_booking(self, turn: Turn, ctx: TurnContext) -> Reply:
        _ = ctx.gettext
        mine = await self._mine(ctx)
        offer(turn.state, [f"booking:{b.code}" for b in mine])
        lines = [_("Le sue prenotazioni per lo SPID:")]
        lines += [self._with_code(ctx, b) for b in mine]
        lines.append(_("Quale? Scriva il numero."))
        return Reply("\n".join(lines), tuple(self._line(ctx, b) for b in mine))

    async def _ask_action(self, turn: Turn, ctx: TurnContext) -> Reply:
        _ = ctx.gettext
        booking = await self._booking(turn, ctx)
        if booking is None:
            return await self._gone(turn, ctx)
        offer(turn.state, ["do:move", "do:cancel"])
        text = "\n".join(
            [
                _("Le sue prenotazioni per lo SPID:"),
                self._with_code(ctx, booking),
                _("Vuole spostarla o cancellarla?"),
            ]
        )
        return Reply(text, (_("Spostare a un altro giorno"), _("Cancellare")))

    async def _take_action(self, turn: Turn, ctx: TurnContext) -> str | Retry:
        """Move or cancel, picked or said ("lo posso spostare?", "devo disdire")."""
        picked = await pick_key("do")(turn, ctx)
        if not isinstance(picked, Retry) or turn.number is not None:
            return picked
        if wants_to_move(turn.text):
            return "move"
        folded = fold(turn.text)
        return "cancel" if any(fold(w) in folded for w in CANCEL_WORDS) else picked

    async def _ask_slot(self, turn: Turn, ctx: TurnContext) -> Reply:
        _ = ctx.gettext
        booking = await self._booking(turn, ctx)
        if booking is None:
            return await self._gone(turn, ctx)
        free = await bookings.free_slots(
            ctx.session, casa_id=booking.slot.casa_id, now=ctx.now, limit=SHOWN + 1
        )
        slots = [s for s in free if s.id != booking.slot_id][:SHOWN]
        if not slots:
            self.forget(turn, "action")
            full = _("Alla Casa {name} non ci sono posti liberi.").format(
                name=booking.slot.casa.name
            )
            return await self.ask(turn, ctx, "action", full)
        offer(turn.state, [f"slot:{s.id}" for s in slots], [s.starts_at.isoformat() for s in slots])
        question = _("A quale giorno la sposto? Scriva il numero.")
        return Reply(question, tuple(ctx.format_when(s.starts_at) for s in slots))

    async def _confirm(self, turn: Turn, ctx: TurnContext) -> Reply:
        _ = ctx.gettext
        booking = await self._booking(turn, ctx)
        if booking is None:
            return await self._gone(turn, ctx)
        answers = turn.state.slots
        offer(turn.state, ["yes", "no"])
        old = self._line(ctx, booking)
        if answers["action"] == "cancel":
            return Reply(
                _("Cancello la prenotazione di {when}?").format(when=old), (_("Sì"), _("No"))
            )
        free = await bookings.free_slots(
            ctx.session, casa_id=booking.slot.casa_id, now=ctx.now, limit=50
        )
        new = next((s for s in free if s.id == answers["slot_id"]), None)
        if new is None:
            self.forget(turn, "slot_id")
            return await self.ask(
                turn, ctx, "slot_id", _("Mi dispiace, l'ultimo posto è appena stato preso.")
            )
        text = _("Sposto la prenotazione da {old} a {new}. Conferma?").format(
            old=old, new=ctx.format_when(new.starts_at)
        )
        return Reply(text, (_("Sì"), _("No")))

    async def _gone(self, turn: Turn, ctx: TurnContext) -> Reply:
        # the booking was cancelled meanwhile (or the slot passed): back to the menu
        return main_menu(ctx, turn.state, ctx.gettext("Non ha prenotazioni."))

    async def submit(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        answers: dict[str, Any] = turn.state.slots
        if not answers["confirm"]:
            return [main_menu(ctx, turn.state, _("Va bene, la prenotazione resta com'era."))]
        if answers["action"] == "cancel":
            return await self._cancel(turn, ctx)
        try:
            moved = await bookings.move_booking(
                ctx.session,
                resident_id=ctx.resident.id,
                code=answers["code"],
                slot_id=answers["slot_id"],
                now=ctx.now,
            )
        except (SlotFull, AlreadyBooked):
            self.forget(turn, "slot_id", "confirm")
            kept = _("Mi dispiace, quel posto è appena stato preso. La sua prenotazione resta.")
            return [await self.ask(turn, ctx, "slot_id", kept)]
        except NotFound:
            return [await self._gone(turn, ctx)]
        slot = await ctx.session.get(SpidSlot, moved.slot_id)
        casa = await places.casa_by_id(ctx.session, casa_id=slot.casa_id)  # type: ignore[union-attr]
        card = booking_card(ctx, moved, slot, casa)  # type: ignore[arg-type]
        return [Reply(_("Spostata.") + "\n" + card), main_menu(ctx, turn.state)]

    async def _cancel(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        code = turn.state.slots["code"]
        try:
            await bookings.cancel_booking(ctx.session, resident_id=ctx.resident.id, code=code)
        except NotFound:
            return [await self._gone(turn, ctx)]
        done = _("Prenotazione {code} cancellata. Il posto è di nuovo libero.").format(code=code)
        return [
            main_menu(ctx, turn.state, done + "\n" + _("Per prenotare un altro giorno scelga 2."))
        ]
