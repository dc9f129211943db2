"""The intent cascade: keywords, exact examples, the fast model, then the encoder; with a cache."""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass

import numpy as np

from nlu.classifier import IntentModel
from nlu.encoder import Encoder
from nlu.normalize import clean, fold, has_words
from nlu.types import Intent

# Whole-message carrier keywords (Twilio answers them too): they must never be guessed at
KEYWORDS = {
    "stop": "unsubscribe",
    "stopall": "unsubscribe",
    "unsubscribe": "unsubscribe",
    "end": "unsubscribe",
    "quit": "unsubscribe",
    "start": "subscribe",
    "unstop": "subscribe",
    "help": "help",
    "menu": "help",
    "0": "help",
}
RANKING_SIZE = 10
CACHE_SIZE = 2048


@dataclass(frozen=True)
class Ranked:
    """Intents best first, and which stage of the cascade decided."""

    ranking: tuple[Intent, ...]
    stage: str  # keyword | exact | fast | full | noise | cache


class Cascade:
    """Ranks intents with the cheapest stage that is sure, remembering recent texts."""

    def __init__(self, model: IntentModel, encoder: Encoder, *, cache_size: int = CACHE_SIZE):
        self.model = model
        self.encoder = encoder
        self.cache_size = cache_size
        self.stages: Counter[str] = Counter()
        self.encoder_only = False  # for measurements: what the cascade saves
        self._recent: OrderedDict[str, Ranked] = OrderedDict()
        # the C encoder keeps scratch buffers per model and the cache is an OrderedDict:
        # one message at a time (a parse takes milliseconds)
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Empty the cache of recent texts."""
        with self._lock:
            self._recent.clear()

    def rank(self, text: str) -> Ranked:
        """The ranking for one message (the same text twice costs one dictionary lookup)."""
        with self._lock:
            return self._rank(clean(text))

    def _rank(self, key: str) -> Ranked:
        if (hit := self._recent.get(key)) is not None:
            self._recent.move_to_end(key)
            self.stages["cache"] += 1
            return hit
        ranked = self._decide(key)
        self.stages[ranked.stage] += 1
        self._recent[key] = ranked
        if len(self._recent) > self.cache_size:
            self._recent.popitem(last=False)
        return ranked

    def _decide(self, cleaned: str) -> Ranked:
        folded = fold(cleaned)
        if not has_words(cleaned) or folded.isdigit() and folded != "0":
            return Ranked((), "noise")  # menu digits are the engine's; emoji alone say nothing
        if intent := KEYWORDS.get(folded):
            return Ranked((Intent(intent, 1.0),), "keyword")
        if self.model.features.looks_like_noise(cleaned):
            return Ranked((), "noise")
        if not self.encoder_only:
            if intent := self.model.exact.get(folded):
                return Ranked((Intent(intent, 1.0),), "exact")
            fast = self.model.fast_probabilities(cleaned)
            if fast.max() >= self.model.fast_threshold:
                return Ranked(self._ranking(fast), "fast")
        return Ranked(self._ranking(self.model.full_probabilities(cleaned, self.encoder)), "full")

    def _ranking(self, probabilities: np.ndarray) -> tuple[Intent, ...]:
        best = np.argsort(-probabilities)[:RANKING_SIZE]
        names = self.model.full.classes
        return tuple(Intent(str(names[i]), round(float(probabilities[i]), 4)) for i in best)
