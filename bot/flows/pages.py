"""The next page of a list cut into pages on SMS: "9" (past the options) or "altri"."""

from __future__ import annotations

from bot.context import TurnContext
from bot.flows.base import Turn
from bot.keywords import MORE
from bot.messages import Reply
from bot.paging import more_label, more_number


class MorePagesFlow:
    """The same list again, from where the page on screen ended (bot/paging.py cuts it)."""

    name = "pages"

    def accepts(self, turn: Turn) -> bool:
        state = turn.state
        if state.more_from is None or not state.labels:
            return False
        return turn.command == MORE or (
            turn.choice is None and turn.number == more_number(len(state.offered))
        )

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        turn.page_from = turn.state.more_from or 0
        return [Reply(more_label(ctx) + ":", tuple(turn.state.labels))]
