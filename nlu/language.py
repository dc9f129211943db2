"""Which of the seven languages a message is in, or None when the text cannot tell."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

_LATIN = {
    Language.ITALIAN: "it",
    Language.ENGLISH: "en",
    Language.ROMANIAN: "ro",
    Language.ALBANIAN: "sq",
}
# One language each in our set uses these scripts: no statistics needed
_SCRIPTS = {"ARABIC": "ar", "CJK": "zh", "CYRILLIC": "uk"}
MIN_LETTERS = 4
MIN_CONFIDENCE = 0.5
DOMAIN_CONFIDENCE = 0.6
# text -> (language, confidence) from a model that knows residents' vocabulary
Scorer = Callable[[str], tuple[str, float]]


class LanguageIdentifier:
    """Script shortcuts (ar/zh/uk), then the domain scorer, then lingua for it/en/ro/sq."""

    def __init__(self, *, low_accuracy: bool = False, scorer: Scorer | None = None) -> None:
        builder = LanguageDetectorBuilder.from_languages(*_LATIN)
        # the high-accuracy models cost ~110 MB; the low ones are weaker on short text
        if low_accuracy:
            builder = builder.with_low_accuracy_mode()
        self._detector: LanguageDetector = builder.build()
        self.scorer = scorer

    def detect(self, text: str) -> str | None:
        """The ISO 639-1 code, or None for short or ambiguous text (keep the remembered one)."""
        letters = [c for c in text if c.isalpha()]
        if len(letters) < MIN_LETTERS and not _has_han(letters):
            return None
        script, count = Counter(_script(c) for c in letters).most_common(1)[0]
        if script in _SCRIPTS and count * 2 >= len(letters):
            return _SCRIPTS[script]
        if self.scorer is not None:
            language, confidence = self.scorer(text)
            if confidence >= DOMAIN_CONFIDENCE:
                return language
        values = self._detector.compute_language_confidence_values(text)
        if not values or values[0].value < MIN_CONFIDENCE:
            return None
        return _LATIN[values[0].language]

    def warm_up(self) -> None:
        """Load the models now rather than on a resident's first message."""
        for sample in ("buongiorno a tutti", "good morning", "bună ziua", "mirëdita"):
            self._detector.compute_language_confidence_values(sample)


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return "CJK" if name.startswith("CJK") else name.split(" ", 1)[0]


def _has_han(letters: list[str]) -> bool:
    # two Chinese characters are a whole word ("你好", "谢谢"): no minimum length for Han
    return any(_script(c) == "CJK" for c in letters)
