"""Intent classifiers: calibrated linear SVMs, a fast one (n-grams) and a full one (+ e5)."""

# The fast model answers alone when it is sure (nlu/trainer.py chooses when); nlu/README.md
# has the measurements.

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.sparse import csr_matrix, hstack
from scipy.special import softmax
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from nlu.encoder import Encoder
from nlu.features import NgramFeatures
from nlu.normalize import clean

SVM_C = 0.3
# the embedding is dense and unit-length, the n-grams many and sparse: weigh it up
EMBEDDING_WEIGHT = 2.0
FOLDS = 3
DEFAULT_TEMPERATURE = 5.0
# long dictated messages: the encoder reads the start and the end (where requests are)
ENCODER_HEAD, ENCODER_TAIL = 240, 120


class CalibratedSVM:
    """LinearSVC scores as probabilities: a softmax with a temperature fitted out of fold."""

    # the temperature minimises the log loss of out-of-fold scores: 0.9 then means right
    # about nine times in ten

    def __init__(self, c: float = SVM_C, *, folds: int = FOLDS) -> None:
        self.svm = LinearSVC(C=c)
        self.folds = folds
        self.temperature = DEFAULT_TEMPERATURE
        self.out_of_fold: np.ndarray | None = None

    def fit(
        self, features: csr_matrix, labels: np.ndarray, pool: Executor, *, calibrate: bool = True
    ) -> CalibratedSVM:
        """Fit the SVM and (unless told to keep it) its temperature, on the pool's threads."""
        final = pool.submit(_fitted, self.svm.C, features, labels)
        folds = min(self.folds, int(np.unique(labels, return_counts=True)[1].min()))
        if calibrate and folds >= 2:
            splits = StratifiedKFold(folds, shuffle=True, random_state=0).split(features, labels)
            parts = [
                (test, pool.submit(_fitted, self.svm.C, features[train], labels[train]))
                for train, test in splits
            ]
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
        return softmax(
            _two_columns(self.svm.decision_function(features)) * self.temperature, axis=1
        )


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
    exact: dict[str, str] = field(default_factory=dict)
    languages: CalibratedSVM | None = None
    seen: frozenset[str] = frozenset()  # digests of the examples it was trained on

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
        row = joined(encoder.encode([encoder_text(text)]), self.features.transform([text]))
        return self.full.probabilities(row)[0]


def encoder_text(text: str) -> str:
    """What the encoder reads: the cleaned text, its middle cut when very long."""
    cleaned = clean(text)
    if len(cleaned) <= ENCODER_HEAD + ENCODER_TAIL:
        return cleaned
    return f"{cleaned[:ENCODER_HEAD]} … {cleaned[-ENCODER_TAIL:]}"


def joined(embedded: np.ndarray, ngrams: csr_matrix) -> csr_matrix:
    return hstack([csr_matrix(embedded * EMBEDDING_WEIGHT), ngrams], format="csr")
