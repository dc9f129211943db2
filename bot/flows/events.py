"""What is on: events by day and neighbourhood, three at a time."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from actions.events import upcoming_events
from actions.models import Event
from actions.schedule import AUDIENCES
from bot.calendar import events_calendar
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import main_menu, offer
from bot.i18n import format_day
from bot.keywords import MORE
from bot.messages import Reply
from bot.paging import how_many
from nlu.normalize import align_fold
from nlu.vocabulary import pattern

NAME = "events"
# At most this many events a page; on SMS as many of them as fit two segments (bot/paging.py).
PAGE = 3
# The hour the NLU gives "mattina", "pomeriggio", "sera" -> the hours of that part of the day
PARTS = {9: (0, 13), 15: (13, 18), 19: (18, 24)}


# Words residents use for the kinds of event the Case di Quartiere hold, in every language.
TOPIC_WORDS = {
    "digital": (
        "computer",
        "digital*",
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
        "corso di lingua",
        "corsi di lingua",
        "corso di inglese",
        "inglese",
        "language course*",
        "english class*",
        "دروس اللغة",
        "دورة لغة",
        "curs* de limb*",
        "kurs* gjuh*",
        "курс* мов*",
        "мовн* курс*",
        "англійськ*",
        "语言课",
        "英语",
        "italiano per stranieri",
        "corso di italiano",
        "lingua italiana",
        "italian*",
        "الإيطالية",
        "italiană",
        "italisht",
        "італійськ*",
        "意大利语",
    ),
    "walk": ("camminata", "passeggiata", "walk*", "مشي", "plimbar*", "ecje*", "прогулянк*", "散步"),
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
    "garden": ("orto", "giardin*", "garden", "حديقة", "grădin*", "kopsht", "город", "菜园", "花园"),
    "games": ("tombola", "bingo", "carte", "giochi", "games", "لعب", "joc", "lojë", "ігр*", "游戏"),
    "music": (
        "coro",
        "canto",
        "musica",
        "choir",
        "music",
        "sing",
        "موسيقى",
        "cor",
        "muzic*",
        "këngë",
        "хор",
        "музик*",
        "合唱",
        "音乐",
    ),
    # who an event is for and what it costs: an event has these besides its kind
    "children": (
        "bambin*",
        "figli",
        "ragazzin*",
        "piccoli",
        "children",
        "child",
        "kids",
        "أطفال",
        "الاطفال",
        "ولاد",
        "صغار",
        "copii",
        "copil*",
        "femij*",
        "діт*",
        "дитин*",
        "дитяч*",
        "儿童",
        "孩子",
        "小孩",
    ),
    "elderly": (
        "anzian*",
        "terza eta",
        "nonni",
        "pensionat*",
        "pensionist*",
        "elderly",
        "seniors",
        "older people",
        "كبار السن",
        "المسنين",
        "مسنين",
        "varstnic*",
        "batran*",
        "te moshuar",
        "moshuar*",
        "літн*",
        "пенсіонер*",
        "老人",
        "老年",
    ),
    "free": (
        "gratis",
        "gratuit*",
        "senza pagare",
        "free",
        "no charge",
        "مجان*",
        "مجاني",
        "بالمجان",
        "falas",
        "pa pages*",
        "безкоштовн*",
        "безплатн*",
        "免费",
    ),
}


_TOPICS = {topic: pattern(words) for topic, words in TOPIC_WORDS.items()}


def topics_of(text: str) -> tuple[str, ...]:
    """Every topic a message asks about, each named as a whole word ("corso" is not "cor")."""
    folded = align_fold(text)
    return tuple(t for t, regex in _TOPICS.items() if regex.search(folded))


def topic_of(text: str) -> str | None:
    """The kind of event a text is about (Hamlet's calendar entries), if it names one."""
    return next((t for t in topics_of(text) if t not in AUDIENCES), None)


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
        events = await self._find(ctx, slots)
        if not events and not slots.get("offset") and not slots.get("past"):
            return await self._nearest(turn, ctx)
        return self._page(turn, ctx, events)

    async def _find(self, ctx: TurnContext, slots: dict[str, object]) -> list[Event]:
        day = datetime.fromisoformat(str(slots["day"])) if slots.get("day") else None
        end = day + timedelta(days=int(slots.get("days", 1))) if day else None  # type: ignore[call-overload]
        if day is not None and slots.get("part") in PARTS:
            # "sabato pomeriggio": the part of that day only
            low, high = PARTS[int(slots["part"])]  # type: ignore[call-overload]
            day, end = day + timedelta(hours=low), day + timedelta(hours=high)
        events = await upcoming_events(
            ctx.session,
            now=ctx.now,
            start=day,
            end=end,
            quartiere=slots.get("quartiere"),  # type: ignore[arg-type]
            topics=slots.get("topics", ()),  # type: ignore[arg-type]
            offset=int(slots.get("offset", 0)),  # type: ignore[call-overload]
            limit=PAGE + 1,
        )
        return list(events)

    async def _nearest(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        """Nothing fits: the same Casa on other days, then other Case on that day, then any."""
        slots = turn.state.slots
        for dropped in (
            ("part",),
            ("day", "days", "part"),
            ("quartiere",),
            ("topics",),
            ("day", "days", "part", "quartiere"),
        ):
            if not any(slots.get(key) for key in dropped):
                continue
            wider = {k: v for k, v in slots.items() if k not in dropped}
            if events := await self._find(ctx, wider):
                turn.state.slots = wider
                replies = self._page(turn, ctx, events)
                nearest = ctx.gettext(
                    "Non ho trovato eventi per questa ricerca. Ecco i più vicini."
                )
                head = replies[0]
                return [Reply(f"{nearest}\n\n{head.text}", head.options, head.attachment)]
        return self._page(turn, ctx, [])

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
            elif moment.hour in PARTS and not moment.minute:
                filters["part"] = moment.hour
        if isinstance(turn.entity("neighbourhood"), str):
            filters["quartiere"] = turn.entity("neighbourhood")
        if topics := topics_of(turn.text):
            filters["topics"] = list(topics)
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

        def page(count: int) -> Reply:
            return self._reply(turn, ctx, events[:count], len(events) > count)

        count = how_many(ctx, min(PAGE, len(events)), page)
        reply = page(count)
        slots["offset"] = slots.get("offset", 0) + count
        offer(turn.state, ["more"] if reply.options else [])
        return [reply]

    def _reply(self, turn: Turn, ctx: TurnContext, shown: list[Event], more: bool) -> Reply:
        """A page of events, with the way to the next one when there is one."""
        _ = ctx.gettext
        lines = [_("Ecco cosa c'è:")] if not turn.state.slots.get("offset") else []
        lines += [self._describe(event, ctx) for event in shown]
        calendar = events_calendar(shown, ctx.zone)
        if more:
            lines.append(_("Scriva 1 per altri eventi, 0 per il menu."))
            return Reply("\n\n".join(lines), (_("Altri eventi"),), attachment=calendar)
        lines.append(_("Scriva 0 per il menu."))
        return Reply("\n\n".join(lines), attachment=calendar)

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
