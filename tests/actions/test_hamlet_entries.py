"""Hamlet's calendar entries read as events: zones, all-day days, plain text, bad entries."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from actions.hamlet_entries import BadEntry, plain_text, read_entry

ROME, UTC = ZoneInfo("Europe/Rome"), ZoneInfo("UTC")


def entry(start: str, end: str, **extra: object) -> dict[str, object]:
    return {"id": 5, "title": "Coro", "start_datetime": start, "end_datetime": end, **extra}


def test_a_timed_entry_is_in_the_servers_zone_whatever_its_authors() -> None:
    raw = entry("2026-11-26 17:00:00", "2026-11-26 18:30:00", time_zone="Asia/Tokyo")
    read = read_entry(raw, server_zone=UTC, local_zone=ROME)
    assert read.starts_at == datetime(2026, 11, 26, 18, tzinfo=ROME)
    assert read.ends_at == datetime(2026, 11, 26, 19, 30, tzinfo=ROME) and not read.all_day


@pytest.mark.parametrize("end", ["2026-11-29 00:00:00", "2026-11-28 23:59:00"])
def test_all_day_entries_are_days_in_the_city_new_and_old_style(end: str) -> None:
    read = read_entry(
        entry("2026-11-28 00:00:00", end, all_day=1), server_zone=UTC, local_zone=ROME
    )
    assert read.all_day
    assert (read.starts_at, read.ends_at) == (
        datetime(2026, 11, 28, tzinfo=ROME),
        datetime(2026, 11, 29, tzinfo=ROME),
    )


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (entry("2026-02-30 10:00:00", "2026-02-30 11:00:00"), "start_datetime"),
        ({"id": 5, "title": "Coro"}, "start_datetime"),
        (entry("2026-11-26 10:00:00", "26/11/2026 11:00"), "end_datetime"),
        (entry("2026-11-26 10:00:00", "2026-11-26 09:00:00"), "ends before"),
        (entry("2026-11-26 10:00:00", "2026-11-26 11:00:00", title="  "), "no title"),
        ({"title": "Coro"}, "without an id"),
    ],
)
def test_bad_entries_say_why(raw: dict[str, object], why: str) -> None:
    with pytest.raises(BadEntry, match=why):
        read_entry(raw, server_zone=ROME, local_zone=ROME)


def test_markdown_and_html_become_one_plain_line_cut_at_a_word() -> None:
    markup = (
        "# Festa\n**Porta** un _dolce_ e [iscriviti](https://hamlet/x)! ![foto](/f.jpg)\n"
        "<p>Ci vediamo &amp; balliamo</p>\n- musica\n> dal vivo"
    )
    assert plain_text(markup, 300) == (
        "Festa Porta un dolce e iscriviti! Ci vediamo & balliamo musica dal vivo"
    )
    cut = plain_text("parola " * 100, 40)
    assert len(cut) <= 40 and cut.endswith("parola...")
