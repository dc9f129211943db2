"""Opening hours, address and phone of the Case di Quartiere, from the database."""

from __future__ import annotations

from collections.abc import Mapping

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
    lines += weekly_hours(casa, days)
    if places.is_open(casa, ctx.now, ctx.zone):
        lines.append(_("Adesso è aperta."))
    return "\n".join(lines)


def weekly_hours(casa: Casa, days: Mapping[int, str]) -> list[str]:
    """One line per opening interval with the days it holds: "lun-sab 09:00-12:30",
    "mar, gio 15:00-19:00" (short enough for one or two SMS, in every alphabet)."""
    weekdays: dict[str, list[int]] = {}
    for weekday in range(7):
        for start, end in places.opening_intervals(casa, weekday):
            weekdays.setdefault(f"{start:%H:%M}-{end:%H:%M}", []).append(weekday)
    return [f"{_day_span(numbers, days)} {hours}" for hours, numbers in weekdays.items()]


def _day_span(numbers: list[int], days: Mapping[int, str]) -> str:
    """ "lun-sab" for three days or more in a row, else "mar, gio"."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(
        f"{days[run[0]]}-{days[run[-1]]}" if len(run) >= 3 else ", ".join(days[n] for n in run)
        for run in runs
    )


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
