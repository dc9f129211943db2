"""The shape every flow has: a cheap `accepts`, then `handle`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from actions.models import Handoff
from bot.care import Concern
from bot.context import TurnContext
from bot.messages import Inbound, Reply
from bot.state import ConversationState
from nlu.types import Parse


@dataclass
class Turn:
    """One inbound message as the engine read it."""

    inbound: Inbound
    state: ConversationState
    text: str
    command: str | None = None
    choice: str | None = None  # the key of the numbered option picked
    number: int | None = None  # the number written, even when it picked nothing
    parse: Parse | None = None
    held: bool = False  # a person holds the conversation
    # the options the words fitted equally well ("Ospizio o Orologio?"): positions in offered
    ambiguous: tuple[int, ...] = ()
    first: bool = False  # the first message of a new resident: the engine adds a welcome
    concern: Concern | None = None  # danger, a scam, loneliness: found before the NLU
    waiting: Handoff | None = None  # the resident's handoff, when they ask about the wait
    page_from: int = 0  # on SMS, the option the list on screen starts from (bot/paging.py)

    @property
    def intent(self) -> str | None:
        """The NLU's intent, if the message went through the NLU."""
        return self.parse.intent.name if self.parse else None

    def entity(self, name: str) -> object | None:
        """An entity value from the NLU, if any."""
        return self.parse.entity(name) if self.parse else None

    def in_flow(self, name: str) -> bool:
        """True when the conversation is inside flow `name`."""
        return self.state.flow == name


class Flow(Protocol):
    """A piece of conversation: events, booking, opening hours..."""

    name: str

    def accepts(self, turn: Turn) -> bool:
        """Whether this flow takes the turn (pure and cheap)."""
        ...

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        """Answer the turn, updating `turn.state`."""
        ...
