"""HTTP layer: ThreadingHTTPServer, Basic auth, content negotiation, faults, start/stop."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .crud import Engine
from .errors import ApiError, bad_request
from .faults import FaultPlan
from .routes import parse_target, resolve

JSON_TYPE = "application/json; charset=utf-8"


class SandboxHTTPServer(ThreadingHTTPServer):
    """Threading server that knows its engine, token, faults and open connections."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], engine: Engine, token: str, faults: FaultPlan
    ) -> None:
        self.engine = engine
        self.token = token
        self.faults = faults
        self.requests_seen: list[tuple[str, str]] = []
        self.seen_lock = threading.Lock()
        self.open_sockets: set[socket.socket] = set()
        super().__init__(address, Handler)

    def close_open_connections(self) -> None:
        with self.seen_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class Handler(BaseHTTPRequestHandler):
    """One request: record it, apply a fault, authenticate, negotiate, dispatch."""

    protocol_version = "HTTP/1.1"
    server_version = "ClientarySandbox/1.0"
    wbufsize = 1 << 16  # one write per response (flushed by handle_one_request)
    disable_nagle_algorithm = True
    server: SandboxHTTPServer

    def setup(self) -> None:
        super().setup()
        with self.server.seen_lock:
            self.server.open_sockets.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.seen_lock:
                self.server.open_sockets.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        return  # no per-request noise

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", JSON_TYPE)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        user, _, password = decoded.partition(":")
        return user == self.server.token and password == self.server.token

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length > 0 else b""
        method = self.command
        with self.server.seen_lock:
            self.server.requests_seen.append((method, self.path))
        fault = self.server.faults.take(method, self.path)
        if fault is not None:
            if fault.kind == "drop":
                self.close_connection = True
                return
            if fault.kind == "truncate":
                data = b'{"error": "truncated respo'
                self.send_response(200)
                self.send_header("Content-Type", JSON_TYPE)
                self.send_header("Content-Length", str(len(data) + 100))
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()
                self.close_connection = True
                return
            if fault.kind == "status":
                self._send(fault.status_code, fault.body, fault.headers)
                return
            time.sleep(fault.seconds)
        try:
            status, body = self._dispatch(method, raw_body)
        except ApiError as err:
            status, body = err.status, err.body
            if status == 401:
                self._send(status, body, {"WWW-Authenticate": 'Basic realm="Clientary API"'})
                return
        except Exception as exc:  # a sandbox bug must still answer JSON
            status, body = 500, {"error": f"sandbox error: {type(exc).__name__}: {exc}"}
        self._send(status, body)

    def _dispatch(self, method: str, raw_body: bytes) -> tuple[int, Any]:
        if not self._authorized():
            raise ApiError(401, {"error": "Invalid API token"})
        target = parse_target(self.path)
        if target is None:
            raise ApiError(404, {"error": "Not found"})
        accept = self.headers.get("Accept", "")
        if not target.json_suffix and "application/json" not in accept.lower():
            raise ApiError(406, {"error": "Not acceptable: send Accept: application/json"})
        handler, params = resolve(method, target.segments)
        body: Any = None
        if method in ("POST", "PUT"):
            try:
                body = json.loads(raw_body.decode("utf-8")) if raw_body.strip() else {}
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise bad_request("Malformed JSON body") from exc
            if not isinstance(body, dict):
                raise bad_request("JSON body must be an object")
        return handler(self.server.engine, params, target.query, body)
