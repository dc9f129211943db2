"""The cascade's stages and its cache, on a tiny model with a fake encoder."""

from __future__ import annotations

import pytest

from nlu.cascade import Cascade
from nlu.model import load_or_train
from tests.nlu.fakes import HashingEncoder

DATA = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - ciao
    - buongiorno a tutti
    - salve
    - buonasera signora
- intent: book_spid
  examples: |
    - vorrei prenotare lo spid
    - appuntamento per lo spid
    - prenotazione spid per mia madre
    - posso prenotare lo spid domani
- intent: thank
  examples: |
    - grazie
    - grazie mille
    - ti ringrazio
    - molte grazie davvero
"""


@pytest.fixture(scope="module")
def cascade(tmp_path_factory: pytest.TempPathFactory) -> Cascade:
    root = tmp_path_factory.mktemp("cascade")
    (root / "data").mkdir()
    (root / "data" / "nlu.yml").write_text(DATA, encoding="utf-8")
    encoder = HashingEncoder()
    model, _ = load_or_train(root / "data", root / "cache", encoder)
    return Cascade(model, encoder, cache_size=2)


@pytest.mark.parametrize(
    ("text", "intent", "stage"),
    [
        ("STOP", "unsubscribe", "keyword"),
        ("Menu", "help", "keyword"),
        ("GRAZIE MILLE!", "thank", "exact"),
    ],
)
def test_sure_stages_answer_with_certainty(
    cascade: Cascade, text: str, intent: str, stage: str
) -> None:
    ranked = cascade.rank(text)
    assert (ranked.ranking[0].name, ranked.ranking[0].confidence, ranked.stage) == (
        intent,
        1.0,
        stage,
    )


@pytest.mark.parametrize("text", ["", "🦄🎈", "3", "zzzz qqqq"])
def test_noise_has_no_ranking(cascade: Cascade, text: str) -> None:
    assert cascade.rank(text).ranking == ()


def test_a_new_text_goes_to_a_model_and_probabilities_add_up(cascade: Cascade) -> None:
    ranked = cascade.rank("vorrei prenotare un appuntamento spid")
    assert ranked.stage in ("fast", "full")
    assert ranked.ranking[0].name == "book_spid"
    assert abs(sum(i.confidence for i in ranked.ranking) - 1.0) < 0.01


def test_the_cache_keeps_only_the_most_recent_texts(cascade: Cascade) -> None:
    cascade.forget()
    for text in ("ciao ciao", "grazie tante", "ciao ciao", "salve salve", "grazie tante"):
        cascade.rank(text)
    hits = cascade.stages["cache"]
    cascade.rank("grazie tante")
    assert cascade.stages["cache"] == hits + 1
    cascade.rank("ciao ciao")  # pushed out by the two newer texts
    assert cascade.stages["cache"] == hits + 1
