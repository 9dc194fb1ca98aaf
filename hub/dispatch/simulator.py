"""A plant's HTTP receiver for demos and tests: records deliveries, can misbehave on purpose.

Each accepted POST is written as one JSON line: ``idempotency_key``, ``sha256`` of the
body, ``applied`` (false when the key was seen before: the plant applies each key
once), the path, the document numbers and the time. ``--fail-rate`` answers that share
of requests with 503 before recording anything; ``--latency`` delays every answer.

Signatures are checked as a plant should (``hub.dispatch.signing.verify``): when the
simulator knows a secret for the request (one ``secret`` for every path, or
``secret_for(path)``, which ``manage.py plant_simulator`` answers from the plants'
``endpoint_secret`` by the plant code in the path), an unsigned, expired (older or newer
than five minutes) or wrongly signed request gets 401 and is not recorded.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from hub.dispatch import signing


class PlantSimulator(ThreadingHTTPServer):
    """The server: its handler shares the seen keys and the record file through it."""

    daemon_threads = True

    def __init__(
        self,
        port: int,
        *,
        record: Path | None,
        fail_rate: float = 0.0,
        latency_ms: int = 0,
        secret: str = "",
        secret_for: Callable[[str], str] | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        super().__init__((host, port), _Handler)
        self.secret_for = secret_for
        self.record = record
        self.fail_rate = fail_rate
        self.latency = latency_ms / 1000
        self.secret = secret
        self.seen: set[str] = set()
        self.lock = threading.Lock()
        self.random = random.Random()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a sender that vanished mid-request (killed worker) is expected here


class _Handler(BaseHTTPRequestHandler):
    server: PlantSimulator
    protocol_version = "HTTP/1.1"  # keep-alive, as a plant's web server would
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, code: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self) -> None:
        self._answer(200, {"status": "ok", "deliveries": len(self.server.seen)})

    def do_POST(self) -> None:
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if server.latency:
            time.sleep(server.latency)
        if server.fail_rate and server.random.random() < server.fail_rate:
            self._answer(503, {"error": "simulated failure"})
            return
        secret = server.secret or (server.secret_for(self.path) if server.secret_for else "")
        if secret:
            problem = signing.verify(secret, self.headers, body)
            if problem:
                self._answer(401, {"error": problem})
                return
        key = self.headers.get("Idempotency-Key") or ""
        if not key:
            self._answer(400, {"error": "Idempotency-Key header missing"})
            return
        content_type = self.headers.get("Content-Type", "")
        items = [(key, "", body)]
        if content_type.startswith("application/json"):
            try:
                data = json.loads(body)
                if isinstance(data.get("deliveries"), list):
                    # A batch: each document is applied once per its own idempotency key.
                    items = [(d["idempotency_key"], d["document"].get("number", ""), json.dumps(d["document"]).encode()) for d in data["deliveries"]]
                else:
                    items = [(key, data.get("number", ""), body)]
            except (ValueError, AttributeError, KeyError, TypeError):
                self._answer(400, {"error": "body is not a JSON object or a batch of deliveries"})
                return
        results = []
        with server.lock:
            lines = []
            for item_key, number, item_body in items:
                applied = item_key not in server.seen
                server.seen.add(item_key)
                results.append(applied)
                lines.append(
                    {"idempotency_key": item_key, "sha256": hashlib.sha256(item_body).hexdigest(), "applied": applied, "path": self.path,
                     "number": number, "content_type": content_type, "batch": len(items) if len(items) > 1 or item_key != key else 0, "at": time.time()}
                )
            if server.record is not None:
                with server.record.open("a") as fh:
                    fh.write("".join(json.dumps(line) + "\n" for line in lines))
        self._answer(200, {"applied": results[0] if len(results) == 1 else results})


def serve(port: int, *, record: Path | None = None, fail_rate: float = 0.0, latency_ms: int = 0, secret: str = "", secret_for: Callable[[str], str] | None = None) -> None:
    """Run a simulator on 127.0.0.1:``port`` until interrupted."""
    server = PlantSimulator(port, record=record, fail_rate=fail_rate, latency_ms=latency_ms, secret=secret, secret_for=secret_for)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


class PlantSecrets:
    """``secret_for(path)`` from the hub's database: the ``endpoint_secret`` of the plant whose code is in the path.

    Read in one query at most every ``ttl`` seconds (the simulator may start before
    ``seed_demo`` has given the plants their secrets); a path naming no plant has no secret.
    """

    def __init__(self, ttl: float = 2.0) -> None:
        self.ttl = ttl
        self.lock = threading.Lock()
        self.loaded = 0.0
        self.secrets: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        with self.lock:
            if time.monotonic() - self.loaded > self.ttl:
                from django.db import DatabaseError, connection

                from hub.models import Plant

                try:
                    self.secrets = {code: secret for code, secret in Plant.objects.values_list("code", "endpoint_secret") if secret}
                except DatabaseError:
                    pass  # not migrated yet, or busy: keep what we knew and read again next time
                finally:
                    connection.close()  # the handler thread ends; its connection must not linger
                self.loaded = time.monotonic()
            parts = set(path.split("?")[0].split("/"))
            return next((secret for code, secret in self.secrets.items() if code in parts), "")
