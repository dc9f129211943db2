"""`portineria serve` as a real process, spoken to over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.channels import require_redis
from tests.support.processes import ON_POSTGRES, environment, portineria, serving

# One worker runs the whole module, so its server starts once.
pytestmark = [pytest.mark.processes, pytest.mark.xdist_group("serve")]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One `portineria serve` on a new SQLite file for the module's read-only checks."""
    folder = tmp_path_factory.mktemp("serve")
    env = environment((f"sqlite+aiosqlite:///{folder / 'portineria.db'}", None))
    assert portineria("db", "upgrade", env=env).returncode == 0
    with serving(env, folder / "serve.log") as base:
        yield base


def test_health_checks_the_database(server: str) -> None:
    answer = httpx.get(f"{server}/health")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok"}


def test_openapi_docs_are_served(server: str) -> None:
    assert httpx.get(f"{server}/docs").status_code == 200
    assert "/health" in httpx.get(f"{server}/openapi.json").json()["paths"]


@ON_POSTGRES
def test_several_workers_share_the_port(database: tuple[str, str | None], tmp_path: Path) -> None:
    redis_url = asyncio.run(require_redis())
    env = environment(database, PORTINERIA_REDIS_URL=redis_url)
    assert portineria("db", "upgrade", env=env).returncode == 0
    with serving(env, tmp_path / "serve.log", "--workers", "2") as base:
        answers = [httpx.get(f"{base}/readyz") for _ in range(20)]
    assert {a.status_code for a in answers} == {200}
    assert all(len(a.headers["x-request-id"]) == 32 for a in answers)


@pytest.mark.parametrize(
    "command",
    [("serve", "--workers", "2"), ("serve", "--web-only"), ("worker",)],
    ids=["workers", "web-only", "worker"],
)
def test_sqlite_is_one_process(tmp_path: Path, command: tuple[str, ...]) -> None:
    env = environment((f"sqlite+aiosqlite:///{tmp_path / 'p.db'}", None))
    env["PORTINERIA_REDIS_URL"] = "redis://127.0.0.1:6379/0"  # no way around it, not even Redis
    done = portineria(*command, env=env)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "use PostgreSQL" in done.stderr
