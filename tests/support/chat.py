"""A resident talking to the bot through the real conversation service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.messages import Inbound, Media, Reply
from bot.runtime.turns import Conversations


@dataclass
class Resident:
    """Sends messages on one channel and keeps the clock moving a little between them."""

    conversations: Conversations
    now: datetime
    channel: str = "sms"
    address: str = "+393331234567"
    last: list[Reply] = field(default_factory=list)

    async def says(
        self, text: str, *, media: tuple[Media, ...] = (), hint: str | None = None
    ) -> list[Reply]:
        """Send one message (with a language hint, as Telegram's); returns the bot's replies."""
        self.now += timedelta(seconds=20)
        inbound = Inbound(
            channel=self.channel, address=self.address, text=text, media=media, language_hint=hint
        )
        outcome = await self.conversations.receive(inbound, now=self.now, deliver=False)
        self.last = outcome.replies
        return outcome.replies

    @property
    def text(self) -> str:
        """Everything the bot said last, options included, as one string."""
        return "\n".join("\n".join([reply.text, *reply.options]) for reply in self.last)

    @property
    def options(self) -> tuple[str, ...]:
        """The numbered options of the last reply."""
        return self.last[-1].options if self.last else ()
