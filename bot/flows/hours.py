"""Opening hours, address and phone of the Case di Quartiere, from the database."""

from __future__ import annotations

from babel.dates import get_day_names

from actions import places
from actions.models import Casa
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import main_menu, offer, retry_prefix
from bot.messages import Reply

NAME = "hours"


def describe_casa(casa: Casa, ctx: TurnContext) -> str:
    """Name, address, phone and weekly hours, one fact per line."""
    _ = ctx.gettext
    days = get_day_names("abbreviated", locale=ctx.language)
    lines = [
        _("Casa di Quartiere {name}").format(name=casa.name),
        casa.address,
        _("Telefono: {phone}").format(phone=casa.phone),
    ]
    for weekday in range(7):
        intervals = places.opening_intervals(casa, weekday)
        if intervals:
            hours = ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in intervals)
            lines.append(f"{days[weekday]} {hours}")
    if places.is_open(casa, ctx.now, ctx.zone):
        lines.append(_("Adesso è aperta."))
    return "\n".join(lines)


class HoursFlow:
    """ "When is the Casa open?": the resident's own Casa, a named one, or a list to pick from."""

    name = NAME

    def accepts(self, turn: Turn) -> bool:
        return turn.choice == NAME or turn.intent == "opening_hours" or turn.in_flow(NAME)

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        case = list(await places.list_case(ctx.session))
        if turn.in_flow(NAME):
            chosen = next((c for c in case if f"casa:{c.id}" == turn.choice), None)
            if chosen is None:
                return [self._ask(turn, ctx, case, retry=True)]
            return self._answer(turn, ctx, chosen)
        wanted = turn.entity("neighbourhood") or ctx.resident.quartiere
        chosen = next((c for c in case if wanted in (c.quartiere, c.name)), None)
        if chosen is not None:
            return self._answer(turn, ctx, chosen)
        return [self._ask(turn, ctx, case)]

    def _ask(self, turn: Turn, ctx: TurnContext, case: list[Casa], retry: bool = False) -> Reply:
        _ = ctx.gettext
        turn.state.start(NAME, "pick")
        offer(turn.state, [f"casa:{c.id}" for c in case])
        question = _("Quale Casa di Quartiere? Scriva il numero.")
        return Reply(retry_prefix(ctx, retry) + question, tuple(c.name for c in case))

    def _answer(self, turn: Turn, ctx: TurnContext, casa: Casa) -> list[Reply]:
        return [Reply(describe_casa(casa, ctx)), main_menu(ctx, turn.state)]
