"""`portineria serve` as a real process, spoken to over real HTTP."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support.processes import PORTINERIA, environment, free_port, portineria


@pytest.fixture
def server(database: tuple[str, str | None]) -> Iterator[str]:
    env = environment(database)
    assert portineria("db", "upgrade", env=env).returncode == 0
    port = free_port()
    process = subprocess.Popen(
        [PORTINERIA, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/health", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("server did not start")


def test_health_checks_the_database(server: str) -> None:
    answer = httpx.get(f"{server}/health")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok"}


def test_openapi_docs_are_served(server: str) -> None:
    assert httpx.get(f"{server}/docs").status_code == 200
    assert "/health" in httpx.get(f"{server}/openapi.json").json()["paths"]
