"""The encoder interface: the real e5 in the wheel, and the cache by text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlu.encoder import CachedEncoder, E5Encoder
from tests.nlu.fakes import HashingEncoder


def test_the_cache_embeds_each_text_once_across_processes(tmp_path: Path) -> None:
    inner = HashingEncoder()
    first = CachedEncoder(inner, tmp_path).encode(["ciao", "grazie", "ciao"])
    again = CachedEncoder(inner, tmp_path).encode(["grazie", "buongiorno"])
    assert inner.embedded == ["ciao", "grazie", "buongiorno"]
    assert np.allclose(first[1], again[0])


def test_a_torn_cache_file_is_only_a_miss(tmp_path: Path) -> None:
    inner = HashingEncoder()
    cache = CachedEncoder(inner, tmp_path)
    cache.path.write_bytes(b"not a numpy file")
    assert CachedEncoder(inner, tmp_path).encode(["ciao"]).shape == (1, inner.dim)


@pytest.mark.slow
def test_the_real_encoder_is_multilingual_and_normalised() -> None:
    encoder = E5Encoder()
    vectors = encoder.encode(["prenotare lo spid", "book a SPID appointment", "明天天气怎么样"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    # the same request in two languages is closer than an unrelated one
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
