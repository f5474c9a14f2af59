"""A fast loopback Clientary-shaped clients server (asyncio, HTTP/1.1 keep-alive) for the bench."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs

PAGE_SIZE = 30
CLIENTS_PATH = "/api/v2/clients"
STATS_PATH = "/__bench/stats"
RESET_PATH = "/__bench/reset"
MAX_LIFETIME_SECONDS = 30 * 60  # the server stops itself even if nobody stops it


def client_record(client_id: int) -> dict[str, object]:
    """One record shaped like samples/clients.single.json, with the given id."""
    return {
        "number": str(100 + client_id),
        "name": f"Client {client_id} Corp",
        "city": "New York",
        "address": f"{client_id} Main St.",
        "zip": "12345",
        "country": "US",
        "id": client_id,
        "invoice_extra_fields": None,
        "website": "http://www.example.com",
        "address_2": "Suite 101",
        "description": "A sample API Client",
        "state": "NY",
    }


def _response(status: str, body: bytes, *, extra: str = "") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n"
        f"{extra}\r\n"
    )
    return head.encode("latin-1") + body


def render_pages(total: int, *, newest_first: bool) -> list[bytes]:
    """Every page as a complete HTTP response, page 1 first."""
    page_count = max(1, -(-total // PAGE_SIZE))
    ids = list(range(total, 0, -1)) if newest_first else list(range(1, total + 1))
    pages: list[bytes] = []
    for index in range(page_count):
        chunk = ids[index * PAGE_SIZE : (index + 1) * PAGE_SIZE]
        body = {
            "page_count": page_count,
            "page_size": PAGE_SIZE,
            "total_count": total,
            "clients": [client_record(i) for i in chunk],
        }
        pages.append(_response("200 OK", json.dumps(body).encode("utf-8")))
    return pages


@dataclass(slots=True)
class Counters:
    requests: int = 0  # API requests (not /__bench/*), including refused ones
    unauthorized: int = 0
    pages: dict[int, int] = field(default_factory=dict)


class ClientsServer:
    """Serves pre-rendered pages; counts requests; optionally delays every page."""

    def __init__(self, total: int, delay_seconds: float) -> None:
        self.total = total
        self.delay = delay_seconds
        self.page_count = max(1, -(-total // PAGE_SIZE))
        self.ascending = render_pages(total, newest_first=False)
        self.descending = render_pages(total, newest_first=True)
        empty = {"page_count": self.page_count, "page_size": PAGE_SIZE, "total_count": total}
        self.empty = _response("200 OK", json.dumps({**empty, "clients": []}).encode())
        self.unauthorized = _response(
            "401 Unauthorized",
            b'{"error": "authentication required"}',
            extra='WWW-Authenticate: Basic realm="bench"\r\n',
        )
        self.not_found = _response("404 Not Found", b'{"error": "not found"}')
        self.counters = Counters()

    def stats(self) -> bytes:
        body = {
            "requests": self.counters.requests,
            "unauthorized": self.counters.unauthorized,
            "distinct_pages": len(self.counters.pages),
        }
        return _response("200 OK", json.dumps(body).encode())

    def answer(self, target: str, authorization: str | None) -> tuple[bytes, bool]:
        """The response for a GET of ``target``, and whether it is a (delayed) page."""
        path, _, query = target.partition("?")
        if path == STATS_PATH:
            return self.stats(), False
        if path == RESET_PATH:
            answer = self.stats()
            self.counters = Counters()
            return answer, False
        self.counters.requests += 1
        if not authorization or not authorization.lower().startswith("basic "):
            self.counters.unauthorized += 1
            return self.unauthorized, False
        if path.rstrip("/") != CLIENTS_PATH:
            return self.not_found, False
        values = parse_qs(query)
        text = (values.get("page") or ["1"])[0]
        page = int(text) if text.isdigit() and int(text) > 0 else 1
        self.counters.pages[page] = self.counters.pages.get(page, 0) + 1
        pages = self.descending if (values.get("sort") or [""])[0] == "date" else self.ascending
        return (pages[page - 1] if page <= len(pages) else self.empty), True

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                if len(parts) != 3:
                    return
                headers: dict[str, str] = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                length = headers.get("content-length", "0")
                if length.isdigit() and int(length) > 0:
                    await reader.readexactly(int(length))
                response, is_page = self.answer(parts[1], headers.get("authorization"))
                if is_page and self.delay > 0:
                    await asyncio.sleep(self.delay)
                writer.write(response)
                if headers.get("connection", "").lower() == "close":
                    await writer.drain()
                    return
                if writer.transport.get_write_buffer_size() > 1 << 20:
                    await writer.drain()
        except (ConnectionError, OSError, asyncio.CancelledError):
            return  # the client went away, or the server is shutting down
        finally:
            writer.close()


async def _serve(total: int, delay: float, port: int) -> None:
    app = ClientsServer(total, delay)
    server = await asyncio.start_server(app.handle, "127.0.0.1", port, backlog=256)
    bound = server.sockets[0].getsockname()[1]
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def wait_for_parent() -> None:  # EOF on stdin: the bench has gone away
        sys.stdin.buffer.read()
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=wait_for_parent, daemon=True).start()
    print(f"PORT {bound} PAGES {app.page_count}", flush=True)
    async with server:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), MAX_LIFETIME_SECONDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=30_000)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to hold every page")
    parser.add_argument("--port", type=int, default=0)
    options = parser.parse_args()
    asyncio.run(_serve(options.records, options.delay, options.port))


class ServerProcess:
    """The server in its own process (its own core and GIL); stopped on exit."""

    def __init__(self, records: int, delay: float = 0.0, start_timeout: float = 60.0) -> None:
        self.records = records
        self.delay = delay
        self._start_timeout = start_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.page_count = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerProcess:
        root = Path(__file__).resolve().parent.parent
        command = [sys.executable, "-m", "bench.server", "--records", str(self.records)]
        command += ["--delay", str(self.delay)]
        self._process = subprocess.Popen(
            command, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        try:
            line = self._read_line(self._process, self._start_timeout)
            words = line.split()
            if len(words) != 4 or words[0] != "PORT":
                raise RuntimeError(f"bench server did not start: {line!r}")
            self.port, self.page_count = int(words[1]), int(words[3])
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    @staticmethod
    def _read_line(process: subprocess.Popen[bytes], timeout: float) -> str:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], timeout)
        if not ready:
            raise RuntimeError(f"bench server gave no port within {timeout:.0f}s")
        return process.stdout.readline().decode("ascii", "replace").strip()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        try:
            if process.stdin is not None:
                process.stdin.close()
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        finally:
            if process.stdout is not None:
                process.stdout.close()

    def control(self, path: str) -> dict[str, int]:
        """GET a /__bench/ path (stats or reset) and return its JSON."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        body = data.partition(b"\r\n\r\n")[2]
        result: dict[str, int] = json.loads(body)
        return result

    def reset(self) -> dict[str, int]:
        return self.control(RESET_PATH)


def measure_ceiling(
    port: int, seconds: float = 1.5, path: str = CLIENTS_PATH
) -> tuple[float, float]:
    """One tight raw keep-alive client for ``seconds``: (pages per second, bytes per page)."""
    request_for = [
        f"GET {path}?page={page} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Authorization: Basic YmVuY2g6YmVuY2g=\r\n\r\n".encode()
        for page in range(1, 1001)
    ]
    served = 0
    total_bytes = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buffer = b""
        started = time.perf_counter()
        deadline = started + seconds
        while time.perf_counter() < deadline:
            sock.sendall(request_for[served % len(request_for)])
            while b"\r\n\r\n" not in buffer:
                buffer += _recv(sock)
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            while len(buffer) < length:
                buffer += _recv(sock)
            buffer = buffer[length:]
            served += 1
            total_bytes += len(head) + length
        elapsed = time.perf_counter() - started
    return served / elapsed, total_bytes / max(1, served)


def _recv(sock: socket.socket) -> bytes:
    chunk = sock.recv(1 << 18)
    if not chunk:
        raise ConnectionError("bench server closed the connection")
    return chunk


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
