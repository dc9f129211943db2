"""The shipped Whisper model is joined from its wheels and checked; replies read aloud."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bot.runtime.listening import BASE_MODEL_SHA256, BESIDE, assemble_base_model
from bot.runtime.speaking import spoken_text


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow  # writes the 145 MB model twice
def test_the_model_is_joined_checked_and_joined_again_when_damaged(tmp_path: Path) -> None:
    target = assemble_base_model(tmp_path / "whisper-base")
    assert _sha256(target / "model.bin") == BASE_MODEL_SHA256
    assert all((target / name).is_file() for name in BESIDE)
    with (target / "model.bin").open("r+b") as model:  # a damaged copy is never used
        model.seek(1000)
        model.write(b"\0" * 16)
    assemble_base_model(target)
    assert _sha256(target / "model.bin") == BASE_MODEL_SHA256
    assert not (target / "model.bin.joining").exists()


def test_a_menu_read_aloud_says_each_number_and_how_to_choose() -> None:
    said = spoken_text("🎉 Come posso aiutare?", ("Eventi", "SPID"), "Dica o scriva il numero.")
    assert said == " Come posso aiutare?\n1: Eventi.\n2: SPID.\nDica o scriva il numero."
    assert spoken_text("Va bene.", (), "Dica o scriva il numero.") == "Va bene."
