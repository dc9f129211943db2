"""The form helper: ordered steps, each an ask and a take; kept answers; re-ask with the reason."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.context import TurnContext
from bot.flows.base import Turn
from bot.keywords import BACK
from bot.messages import Reply

# The one option of a question that wants free words ("Niente da aggiungere"): whoever
# types only digits can still go on, and words are never taken for leaving the form.
SKIP = "skip"


@dataclass(frozen=True)
class Retry:
    """A take's refusal: the reason, said before the question is asked again."""

    reason: str


Ask = Callable[[Turn, TurnContext], Awaitable[Reply]]
Take = Callable[[Turn, TurnContext], Awaitable[Any]]


@dataclass(frozen=True)
class Step:
    """One question of a form: its answer's name, how to ask it, how to read the answer."""

    name: str
    ask: Ask
    take: Take  # the value to keep, or Retry(reason)
    # whether the step is asked at all, given the answers so far (e.g. a new slot only to move)
    needed: Callable[[dict[str, Any]], bool] = lambda answers: True


class Form:
    """Walks the steps in order; the first step without a kept answer is the one asked."""

    name: str
    steps: tuple[Step, ...]

    async def submit(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        """Act on the complete answers (every step answered)."""
        raise NotImplementedError

    async def prefill(self, turn: Turn, ctx: TurnContext) -> None:
        """Keep what the starting message already said; nothing by default."""

    async def begin(self, turn: Turn, ctx: TurnContext, intro: list[Reply] = ()) -> list[Reply]:
        """Enter the form from a starting message and ask the first missing answer."""
        turn.state.start(self.name)
        await self.prefill(turn, ctx)
        return [*intro, *await self.proceed(turn, ctx)]

    async def answer(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        """Take the resident's answer to the step asked; ask it again with the reason if wrong."""
        if turn.command == BACK:
            return await self.back(turn, ctx)
        step = self._step(turn.state.step)
        if step is None:  # a step of an older version of the form: start its questions again
            return await self.proceed(turn, ctx)
        value = await step.take(turn, ctx)
        if isinstance(value, Retry):
            return [await self.ask(turn, ctx, step.name, value.reason)]
        turn.state.slots[step.name] = value
        return await self.proceed(turn, ctx)

    async def proceed(self, turn: Turn, ctx: TurnContext, intro: str = "") -> list[Reply]:
        """Ask the first step without an answer, or submit when all are answered."""
        answers = turn.state.slots
        missing = next((s for s in self.steps if s.name not in answers and s.needed(answers)), None)
        if missing is None:
            return await self.submit(turn, ctx)
        return [await self.ask(turn, ctx, missing.name, intro)]

    async def ask(self, turn: Turn, ctx: TurnContext, name: str, intro: str = "") -> Reply:
        """Ask step `name`, with `intro` (a reason, a notice) on the lines before."""
        turn.state.step = name
        turn.state.offered = []
        reply = await self._step(name).ask(turn, ctx)  # type: ignore[union-attr]
        if turn.state.flow != self.name:  # the ask left the form (e.g. to the menu)
            return reply
        back = ctx.gettext("Indietro: domanda prima. 0: menu.")
        lines = [intro.rstrip("\n")] if intro else []
        lines.append(reply.text)
        # a list inside a form says the way back (once, also when one ask asked another)
        if reply.options and not reply.text.endswith(back):
            lines.append(back)
        return Reply("\n".join(lines), reply.options)

    async def back(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        """ "indietro": forget the answer before the current step and ask that one again."""
        names = [s.name for s in self.steps]
        here = names.index(turn.state.step) if turn.state.step in names else len(names)
        earlier = [n for n in names[:here] if n in turn.state.slots]
        if earlier:
            turn.state.slots.pop(earlier[-1])
            return [await self.ask(turn, ctx, earlier[-1])]
        return await self.proceed(turn, ctx)

    def forget(self, turn: Turn, *names: str) -> None:
        """Drop kept answers, e.g. a slot that is gone, so their steps are asked again."""
        for name in names:
            turn.state.slots.pop(name, None)

    def _step(self, name: str | None) -> Step | None:
        return next((s for s in self.steps if s.name == name), None)
