"""Training the intent model: fit, calibrate, choose the cascade threshold."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import Executor, ThreadPoolExecutor

import numpy as np
from scipy.sparse import csr_matrix

from nlu.classifier import FOLDS, CalibratedSVM, IntentModel, encoder_text, joined
from nlu.encoder import Encoder
from nlu.features import NgramFeatures
from nlu.normalize import fold
from nlu.trainingdata import Example

# the fast model may answer alone where, out of fold, it is at most this much less accurate
FAST_TOLERANCE = 0.01
# up to this many changed examples (or 2%), the previous calibration still holds: refit the
# SVMs only, which keeps a small edit of the data under ten seconds
SMALL_CHANGE = 40


def train(
    examples: Sequence[Example], encoder: Encoder, previous: IntentModel | None = None
) -> IntentModel:
    """Fit the models; calibrate them again unless `previous` saw nearly the same data."""
    texts = [e.text for e in examples]
    labels = np.array([e.intent for e in examples])
    seen = frozenset(_digest(e) for e in examples)
    keep = previous if previous is not None and _small_change(previous, seen, labels) else None
    features = NgramFeatures()
    ngrams = features.fit_transform(texts)
    embedded = encoder.encode([encoder_text(t) for t in texts])
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        fast = _svm(keep and keep.fast).fit(ngrams, labels, pool, calibrate=keep is None)
        full = _svm(keep and keep.full).fit(
            joined(embedded, ngrams), labels, pool, calibrate=keep is None
        )
        languages = _language_model(examples, ngrams, pool, keep and keep.languages)
    threshold = keep.fast_threshold if keep else _fast_threshold(fast, full, labels)
    fast.out_of_fold = full.out_of_fold = None  # only needed to choose the threshold
    return IntentModel(features, fast, full, threshold, _exact_matches(examples), languages, seen)


def _digest(example: Example) -> str:
    return hashlib.sha1(f"{example.intent}\0{example.text}".encode()).hexdigest()[:16]


def _small_change(previous: IntentModel, seen: frozenset[str], labels: np.ndarray) -> bool:
    same_intents = list(previous.full.classes) == sorted(set(labels))
    return same_intents and len(previous.seen ^ seen) <= max(SMALL_CHANGE, len(seen) // 50)


def _svm(previous: CalibratedSVM | None, folds: int = FOLDS) -> CalibratedSVM:
    svm = CalibratedSVM(folds=folds)
    if previous is not None:
        svm.temperature = previous.temperature
    return svm


def _language_model(
    examples: Sequence[Example], ngrams: csr_matrix, pool: Executor, previous: CalibratedSVM | None
) -> CalibratedSVM | None:
    # residents' words ("spid", "cmq", "mersi") fool general detectors; the data knows them
    rows = [i for i, e in enumerate(examples) if e.language]
    languages = np.array([examples[i].language for i in rows])
    if len(set(languages)) < 2:
        return None
    keep = previous is not None and list(previous.classes) == sorted(set(languages))
    # seven well-separated classes: two folds calibrate it well enough, and save a second
    svm = _svm(previous if keep else None, folds=2)
    return svm.fit(ngrams[rows], languages, pool, calibrate=not keep)


def _fast_threshold(fast: CalibratedSVM, full: CalibratedSVM, labels: np.ndarray) -> float:
    # the lowest confidence at which the fast model, out of fold, is about as right as the
    # full one on the same messages: below it, the encoder earns its milliseconds
    if fast.out_of_fold is None or full.out_of_fold is None:
        return 1.01
    truth = np.searchsorted(fast.classes, labels)
    fast_ok = fast.out_of_fold.argmax(1) == truth
    full_ok = full.out_of_fold.argmax(1) == truth
    confidence = fast.out_of_fold.max(1)
    for threshold in np.arange(0.5, 1.0, 0.025):
        accepted = confidence >= threshold
        if accepted.any() and fast_ok[accepted].mean() >= full_ok[accepted].mean() - FAST_TOLERANCE:
            return float(threshold)
    return 1.01


def _exact_matches(examples: Sequence[Example]) -> dict[str, str]:
    seen: dict[str, set[str]] = {}
    for example in examples:
        seen.setdefault(fold(example.text), set()).add(example.intent)
    return {text: intents.pop() for text, intents in seen.items() if len(intents) == 1}
