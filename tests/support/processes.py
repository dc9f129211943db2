"""Run the real `portineria` command in a child process."""

from __future__ import annotations

import asyncio
import json
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

PORTINERIA = str(Path(sys.executable).parent / "portineria")
# Several processes on one database (workers, web-only servers) are PostgreSQL's: SQLite runs
# as one process.
ON_POSTGRES = pytest.mark.parametrize(
    "database", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def environment(database: tuple[str, str | None], **extra: str) -> dict[str, str]:
    """The child's environment: this database, nothing from the developer's own setup."""
    url, schema = database
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTINERIA_")}
    env["PORTINERIA_DATABASE_URL"] = url
    env["PORTINERIA_NLU_MODEL_DIR"] = str(Path(__file__).resolve().parents[2] / "var/nlu-test")
    if schema:
        env["PORTINERIA_DATABASE_SCHEMA"] = schema
    env.update(extra)
    return env


def portineria(
    *args: str, env: dict[str, str], stdin: str = "", timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run `portineria ARGS` and capture its output."""
    return subprocess.run(
        [PORTINERIA, *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def chat_jsonl(
    lines: list[str], *, env: dict[str, str], sender: str, channel: str = "sms"
) -> list[dict[str, object]]:
    """A scripted chat: one JSON object per line sent."""
    done = portineria(
        "chat",
        "--channel",
        channel,
        "--from",
        sender,
        "--jsonl",
        env=env,
        stdin="".join(f"{line}\n" for line in lines),
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def demo_environment(folder: Path, **extra: str) -> dict[str, str]:
    """A child's environment on a new SQLite demo database in `folder`, made by the commands
    themselves (`db upgrade`, `demo-data`), as an operator would."""
    env = environment((f"sqlite+aiosqlite:///{folder / 'demo.db'}", None), **extra)
    assert portineria("db", "upgrade", env=env).returncode == 0
    assert portineria("demo-data", env=env).returncode == 0
    return env


class ChatSession:
    """One `portineria chat --jsonl` child kept running for many conversations.

    Starting the command (imports, the NLU model) costs seconds; a module's residents share
    one child and each call sends one resident's lines, one JSON object each, reading the
    answer to each before the next, as `chat_jsonl` returns them.
    """

    def __init__(self, env: dict[str, str], errors: Path, *, answer_within: float = 120) -> None:
        self.errors = errors
        self.answer_within = answer_within
        self.process = subprocess.Popen(
            [PORTINERIA, "chat", "--jsonl"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors.open("w"),
            text=True,
            bufsize=1,
        )

    def __call__(
        self, lines: list[str], *, sender: str, channel: str = "sms", language_code: str = ""
    ) -> list[dict[str, object]]:
        said: dict[str, str] = {"from": sender, "channel": channel}
        if language_code:
            said["language_code"] = language_code
        return [self._turn({**said, "text": line}) for line in lines]

    def _turn(self, said: dict[str, str]) -> dict[str, object]:
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(json.dumps(said, ensure_ascii=False) + "\n")
        stdin.flush()
        ready, _, _ = select.select([stdout], [], [], self.answer_within)
        assert ready, (
            f"no answer to {said} within {self.answer_within} s: {self.errors.read_text()}"
        )
        line = stdout.readline()
        assert line, f"the chat ended: {self.errors.read_text()}"
        turn = json.loads(line)
        assert "error" not in turn, turn
        return turn  # type: ignore[no-any-return]

    def __enter__(self) -> ChatSession:
        return self

    def __exit__(self, *_: object) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(
    env: dict[str, str], log: Path, *options: str, start_within: float = 60
) -> Iterator[str]:
    """`portineria serve [OPTIONS]` on a free port while the block runs; yields its base URL.

    Its output goes to `log`, shown when it does not answer /health in time (loading the
    NLU on a busy machine takes a while when a channel is configured).
    """
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [PORTINERIA, "serve", "--port", str(port), *options],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + start_within
            while True:
                try:
                    httpx.get(f"{base}/health", timeout=1)
                    break
                except httpx.TransportError:
                    assert process.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


@asynccontextmanager
async def serving_app(app: FastAPI, port: int | None = None) -> AsyncIterator[str]:
    """An app built in this process (e.g. on a manual clock) served by uvicorn on `port` (a
    free one by default) while the block runs; yields its base URL."""
    port = port or free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=5
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "the server did not start"
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def eventually(
    check: Callable[[], bool], *, what: str = "it", timeout: float = 60, every: float = 0.05
) -> None:
    """Wait until `check()` holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"waited too long for {what}"
        await asyncio.sleep(every)
