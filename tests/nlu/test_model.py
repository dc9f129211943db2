"""The model cache: fingerprint of data and code, retraining only on change, reusing vectors."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu import trainer
from nlu.model import fingerprint, load_or_train
from tests.nlu.fakes import HashingEncoder

DATA = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - ciao
    - buongiorno
    - salve a tutti
    - buonasera
- intent: book_spid
  examples: |
    - vorrei prenotare lo spid
    - appuntamento per lo spid
    - prenotazione spid per mia madre
    - posso prenotare spid domani
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    (tmp_path / "data" / "it").mkdir(parents=True)
    (tmp_path / "data" / "it" / "nlu.yml").write_text(DATA, encoding="utf-8")
    return tmp_path / "data"


def test_the_fingerprint_follows_the_data(data_dir: Path) -> None:
    before = fingerprint(data_dir, "enc")
    assert fingerprint(data_dir, "enc") == before
    assert fingerprint(data_dir, "other-encoder") != before
    (data_dir / "it" / "nlu.yml").write_text(DATA + "    - ciao ciao\n", encoding="utf-8")
    assert fingerprint(data_dir, "enc") != before


def test_a_change_of_data_retrains_embedding_only_the_new_text(
    data_dir: Path, tmp_path: Path
) -> None:
    encoder = HashingEncoder()
    cache = tmp_path / "cache"
    model, trained = load_or_train(data_dir, cache, encoder)
    assert trained and model.exact["ciao"] == "greet"
    assert load_or_train(data_dir, cache, encoder)[1] is False
    embedded = len(encoder.embedded)
    (data_dir / "it" / "nlu.yml").write_text(DATA + "    - spid per mio marito\n", encoding="utf-8")
    retrained, trained = load_or_train(data_dir, cache, encoder)
    assert trained and retrained.exact["spid per mio marito"] == "book_spid"
    assert encoder.embedded[embedded:] == ["spid per mio marito"]
    assert len(list(cache.glob("intent-model-*.pkl"))) == 1
    # a few examples more: the calibration carries over, only the SVMs are fitted again
    assert retrained.full.temperature == model.full.temperature
    assert retrained.fast_threshold == model.fast_threshold


def test_a_new_intent_calibrates_again(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    encoder = HashingEncoder()
    load_or_train(data_dir, tmp_path / "cache", encoder)
    calls: list[int] = []
    original = trainer._fast_threshold
    monkeypatch.setattr(trainer, "_fast_threshold", lambda *a: calls.append(1) or original(*a))
    extra = "- intent: thank\n  examples: |\n    - grazie\n    - grazie mille\n"
    (data_dir / "it" / "nlu.yml").write_text(DATA + extra, encoding="utf-8")
    model, trained = load_or_train(data_dir, tmp_path / "cache", encoder)
    assert trained and calls == [1]
    assert list(model.full.classes) == ["book_spid", "greet", "thank"]


def test_no_examples_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no NLU training examples"):
        load_or_train(tmp_path, tmp_path / "cache", HashingEncoder())
