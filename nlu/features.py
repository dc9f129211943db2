"""Sparse n-gram features of folded text, and how familiar a text looks to the training data."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu.normalize import fold

# below these shares of n-grams seen in training, a text of unknown words is noise
LATIN_4GRAMS, FAMILIAR_3GRAMS = 0.55, 0.15
LONGEST_WORD = 40


class NgramFeatures:
    """Character 2-5-grams within words plus word uni- and bigrams, TF-IDF weighted."""

    def __init__(self) -> None:
        # char_wb tolerates typos and joined words; words carry the exact vocabulary
        self._chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, dtype=np.float32
        )
        self._words = TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32
        )

    def fit_transform(self, texts: Sequence[str]) -> csr_matrix:
        """Learn the vocabulary from training texts and return their features."""
        folded = [fold(t) for t in texts]
        return hstack(
            [self._chars.fit_transform(folded), self._words.fit_transform(folded)], format="csr"
        )

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        """Features of new texts (unknown n-grams are ignored)."""
        folded = [fold(t) for t in texts]
        return hstack([self._chars.transform(folded), self._words.transform(folded)], format="csr")

    def looks_like_noise(self, text: str) -> bool:
        """True for keyboard mashing ("zzzz", "asdfgh") and endless strings of one word."""
        folded = fold(text)
        if any("\u3400" <= c <= "\u9fff" for c in folded):
            return False  # Chinese has no spaces between words: leave it to the models
        words = [w for w in folded.split() if len(w) <= LONGEST_WORD]
        if not words:
            return True
        if any(w in self._words.vocabulary_ for w in words):
            return False
        text = " ".join(words)
        if text.isascii():
            # Latin script, where the data is rich: real words share most 4-grams with it
            return self._familiarity(text, 4) < LATIN_4GRAMS and self._familiarity(text, 3) < 0.7
        return self._familiarity(text, 3) < FAMILIAR_3GRAMS

    def _familiarity(self, folded: str, size: int) -> float:
        grams = [g for g in self._chars.build_analyzer()(folded) if len(g) == size]
        known = sum(g in self._chars.vocabulary_ for g in grams)
        return known / max(1, len(grams))
