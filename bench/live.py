"""What the load and fault benchmarks share: a real server, its fakes, private Redis, signed calls.

Nothing here touches the machine's shared PostgreSQL or Redis beyond a schema of its own in
the database `test`: a Redis the benchmark can stop is started for it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.telegram import TOKEN, FakeTelegram  # noqa: E402
from tests.fakes.twilio import (  # noqa: E402
    ACCOUNT_SID,
    AUTH_TOKEN,
    SMS_FROM,
    WHATSAPP_FROM,
    FakeTwilio,
    sign,
)
from tests.support.postgres import temporary_schema  # noqa: E402
from tests.support.processes import PORTINERIA, environment, free_port, portineria  # noqa: E402

POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
PUBLIC_URL = "https://portineria.example.org"
TELEGRAM_SECRET = "bench-secret-token"


def conditions(database: str) -> str:
    """One line on the machine: cores, load average, database."""
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"cores={os.cpu_count()} load_average=[{load}] database={database}"


def wait_until(condition: Callable[[], bool], what: str, *, timeout: float = 120) -> None:
    """Poll `condition` until true; fail loudly after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.1)


def answers(url: str) -> bool:
    """Whether GET url answers 200."""
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def private_redis() -> Iterator[RedisProcess]:
    """A Redis of our own on a free port, with no persistence: the benchmark may stop it."""
    process = RedisProcess(free_port())
    process.start()
    try:
        yield process
    finally:
        process.stop()


@dataclass
class RedisProcess:
    """redis-server on a loopback port, started and stopped at will."""

    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            sys.exit("redis-server is needed (apt-get install redis-server)")
        self.process = subprocess.Popen(
            [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_until(self._up, "redis-server")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def _up(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_timeout=1).ping())
        except redis.RedisError:
            return False


@contextmanager
def postgres_schema(url: str = POSTGRES) -> Iterator[tuple[str, str]]:
    """(database URL, a fresh schema in it), the schema dropped afterwards."""
    with temporary_schema(url, "bench") as schema:
        yield url, schema


@contextmanager
def sqlite_file() -> Iterator[tuple[str, None]]:
    """(a new SQLite file's URL, no schema), in a temporary folder removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="portineria-bench-") as folder:
        yield f"sqlite:///{folder}/portineria.db", None


@contextmanager
def fakes() -> Iterator[tuple[FakeTelegram, FakeTwilio]]:
    """The Telegram and Twilio fakes of the tests, serving in this process."""
    with FakeTelegram() as telegram, FakeTwilio() as twilio:
        yield telegram, twilio


def server_environment(
    database: tuple[str, str | None],
    telegram: FakeTelegram,
    twilio: FakeTwilio,
    redis_url: str,
    **extra: str,
) -> dict[str, str]:
    """Every channel pointed at the fakes, shared budgets in `redis_url`, quiet logs."""
    return environment(
        database,
        PORTINERIA_PUBLIC_URL=PUBLIC_URL,
        PORTINERIA_REDIS_URL=redis_url,
        PORTINERIA_TELEGRAM_TOKEN=TOKEN,
        PORTINERIA_TELEGRAM_SECRET_TOKEN=TELEGRAM_SECRET,
        PORTINERIA_TELEGRAM_API_URL=telegram.url,
        PORTINERIA_TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        PORTINERIA_TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        PORTINERIA_TWILIO_SMS_FROM=SMS_FROM,
        PORTINERIA_TWILIO_WHATSAPP_FROM=WHATSAPP_FROM,
        PORTINERIA_TWILIO_API_URL=twilio.url,
        PORTINERIA_LOG_LEVEL="WARNING",
        PORTINERIA_SECRET_KEY="bench-" + "k" * 40,
        **extra,
    )


def prepare_database(env: dict[str, str]) -> None:
    """Migrate and load the demo (events and Case for the menu's answers)."""
    for command in (("db", "upgrade"), ("demo-data",)):
        done = portineria(*command, env=env)
        if done.returncode != 0:
            raise RuntimeError(f"portineria {' '.join(command)}: {done.stderr}")


@contextmanager
def serving(
    argv: list[str], env: dict[str, str], port: int, log: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """A server process started with `argv`, up when the block starts, stopped after it;
    its standard error goes to `log` (else to ours)."""
    stderr = log.open("ab") if log else None
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{port}/livez"), "the server to start")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if stderr:
            stderr.close()


def portineria_serve(port: int, workers: int, *, web_only: bool = False) -> list[str]:
    """`portineria serve` on `port` with `workers` processes."""
    command = [PORTINERIA, "serve", "--port", str(port), "--workers", str(workers)]
    return [*command, "--web-only"] if web_only else command


@dataclass
class Workers:
    """`portineria worker` child processes, their output in a log file each."""

    env: dict[str, str]
    logs: Path
    nice: int = 0  # above 0: below the web server's priority, as in production (see README)
    running: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self) -> subprocess.Popen[bytes]:
        log = (self.logs / f"worker-{len(self.running)}.log").open("wb")
        command = [PORTINERIA, "worker"]
        if self.nice:
            command = ["nice", "-n", str(self.nice), *command]
        process = subprocess.Popen(command, env=self.env, stdout=log, stderr=log)
        self.running.append(process)
        return process

    def stop(self) -> None:
        for process in self.running:
            process.terminate()
        for process in self.running:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.running.clear()


@dataclass(frozen=True)
class Call:
    """One signed webhook call as a provider makes it."""

    path: str
    headers: dict[str, str]
    body: bytes
    sender: str  # the chat id or number: which resident
    key: str  # update_id or MessageSid: what the provider retries by

    def raw(self, host: str) -> bytes:
        """The whole HTTP/1.1 request, as wrk sends it."""
        lines = [f"POST {self.path} HTTP/1.1", f"Host: {host}"]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


def telegram_call(update_id: int, chat_id: int, text: str) -> Call:
    """A Telegram text message update with the secret-token header."""
    user = {"id": chat_id, "is_bot": False, "first_name": "Bench", "language_code": "it"}
    update = {
        "update_id": update_id,
        "message": {
            "message_id": update_id % 1_000_000,
            "date": 1795593600,
            "from": user,
            "chat": {"id": chat_id, "first_name": "Bench", "type": "private"},
            "text": text,
        },
    }
    headers = {
        "Content-Type": "application/json",
        "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
    }
    body = json.dumps(update).encode()
    return Call("/webhooks/telegram", headers, body, str(chat_id), str(update_id))


def twilio_call(sid: str, sender: str, text: str) -> Call:
    """A Twilio SMS or WhatsApp message, signed against PUBLIC_URL as Twilio signs it."""
    fields = {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": sender,
        "To": WHATSAPP_FROM if sender.startswith("whatsapp:") else SMS_FROM,
        "Body": text,
        "NumMedia": "0",
        "ApiVersion": "2010-04-01",
    }
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": sign(PUBLIC_URL + "/webhooks/twilio", fields),
    }
    return Call("/webhooks/twilio", headers, urlencode(fields).encode(), sender, sid)
