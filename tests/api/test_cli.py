"""The `portineria` command as operators and scripts use it, in real child processes."""

from __future__ import annotations

import pytest

from tests.support.processes import chat_jsonl, environment, portineria

# One worker runs the whole module, so its demo database is made once.
pytestmark = [pytest.mark.processes, pytest.mark.xdist_group("cli")]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, nlu: object) -> dict[str, str]:
    """One migrated SQLite database with demo data for the module (each test writes as a
    resident of its own); the `nlu` fixture has trained the model."""
    database = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('cli') / 'portineria.db'}"
    env = environment((database, None))
    assert portineria("db", "upgrade", env=env).returncode == 0
    loaded = portineria("demo-data", env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "admin@demo.portineria.it  password: " in loaded.stdout
    return env


def test_scripted_chat_answers_ciao_with_the_menu(env: dict[str, str]) -> None:
    [turn] = chat_jsonl(["ciao"], env=env, sender="+393331234567")
    assert turn["in"] == "ciao"
    [reply] = turn["out"]
    assert "Come posso aiutare? Scriva il numero." in reply["text"]
    assert reply["options"][:4] == [
        "Eventi e attività",
        "Prenotare aiuto per lo SPID",
        "Segnalare un bisogno",
        "Orari e indirizzi delle Case",
    ]


def test_a_conversation_continues_across_two_invocations(env: dict[str, str]) -> None:
    [asked] = chat_jsonl(["4"], env=env, sender="+393339999999")
    options = asked["out"][0]["options"]
    number = options.index("Orologio") + 1
    [answered] = chat_jsonl([str(number)], env=env, sender="+393339999999")
    assert "Via Massenet 19" in answered["out"][0]["text"]


def test_demo_data_twice_keeps_one_copy(env: dict[str, str]) -> None:
    again = portineria("demo-data", "--if-empty", env=env)
    assert again.returncode == 0 and "already present" in again.stdout


def test_demo_residents_in_bulk(env: dict[str, str]) -> None:
    done = portineria("demo-data", "--residents", "300", env=env)
    assert done.returncode == 0, done.stderr
    assert "Added 300 demo residents." in done.stdout


def test_bad_settings_give_one_clear_line(database: tuple[str, str | None]) -> None:
    done = portineria("db", "upgrade", env=environment(database, PORTINERIA_TIMEZONE="Mars/Base"))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "PORTINERIA_TIMEZONE" in done.stderr
    done = portineria("chat", env=environment(("mysql://x@y/z", None)))
    assert done.returncode == 2
    assert "PORTINERIA_DATABASE_URL" in done.stderr and "Traceback" not in done.stderr


def test_unreachable_database_gives_one_line(tmp_path: object) -> None:
    url = "postgresql+asyncpg://nobody@127.0.0.1:1/none"
    done = portineria("db", "upgrade", env=environment((url, None)), timeout=60)
    assert done.returncode == 2
    assert "cannot use the database" in done.stderr and "Traceback" not in done.stderr


# On PostgreSQL too: a missing table aborts the transaction there (the check's savepoint).
@pytest.mark.both_databases
def test_chat_refuses_an_unmigrated_database(database: tuple[str, str | None]) -> None:
    done = portineria("chat", "--jsonl", env=environment(database), stdin="ciao\n")
    assert done.returncode == 2 and "portineria db upgrade" in done.stderr


def test_unknown_channel_is_refused(env: dict[str, str]) -> None:
    done = portineria("chat", "--channel", "fax", env=env)
    assert done.returncode == 2 and "--channel must be one of" in done.stderr


def test_staff_lifecycle_from_the_command_line(database: tuple[str, str | None]) -> None:
    """Issue 21.5: staff disable / enable / reset-password / revoke-token."""
    env = environment(database)
    assert portineria("db", "upgrade", env=env).returncode == 0
    created = portineria("staff", "create", "anna@comune.it", "--role", "admin", env=env)
    assert created.returncode == 0, created.stderr
    old = created.stdout.rsplit(" ", 1)[-1].strip()
    assert portineria("staff", "token", "anna@comune.it", env=env).returncode == 0
    for command, said in (
        ("disable", "anna@comune.it: disabled (sessions ended, API token revoked)"),
        ("enable", "anna@comune.it: enabled"),
        ("revoke-token", "anna@comune.it: API token revoked"),
    ):
        done = portineria("staff", command, "anna@comune.it", env=env)
        assert (done.returncode, done.stdout.strip()) == (0, said), done.stderr
    reset = portineria("staff", "reset-password", "anna@comune.it", env=env)
    assert reset.returncode == 0 and reset.stdout.startswith("anna@comune.it new password: ")
    assert reset.stdout.rsplit(" ", 1)[-1].strip() not in ("", old)
    unknown = portineria("staff", "disable", "nessuno@comune.it", env=env)
    assert unknown.returncode != 0 and "nessuno@comune.it" in unknown.stderr
    assert "Traceback" not in unknown.stderr
