"""A local OpenRouter-shaped HTTP server on 127.0.0.1 for tests that run pricewatch in a subprocess.

    with OpenRouterServer(models={"a/b": ("0.000001", "0.000002")}) as server:
        env["PRICEWATCH_OPENROUTER_BASE_URL"] = server.url

It serves ``/api/v1/models`` and each model's ``/api/v1/models/{id}/endpoints`` from its
current state (bodies from tests/openrouter_bodies.py), which a test may change between
refreshes. ``stall(pred)`` holds matching requests until ``release()`` (or the server
stops); ``delay`` slows every request; ``fail_rate`` answers that share of requests 503.
``recorded_at`` is sent as pricewatch's recorded-at header, fixing observation times.
Standard library only, so bench/soak.py can use it too.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from openrouter_bodies import endpoints_body, models_body

__all__ = ["OpenRouterServer"]

RECORDED_AT_HEADER = "x-pricewatch-recorded-at"
LIST_PATH = "/api/v1/models"


class OpenRouterServer:
    """Serves OpenRouter-shaped JSON from mutable state; records the paths it answered 200."""

    def __init__(
        self,
        models: dict[str, tuple[str, str]],
        hosts: dict[str, list[tuple[str, str, str, str]]] | None = None,
        *,
        recorded_at: str | None = None,
        delay: float = 0.0,
        fail_rate: float = 0.0,
        seed: int = 0,
    ) -> None:
        self.models = dict(models)
        # model id -> [(provider_name, tag, prompt, completion)]; default: one host at list price
        self.hosts = (
            hosts
            if hosts is not None
            else {m: [("DeepInfra", "deepinfra/fp8", *p)] for m, p in models.items()}
        )
        self.recorded_at = recorded_at
        self.delay = delay
        self.fail_rate = fail_rate
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.requests: list[str] = []
        self.delivered: list[str] = []
        self.first_request = threading.Event()
        self._stall: Callable[[str], bool] | None = None
        self._gate = threading.Event()
        self.stalled = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.on_delivered: Callable[[str, dict], None] | None = None
        self.failures = 0

    # ------------------------------------------------------------------ control

    @property
    def url(self) -> str:
        """The base URL to put in PRICEWATCH_OPENROUTER_BASE_URL."""
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stall(self, predicate: Callable[[str], bool]) -> None:
        """Hold requests whose path matches until release(); ``stalled`` is set when one waits."""
        self._gate.clear()
        self.stalled.clear()
        self._stall = predicate

    def release(self) -> None:
        """Let stalled requests go and stop stalling."""
        self._stall = None
        self._gate.set()

    def start(self) -> OpenRouterServer:
        """Listen on 127.0.0.1 on a free port, in a daemon thread."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # http.server's naming
                server._handle(self)

            def log_message(self, format: str, *args: object) -> None:  # silence per-request logging
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release stalled requests and shut the server down."""
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> OpenRouterServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ serving

    def body_for(self, path: str) -> dict | None:
        """The JSON body for ``path`` from the current state, or None for an unknown path."""
        if path == LIST_PATH:
            return models_body(self.models)
        prefix, suffix = LIST_PATH + "/", "/endpoints"
        if path.startswith(prefix) and path.endswith(suffix):
            model_id = path[len(prefix) : -len(suffix)]
            if model_id in self.models:
                return endpoints_body(model_id, self.hosts.get(model_id, []))
        return None

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        with self.lock:
            self.requests.append(path)
            failing = self.fail_rate and self.random.random() < self.fail_rate
        self.first_request.set()
        stall = self._stall
        if stall is not None and stall(path):
            self.stalled.set()
            self._gate.wait(60)
        if self.delay:
            time.sleep(self.delay)
        if failing:
            with self.lock:
                self.failures += 1
            self._send(request, 503, b"try again\n", "text/plain")
            return
        with self.lock:
            body = self.body_for(path)
            if body is not None:
                self.delivered.append(path)
                if self.on_delivered is not None:
                    self.on_delivered(path, body)
        if body is None:
            self._send(request, 404, b"not found\n", "text/plain")
            return
        self._send(request, 200, json.dumps(body).encode(), "application/json")

    def _send(self, request: BaseHTTPRequestHandler, status: int, data: bytes, content_type: str) -> None:
        try:
            request.send_response(status)
            request.send_header("content-type", content_type)
            request.send_header("content-length", str(len(data)))
            if self.recorded_at and status == 200:
                request.send_header(RECORDED_AT_HEADER, self.recorded_at)
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client was killed or cancelled
            pass
