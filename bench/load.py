"""Webhooks under load: the real server (2 uvicorn workers) against a no-op FastAPI baseline.

    python -m bench load [--duration S] [--connections N] [--residents N]
                         [--database sqlite|postgres|both] [--json]

wrk posts pre-signed webhook calls (bench/wrk_calls.lua) over loopback: Telegram updates with
the secret-token header and Twilio SMS and WhatsApp messages signed with Twilio's
RequestValidator against PORTINERIA_PUBLIC_URL, from --residents distinct residents (half on
Telegram, a quarter each on SMS and WhatsApp), each call sent once, in rounds: every resident's
first message, then every second one... The first message creates the resident (none is made
beforehand). Replies go through the outbox to the fake Telegram and Twilio of the tests,
paced by a private Redis. Each database is fresh (a temporary SQLite file; a new schema in
PostgreSQL's database `test`, dropped after) with the demo loaded. The flood guard's limit is
raised so that every message takes the whole path. Before each database, the no-op app is
measured with the same calls, worker count and log level: the ratio is the figure.
Target: >= 30% of the no-op's messages a second, p99 <= 100 ms, no error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.live import (
    ROOT,
    Call,
    Workers,
    conditions,
    fakes,
    portineria_serve,
    postgres_schema,
    prepare_database,
    private_redis,
    server_environment,
    serving,
    sqlite_file,
    telegram_call,
    twilio_call,
)
from tests.support.processes import free_port

WORKERS = 2
# PostgreSQL as in the README's production example: the web processes only store and answer;
# the workers run the turns and the sending, at a lower priority, so a burst slows the replies
# rather than the webhooks. SQLite is one `portineria serve` process that does everything, and
# its no-op baseline is one process too.
INTAKE_WORKERS, WORKER_NICE = 1, 10
SCRIPT = ROOT / "bench" / "wrk_calls.lua"
# A resident's day: greet, browse, go back, ask in words, book, thank.
MESSAGES = (
    "ciao",
    "1",
    "0",
    "quando è aperta la casa di quartiere?",
    "vorrei prenotare lo spid",
    "menu",
    "4",
    "grazie",
)
CALLS_PER_RESIDENT = 80  # more than a run sends: no call is sent twice
TARGET_RATIO, TARGET_P99_MS = 0.30, 100.0
DRAIN_LIMIT_S = 120.0  # then the end-to-end rate is read off what was answered so far


def ensure_wrk() -> str:
    """The wrk binary, installed from Debian's packages when missing."""
    found = shutil.which("wrk")
    if found is None:
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=False, capture_output=True)
        found = shutil.which("wrk")
    if found is None:
        sys.exit("wrk is needed: apt-get update && apt-get install -y wrk")
    return found


def resident_calls(residents: int, per_resident: int, first: int) -> list[Call]:
    """Calls in rounds (message k of every resident before message k+1 of any)."""
    calls = []
    for round_ in range(per_resident):
        text = MESSAGES[round_ % len(MESSAGES)]
        for resident in range(first, first + residents):
            key = round_ * 10_000_000 + resident
            # Channels by resident % 4 (Telegram, Telegram, WhatsApp, SMS): wrk's two threads
            # take alternate calls, and each gets both kinds (by resident % 2, one thread
            # sent every Telegram call and the other every Twilio one, and the figure hung
            # on which server process happened to accept which thread's connections).
            if resident % 4 < 2:
                calls.append(telegram_call(700_000_000 + key, 500_000_000 + resident, text))
            else:
                scheme = "whatsapp:" if resident % 4 == 2 else ""
                sender = f"{scheme}+39333{resident:07d}"
                calls.append(twilio_call(f"SM{key:032x}", sender, text))
    return calls


def write_calls(calls: list[Call], folder: Path, name: str) -> Path:
    """The calls as wrk_calls.lua reads them."""
    path = folder / name
    with path.open("wb") as out:
        for call in calls:
            raw = call.raw("127.0.0.1")
            out.write(f"{len(raw)}\n".encode() + raw)
    return path


def run_wrk(wrk: str, port: int, calls: Path, seconds: int, connections: int) -> dict[str, Any]:
    """One wrk run; its figures (the JSON line the script prints)."""
    done = subprocess.run(
        [wrk, "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s"]
        + ["-s", str(SCRIPT), f"http://127.0.0.1:{port}", "--", str(calls), "2"],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    elapsed = figures["duration_us"] / 1e6
    return {
        "per_second": round(figures["requests"] / elapsed, 1),
        "p50_ms": round(figures["p50_us"] / 1000, 1),
        "p99_ms": round(figures["p99_us"] / 1000, 1),
        "max_ms": round(figures["max_us"] / 1000, 1),
        "requests": figures["requests"],
        "errors": figures["status_errors"] + figures["socket_errors"],
        "wrapped": figures["wrapped"],
    }


@contextmanager
def database_for(name: str) -> Iterator[tuple[str, str | None]]:
    """A fresh database of that kind."""
    if name == "sqlite":
        with sqlite_file() as database:
            yield database
    else:
        with postgres_schema() as database:
            yield database


def answered_and_waiting(database: tuple[str, str | None]) -> tuple[int, int]:
    """Residents' messages answered (in the message log), and still waiting in the inbox."""
    from sqlalchemy import func, select

    from actions.arrivals import waiting_count
    from actions.db import create_engine, create_session_factory
    from actions.models import MessageLog
    from api.settings import async_database_url

    async def count() -> tuple[int, int]:
        url, schema = database
        engine = create_engine(async_database_url(url), schema=schema)
        try:
            async with create_session_factory(engine)() as session:
                answered = select(func.count()).where(MessageLog.direction == "in")
                return int(await session.scalar(answered) or 0), await waiting_count(session)
        finally:
            await engine.dispose()

    return asyncio.run(count())


def until_answered(database: tuple[str, str | None], before: int) -> tuple[int, int, float]:
    """Wait (at most DRAIN_LIMIT_S) for the workers to answer every stored message; how many
    were answered, how many still wait, and how long it took."""
    started = time.monotonic()
    while True:
        answered, waiting = answered_and_waiting(database)
        if waiting == 0 or time.monotonic() - started > DRAIN_LIMIT_S:
            return answered - before, waiting, time.monotonic() - started
        time.sleep(0.5)


def measure(args: argparse.Namespace, wrk: str, name: str, folder: Path) -> dict[str, Any]:
    """The no-op baseline, then Portineria on a fresh database of kind `name`."""
    calls = write_calls(resident_calls(args.residents, CALLS_PER_RESIDENT, 0), folder, "calls")
    warm = write_calls(resident_calls(200, 2, 2_000_000), folder, "warm")
    one_process = name == "sqlite"
    processes = 1 if one_process else WORKERS
    noop_port = free_port()
    noop = [sys.executable, "-m", "bench.noop", str(noop_port), str(processes)]
    with serving(noop, {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, noop_port):
        run_wrk(wrk, noop_port, warm, 2, args.connections)
        baseline = run_wrk(wrk, noop_port, calls, args.duration, args.connections)
    with fakes() as (telegram, twilio), private_redis() as redis, database_for(name) as database:
        env = server_environment(
            database, telegram, twilio, redis.url, PORTINERIA_FLOOD_PER_MINUTE="100000"
        )
        prepare_database(env)
        port = free_port()
        intakes = Workers(env, folder, nice=WORKER_NICE)
        try:
            with serving(portineria_serve(port, processes, web_only=not one_process), env, port):
                for _ in range(0 if one_process else INTAKE_WORKERS):
                    intakes.start()
                run_wrk(wrk, port, warm, 3, args.connections)
                before, _, _ = until_answered(database, 0)
                measured = run_wrk(wrk, port, calls, args.duration, args.connections)
                answered, left, drain = until_answered(database, before)
        finally:
            intakes.stop()
        # The webhooks answer once a message is stored; the turns run in the workers, during
        # the run and after it: what the same two cores answer in full, end to end.
        measured["answered"] = answered
        measured["drain_s"] = round(drain, 1)
        measured["still_waiting"] = left
        measured["answered_per_second"] = round(answered / (args.duration + drain), 1)
    ratio = measured["per_second"] / baseline["per_second"]
    return {
        "database": name,
        "processes": processes,
        "noop": baseline,
        "portineria": measured,
        "ratio": round(ratio, 3),
        "meets_target": ratio >= TARGET_RATIO
        and measured["p99_ms"] <= TARGET_P99_MS
        and measured["errors"] == 0,
    }


def describe(result: dict[str, Any]) -> str:
    """Two lines of figures for one database."""
    lines = []
    for who in ("noop", "portineria"):
        f = result[who]
        lines.append(
            f"  {who:<10} {f['per_second']:>8.1f} msg/s  p50 {f['p50_ms']:>6.1f} ms  "
            f"p99 {f['p99_ms']:>6.1f} ms  max {f['max_ms']:>7.1f} ms  errors {f['errors']}  "
            f"requests {f['requests']}"
        )
    done = result["portineria"]
    lines.append(
        f"  answered  {done['answered_per_second']:>8.1f} msg/s end to end: {done['answered']} "
        f"turns until {done['drain_s']} s after the load stopped, "
        f"{done['still_waiting']} still waiting then"
    )
    verdict = "meets" if result["meets_target"] else "misses"
    lines.append(
        f"  ratio {result['ratio']:.1%} of the no-op ({verdict} the target: >= 30%, "
        f"p99 <= 100 ms, no error)"
    )
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    """Run and print; with --json the last line is one JSON object."""
    parser = argparse.ArgumentParser(prog="python -m bench load")
    parser.add_argument("--duration", type=int, default=20, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=50, help="concurrent senders")
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    wrk = ensure_wrk()
    names = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    results = []
    with tempfile.TemporaryDirectory(prefix="portineria-load-") as folder:
        for name in names:
            print(
                f"load: {conditions(name)} workers={WORKERS} connections={args.connections} "
                f"residents={args.residents} duration={args.duration}s",
                flush=True,
            )
            result = measure(args, wrk, name, Path(folder))
            print(describe(result), flush=True)
            results.append(result)
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1:])
