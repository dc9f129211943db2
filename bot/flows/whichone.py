"""When the words fit two options equally ("Ospizio o Orologio?"): ask which one."""

from __future__ import annotations

from bot.context import TurnContext
from bot.flows.base import Turn
from bot.messages import Reply


class WhichOneFlow:
    """Offers only the options that fitted; the question asked before stays the same."""

    name = "whichone"

    def accepts(self, turn: Turn) -> bool:
        return len(turn.ambiguous) > 1

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        state = turn.state
        labels = [state.labels[i] for i in turn.ambiguous]
        times = [state.times[i] for i in turn.ambiguous] if state.times else []
        state.offered = [state.offered[i] for i in turn.ambiguous]
        state.times = times
        question = _("Intende {first} o {last}?").format(
            first=", ".join(labels[:-1]), last=labels[-1]
        )
        return [Reply(question, tuple(labels))]
