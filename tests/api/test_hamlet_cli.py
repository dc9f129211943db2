"""`portineria hamlet` and `casa hamlet` as processes, against the fake HumHub over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.fakes.humhub import TOKEN, Entry, FakeHumHub
from tests.support.processes import chat_jsonl, environment, eventually, portineria, serving

ROME = ZoneInfo("Europe/Rome")
CONTAINER = 7


@pytest.fixture
def humhub() -> Iterator[FakeHumHub]:
    """A HumHub whose system zone is UTC, with a space for Rosta Nuova."""
    with FakeHumHub(system_zone="UTC") as fake:
        fake.add_space(3, "Casa di Quartiere Rosta Nuova", CONTAINER)
        fake.add_space(4, "Orti urbani", 12)
        yield fake


@pytest.fixture
def env(database: tuple[str, str | None], nlu: object, humhub: FakeHumHub) -> dict[str, str]:
    """A migrated demo database, Hamlet pointing at the fake (its zone: UTC)."""
    extra = {
        "PORTINERIA_HAMLET_URL": humhub.url,
        "PORTINERIA_HAMLET_TOKEN": TOKEN,
        "PORTINERIA_HAMLET_TIMEZONE": "UTC",
    }
    if database[1]:  # PostgreSQL: `serve` runs the scheduled jobs with Redis only
        extra["PORTINERIA_REDIS_URL"] = "redis://127.0.0.1:6379/12"
    env = environment(database, **extra)
    assert portineria("db", "upgrade", env=env).returncode == 0
    assert portineria("demo-data", env=env).returncode == 0
    return env


def test_commands_need_hamlet_configured(database: tuple[str, str | None]) -> None:
    done = portineria("hamlet", "sync", env=environment(database))
    assert done.returncode == 2 and "PORTINERIA_HAMLET_URL" in done.stderr


async def test_sync_brings_events_in_and_a_shared_need_is_posted(
    env: dict[str, str], humhub: FakeHumHub, tmp_path: Path
) -> None:
    # The process reads the wall clock: the entry is tomorrow at 16:00 in Reggio Emilia,
    # typed in by an author in New York.
    tomorrow = datetime.now(UTC).astimezone(ROME).date() + timedelta(days=1)
    at_16 = datetime.combine(tomorrow, datetime.min.time(), tzinfo=ROME).replace(hour=16)
    in_new_york = at_16.astimezone(ZoneInfo("America/New_York")).replace(tzinfo=None)
    humhub.spaces[CONTAINER].entries = [
        Entry(
            1,
            "Merenda con i vicini",
            in_new_york,
            in_new_york + timedelta(hours=2),
            zone="America/New_York",
            description="**Porta** una torta!",
        ),
    ] + [
        Entry(
            10 + i,
            f"Corso {i}",
            in_new_york + timedelta(days=2 + i % 9),
            in_new_york + timedelta(days=2 + i % 9, hours=1),
        )
        for i in range(70)
    ]

    spaces = portineria("hamlet", "spaces", "--json", env=env)
    assert spaces.returncode == 0, spaces.stderr
    listed = json.loads(spaces.stdout.splitlines()[-1])["spaces"]
    assert [(s["name"], s["contentcontainer_id"]) for s in listed] == [
        ("Casa di Quartiere Rosta Nuova", CONTAINER),
        ("Orti urbani", 12),
    ]
    linked = portineria("casa", "hamlet", "Rosta Nuova", "--container-id", str(CONTAINER), env=env)
    assert linked.returncode == 0 and "Hamlet container 7" in linked.stdout
    listing = portineria("casa", "list", env=env)
    assert "\tRosta Nuova\tRosta Nuova\t-\thamlet:7" in listing.stdout

    synced = portineria("hamlet", "sync", "--json", env=env)
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout.splitlines()[-1]) == {
        "spaces": 1,
        "created": 71,
        "updated": 0,
        "removed": 0,
        "errors": [],
    }
    [turn] = chat_jsonl(["eventi domani a Rosta Nuova"], env=env, sender="+393330000001")
    text = turn["out"][0]["text"]
    assert "Merenda con i vicini\n" in text and ", 16:00\nCasa di Quartiere Rosta Nuova" in text

    sender = "+393331112233"
    need = ["menu", "3", "1", "Sono sola, chiamate il 3331112233 per la spesa del sabato"]
    turns = chat_jsonl([*need, "5", "1", "1"], env=env, sender=sender)
    assert "Hamlet" in turns[-2]["out"][0]["text"]
    reference = turns[-1]["out"][0]["text"].split("numero ")[1].split(".")[0]
    with serving(env, tmp_path / "serve.log") as base:  # its scheduled jobs post the need
        await eventually(lambda: bool(humhub.posts(CONTAINER)), what="the post", timeout=60)
        [post] = humhub.posts(CONTAINER)
        assert reference in post["message"] and "spesa del sabato" in post["message"]
        assert "3331112233" not in post["message"] and "[numero tolto]" in post["message"]

        humhub.switches.down = True
        failed = portineria("hamlet", "sync", "--json", env=env)
        assert failed.returncode == 1
        assert "503" in json.loads(failed.stdout.splitlines()[-1])["errors"][0]
        metrics = httpx.get(f"{base}/metrics").text
        assert 'portineria_hamlet_sync_failures_total{casa="Rosta Nuova"} 1.0' in metrics
