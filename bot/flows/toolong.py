"""A message far longer than anyone types to a front desk: ask for a few words, show the menu."""

from __future__ import annotations

from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import main_menu
from bot.messages import Reply

# The longest SMS Twilio delivers (10 segments). A form's free answer (a need's description)
# may be longer, and so may a message to a person holding the conversation: both are kept.
LONG_TEXT = 1600


class TooLongFlow:
    """Outside a form, a very long message gets a polite request for fewer words."""

    name = "too_long"

    def accepts(self, turn: Turn) -> bool:
        return len(turn.text) > LONG_TEXT and not turn.state.step and not turn.held

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        intro = _("Il messaggio è molto lungo. Scriva in poche parole cosa le serve.")
        return [main_menu(ctx, turn.state, intro)]
