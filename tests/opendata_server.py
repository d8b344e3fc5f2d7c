"""A local HTTP server for open-data tests: recorded answers instead of Kolada and SSB.

No test may call the real services. `OpenDataServer` runs a threaded `http.server` on
127.0.0.1 with a free port; each path gets a list of replies, given in turn (the last one
repeats), so a test can answer 429 first and then the data, sleep past the client's timeout,
send an HTML error page or a 500. Recorded answers come from ../shared/opendata, with the real
services' addresses rewritten to the local server's (for Kolada's `next_url`).

    with OpenDataServer() as server:
        server.route("/v3/municipality", recorded_reply("kolada_v3_municipality_all.json"))
        settings.KOLADA_API_URL = server.url + "/v3/"
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import unquote

OPENDATA = Path(__file__).resolve().parents[2] / "shared" / "opendata"
REAL_HOSTS = ("https://api.kolada.se", "https://data.ssb.no")


@dataclass(frozen=True)
class Reply:
    """One answer: status, body, headers, and how long to wait before answering."""

    body: str = ""
    status: int = 200
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def json_reply(data: Any, status: int = 200, **options: Any) -> Reply:
    return Reply(json.dumps(data), status, **options)


def recorded(name: str) -> str:
    """A recorded answer's text."""
    return (OPENDATA / name).read_text(encoding="utf-8")


def recorded_reply(name: str) -> Reply:
    return Reply(recorded(name))


class OpenDataServer:
    """Serves replies by path (with its query, or without it as a fallback); 404 otherwise."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def route(self, path: str, *replies: Reply) -> None:
        """Answer `path` ("/v3/kpi" or "/v3/x?page=2") with `replies` in turn."""
        self.routes[path] = [self._localised(reply) for reply in replies]

    def _localised(self, reply: Reply) -> Reply:
        body = reply.body
        for host in REAL_HOSTS:
            body = body.replace(host, self.url)
        return Reply(body, reply.status, reply.content_type, reply.headers, reply.delay)

    def _next_reply(self, target: str) -> Reply:
        with self._lock:
            self.requests.append(target)
            path = target.split("?", 1)[0]
            replies = self.routes.get(target) or self.routes.get(path)
            if not replies:
                return json_reply({"error": f"no route for {target}"}, status=404)
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                reply = server._next_reply(unquote(self.path))
                time.sleep(reply.delay)
                body = reply.body.encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep the test output clean

        return Handler
