"""The stored state of one conversation, as plain JSON-able data."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class ConversationState:
    """Where the resident is: the active flow and step, what was given, what was offered."""

    flow: str | None = None
    step: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    # Keys of the numbered options last shown: digit N picks offered[N - 1].
    offered: list[str] = field(default_factory=list)
    # What those options said, and for slot lists their times (ISO): words pick them too.
    labels: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    # On SMS a long list shows a page at a time: where the next page starts (bot/paging.py).
    more_from: int | None = None
    misunderstood: int = 0
    last_turn_at: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ConversationState:
        """Rebuild from the stored JSON, ignoring keys of older versions."""
        known = {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def to_dict(self) -> dict[str, Any]:
        """The JSON stored in the conversations table."""
        return asdict(self)

    def idle_since(self, now: datetime) -> float | None:
        """Seconds since the previous turn, or None on the first one."""
        if self.last_turn_at is None:
            return None
        return (now - datetime.fromisoformat(self.last_turn_at)).total_seconds()

    def start(self, flow: str, step: str | None = None) -> None:
        """Enter a flow, forgetting any other one."""
        self.flow, self.step, self.slots = flow, step, {}

    def finish(self) -> None:
        """Leave the active flow."""
        self.flow, self.step, self.slots = None, None, {}
