"""`portineria nlu train|parse|test`: the command-line contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.commands.nlu import app
from nlu.types import NLU

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
SMALL_TEST = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - buongiorno a tutti
- intent: unsubscribe
  examples: |
    - STOP
"""


@pytest.fixture
def runner(nlu: NLU, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # the session's model (trained by the nlu fixture) is the one the commands load
    monkeypatch.setenv("PORTINERIA_NLU_MODEL_DIR", str(REPO / "var" / "nlu-test"))
    monkeypatch.setenv("PORTINERIA_NLU_BACKEND", "builtin")
    return CliRunner()


def test_train_finds_the_model_up_to_date(runner: CliRunner) -> None:
    result = runner.invoke(app, ["train"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_parse_prints_rasa_s_json(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["parse", "domani alle 10 lo spid a rosta nuva", "--now", "2025-11-25T09:30:00+01:00"]
    )
    assert result.exit_code == 0, result.output
    parse = json.loads(result.output)
    assert parse["intent"]["name"] == "book_spid"
    assert {
        "entity": "neighbourhood",
        "value": "Rosta Nuova",
        "start": 25,
        "end": 35,
        "extractor": "builtin",
    } in parse["entities"]
    assert parse["language"] == "it"


def test_test_ends_with_one_json_line(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "small.yml"
    data.write_text(SMALL_TEST, encoding="utf-8")
    (tmp_path / "small_languages.json").write_text('{"STOP": "en"}', encoding="utf-8")
    result = runner.invoke(app, ["test", str(data), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["n"] == 2 and figures["accuracy"] == 1.0
    assert figures["per_intent"] == {"greet": 1.0, "unsubscribe": 1.0}
    assert figures["per_language"] == {"?": 1.0, "en": 1.0}
    assert figures["latency_ms_p95"] >= figures["latency_ms_p50"] >= 0
