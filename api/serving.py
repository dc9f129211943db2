"""Several uvicorn worker processes on one port, with Nagle's algorithm off as it should be."""

from __future__ import annotations

import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess


def run_workers(app: str, *, workers: int, **options: Any) -> None:
    """uvicorn.run(app, workers=N, ...) with a listening socket that keeps TCP_NODELAY.

    uvicorn binds the shared socket with `proto` 0; accepted connections inherit it, and
    asyncio sets TCP_NODELAY only on sockets that say IPPROTO_TCP. Each answer on a kept-alive
    connection then waits ~40 ms for the peer's delayed ACK (uvicorn issue #3149): with a
    proxy in front, every request. The same socket, labelled TCP, does not.
    """
    # A worker builds its app (and loads the NLU model) before it answers the supervisor's
    # pings: on a busy machine that takes longer than uvicorn's 5 s, and it would be killed
    # and restarted over and over.
    options.setdefault("timeout_worker_healthcheck", 60)
    config = uvicorn.Config(app, workers=workers, **options)
    bound = config.bind_socket()
    listening = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, bound.detach())
    Multiprocess(config, sockets=[listening]).run()
