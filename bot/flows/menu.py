"""The main menu, greetings, small talk and the answer when nothing else fits."""

from __future__ import annotations

from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.handoff import hand_to_person
from bot.i18n import N_
from bot.keywords import BACK, MENU
from bot.messages import Reply
from bot.state import ConversationState
from nlu.normalize import has_words

# (key, label): the order is the numbering residents learn, so append, never reorder.
MENU_ENTRIES: tuple[tuple[str, str], ...] = (
    ("events", N_("Eventi e attività")),
    ("spid", N_("Prenotare aiuto per lo SPID")),
    ("need", N_("Segnalare un bisogno")),
    ("hours", N_("Orari e indirizzi delle Case")),
    ("news", N_("Notizie del quartiere")),
    ("person", N_("Parlare con una persona")),
    ("language", N_("Lingua - Language")),
)
MENU_KEYS = tuple(key for key, _label in MENU_ENTRIES)


def main_menu(ctx: TurnContext, state: ConversationState, intro: str | None = None) -> Reply:
    """The numbered main menu, leaving any flow."""
    _ = ctx.gettext
    state.finish()
    state.offered = list(MENU_KEYS)
    lines = [intro] if intro else []
    lines.append(_("Come posso aiutare? Scriva il numero."))
    return Reply("\n".join(lines), tuple(_(label) for _key, label in MENU_ENTRIES))


def without_full_menu(ctx: TurnContext, replies: list[Reply]) -> list[Reply]:
    """On SMS, a reply that ends with the whole menu ends with "0 menu" instead.

    The menu alone is two SMS segments, paid by the resident and the Casa: it goes when asked
    for ("menu", "0", a greeting, a new conversation). Its numbers still work after this.
    """
    _ = ctx.gettext
    labels = tuple(_(label) for _key, label in MENU_ENTRIES)
    question = _("Come posso aiutare? Scriva il numero.")
    short: list[Reply] = []
    for reply in replies:
        if reply.options != labels:
            short.append(reply)
            continue
        text = "\n".join(line for line in reply.text.split("\n") if line != question)
        if not text and short and not short[-1].options:
            # Only the menu after an answer: the answer itself ends with the way back.
            text = short.pop().text
        short.append(Reply("\n".join(filter(None, [text, _("0 menu")]))))
    return short


def retry_prefix(ctx: TurnContext, retry: bool) -> str:
    """ "Scriva un numero della lista." on its own line, when the last answer was wrong."""
    return ctx.gettext("Scriva un numero della lista.") + "\n" if retry else ""


def offer(state: ConversationState, keys: list[str], times: list[str] | None = None) -> None:
    """Remember which key each number stands for (and, for slots, the time of each)."""
    state.offered = keys
    state.times = times or []


def new_or_mine(
    ctx: TurnContext, state: ConversationState, summary: str, mine: str, new: str
) -> Reply:
    """A menu entry chosen by one who has some already: theirs (1) or a new one (2).

    Digits alone then reach what the resident did: moving or cancelling a booking, the
    status of a report. `mine` and `new` are the two keys; the labels say what each does.
    """
    _ = ctx.gettext
    state.finish()
    offer(state, [mine, new])
    labels = {
        "mybookings": _("Spostare o cancellare"),
        "spid:new": _("Un'altra prenotazione"),
        "myneeds": _("Le mie segnalazioni"),
        "need:new": _("Una nuova segnalazione"),
    }
    return Reply(
        f"{summary}\n{_('Cosa vuole fare? Scriva il numero.')}", (labels[mine], labels[new])
    )


class MenuFlow:
    """Greetings, "help", "0" and "menu": show the menu."""

    name = "menu"

    def accepts(self, turn: Turn) -> bool:
        return (
            turn.command == MENU
            # "indietro" with no answer kept to go back to: the menu is the step before
            or (turn.command == BACK and not turn.state.slots)
            or turn.intent in ("greet", "help")
            or (not turn.text and not turn.inbound.media)
        )

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        turn.state.misunderstood = 0
        intro = None
        if turn.intent == "greet" and not turn.first:  # a new resident has the welcome
            intro = _("Buongiorno! Sono Portineria, lo sportello delle Case di Quartiere.")
        return [main_menu(ctx, turn.state, intro)]


class SmallTalkFlow:
    """Thanks and goodbyes get a short, warm answer."""

    name = "smalltalk"

    def accepts(self, turn: Turn) -> bool:
        return turn.intent in ("thank", "goodbye")

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        turn.state.finish()
        turn.state.offered = []
        if turn.intent == "thank":
            return [Reply(_("Prego! Per tornare al menu scriva 0."))]
        return [Reply(_("Arrivederci! Quando vuole, scriva qui. Per il menu scriva 0."))]


class FallbackFlow:
    """Anything not understood: say so plainly and show the menu again."""

    name = "fallback"

    def accepts(self, turn: Turn) -> bool:
        return True

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        if not has_words(turn.text):
            # Emoji or a lone "?": a way back, never a request for a person.
            return [main_menu(ctx, turn.state, _("Scriva con parole o con un numero."))]
        misunderstood = turn.state.misunderstood + 1
        if turn.intent == "out_of_scope":
            intro = _("Su questo non posso aiutare.")
        elif turn.number is not None:
            intro = _("Il numero {number} non è tra le scelte.").format(number=turn.number)
        elif misunderstood >= 2:
            # Twice lost in a row: a person takes over rather than a third menu.
            handed = await hand_to_person(turn, ctx, "misunderstood")
            turn.state.misunderstood = 0
            return [main_menu(ctx, turn.state, _("Scusi, non ho capito.") + "\n" + handed.text)]
        else:
            intro = _("Scusi, non ho capito.")
        reply = main_menu(ctx, turn.state, intro)
        turn.state.misunderstood = misunderstood
        return [reply]
