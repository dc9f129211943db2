"""Rasa NLU YAML: markup, files and folders, languages."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from nlu.trainingdata import DEFAULT_DATA_DIR, load_examples, strip_markup
from nlu.types import INTENTS, LANGUAGES

SAMPLE = """version: "3.1"
nlu:
- intent: find_events
  examples: |
    - cosa c'è [domani](date) a [ospizzio]{"entity": "neighbourhood", "value": "Ospizio"}
    - eventi
- synonym: Ospizio
  examples: |
    - ospizzio
- intent: greet
  examples: |
    - ciao
"""


def test_markup_is_removed_and_entities_keep_their_offsets() -> None:
    text, entities = strip_markup(
        'vado [domani](date) a [rosta nuva]{"entity": "neighbourhood", "value": "Rosta Nuova"} ok'
    )
    assert text == "vado domani a rosta nuva ok"
    assert [(e.entity, e.value, text[e.start : e.end]) for e in entities] == [
        ("date", "domani", "domani"),
        ("neighbourhood", "Rosta Nuova", "rosta nuva"),
    ]


def test_rasa_2_shorthand_gives_the_value() -> None:
    _, entities = strip_markup("a [s croce](neighbourhood:Santa Croce)")
    assert entities[0].value == "Santa Croce"


def test_language_comes_from_the_folder_and_synonyms_are_not_examples(tmp_path: Path) -> None:
    (tmp_path / "it").mkdir()
    (tmp_path / "it" / "events.yml").write_text(SAMPLE, encoding="utf-8")
    examples = load_examples(tmp_path)
    assert [(e.intent, e.language) for e in examples] == [
        ("find_events", "it"),
        ("find_events", "it"),
        ("greet", "it"),
    ]
    assert examples[0].text == "cosa c'è domani a ospizzio"


def test_language_comes_from_a_mapping_for_a_single_file(tmp_path: Path) -> None:
    data = tmp_path / "heldout.yml"
    data.write_text(SAMPLE, encoding="utf-8")
    mapping = tmp_path / "languages.json"
    mapping.write_text(json.dumps({"ciao": "it", "eventi": "it"}), encoding="utf-8")
    languages = [e.language for e in load_examples(data, languages=mapping)]
    assert languages == [None, "it", "it"]


def test_the_shipped_data_covers_every_intent_in_every_language() -> None:
    counts = Counter((e.language, e.intent) for e in load_examples(DEFAULT_DATA_DIR))
    for language in LANGUAGES:
        for intent in INTENTS:
            minimum = 60 if language == "it" else 15
            assert counts[(language, intent)] >= minimum, (language, intent)
