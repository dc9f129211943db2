"""What is on: events by day and neighbourhood, three at a time."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from actions.events import upcoming_events
from actions.models import Event
from bot.calendar import events_calendar
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import main_menu, offer
from bot.i18n import format_day
from bot.keywords import MORE
from bot.messages import Reply

NAME = "events"
PAGE = 3
# Words residents use for the kinds of event the Case di Quartiere hold, in every language.
TOPIC_WORDS = {
    "digital": (
        "computer",
        "digital",
        "internet",
        "telefonino",
        "smartphone",
        "cellulare",
        "رقمي",
        "كمبيوتر",
        "calculator",
        "kompjuter",
        "комп'ютер",
        "电脑",
    ),
    "language": (
        "italiano per stranieri",
        "corso di italiano",
        "lingua italiana",
        "italian",
        "الإيطالية",
        "italiană",
        "italisht",
        "італійськ",
        "意大利语",
    ),
    "walk": ("camminata", "passeggiata", "walk", "مشي", "plimbare", "ecje", "прогулянк", "散步"),
    "food": (
        "pranzo",
        "cena",
        "mangiare",
        "lunch",
        "dinner",
        "غداء",
        "prânz",
        "drek",
        "обід",
        "午餐",
        "吃饭",
    ),
    "garden": ("orto", "giardin", "garden", "حديقة", "grădin", "kopsht", "город", "菜园", "花园"),
    "games": ("tombola", "bingo", "carte", "giochi", "games", "لعب", "joc", "lojë", "ігр", "游戏"),
    "music": (
        "coro",
        "canto",
        "musica",
        "choir",
        "music",
        "sing",
        "موسيقى",
        "cor",
        "muzic",
        "këngë",
        "хор",
        "музик",
        "合唱",
        "音乐",
    ),
}


def topic_of(text: str) -> str | None:
    """The kind of event a message asks about, if it names one."""
    lowered = text.casefold()
    return next((t for t, words in TOPIC_WORDS.items() if any(w in lowered for w in words)), None)


class EventsFlow:
    """Find events; "altri" (or 1) shows the next three."""

    name = NAME

    def accepts(self, turn: Turn) -> bool:
        more = turn.in_flow(NAME) and (turn.command == MORE or turn.choice == "more")
        return more or turn.choice == NAME or turn.intent == "find_events"

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        if not turn.in_flow(NAME) or turn.choice == NAME or turn.intent == "find_events":
            turn.state.start(NAME)
            turn.state.slots = self._filters(turn, ctx)
        slots = turn.state.slots
        day = datetime.fromisoformat(slots["day"]) if slots.get("day") else None
        events = await upcoming_events(
            ctx.session,
            now=ctx.now,
            start=day,
            end=day + timedelta(days=int(slots.get("days", 1))) if day else None,
            quartiere=slots.get("quartiere"),
            topic=slots.get("topic"),
            offset=slots.get("offset", 0),
            limit=PAGE + 1,
        )
        return self._page(turn, ctx, list(events))

    def _filters(self, turn: Turn, ctx: TurnContext) -> dict[str, object]:
        """The day and neighbourhood the resident named, if any."""
        filters: dict[str, object] = {"offset": 0}
        when = turn.entity("date")
        if isinstance(when, str):
            moment = datetime.fromisoformat(when).astimezone(ctx.zone)
            filters["day"] = datetime.combine(moment.date(), time(), tzinfo=ctx.zone).isoformat()
            filters["past"] = moment.date() < ctx.now.astimezone(ctx.zone).date()
            if isinstance(days := turn.entity("date_days"), int):
                filters["days"] = days
        if isinstance(turn.entity("neighbourhood"), str):
            filters["quartiere"] = turn.entity("neighbourhood")
        if topic := topic_of(turn.text):
            filters["topic"] = topic
        return filters

    def _page(self, turn: Turn, ctx: TurnContext, events: list[Event]) -> list[Reply]:
        _ = ctx.gettext
        slots = turn.state.slots
        if not events:
            if slots.get("past"):
                intro = _("Quel giorno è già passato. Provi con un altro giorno.")
            elif slots.get("offset"):
                intro = _("Non ci sono altri eventi.")
            else:
                intro = _("Non ho trovato eventi per questa ricerca.")
            return [main_menu(ctx, turn.state, intro)]
        shown = events[:PAGE]
        lines = [_("Ecco cosa c'è:")] if not slots.get("offset") else []
        lines += [self._describe(event, ctx) for event in shown]
        slots["offset"] = slots.get("offset", 0) + len(shown)
        calendar = events_calendar(shown, ctx.zone)
        if len(events) > PAGE:
            offer(turn.state, ["more"])
            lines.append(_("Scriva 1 per altri eventi, 0 per il menu."))
            return [Reply("\n\n".join(lines), (_("Altri eventi"),), attachment=calendar)]
        offer(turn.state, [])
        lines.append(_("Scriva 0 per il menu."))
        return [Reply("\n\n".join(lines), attachment=calendar)]

    def _describe(self, event: Event, ctx: TurnContext) -> str:
        _ = ctx.gettext
        if event.all_day:  # from Hamlet: a day, no hour
            day = format_day(event.starts_at, ctx.zone, ctx.language)
            when = _("{day}, tutto il giorno").format(day=day)
        else:
            when = ctx.format_when(event.starts_at)
        lines = [
            event.title,
            when,
            _("Casa di Quartiere {name}").format(name=event.casa.name),
        ]
        if event.accessibility:
            lines.append(event.accessibility)
        return "\n".join(lines)
