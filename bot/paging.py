"""Lists cut into pages that fit two SMS segments: one mechanism for every list on SMS.

An SMS answer is paid per segment: 160 characters in GSM-7, but 70 in UCS-2 (Arabic,
Ukrainian, Chinese; 67 each once a message has several). A list that would pass two
segments is shown a page at a time, each page as long as the encoding of the resident's
language allows, with "9 Altre scelte" (or the word "altri") for the next page; the last
page leads back to the first. Options keep their numbers on every page, so the menu's
numbers residents know by heart still work, from any page. Telegram and WhatsApp get
whole lists: they bill no segments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.context import TurnContext
from bot.gsm import sms_text
from bot.i18n import RTL_LANGUAGES
from bot.messages import Attachment, Reply
from bot.state import ConversationState
from bot.text import numbered

# Never more than this many segments for one answer (DESIGN: "within 2 GSM-7 segments").
MAX_SEGMENTS = 2
# The number of "more": past every option of the lists the bot shows (at most 8).
MORE_DIGIT = 9


def more_number(count: int) -> int:
    """The number that shows the next page of a list of `count` options."""
    return max(MORE_DIGIT, count + 1)


def more_label(ctx: TurnContext) -> str:
    """What the "more" option says, in the resident's language."""
    return ctx.gettext("Altre scelte")


def fits(ctx: TurnContext, reply: Reply) -> bool:
    """True when the reply goes as one answer within the budget (always, off SMS)."""
    if ctx.channel != "sms":
        return True
    text = numbered(reply, rtl=ctx.language in RTL_LANGUAGES)
    return sms_text(text, ctx.language).segments <= MAX_SEGMENTS


def how_many(ctx: TurnContext, most: int, page_of: Callable[[int], Reply]) -> int:
    """The most items (1 to `most`) whose page, as `page_of(n)` builds it, fits the budget."""
    return next((n for n in range(most, 1, -1) if fits(ctx, page_of(n))), 1)


def paged(
    ctx: TurnContext, state: ConversationState, replies: list[Reply], start: int = 0
) -> list[Reply]:
    """On SMS, the list on screen (the last reply's options) from `start`, a page that fits;
    then every answer still too long is cut between its lines into answers that fit.

    The page's options are written in its text with their own numbers; `state.more_from`
    remembers where the next page starts (None when the whole list fits).
    """
    state.more_from = None
    if ctx.channel != "sms" or not replies:
        return replies
    *before, last = replies
    pages = [last]
    if last.options and list(last.options) == state.labels:
        pages = _pages_of(ctx, state, last, start)
    return [part for reply in [*before, *pages] for part in _cut(ctx, reply)]


def _pages_of(ctx: TurnContext, state: ConversationState, reply: Reply, start: int) -> list[Reply]:
    """The page from `start` with the question; when the question is too long for that, the
    question alone, then the page. A whole list that fits without its question is not paged:
    the question goes first, on its own (`_cut`), and every option stays in sight."""
    if start == 0 and fits(ctx, Reply("", reply.options)):
        return [reply]
    for text in (reply.text, ""):
        page, count = _fitting_page(ctx, text, reply.options, start)
        # a first page of one option is no list: then the question is what is long
        if (count >= 2 or start > 0) and fits(ctx, page):
            state.more_from = (start + count) % len(reply.options)
            return [page] if text else [Reply(reply.text), page]
    if start > 0:  # the rest, however long its options are
        state.more_from = (start + count) % len(reply.options)
        return [Reply(reply.text), page]
    return [reply]


def _fitting_page(
    ctx: TurnContext, text: str, options: Sequence[str], start: int
) -> tuple[Reply, int]:
    more = f"{more_number(len(options))} {more_label(ctx)}"
    count = how_many(ctx, len(options) - start, lambda n: _page(text, options, start, n, more))
    return _page(text, options, start, count, more), count


def _page(text: str, options: Sequence[str], start: int, count: int, more: str) -> Reply:
    numbered_options = [f"{n} {label}" for n, label in enumerate(options, start=1)]
    return Reply("\n".join(filter(None, [text, *numbered_options[start : start + count], more])))


def _cut(ctx: TurnContext, reply: Reply) -> list[Reply]:
    """A reply too long for the budget as several, cut between lines; the options go last,
    with the fewest closing lines that fit beside them ("1: more events. 0: menu.")."""
    if fits(ctx, reply):
        return [reply]
    parts: list[list[str]] = [[]]
    for line in reply.text.split("\n"):
        if parts[-1] and not fits(ctx, Reply("\n".join([*parts[-1], line]))):
            parts.append([])
        parts[-1].append(line)
    *whole, last = parts
    tail = len(last)
    if reply.options:
        tail = next(
            (n for n in range(1, len(last)) if fits(ctx, _joined(last[-n:], reply.options))),
            len(last) if fits(ctx, _joined(last, reply.options)) else 0,
        )
    if tail < len(last):
        whole.append(last[: len(last) - tail])
    cut = [Reply(text) for text in ("\n".join(lines).strip("\n") for lines in whole) if text]
    closing = _joined(last[len(last) - tail :], reply.options, reply.attachment)
    # nothing is ever sent blank: a list alone is its numbered options, blank lines are none
    if closing.text.strip() or closing.options or closing.attachment:
        cut.append(closing)
    return cut


def _joined(
    lines: Sequence[str], options: Sequence[str], attachment: Attachment | None = None
) -> Reply:
    return Reply("\n".join(lines).strip("\n"), tuple(options), attachment)
