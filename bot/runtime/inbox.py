"""The webhooks' side of the inbox: messages stored in groups, one commit for many calls."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from actions import arrivals
from actions.arrivals import Received
from actions.db import SessionFactory, transaction

# Enough for a burst; the statement stays well under the databases' parameter limits.
MOST_PER_GROUP = 200
# Two groups at a time: a commit that waits on the disk does not hold up the next group
# (on SQLite, the second waits for the first: one writer at a time).
WRITERS = 2


@dataclass
class InboxWriter:
    """Keeps each webhook's message before it is answered, the way a database keeps its log:
    the messages that arrive while a group is being written go in the next one, together.

    A quiet webhook is written at once, alone; under load each call still waits for its own
    commit, but a commit serves many.
    """

    sessions: SessionFactory
    _waiting: list[tuple[Received, asyncio.Future[bool]]] = field(default_factory=list)
    _writing: set[asyncio.Task[None]] = field(default_factory=set)

    async def keep(self, received: Received) -> bool:
        """Store the message; False when the provider had sent it before. Raises what the
        database raised (the webhook then answers 503 and the provider retries)."""
        kept: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((received, kept))
        if len(self._writing) < WRITERS:
            task = asyncio.create_task(self._write_waiting())
            self._writing.add(task)
            task.add_done_callback(self._writing.discard)
        return await kept

    async def _write_waiting(self) -> None:
        while self._waiting:
            group = self._waiting[:MOST_PER_GROUP]
            del self._waiting[:MOST_PER_GROUP]
            try:
                fresh = await self._keep([r for r, _ in group])
            except Exception as exc:  # noqa: BLE001 - handed to each caller, who answers
                for _, kept in group:
                    if not kept.done():  # a caller that hung up is not waiting any more
                        kept.set_exception(exc)
                continue
            for (_, kept), is_fresh in zip(group, fresh, strict=True):
                if not kept.done():
                    kept.set_result(is_fresh)

    async def _keep(self, group: list[Received]) -> list[bool]:
        async with transaction(self.sessions) as session:
            return await arrivals.accept(session, group)
