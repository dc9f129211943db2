"""The message understood before its turn: off the event loop and outside the transaction."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from nlu.types import NLU, READ_CHARS, NLUUnavailable, Parse

# One thread: the built-in model runs one message at a time anyway (its encoder's buffers are
# shared), and a Rasa server is asked with a blocking call.
_PARSING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlu")


@dataclass(frozen=True)
class ParsedAhead:
    """The NLU, with the turn's own text already parsed.

    Parsing takes tens of milliseconds of CPU. Done inside the turn it would stop every other
    request on the event loop and, on SQLite, hold the one writer's lock meanwhile; the engine
    reads the same text up to three times (a list answer, the request, the place named).
    """

    nlu: NLU
    known: Parse | None

    @classmethod
    async def of(cls, nlu: NLU, text: str, *, now: datetime) -> ParsedAhead:
        """`text` as the engine will read it, parsed in the NLU's thread (if it answers)."""
        loop = asyncio.get_running_loop()
        read = text.strip()[:READ_CHARS]
        try:
            known = await loop.run_in_executor(_PARSING, lambda: nlu.parse(read, now=now))
        except NLUUnavailable:
            known = None  # the engine meets the same and says so in the resident's language
        return cls(nlu, known)

    def parse(self, text: str, *, now: datetime) -> Parse:
        """The parse made ahead for the turn's text; any other text parsed now."""
        if self.known is not None and text == self.known.text:
            return self.known
        return self.nlu.parse(text, now=now)
