"""What a need's post on Hamlet may say: no phone numbers, e-mail addresses or names."""

from __future__ import annotations

import pytest

from actions.hamlet_posts import EMAIL_GONE, NAME_GONE, PHONE_GONE, marker, scrub

# On PostgreSQL too: a post's queue row is claimed and retried across transactions.
pytestmark = pytest.mark.both_databases


def test_phone_numbers_in_every_shape_are_taken_out() -> None:
    for number in (
        "333 123 4567",
        "+39 333 1234567",
        "0039 0522 456789",
        "0522/456789",
        "3331234567",
        "333.123.45.67",
        "+44 20 7946 0958",
    ):
        text = scrub(f"chiamate il {number} grazie")
        assert text == f"chiamate il {PHONE_GONE} grazie", number


def test_dates_times_and_references_stay() -> None:
    text = "sabato 28/11 alle 10:30, civico 12, segnalazione B-4821, anno 2026"
    assert scrub(text) == text


def test_emails_and_names_are_taken_out() -> None:
    text = scrub(
        "Mi chiamo Giovanna Bianchi, scrivete a giovanna.b@example.org. Mia figlia Anna lavora. "
        "Sono sola. La signora Rossi del piano di sopra e Tommaso sanno.",
        names=("Tommaso", None),
    )
    assert text == (
        f"Mi chiamo {NAME_GONE}, scrivete a {EMAIL_GONE}. Mia figlia {NAME_GONE} lavora. "
        f"Sono sola. La signora {NAME_GONE} del piano di sopra e {NAME_GONE} sanno."
    )


def test_the_marker_names_the_reference() -> None:
    assert marker("B-4821") == "[Portineria B-4821]"
