"""A threaded HTTP server on 127.0.0.1 that records requests and answers through a handler."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Recorded:
    """One request as the fake saw it."""

    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    at: float = field(default_factory=time.monotonic)
    query: str = ""  # the URL's query string, e.g. "page=2&limit=50"

    @property
    def params(self) -> dict[str, str]:
        """The query string's parameters (one value each)."""
        return dict(parse_qsl(self.query))

    @property
    def fields(self) -> dict[str, str]:
        """The form or JSON fields of the body (one value each)."""
        kind = self.headers.get("content-type", "")
        if kind.startswith("application/json"):
            return {
                k: v if isinstance(v, str) else json.dumps(v)
                for k, v in json.loads(self.body or b"{}").items()
            }
        if kind.startswith("multipart/form-data"):
            # python-telegram-bot uploads files (sendDocument) as multipart forms
            head = f"Content-Type: {kind}\r\n\r\n".encode()
            message = BytesParser(policy=default).parsebytes(head + self.body)
            return {
                part.get_param("name", header="content-disposition"): part.get_content()
                if part.get_content_maintype() == "text" or not part.get_filename()
                else part.get_payload(decode=True).decode(errors="replace")
                for part in message.iter_parts()
            }
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))


@dataclass(frozen=True)
class Answer:
    """What the fake sends back."""

    status: int
    body: Any  # sent as JSON; bytes are sent as they are (a broken answer)
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Recorded], Answer]


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up mid-answer (a cancelled long poll) are no test failure."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeServer:
    """Serves `handler` on a free loopback port in a thread; use as a context manager."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.exchanges: list[tuple[Recorded, Answer]] = []
        self._lock = threading.Lock()
        self._slow: list[float] = []
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - the stdlib's naming
                self._serve()

            def do_GET(self) -> None:  # noqa: N802
                self._serve()

            def do_DELETE(self) -> None:  # noqa: N802
                self._serve()

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                url = urlsplit(self.path)
                request = Recorded(
                    self.command,
                    url.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                    query=url.query,
                )
                answer = fake.handler(request)
                with fake._lock:
                    fake.exchanges.append((request, answer))
                    delay = fake._slow.pop(0) if fake._slow else 0.0
                # The provider has taken the message; only its answer is late.
                time.sleep(delay)
                raw = isinstance(answer.body, bytes)
                body = answer.body if raw else json.dumps(answer.body).encode()
                self.send_response(answer.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # quiet: tests read `requests`

        self._server = _QuietServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def slow(self, seconds: float, *, times: int = 1) -> None:
        """Take the next `times` requests at once, but answer each only after `seconds` (a
        provider under load: the client may give up waiting for a message that was sent)."""
        with self._lock:
            self._slow.extend([seconds] * times)

    @property
    def requests(self) -> list[Recorded]:
        """Every request so far, oldest first."""
        with self._lock:
            return [request for request, _answer in self.exchanges]

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT"""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
