"""Every message is translated in all seven languages, and the Italian is easy to read."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from api.settings import SUPPORTED_LANGUAGES

# One worker runs the whole module, so the messages are extracted once.
pytestmark = pytest.mark.xdist_group("catalogs")
LOCALES = Path(__file__).resolve().parents[1] / "locales"
PLACEHOLDER = re.compile(r"\{\w+\}")


def gulpease(text: str) -> float:
    """Gulpease readability of Italian text: 89 + (300 * sentences - 10 * letters) / words."""
    words = re.findall(r"\w+", PLACEHOLDER.sub("X", text))
    letters = sum(len(word) for word in words)
    sentences = max(1, len(re.findall(r"[.!?:]+(?:\s|$)", text)))
    return 89 + (300 * sentences - 10 * letters) / len(words)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The message ids extracted from the code right now (not a stale .pot)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=LOCALES.parent,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return [message.id for message in read_po(handle) if message.id]


def test_gulpease_of_a_plain_sentence() -> None:
    assert gulpease("Scriva il numero.") > 80
    jargon = "Autenticazione multifattoriale necessaria precedentemente all'identificazione."
    assert gulpease(jargon) < 40


def test_italian_messages_are_easy_to_read(template: list[str]) -> None:
    hard = {message: round(gulpease(message)) for message in template if gulpease(message) < 60}
    assert not hard, f"Gulpease below 60: {hard}"


@pytest.mark.parametrize("language", [code for code in SUPPORTED_LANGUAGES if code != "it"])
def test_every_message_is_translated(template: list[str], language: str) -> None:
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing = [m for m in template if not (catalog.get(m) and catalog.get(m).string)]
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:3]}"
    fuzzy = [m for m in template if catalog.get(m).fuzzy]
    assert not fuzzy, f"{language}: fuzzy translations {fuzzy[:3]}"
    broken = [
        m
        for m in template
        if set(PLACEHOLDER.findall(m)) != set(PLACEHOLDER.findall(catalog.get(m).string))
    ]
    assert not broken, f"{language}: placeholders differ in {broken[:3]}"


def test_commands_survive_translation(template: list[str]) -> None:
    for language in SUPPORTED_LANGUAGES:
        if language == "it":
            continue
        with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in template:
            for word in ("STOP", "START"):
                if word in message and catalog.get(message):
                    assert word in catalog.get(message).string, (language, message)
