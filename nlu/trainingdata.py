"""Rasa 3.x NLU YAML in, plain examples out: text without markup, intent, entities, language."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nlu.types import LANGUAGES, Entity

DEFAULT_DATA_DIR = Path(__file__).parent / "data"

# [text](entity), [text](entity:value) (Rasa 2 shorthand), [text]{"entity": ..., "value": ...}
_MARKUP = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<short>[^)]+)\)|(?P<json>\{[^}]*\}))")
_ITEM = re.compile(r"^\s*-\s?(.*)$")


@dataclass(frozen=True)
class Example:
    """One annotated training or test message."""

    text: str
    intent: str
    entities: tuple[Entity, ...] = ()
    language: str | None = None


def strip_markup(annotated: str) -> tuple[str, tuple[Entity, ...]]:
    """The plain text of an annotated example and the entities marked in it."""
    plain: list[str] = []
    entities: list[Entity] = []
    cursor = length = 0
    for match in _MARKUP.finditer(annotated):
        plain.append(annotated[cursor : match.start()])
        length += match.start() - cursor
        surface = match["text"]
        name, value = _entity_name_value(match["short"], match["json"], surface)
        if name:
            entities.append(Entity(name, value, length, length + len(surface), "annotation"))
        plain.append(surface)
        length += len(surface)
        cursor = match.end()
    plain.append(annotated[cursor:])
    return "".join(plain), tuple(entities)


def _entity_name_value(short: str | None, raw_json: str | None, surface: str) -> tuple[str, Any]:
    if short is not None:
        name, _, value = short.partition(":")
        return name.strip(), value.strip() or surface
    try:
        spec = json.loads(raw_json or "{}")
    except json.JSONDecodeError:
        return "", surface
    return str(spec.get("entity", "")), spec.get("value", surface)


def load_examples(
    source: Path | Iterable[Path] = DEFAULT_DATA_DIR,
    *,
    languages: Mapping[str, str] | Path | None = None,
) -> list[Example]:
    """Every example in a YAML file or directory tree (sorted, so the order is stable)."""
    by_text = _read_languages(languages) if isinstance(languages, Path) else (languages or {})
    examples: list[Example] = []
    for path in data_files(source):
        folder = path.parent.name if path.parent.name in LANGUAGES else None
        for intent, annotated in _read_items(path):
            text, entities = strip_markup(annotated)
            language = by_text.get(text) or by_text.get(annotated) or folder
            examples.append(Example(text, intent, entities, language))
    return examples


def data_files(source: Path | Iterable[Path] = DEFAULT_DATA_DIR) -> list[Path]:
    """The NLU YAML files under a path (or paths), sorted; the gazetteer is not training data."""
    roots = [source] if isinstance(source, Path) else list(source)
    files: list[Path] = []
    for root in roots:
        found = [root] if root.is_file() else [*root.rglob("*.yml"), *root.rglob("*.yaml")]
        files.extend(p for p in found if p.name != "gazetteer.yml")
    return sorted(files)


def _read_items(path: Path) -> Iterable[tuple[str, str]]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for block in document.get("nlu") or ():
        # synonym, regex and lookup blocks carry no intent: not examples
        if not isinstance(block, dict) or "intent" not in block:
            continue
        for line in str(block.get("examples") or "").splitlines():
            item = _ITEM.match(line)
            if item and item[1].strip():
                yield str(block["intent"]), item[1].strip()


def _read_languages(path: Path) -> dict[str, str]:
    return {str(k): str(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
