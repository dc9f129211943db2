"""The values the NLU hands to the conversation: a Parse in the shape of Rasa's /model/parse."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

INTENTS = (
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "help",
    "find_events",
    "book_spid",
    "my_bookings",
    "cancel_booking",
    "report_need",
    "talk_to_human",
    "spid_info",
    "opening_hours",
    "subscribe",
    "unsubscribe",
    "change_language",
    "out_of_scope",
    "my_reports",
)
FALLBACK_INTENT = "nlu_fallback"
# What an NLU reads of a message: a request is said in its first sentences, and the time to
# understand grows with the text (about 10 ms at 500 characters, 130 ms at 4,000).
READ_CHARS = 500
LANGUAGES = ("it", "en", "ar", "ro", "sq", "uk", "zh")
NEED_CATEGORIES = ("shopping", "transport", "company", "street", "waste", "lighting", "other")


@dataclass(frozen=True)
class Intent:
    """An intent name with the classifier's confidence (0..1)."""

    name: str
    confidence: float


@dataclass(frozen=True)
class Entity:
    """An entity found in the text; value is normalised (ISO date, canonical name, code)."""

    entity: str
    value: Any
    start: int
    end: int
    extractor: str = "builtin"


@dataclass(frozen=True)
class Parse:
    """What the NLU understood of one message."""

    text: str
    intent: Intent
    intent_ranking: tuple[Intent, ...] = ()
    entities: tuple[Entity, ...] = ()
    language: str | None = None

    def entity(self, name: str) -> Any | None:
        """The value of the first entity with this name, if any."""
        return next((e.value for e in self.entities if e.entity == name), None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of Rasa's POST /model/parse answer (plus language)."""
        return {
            "text": self.text,
            "intent": asdict(self.intent),
            "intent_ranking": [asdict(i) for i in self.intent_ranking],
            "entities": [asdict(e) for e in self.entities],
            "language": self.language,
        }


@dataclass(frozen=True)
class Gazetteer:
    """Place names the NLU matches fuzzily: canonical neighbourhood -> names residents write."""

    neighbourhoods: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # lower-case names that are also everyday words ("bagno"): places only after a place word
    needs_cue: frozenset[str] = frozenset()


class NLUUnavailable(RuntimeError):
    """A remote NLU (the Rasa server) cannot be reached or failed: answer without it."""


class NLU(Protocol):
    """Anything that parses a resident's message."""

    def parse(self, text: str, *, now: datetime) -> Parse:
        """Understand one message; `now` (timezone-aware) anchors relative dates."""
        ...
