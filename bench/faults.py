"""Faults under steady load: PostgreSQL stopped and started, Redis gone and back; nothing lost.

    python -m bench faults [--rate N] [--outage S] [--steady S] [--json]

Starts its own PostgreSQL (initdb and pg_ctl from /usr/lib/postgresql/*/bin, in a temporary
folder, on a free port, as the `postgres` user when run as root) and its own Redis, so that it
can stop them: the machine's shared servers are never touched. `portineria serve --workers 2`
runs on them, every channel pointed at the fakes of the tests. A driver in this process sends
--rate messages a second (Telegram updates and signed WhatsApp messages from 300 residents,
each message once) and, as the providers do, retries any answer other than 200 (a 503, an
error, a refused connection) every second until it gets a 200. The timeline: --steady seconds
of load; PostgreSQL stopped for --outage seconds, then started; --steady seconds; Redis
stopped for --outage seconds, then started; --steady seconds; then the driver finishes its
retries and the outbox drains. It prints the answers seen while each server was down, the
seconds from its restart to the first message answered 200 and the first reply sent again,
and what /readyz answered halfway through each outage; then it checks that every
message sent is in message_log exactly once (lost, duplicated) and that every reply queued
reached the fake providers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.live import (
    Call,
    conditions,
    fakes,
    portineria_serve,
    prepare_database,
    private_redis,
    server_environment,
    serving,
    telegram_call,
    twilio_call,
    wait_until,
)
from tests.support.processes import free_port

WORKERS = 2
RESIDENTS = 300
RETRY_EVERY = 1.0  # seconds between a provider's retries (Telegram and Twilio back off more)


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of our own in a temporary folder, started and stopped at will."""

    folder: Path
    port: int
    bin: Path

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *argv: str) -> None:
        command = [str(self.bin / argv[0]), *argv[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.folder / "data"), "-A", "trust", "-U", "postgres")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        log = str(self.folder / "server.log")
        data = str(self.folder / "data")
        self._run("pg_ctl", "-D", data, "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """initdb, start; stopped and removed afterwards."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not found:
        sys.exit("PostgreSQL's server binaries are needed (apt-get install postgresql)")
    with tempfile.TemporaryDirectory(prefix="portineria-pg-") as folder:
        server = PrivatePostgres(Path(folder), free_port(), Path(found[-1]))
        server.init()
        server.start()
        try:
            yield server
        finally:
            with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
                server.stop()


@dataclass
class Driver:
    """Sends each call until it is answered 200, retrying like a provider; records answers."""

    client: httpx.AsyncClient
    answers: list[tuple[float, int]] = field(default_factory=list)  # (when, status; 0 = no answer)
    attempts: Counter[str] = field(default_factory=Counter)
    pending: set[str] = field(default_factory=set)

    async def deliver(self, call: Call) -> None:
        self.pending.add(call.key)
        while True:
            self.attempts[call.key] += 1
            try:
                answer = await self.client.post(call.path, content=call.body, headers=call.headers)
                status = answer.status_code
            except httpx.TransportError:
                status = 0
            self.answers.append((time.monotonic(), status))
            if status == 200:
                self.pending.discard(call.key)
                return
            await asyncio.sleep(RETRY_EVERY)

    def between(self, start: float, end: float) -> Counter[int]:
        """Answers by status received in [start, end)."""
        return Counter(status for when, status in self.answers if start <= when < end)

    def first_ok_after(self, moment: float) -> float | None:
        """Seconds from `moment` to the first 200 after it."""
        later = [when for when, status in self.answers if when >= moment and status == 200]
        return round(min(later) - moment, 2) if later else None


def calls(count: int) -> list[Call]:
    """Messages from RESIDENTS residents in turn: Telegram, or WhatsApp (70 a second allowed)."""
    made = []
    for index in range(count):
        resident = index % RESIDENTS
        text = ("ciao", "4", "0", "orari")[(index // RESIDENTS) % 4]
        if resident % 2 == 0:
            made.append(telegram_call(900_000_000 + index, 600_000_000 + resident, text))
        else:
            made.append(twilio_call(f"SM{index:032x}", f"whatsapp:+39347{resident:07d}", text))
    return made


async def drive(
    base: str, rate: float, plan: list[Call], timeline: dict[str, Any], args: argparse.Namespace
) -> Driver:
    """Send `plan` at `rate` a second while `timeline` stops and starts the servers."""
    limits = httpx.Limits(max_connections=100)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        driver = Driver(client)
        started = time.monotonic()
        faults = asyncio.create_task(run_timeline(timeline, args))
        tasks = []
        for index, call in enumerate(plan):
            await asyncio.sleep(max(0.0, started + index / rate - time.monotonic()))
            tasks.append(asyncio.create_task(driver.deliver(call)))
        await faults
        _done, unanswered = await asyncio.wait(tasks, timeout=300)
        for task in unanswered:  # reported as never answered 200 (driver.pending)
            task.cancel()
    return driver


async def run_timeline(timeline: dict[str, Any], args: argparse.Namespace) -> None:
    """Steady, PostgreSQL down and up, steady, Redis down and up, steady."""
    postgres, redis = timeline["postgres"], timeline["redis"]
    for name, stop, start in (
        ("postgres", postgres.stop, postgres.start),
        ("redis", redis.stop, redis.start),
    ):
        await asyncio.sleep(args.steady)
        timeline[f"{name}_down"] = time.monotonic()
        await asyncio.to_thread(stop)
        await asyncio.sleep(args.outage / 2)
        ready = await asyncio.to_thread(httpx.get, timeline["base"] + "/readyz", timeout=10)
        timeline[f"{name}_readyz"] = ready.status_code
        await asyncio.sleep(args.outage / 2)
        await asyncio.to_thread(start)
        timeline[f"{name}_up"] = time.monotonic()
    await asyncio.sleep(args.steady)


def check_store(url: str, plan: list[Call]) -> dict[str, Any]:
    """Lost and duplicated messages in message_log; replies queued, sent, still open."""
    import asyncpg

    async def query() -> dict[str, Any]:
        connection = await asyncpg.connect(url)
        try:
            rows = await connection.fetch(
                "SELECT provider_message_id, count(*) AS n FROM message_log "
                "WHERE direction = 'in' GROUP BY provider_message_id"
            )
            stored = {row["provider_message_id"]: row["n"] for row in rows}
            statuses = dict(
                await connection.fetch("SELECT status, count(*) FROM deliveries GROUP BY status")
            )
            reasons = await connection.fetch(
                "SELECT status, error, count(*) FROM deliveries "
                "WHERE status IN ('failed', 'skipped') GROUP BY status, error"
            )
        finally:
            await connection.close()
        keys = [call.key for call in plan]
        return {
            "sent": len(keys),
            "lost": sum(1 for key in keys if key not in stored),
            "lost_keys": [key for key in keys if key not in stored][:10],
            "duplicates": sum(1 for key in keys if stored.get(key, 0) > 1),
            "replies_queued": sum(statuses.values()),
            "replies_sent": statuses.get("sent", 0),
            "replies_open": statuses.get("pending", 0) + statuses.get("sending", 0),
            "replies_failed": statuses.get("failed", 0) + statuses.get("skipped", 0),
            "failure_reasons": {f"{r[0]}: {r[1]}": r[2] for r in reasons},
        }

    return asyncio.run(query())


def main(argv: list[str]) -> None:
    """Run the timeline and print the figures; with --json the last line is one JSON object."""
    parser = argparse.ArgumentParser(prog="python -m bench faults")
    parser.add_argument("--rate", type=float, default=20, help="messages a second")
    parser.add_argument("--outage", type=float, default=10, help="seconds each server is down")
    parser.add_argument("--steady", type=float, default=10, help="seconds of load around them")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    total = int(args.rate * (3 * args.steady + 2 * args.outage + 4))
    plan = calls(total)
    with private_postgres() as postgres, private_redis() as redis, fakes() as (tg, tw):
        print(
            f"faults: {conditions('postgresql (private)')} workers={WORKERS} rate={args.rate}/s "
            f"outage={args.outage}s messages={total}",
            flush=True,
        )
        env = server_environment((postgres.url, None), tg, tw, redis.url)
        prepare_database(env)
        port = free_port()
        log = Path(tempfile.gettempdir()) / f"portineria-faults-{os.getpid()}.log"
        print(f"  server log: {log}", flush=True)
        with serving(portineria_serve(port, WORKERS), env, port, log):
            base = f"http://127.0.0.1:{port}"
            timeline: dict[str, Any] = {"postgres": postgres, "redis": redis, "base": base}
            driver = asyncio.run(drive(base, args.rate, plan, timeline, args))

            def drained() -> bool:
                figures = check_store(postgres.url, plan)
                return figures["replies_open"] == 0

            wait_until(drained, "the outbox to drain", timeout=300)
            figures = check_store(postgres.url, plan)
        sends = [r.at for r, a in tg.exchanges if a.status == 200 and "/send" in r.path]
        sends += [r.at for r, a in tw.exchanges if a.status == 201]
    result = report(driver, timeline, figures, sorted(sends))
    if args.json:
        print(json.dumps(result))


def report(
    driver: Driver, timeline: dict[str, Any], figures: dict[str, Any], sends: list[float]
) -> dict[str, Any]:
    """Print the figures; returns them. `sends`: when the fakes accepted each message."""
    at_fakes = len(sends)
    result: dict[str, Any] = {**figures, "replies_at_fakes": at_fakes}
    for name in ("postgres", "redis"):
        down, up = timeline[f"{name}_down"], timeline[f"{name}_up"]
        recovered = driver.first_ok_after(up)
        seen = driver.between(down, up + (recovered or 0))
        sent_while_down = sum(1 for at in sends if down <= at < up)
        sending_again = next((round(at - up, 2) for at in sends if at >= up), None)
        result[name] = {
            "answers_while_down": {str(status): n for status, n in sorted(seen.items())},
            "recovered_after_s": recovered,
            "replies_sent_while_down": sent_while_down,
            "sending_again_after_s": sending_again,
            "readyz_while_down": timeline[f"{name}_readyz"],
        }
        answers = ", ".join(f"{status or 'no answer'}: {n}" for status, n in sorted(seen.items()))
        print(
            f"  {name} down {up - down:.1f} s: answers while down ({answers}); "
            f"first 200 {recovered} s after the restart; replies sent while down "
            f"{sent_while_down}, sending again {sending_again} s after the restart; /readyz "
            f"while down {timeline[f'{name}_readyz']}",
            flush=True,
        )
    retried = sum(1 for n in driver.attempts.values() if n > 1)
    result["retried_messages"] = retried
    result["never_answered_200"] = len(driver.pending)
    if driver.pending:
        print(f"  never answered 200 within 300 s: {len(driver.pending)}", flush=True)
    print(
        f"  messages sent {figures['sent']}, retried {retried}; lost {figures['lost']}, "
        f"duplicates {figures['duplicates']}; replies queued {figures['replies_queued']}, "
        f"sent {figures['replies_sent']}, failed or skipped {figures['replies_failed']}, "
        f"received by the fakes {at_fakes}",
        flush=True,
    )
    if figures["lost_keys"]:
        print(f"    lost (first ten): {', '.join(figures['lost_keys'])}", flush=True)
    for reason, count in figures["failure_reasons"].items():
        print(f"    {count} x {reason}", flush=True)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
