"""Every message is translated in all seven languages (the staff console's in English), and
the Italian is easy to read."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from api.console.web import CONSOLE_LANGUAGES
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


def _extract(directory: Path, config: str, *keywords: str) -> list[str]:
    """The message ids extracted from the code right now (not a stale .pot)."""
    pot = directory / "messages.pot"
    arguments = [a for keyword in keywords for a in ("-k", keyword)]
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            config,
            *arguments,
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


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The residents' messages (babel.cfg), as the Makefile extracts them."""
    return _extract(tmp_path_factory.mktemp("pot"), "babel.cfg", "N_")


@pytest.fixture(scope="module")
def console_template(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The staff console's texts (babel-console.cfg), as the Makefile extracts them."""
    return _extract(tmp_path_factory.mktemp("console"), "babel-console.cfg", "S_", "say:2")


def test_gulpease_of_a_plain_sentence() -> None:
    assert gulpease("Scriva il numero.") > 80
    jargon = "Autenticazione multifattoriale necessaria precedentemente all'identificazione."
    assert gulpease(jargon) < 40


def test_italian_messages_are_easy_to_read(template: list[str]) -> None:
    hard = {message: round(gulpease(message)) for message in template if gulpease(message) < 60}
    assert not hard, f"Gulpease below 60: {hard}"


@pytest.mark.parametrize("language", [code for code in SUPPORTED_LANGUAGES if code != "it"])
def test_every_message_is_translated(template: list[str], language: str) -> None:
    _assert_translated(template, language, "messages")


def test_the_console_is_easy_to_read_and_all_in_english(console_template: list[str]) -> None:
    hard = {m: round(gulpease(m)) for m in console_template if gulpease(m) < 60}
    assert not hard, f"Gulpease below 60: {hard}"
    for language in CONSOLE_LANGUAGES:
        if language != "it":
            _assert_translated(console_template, language, "console")


def _assert_translated(template: list[str], language: str, domain: str) -> None:
    with (LOCALES / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
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
