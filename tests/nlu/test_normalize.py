"""Normalisation of residents' phone spelling."""

from __future__ import annotations

from nlu.normalize import align_fold, clean, fold, has_words


def test_sms_shorthand_is_expanded() -> None:
    assert clean("X lo SPID nn so cmq xké") == "per lo spid non so comunque perché"


def test_letter_runs_are_squeezed() -> None:
    assert clean("ciaooooo grazieeee") == "ciaoo graziee"


def test_fold_drops_accents_and_punctuation() -> None:
    assert fold("Perché è così?!") == "perche e cosi"
    assert fold("Mulțumesc, mâine") == "multumesc maine"


def test_align_fold_keeps_every_offset() -> None:
    for text in ("Lunedì à Reggio", "Straße", "п'ятницю й", "غداً", "明天上午10点"):
        assert len(align_fold(text)) == len(text)


def test_emoji_and_punctuation_are_not_words() -> None:
    assert not has_words("🦄🎈 ?!")
    assert has_words("ok 👍")
