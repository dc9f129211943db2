"""Evaluate any NLU on annotated examples: accuracy, F1 per intent, per language, latency."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np
from sklearn.metrics import f1_score, precision_recall_fscore_support

from nlu.trainingdata import Example
from nlu.types import NLU


@dataclass(frozen=True)
class Report:
    """The figures of one evaluation run."""

    accuracy: float
    macro_f1: float
    n: int
    per_intent: dict[str, float]
    per_language: dict[str, float]
    latency_ms_p50: float
    latency_ms_p95: float
    language_id_accuracy: float | None = None
    # entity name -> (precision, recall) of its presence, on the examples that annotate any
    entities: dict[str, tuple[float, float]] = field(default_factory=dict)
    table: list[tuple[str, float, float, float, int]] = field(default_factory=list)
    errors: list[tuple[str, str, str, float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `portineria nlu test --json`."""
        keys = (
            "accuracy",
            "macro_f1",
            "n",
            "per_intent",
            "per_language",
            "latency_ms_p50",
            "latency_ms_p95",
        )
        return {key: getattr(self, key) for key in keys}


def evaluate(nlu: NLU, examples: Sequence[Example], *, now: datetime) -> Report:
    """Parse every example once, timing each parse."""
    predicted, detected, latencies, errors, found = [], [], [], [], []
    for example in examples:
        started = time.perf_counter()
        parse = nlu.parse(example.text, now=now)
        latencies.append((time.perf_counter() - started) * 1000)
        predicted.append(parse.intent.name)
        detected.append(parse.language)
        found.append({e.entity for e in parse.entities})
        if parse.intent.name != example.intent:
            got = parse.intent
            errors.append((example.text, example.intent, got.name, got.confidence))
    gold = [e.intent for e in examples]
    report = _report(examples, gold, predicted, detected, latencies, errors)
    return replace(report, entities=_entity_scores(examples, found))


def _entity_scores(
    examples: Sequence[Example], found: list[set[str]]
) -> dict[str, tuple[float, float]]:
    # only files that annotate entities can say whether one was missed
    if not any(e.entities for e in examples):
        return {}
    scores = {}
    for name in sorted({e.entity for example in examples for e in example.entities}):
        wanted = [any(e.entity == name for e in example.entities) for example in examples]
        got = [name in names for names in found]
        hits = sum(w and g for w, g in zip(wanted, got, strict=True))
        scores[name] = (_round(hits / max(1, sum(got))), _round(hits / max(1, sum(wanted))))
    return scores


def _report(
    examples: Sequence[Example],
    gold: list[str],
    predicted: list[str],
    detected: list[str | None],
    latencies: list[float],
    errors: list[tuple[str, str, str, float]],
) -> Report:
    # F1 over the intents of the test file: a fallback is a miss, not a class of its own
    labels = sorted(set(gold))
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, zero_division=0
    )
    right = np.array(gold) == np.array(predicted)
    languages = np.array([e.language or "?" for e in examples])
    with_language = [(e.language, d) for e, d in zip(examples, detected, strict=True) if e.language]
    return Report(
        accuracy=_round(right.mean()) if gold else 0.0,
        macro_f1=_round(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0))
        if gold
        else 0.0,
        n=len(gold),
        per_intent={name: _round(score) for name, score in zip(labels, f1, strict=True)},
        per_language={
            lang: _round(right[languages == lang].mean()) for lang in sorted(set(languages))
        },
        latency_ms_p50=_round(np.percentile(latencies, 50)) if latencies else 0.0,
        latency_ms_p95=_round(np.percentile(latencies, 95)) if latencies else 0.0,
        language_id_accuracy=_round(np.mean([a == b for a, b in with_language]))
        if with_language
        else None,
        table=[
            (name, _round(p), _round(r), _round(f), int(s))
            for name, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        ],
        errors=errors,
    )


def format_report(report: Report, *, max_errors: int = 30) -> str:
    """A plain-text report: per intent, per language, totals and the first errors."""
    lines = [f"{'intent':<18}{'precision':>10}{'recall':>8}{'f1':>8}{'n':>6}"]
    lines += [f"{name:<18}{p:>10.3f}{r:>8.3f}{f:>8.3f}{s:>6}" for name, p, r, f, s in report.table]
    lines.append("")
    lines += [f"{lang:<18}accuracy {acc:.3f}" for lang, acc in report.per_language.items()]
    lines.append("")
    lines.append(
        f"accuracy {report.accuracy:.3f}  macro F1 {report.macro_f1:.3f}  n {report.n}  "
        f"latency p50 {report.latency_ms_p50:.1f} ms  p95 {report.latency_ms_p95:.1f} ms"
    )
    lines += [
        f"entity {name:<14} precision {p:.3f}  recall {r:.3f}"
        for name, (p, r) in report.entities.items()
    ]
    if report.language_id_accuracy is not None:
        lines.append(
            f"language identified (None counts as wrong): {report.language_id_accuracy:.3f}"
        )
    if report.errors:
        lines.append(f"\nerrors ({len(report.errors)}), text | expected -> got (confidence):")
        lines += [
            f"  {text[:70]!r} | {want} -> {got} ({conf:.2f})"
            for text, want, got, conf in report.errors[:max_errors]
        ]
    return "\n".join(lines)


def _round(value: float) -> float:
    return round(float(value), 4)
