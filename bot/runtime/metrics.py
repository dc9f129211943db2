"""Prometheus metrics of the conversation side: messages in and out, NLU latency."""

from __future__ import annotations

from datetime import datetime

from prometheus_client import Counter, Histogram

from nlu.types import NLU, Parse

MESSAGES_IN = Counter(
    "portineria_messages_in_total", "Messages received from residents", ["channel"]
)
MESSAGES_OUT = Counter(
    "portineria_messages_out_total", "Messages handed to a provider", ["channel", "status"]
)
NLU_SECONDS = Histogram(
    "portineria_nlu_parse_seconds",
    "Time to understand one message",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)


class TimedNLU:
    """An NLU that records how long each parse takes."""

    def __init__(self, inner: NLU) -> None:
        self.inner = inner

    def parse(self, text: str, *, now: datetime) -> Parse:
        """Parse with the wrapped NLU, timing it."""
        with NLU_SECONDS.time():
            return self.inner.parse(text, now=now)
