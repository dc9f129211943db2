"""Intent classifiers: linear SVMs with calibrated probabilities, a fast one and a full one.

The full model reads the sentence embedding next to the n-grams; the fast one only the
n-grams, and answers alone when it is sure (see nlu/README.md for the measurements).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.sparse import csr_matrix, hstack
from scipy.special import softmax
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from nlu.encoder import Encoder
from nlu.features import NgramFeatures
from nlu.normalize import clean, fold
from nlu.trainingdata import Example

SVM_C = 0.3
# the embedding is dense and unit-length, the n-grams many and sparse: weigh it up
EMBEDDING_WEIGHT = 2.0
FOLDS = 3
DEFAULT_TEMPERATURE = 5.0
# the fast model may answer alone where, out of fold, it is at most this much less accurate
FAST_TOLERANCE = 0.01
# long dictated messages: the encoder reads the start and the end (where requests are)
ENCODER_HEAD, ENCODER_TAIL = 240, 120


class CalibratedSVM:
    """LinearSVC scores turned into probabilities by a softmax whose temperature is fitted
    on out-of-fold scores (minimum log loss), so that 0.9 means right nine times in ten."""

    def __init__(self, c: float = SVM_C, *, folds: int = FOLDS) -> None:
        self.svm = LinearSVC(C=c)
        self.folds = folds
        self.temperature = DEFAULT_TEMPERATURE
        self.out_of_fold: np.ndarray | None = None

    def fit(self, features: csr_matrix, labels: np.ndarray, pool: Executor) -> CalibratedSVM:
        """Fit the SVM and its temperature; the fits run on the pool (liblinear frees the GIL)."""
        final = pool.submit(_fitted, self.svm.C, features, labels)
        folds = min(self.folds, int(np.unique(labels, return_counts=True)[1].min()))
        if folds >= 2:
            splits = StratifiedKFold(folds, shuffle=True, random_state=0).split(features, labels)
            parts = [(test, pool.submit(_fitted, self.svm.C, features[train], labels[train]))
                     for train, test in splits]
            scores = np.zeros((len(labels), len(np.unique(labels))))
            for test, part in parts:
                scores[test] = _two_columns(part.result().decision_function(features[test]))
            truth = np.searchsorted(np.unique(labels), labels)
            self.temperature = _fit_temperature(scores, truth)
            self.out_of_fold = softmax(scores * self.temperature, axis=1)
        self.svm = final.result()
        return self

    @property
    def classes(self) -> np.ndarray:
        """Intent names, in the column order of `probabilities`."""
        return self.svm.classes_

    def probabilities(self, features: csr_matrix) -> np.ndarray:
        """One row of calibrated probabilities per input row."""
        return softmax(_two_columns(self.svm.decision_function(features)) * self.temperature,
                       axis=1)


def _fitted(c: float, features: csr_matrix, labels: np.ndarray) -> LinearSVC:
    return LinearSVC(C=c).fit(features, labels)


def _two_columns(scores: np.ndarray) -> np.ndarray:
    # with two intents sklearn gives one score for the second; the first's is its opposite
    return np.column_stack([-scores, scores]) if scores.ndim == 1 else scores


def _fit_temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    def log_loss(log_t: float) -> float:
        p = softmax(scores * np.exp(log_t), axis=1)[np.arange(len(truth)), truth]
        return float(-np.log(p + 1e-12).mean())

    return float(np.exp(minimize_scalar(log_loss, bounds=(-1, 4), method="bounded").x))


@dataclass
class IntentModel:
    """Everything learnt from the training data, pickled as one object."""

    features: NgramFeatures
    fast: CalibratedSVM
    full: CalibratedSVM
    fast_threshold: float
    encoder_name: str
    exact: dict[str, str] = field(default_factory=dict)
    languages: CalibratedSVM | None = None

    def language(self, text: str) -> tuple[str, float]:
        """The training data's language closest to the text, with its probability."""
        if self.languages is None:
            return "", 0.0
        probabilities = self.languages.probabilities(self.features.transform([text]))[0]
        best = int(probabilities.argmax())
        return str(self.languages.classes[best]), float(probabilities[best])

    def fast_probabilities(self, text: str) -> np.ndarray:
        """The n-gram model's probabilities (about a millisecond)."""
        return self.fast.probabilities(self.features.transform([text]))[0]

    def full_probabilities(self, text: str, encoder: Encoder) -> np.ndarray:
        """The full model's probabilities (embeds the text: the slow step)."""
        row = _joined(encoder.encode([encoder_text(text)]), self.features.transform([text]))
        return self.full.probabilities(row)[0]


def encoder_text(text: str) -> str:
    """What the encoder reads: the cleaned text, its middle cut when very long."""
    cleaned = clean(text)
    if len(cleaned) <= ENCODER_HEAD + ENCODER_TAIL:
        return cleaned
    return f"{cleaned[:ENCODER_HEAD]} … {cleaned[-ENCODER_TAIL:]}"


def train(examples: Sequence[Example], encoder: Encoder) -> IntentModel:
    """Fit both models on the examples, and choose when the fast one may answer alone."""
    texts = [e.text for e in examples]
    labels = np.array([e.intent for e in examples])
    features = NgramFeatures()
    ngrams = features.fit_transform(texts)
    embedded = encoder.encode([encoder_text(t) for t in texts])
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        fast = CalibratedSVM().fit(ngrams, labels, pool)
        full = CalibratedSVM().fit(_joined(embedded, ngrams), labels, pool)
        languages = _language_model(examples, ngrams, pool)
    threshold = _fast_threshold(fast, full, labels)
    fast.out_of_fold = full.out_of_fold = None  # only needed to choose the threshold
    return IntentModel(features, fast, full, threshold, encoder.name, _exact_matches(examples),
                       languages)


def _language_model(examples: Sequence[Example], ngrams: csr_matrix,
                    pool: Executor) -> CalibratedSVM | None:
    # residents' words ("spid", "cmq", "mersi") fool general detectors; the data knows them
    rows = [i for i, e in enumerate(examples) if e.language]
    languages = np.array([examples[i].language for i in rows])
    if len(set(languages)) < 2:
        return None
    # seven well-separated classes: two folds calibrate it well enough, and save a second
    return CalibratedSVM(folds=2).fit(ngrams[rows], languages, pool)


def _joined(embedded: np.ndarray, ngrams: csr_matrix) -> csr_matrix:
    return hstack([csr_matrix(embedded * EMBEDDING_WEIGHT), ngrams], format="csr")


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
