"""The trained intent model on disk: named by a fingerprint of the data and the code."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from pathlib import Path

from nlu.classifier import IntentModel
from nlu.encoder import CachedEncoder, Encoder
from nlu.trainer import train
from nlu.trainingdata import data_files, load_examples

# bump when the features, the models or their parameters change: old caches are then ignored
CODE_VERSION = "builtin-11"
log = logging.getLogger(__name__)


def fingerprint(data_dir: Path, encoder_name: str) -> str:
    """A digest of every training file (name and bytes), the code version and the encoder."""
    digest = hashlib.sha256(f"{CODE_VERSION}\0{encoder_name}".encode())
    for path in data_files(data_dir):
        digest.update(str(path.relative_to(data_dir) if path != data_dir else path.name).encode())
        digest.update(b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def load_or_train(data_dir: Path, cache_dir: Path, encoder: Encoder) -> tuple[IntentModel, bool]:
    """The cached model for this data, trained (and cached) first when there is none."""
    path = cache_dir / f"intent-model-{CODE_VERSION}-{fingerprint(data_dir, encoder.name)}.pkl"
    if path.exists() and (model := _read(path)) is not None:
        return model, False
    previous = [p for p in cache_dir.glob(f"intent-model-{CODE_VERSION}-*.pkl") if p != path]
    newest = max(previous, key=lambda p: p.stat().st_mtime, default=None)
    return train_to(path, data_dir, cache_dir, encoder, _read(newest) if newest else None), True


def train_to(
    path: Path,
    data_dir: Path,
    cache_dir: Path,
    encoder: Encoder,
    previous: IntentModel | None = None,
) -> IntentModel:
    """Train on the data (embeddings reused by text from the cache) and save the model."""
    examples = load_examples(data_dir)
    if not examples:
        raise ValueError(f"no NLU training examples under {data_dir}")
    model = train(examples, CachedEncoder(encoder, cache_dir), previous)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as file:
        pickle.dump(model, file, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)  # atomic: a process loading at the same time sees a whole model
    for stale in cache_dir.glob("intent-model-*.pkl"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return model


def _read(path: Path) -> IntentModel | None:
    try:
        with path.open("rb") as file:
            return pickle.load(file)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        log.warning("unreadable NLU model cache %s: training again", path)
        return None
