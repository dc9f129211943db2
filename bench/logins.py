"""/livez while 16 wrong logins arrive at once: argon2 on the event loop (as before) vs off it.

    make bench BENCH=logins        python -m bench.logins [--parallel 16] [--rounds 3] [--json]

Serves the real app (uvicorn, one process, a SQLite file in a temporary folder) and sends
rounds of `--parallel` wrong-password logins at once while it asks /livez every 10 ms. It
prints the median and worst /livez latency (and how many calls were answered) with no logins,
during the logins with argon2 on the event loop (the check as it was: the loop stalls for
each hash), during the logins off the loop (as now), and the ratio of the two worst waits.
The login limits are raised for the run: they would refuse the guesses before argon2 runs.
With --json the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # also runnable as `python bench/logins.py`

from actions import staff  # noqa: E402
from actions.db import create_engine, create_session_factory, transaction  # noqa: E402
from actions.migrate import upgrade_async  # noqa: E402
from api import login_limits  # noqa: E402
from api.main import create_app  # noqa: E402
from api.settings import Settings  # noqa: E402

PORT = 8791


async def _on_the_loop(password_hash: str, password: str) -> bool:
    """The check as it was before: argon2 called on the event loop itself."""
    return staff._verify(password_hash, password)


@contextmanager
def serving(url: str) -> Iterator[str]:
    """The app on 127.0.0.1:PORT in a thread of its own, until the block ends."""
    settings = Settings(_env_file=None, database_url=url, secret_key="b" * 40)  # type: ignore[call-arg]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), port=PORT, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{PORT}"
    finally:
        server.should_exit = True
        thread.join(10)


async def _prepare(url: str) -> None:
    await upgrade_async(url)
    engine = create_engine(url)
    async with transaction(create_session_factory(engine)) as session:
        await staff.create_staff(
            session,
            email="anna@bench.it",
            role="admin",
            password="giusta-e-lunga",
            now=datetime.now(UTC),
        )
    await engine.dispose()


async def _phase(base: str, parallel: int, rounds: int, logins: bool) -> list[float]:
    """/livez latencies (ms) over `rounds` bursts of `parallel` wrong logins (or none)."""
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        page = await client.get("/console/login")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        form = {"email": "anna@bench.it", "password": "sbagliata", "csrf_token": token}
        for _ in range(rounds):
            if logins:
                burst = [client.post("/console/login", data=form) for _ in range(parallel)]
                task = asyncio.ensure_future(asyncio.gather(*burst))
            else:
                task = asyncio.ensure_future(asyncio.sleep(0.5))
            while not task.done():
                started = time.perf_counter()
                await client.get("/livez")
                latencies.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(0.01)
            answers = await task
            if logins:
                assert all(a.status_code == 401 for a in answers), [a.status_code for a in answers]
    return latencies


def _figures(values: list[float]) -> dict[str, float]:
    # The worst wait is the figure: a stalled loop answers few /livez calls, all of them late,
    # so the median of the calls made hides the stall.
    return {
        "calls": len(values),
        "median_ms": round(statistics.median(values), 1),
        "max_ms": round(max(values), 1),
    }


def main(argv: list[str]) -> None:
    """Run the three phases and print their figures."""
    logging.getLogger("api.console.auth").setLevel(logging.ERROR)  # one line per refusal
    parser = argparse.ArgumentParser(prog="python -m bench.logins")
    parser.add_argument("--parallel", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    unlimited = login_limits.parse_many("1000000/minute")
    login_limits.PER_ACCOUNT = login_limits.PER_CLIENT = unlimited
    results: dict[str, Any] = {"parallel": args.parallel, "rounds": args.rounds}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        asyncio.run(_prepare(url))
        with serving(url) as base:
            results["idle"] = _figures(asyncio.run(_phase(base, args.parallel, 3, False)))
            off_the_loop = staff.check_password
            staff.check_password = _on_the_loop  # type: ignore[assignment]
            try:
                on = asyncio.run(_phase(base, args.parallel, args.rounds, True))
            finally:
                staff.check_password = off_the_loop  # type: ignore[assignment]
            off = asyncio.run(_phase(base, args.parallel, args.rounds, True))
    results["argon2_on_loop"] = _figures(on)
    results["argon2_off_loop"] = _figures(off)
    results["worst_ratio"] = round(
        results["argon2_on_loop"]["max_ms"] / max(results["argon2_off_loop"]["max_ms"], 0.1), 1
    )
    during = f"/livez, {args.parallel} wrong logins at once, argon2"
    print(f"/livez with no logins: {results['idle']}")
    print(f"{during} on the event loop (before): {results['argon2_on_loop']}")
    print(f"{during} off the event loop (now): {results['argon2_off_loop']}")
    print(f"worst /livez wait, on the loop / off it: {results['worst_ratio']}x")
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1:])
