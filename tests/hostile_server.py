"""A hostile HTTP server on 127.0.0.1 for tests: it sends whatever a test scripts.

Each connection gets one request and one scripted answer (then the connection is closed),
so a test controls exactly the bytes on the wire: any status and headers, raw or invalid
bytes, gzip bombs, bodies dripped a byte at a time, connections closed mid-body. Handlers
are plain functions of an ``Exchange``; ``sequence`` gives successive connections
successive handlers, to script retries. The server is a context manager: ``stop`` closes
every socket, so a handler blocked in a drip ends at once, and joins its threads (bounded).
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Handler = Callable[["Exchange"], None]


@dataclass
class Exchange:
    """One connection: the request as received, and the means to answer it."""

    sock: socket.socket
    request_line: str
    headers: dict[str, str]
    body: bytes
    stopped: threading.Event

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def head(self, status: int, headers: Mapping[str, str], reason: str = "X") -> None:
        lines = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in headers.items()]
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def wait(self, seconds: float) -> bool:
        """Sleep, but wake when the server stops; True when it stopped."""
        return self.stopped.wait(seconds)


@dataclass
class HostileServer:
    handler: Handler
    requests: list[Exchange] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self) -> HostileServer:
        accept = threading.Thread(target=self._accept, name="hostile-accept", daemon=True)
        accept.start()
        self._threads.append(accept)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stopped.set()
        with self._lock:
            for sock in self._sockets:
                _close(sock)
        self._listener.close()
        for thread in list(self._threads):
            thread.join(timeout=5)

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._sockets.append(sock)
            worker = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self._threads.append(worker)
            worker.start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            sock.settimeout(10)
            exchange = _read_request(sock, self._stopped)
            if exchange is None:
                return
            self.requests.append(exchange)
            self.handler(exchange)
        except OSError:
            pass  # the client went away, or stop() closed the socket
        finally:
            _close(sock)


def _read_request(sock: socket.socket, stopped: threading.Event) -> Exchange | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return Exchange(sock, lines[0], headers, body, stopped)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the other side
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


# Handlers -------------------------------------------------------------------------------


def respond(
    status: int = 200,
    body: bytes | str = b"",
    headers: Mapping[str, str] | None = None,
    content_type: str = "application/json",
) -> Handler:
    """A complete answer with a Content-Length."""
    data = body.encode() if isinstance(body, str) else body

    def handle(exchange: Exchange) -> None:
        exchange.head(
            status,
            {"Content-Type": content_type, "Content-Length": str(len(data)), **(headers or {})},
        )
        exchange.send(data)

    return handle


def stream(
    chunks: Iterable[bytes], headers: Mapping[str, str] | None = None, status: int = 200
) -> Handler:
    """An answer whose body is sent as the chunks come, ended by closing the connection
    (no Content-Length), so its size is known to nobody in advance."""

    def handle(exchange: Exchange) -> None:
        exchange.head(status, {"Content-Type": "application/json", **(headers or {})})
        for chunk in chunks:
            if exchange.stopped.is_set():
                return
            exchange.send(chunk)

    return handle


def drip(body: bytes, interval: float, headers: Mapping[str, str] | None = None) -> Handler:
    """Headers at once (with the full Content-Length), then one body byte every ``interval``."""

    def handle(exchange: Exchange) -> None:
        exchange.head(
            200,
            {
                "Content-Type": "application/json",
                "Content-Length": str(len(body)),
                **(headers or {}),
            },
        )
        for index in range(len(body)):
            exchange.send(body[index : index + 1])
            if exchange.wait(interval):
                return

    return handle


def close_mid_body(declared: int, sent: bytes) -> Handler:
    """Headers promising ``declared`` bytes, then only ``sent``, then the connection closes."""

    def handle(exchange: Exchange) -> None:
        exchange.head(200, {"Content-Type": "application/json", "Content-Length": str(declared)})
        exchange.send(sent)

    return handle


def refuse() -> Handler:
    """Close the connection without answering (after the request was read)."""

    def handle(exchange: Exchange) -> None:
        pass

    return handle


def sequence(*handlers: Handler) -> Handler:
    """The n-th connection gets the n-th handler; the last one answers every later one."""
    count = 0
    lock = threading.Lock()

    def handle(exchange: Exchange) -> None:
        nonlocal count
        with lock:
            chosen = handlers[min(count, len(handlers) - 1)]
            count += 1
        chosen(exchange)

    return handle


def gzip_bomb_chunks(decoded_bytes: int) -> list[bytes]:
    """A gzip body (several members, as gzip allows) that inflates to ``decoded_bytes`` of
    zeros in a JSON string; about 1/1000 of that on the wire."""
    member_size = 16 * 1024 * 1024
    member = gzip.compress(b"0" * member_size, compresslevel=9)
    first = gzip.compress(b'{"clients": ["', compresslevel=9)
    return [first] + [member] * max(1, decoded_bytes // member_size)


def deflate_bomb(decoded_bytes: int) -> bytes:
    """One zlib stream inflating to ``decoded_bytes`` of zeros (a single member: the ratio
    is the most deflate allows)."""
    compressor = zlib.compressobj(9)
    block = b"0" * (1024 * 1024)
    parts = [compressor.compress(block) for _ in range(decoded_bytes // len(block))]
    return b"".join(parts) + compressor.flush()


def json_text(value: Any) -> bytes:
    import json

    return json.dumps(value).encode()
