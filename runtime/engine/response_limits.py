"""Bounds on one HTTP attempt: a decoded-size limit on the body, and a deadline for all of it.

The transport (runtime/engine/transport.py) sends with ``stream=True`` and reads the body here:

- ``read_body`` counts decoded bytes while reading and stops past ``max_response_bytes``.
  gzip and deflate are inflated here, not by urllib3, with ``max_length`` on every call, so
  one small compressed chunk can never expand into gigabytes in one step (a gzip bomb).
- ``Watchdog`` bounds connect + headers + body with one deadline. Socket timeouts apply to
  each recv, so a server sending a byte every second never trips them; at the deadline the
  watchdog shuts the attempt's socket down, which unblocks the read at once. The socket is
  found through ``WatchedAdapter``, whose connection pools note the connection an attempt
  takes on the thread that makes it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, PoolManager

from runtime.core.redaction import clip

# 64 MiB: the largest Clientary page (50 records) is well under 1 MiB, and a body of this
# size costs about twice that in memory while it is parsed. connector.yaml states it.
_READ_SIZE = 64 * 1024  # raw bytes per read
_INFLATE_STEP = 1024 * 1024  # most decoded bytes one inflate call may produce
_RECHECK_SECONDS = 0.05  # a deadline that passed before the socket existed is checked again
SUPPORTED_ENCODINGS = "gzip, deflate"  # what the transport accepts: only what read_body inflates


class ResponseTooLarge(Exception):
    """The decoded body passed the limit; nothing more is read."""


class BadEncoding(Exception):
    """The body's Content-Encoding is not one read_body can inflate, or it is corrupt."""


class _Inflater:
    """gzip (several members allowed) or deflate (zlib-wrapped or raw), inflated in steps."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._raw_deflate = False
        self._started = False
        self._object = self._new()

    def _new(self) -> Any:
        if self._gzip:
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if self._raw_deflate else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self._object.decompress(data, _INFLATE_STEP)
            except zlib.error:
                if not self._gzip and not self._started and not self._raw_deflate:
                    self._raw_deflate = True  # "deflate" sent without its zlib header
                    self._object = self._new()
                    continue
                raise BadEncoding("the compressed body is corrupt") from None
            self._started = True
            data = self._object.unconsumed_tail
            if self._object.eof:
                rest = self._object.unused_data
                data = b""
                if self._gzip and rest.startswith(b"\x1f\x8b"):  # the next gzip member
                    self._object = self._new()
                    data = rest
            if out:
                yield out

    def finish(self) -> Iterator[bytes]:
        while True:  # output zlib still holds back: bounded steps, as above
            out = self._object.decompress(b"", _INFLATE_STEP)
            if not out:
                break
            yield out
        tail = self._object.flush()
        if tail:
            yield tail


def read_body(response: Any, limit: int, deadline: float) -> bytes:
    """The decoded body of a streamed ``requests.Response``: ResponseTooLarge past ``limit``
    bytes, TimeoutError past ``deadline`` (time.monotonic), BadEncoding for an encoding it
    does not inflate. urllib3's errors (cut-off bodies, timeouts) pass through."""
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    inflater = None if encoding in ("", "identity") else _inflater_for(encoding)
    declared = response.headers.get("Content-Length", "").strip()
    if inflater is None and declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise ResponseTooLarge
    parts: list[bytes] = []
    size = 0
    for chunk in response.raw.stream(_READ_SIZE, decode_content=False):
        if time.monotonic() > deadline:
            raise TimeoutError
        for piece in (chunk,) if inflater is None else inflater.feed(chunk):
            size += len(piece)
            if size > limit:
                raise ResponseTooLarge
            parts.append(piece)
    if inflater is not None:
        for piece in inflater.finish():
            size += len(piece)
            if size > limit:
                raise ResponseTooLarge
            parts.append(piece)
    return b"".join(parts)


def _inflater_for(encoding: str) -> _Inflater:
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise BadEncoding(
            f"expected a body in identity, gzip or deflate encoding; got {clip(encoding, 40)!r}"
        )
    return _Inflater(encoding)


@dataclass(eq=False, slots=True)
class Watch:
    """One attempt under the watchdog: its deadline and, once taken, its connection."""

    deadline: float
    connection: Any = None
    fired: bool = False
    armed: bool = True


_CURRENT = threading.local()  # the Watch of the attempt this thread is making


class Watchdog:
    """Shuts down the socket of an attempt that passes its deadline. One lazy daemon thread
    per transport serves every thread's attempts."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._watches: set[Watch] = set()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._wake_at = 0.0  # when the watchdog thread looks next (0: not sleeping yet)

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._wake_at = 0.0
            self._condition.notify()

    def arm(self, seconds: float) -> Watch:
        watch = Watch(time.monotonic() + seconds)
        with self._condition:
            self._watches.add(watch)
            self._closed = False
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="http-deadline", daemon=True)
                self._thread.start()
            # Wake the watchdog only when this deadline comes before the one it sleeps
            # towards: at one attempt per page, a wake per attempt would cost a thread
            # switch each time (a third of a fast read's time).
            if watch.deadline < self._wake_at:
                self._condition.notify()
        _CURRENT.watch = watch
        return watch

    def disarm(self, watch: Watch) -> bool:
        """Stop watching; True when the deadline passed (whatever was read is incomplete).
        Call it before the connection goes back to the pool, so the watchdog can never
        touch a connection that another attempt has taken."""
        _CURRENT.watch = None
        with self._condition:
            watch.armed = False
            self._watches.discard(watch)
            return watch.fired

    def _run(self) -> None:
        while True:
            with self._condition:
                if self._closed:
                    self._thread = None
                    return
                now = time.monotonic()
                for watch in [w for w in self._watches if w.deadline <= now]:
                    watch.fired = True
                    if _shut_down(watch.connection):
                        self._watches.discard(watch)
                    else:  # no socket yet (still connecting): look again shortly
                        watch.deadline = now + _RECHECK_SECONDS
                self._wake_at = min((w.deadline for w in self._watches), default=now + 60)
                self._condition.wait(timeout=max(self._wake_at - now, 0.001))


def _shut_down(connection: Any) -> bool:
    sock = getattr(connection, "sock", None)
    if sock is None:
        return False
    # socket.socket's own shutdown, also for an SSLSocket: unblocks a recv in another thread
    # without tearing down the TLS object under it. OSError: already closed, nothing to do.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    return True


def _note_connection(connection: Any) -> Any:
    watch = getattr(_CURRENT, "watch", None)
    if watch is not None:
        watch.connection = connection
    return connection


class _WatchedHTTPPool(HTTPConnectionPool):
    def _get_conn(self, timeout: float | None = None) -> Any:
        return _note_connection(super()._get_conn(timeout))


class _WatchedHTTPSPool(HTTPSConnectionPool):
    def _get_conn(self, timeout: float | None = None) -> Any:
        return _note_connection(super()._get_conn(timeout))


_WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """requests' adapter with connection pools that tell the watchdog which connection an
    attempt uses (also through an HTTP(S) proxy)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if type(manager).__name__ == "ProxyManager":  # SOCKS managers keep their own pools
            manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager
