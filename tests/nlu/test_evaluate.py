"""Evaluation figures on a scripted NLU."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from nlu.evaluate import evaluate, format_report
from nlu.trainingdata import Example
from nlu.types import FALLBACK_INTENT, Intent, Parse

NOW = datetime(2025, 11, 25, 9, 30, tzinfo=ZoneInfo("Europe/Rome"))


class ScriptedNLU:
    """Answers from a table; anything else is a fallback."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers

    def parse(self, text: str, *, now: datetime) -> Parse:
        name = self.answers.get(text, FALLBACK_INTENT)
        return Parse(text, Intent(name, 0.9), language="it" if text.isascii() else None)


def test_the_report_counts_misses_and_fallbacks_per_intent_and_language() -> None:
    examples = [
        Example("ciao", "greet", (), "it"),
        Example("salve", "greet", (), "it"),
        Example("你好", "greet", (), "zh"),
        Example("grazie", "thank", (), "it"),
    ]
    nlu = ScriptedNLU({"ciao": "greet", "salve": "thank", "grazie": "thank"})
    report = evaluate(nlu, examples, now=NOW)
    assert report.n == 4 and report.accuracy == 0.5
    assert report.per_language == {"it": 0.6667, "zh": 0.0}
    assert report.per_intent == {"greet": 0.5, "thank": 0.6667}
    assert report.macro_f1 == round((0.5 + 2 / 3) / 2, 4)
    assert set(report.to_dict()) == {
        "accuracy",
        "macro_f1",
        "n",
        "per_intent",
        "per_language",
        "latency_ms_p50",
        "latency_ms_p95",
    }
    assert "'salve' | greet -> thank" in format_report(report)
