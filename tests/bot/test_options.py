"""The option matcher: numbers, names, fuzzy parts, ordinals, day and time, yes and no."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.options import Match, by_place, by_time, match_option, ordinal, yes_or_no

ROME = ZoneInfo("Europe/Rome")
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=ROME)  # a Monday
CASE = ["Ospizio", "Rosta Nuova", "Orologio", "Santa Croce", "Pieve Modolena", "Buco Magico"]
KEYS = [f"casa:{i}" for i in range(len(CASE))]


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("ospizio", 0),
        ("OSPIZIO", 0),
        ("santa kroce", 3),
        ("vorrei la casa di quartiere di ospizio", 0),
        ("la 3", 2),
        ("la terza", 2),
        ("the second one", 1),
        ("третя", 2),
        ("الثانية", 1),
        ("第二个", 1),
        ("a doua", 1),
        ("e treta", 2),
        ("l'ultima", 5),
    ],
)
def test_a_list_takes_names_and_ordinals(text: str, index: int) -> None:
    assert match_option(text, KEYS, CASE) == Match(index)


def test_words_that_fit_two_options_equally_ask_which_one() -> None:
    assert match_option("ospizio o orologio", KEYS, CASE) == Match(candidates=(0, 2))
    tie = match_option("santa", ["a", "b"], ["Santa Croce", "Santa Maria"])
    assert tie == Match(candidates=(0, 1))


def test_nothing_matches_nonsense_or_a_long_message_outside_a_form() -> None:
    assert match_option("abc", KEYS, CASE) == Match()
    assert match_option("prima vorrei sapere gli orari della casa", KEYS, CASE, in_form=False) == (
        Match()
    )


@pytest.mark.parametrize(
    "text",
    [
        "si grazie",
        "sì grazie",
        "va bene",
        "ok",
        "certo",
        "yes please",
        "так",
        "نعم",
        "好的",
        "da",
        "po",
        "Sì, confermo",
        "اه",  # Darija, as an Arabic-speaking mother types it
        "واخا",
        "wakha",
    ],
)
def test_yes_variants(text: str) -> None:
    assert yes_or_no(text) is True
    assert match_option(text, ["yes", "no"], ["Sì", "No"]) == Match(0)


@pytest.mark.parametrize("text", ["no grazie", "no", "ні", "لا", "不好", "nu", "jo"])
def test_no_variants(text: str) -> None:
    assert yes_or_no(text) is False


def test_an_ordinal_beyond_the_list_is_nothing() -> None:
    assert ordinal("la settima", 3) is None


def test_day_and_time_pick_a_slot() -> None:
    times = [
        datetime(2026, 12, 9, 10, 0, tzinfo=ROME),
        datetime(2026, 12, 9, 11, 0, tzinfo=ROME),
        datetime(2026, 12, 10, 10, 0, tzinfo=ROME),
        datetime(2026, 12, 10, 15, 0, tzinfo=ROME),
    ]
    assert by_time("mercoledi alle 10", times, NOW) == Match(0)
    assert by_time("mercoledì", times, NOW) == Match(candidates=(0, 1))
    assert by_time("giovedì pomeriggio", times, NOW) == Match(3)
    assert by_time("alle 11", times, NOW) == Match(1)
    assert by_time("thursday at 3", times, NOW) == Match(3)
    assert by_time("venerdì", times, NOW) == Match()


def test_a_place_read_by_the_gazetteer_picks_its_label() -> None:
    labels = ["Buco del Signore", "Ospizio", "Santa Croce"]
    assert by_place("Ospizio", labels).index == 1  # "Оспіціо", "أوسبيتسيو" as the NLU reads them
    assert by_place("Orologio", labels).index is None
    assert by_place(None, labels).index is None


def test_a_yes_to_the_times_of_one_day_takes_the_soonest() -> None:
    wednesday = [datetime(2026, 12, 9, hour, 0, tzinfo=ROME) for hour in (9, 10, 11)]
    now = datetime(2026, 12, 7, 10, 0, tzinfo=ROME)
    keys = ["slot:1", "slot:2", "slot:3"]
    assert match_option("si", keys, [], times=wednesday, now=now) == Match(0)
    two_days = [*wednesday[:2], datetime(2026, 12, 10, 9, 0, tzinfo=ROME)]
    assert match_option("si", keys, [], times=two_days, now=now) == Match()
