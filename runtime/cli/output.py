"""What the CLI shows: bundles as JSON lines, request previews and logs (describe: describe.py).

The JSON-lines writer, the logging transport of ``--verbose`` and the ``--dry-run``
preview; the progress line (progress.py) is paused around bundles written to a terminal.
"""

from __future__ import annotations

import json
import json.encoder
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol, TextIO

from runtime.core.redaction import MASK, Redactor, mask
from runtime.engine.transport import HttpRequest, HttpResponse, Transport


def _stdlib_encoder() -> Callable[[Any], str]:
    """Compact JSON for one bundle. json.dumps builds a new C encoder on every call, which
    costs as much as the encoding of a small record; this one is built once."""
    fallback = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator on this Python
        return fallback

    def refuse(value: Any) -> Any:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    # The arguments json.JSONEncoder.iterencode passes for a one-shot encode, except the
    # circular-reference guard: a bundle comes from parsed JSON and cannot contain itself.
    encode_chunks = make(
        None, refuse, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )
    return lambda value: "".join(encode_chunks(value, 0))


_encode_line = _stdlib_encoder()
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _encode_lines_stdlib(bundles: Sequence[Any]) -> str:
    """JSON lines that always encode as UTF-8: a lone surrogate (which json.loads accepts
    from a server) is written as its escape, ``\\ud800``, the same string in valid JSON.
    A record nested deeper than the C encoder's recursion allows is encoded by a loop."""
    try:
        text = "\n".join(map(_encode_line, bundles))
    except RecursionError:
        text = "\n".join(map(_encode_any_depth, bundles))
    if text.isascii() or not _LONE_SURROGATE.search(text):
        return text
    return _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


class _Raw(str):
    """JSON punctuation on the work stack of ``_encode_any_depth``, as opposed to a value."""


def _encode_any_depth(value: Any) -> str:
    """What ``_encode_line`` writes, with an explicit stack instead of recursion."""
    parts: list[str] = []
    pending: list[Any] = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, _Raw):
            parts.append(item)
        elif isinstance(item, dict) and item:
            pending.append(_Raw("}"))
            entries = list(item.items())
            for index in range(len(entries) - 1, -1, -1):
                key, member = entries[index]
                pending.append(member)
                pending.append(_Raw(("," if index else "{") + _encode_key(key) + ":"))
        elif isinstance(item, (list, tuple)) and item:
            pending.append(_Raw("]"))
            for index in range(len(item) - 1, -1, -1):
                pending.append(item[index])
                pending.append(_Raw("," if index else "["))
        else:  # a scalar, {} or []: no recursion needed
            parts.append(_encode_line(item))
    return "".join(parts)


def _encode_key(key: Any) -> str:
    if isinstance(key, str):
        return _encode_line(key)
    if key is None or isinstance(key, (bool, int, float)):
        return _encode_line(json.dumps(key))  # the stdlib's spelling of such a key
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _orjson_page_encoder() -> Callable[[Sequence[Any]], str] | None:
    """A page of bundles as JSON lines through orjson, which encodes about eight times
    faster than the standard library: at 30,000 records that is most of what the CLI
    costs over a bare read. Without orjson installed, None (the stdlib path is used).

    orjson refuses what it cannot write exactly (integers beyond 64 bits, lone
    surrogates, non-string keys, sets); such a page is encoded by the stdlib instead,
    so a line differs from json.dumps only in the spelling of a float (1e-07 vs 1e-7,
    the same number) and in NaN/Infinity, which are not JSON and come out as null.
    """
    try:
        import orjson
    except ImportError:
        return None
    dumps, failed = orjson.dumps, orjson.JSONEncodeError

    def encode_page(bundles: Sequence[Any]) -> str:
        try:
            return b"\n".join(map(dumps, bundles)).decode()
        except failed:
            return _encode_lines_stdlib(bundles)

    return encode_page


encode_lines: Callable[[Sequence[Any]], str] = _orjson_page_encoder() or _encode_lines_stdlib


class JsonLinesWriter:
    """One compact JSON object per line; any secret that slipped into data is masked.

    Lines are written in batches (one write and one secret scan per batch, not per
    line); ``flush`` writes what is left and flushes the stream. The scan runs on the
    encoded text, so a secret holding a quote or a backslash is found in its JSON-escaped
    spelling (the redactor knows every spelling).
    """

    BATCH = 256  # lines

    def __init__(self, stream: TextIO, redactor: Redactor) -> None:
        self._stream = stream
        self._redactor = redactor
        self._chunks: list[str] = []  # each one line or more, without the final newline
        self._pending = 0  # lines in _chunks

    def write(self, bundle: Mapping[str, Any]) -> None:
        self.write_all((bundle,))

    def write_all(self, bundles: Sequence[Mapping[str, Any]]) -> None:
        """A page of bundles at once: one call for the page, not one per bundle."""
        if bundles:
            self._chunks.append(encode_lines(bundles))
            self._pending += len(bundles)
            if self._pending >= self.BATCH:
                self._write_batch()

    def flush(self) -> None:
        self._write_batch()
        self._stream.flush()

    def _write_batch(self) -> None:
        if self._chunks:
            self._chunks.append("")
            self._stream.write(self._redactor.text("\n".join(self._chunks)))
            self._chunks.clear()
            self._pending = 0


class LoggingTransport:
    """Wraps a transport and logs each request line and status to stderr (no headers, no body).

    The line is masked by the active redactor: a user may put the token in a URL or a query.
    ``requests`` counts the requests sent, for the summary a read ends with.
    """

    def __init__(self, inner: Transport, stream: TextIO | None = None) -> None:
        self._inner = inner
        self._stream = stream or sys.stderr
        self.requests = 0

    def send(self, request: HttpRequest) -> HttpResponse:
        self.requests += 1
        started = time.perf_counter()
        query = "&".join(f"{key}={value}" for key, value in request.query)
        target = request.url + (f"?{query}" if query else "")
        response = self._inner.send(request)
        elapsed = (time.perf_counter() - started) * 1000
        line = f"> {request.method} {target} -> {response.status} ({elapsed:.0f} ms)"
        print(mask(line), file=self._stream)
        return response


def request_preview(request: HttpRequest) -> dict[str, Any]:
    """The request as --dry-run shows it; the Authorization header is masked."""
    headers = dict(request.headers)
    headers["Authorization"] = f"Basic {MASK}"
    preview: dict[str, Any] = {
        "method": request.method,
        "url": request.url,
        "query": dict(request.query),
        "headers": headers,
    }
    if request.body is not None:
        preview["body"] = request.body
    return preview


class LiveLine(Protocol):
    """The progress line as the writer sees it (progress.ReadProgress)."""

    live: bool

    def pause(self) -> None: ...

    def resume(self) -> None: ...


def write_pages(
    redactor: Redactor,
    pages: Iterable[Sequence[Mapping[str, Any]]],
    progress: LiveLine | None = None,
) -> int:
    """Writes the bundles to stdout; returns how many."""
    writer = JsonLinesWriter(sys.stdout, redactor)
    # On a terminal that stdout shares, the live line is lifted off while bundles are
    # printed, so that no bundle line starts behind it.
    shared = progress if progress is not None and progress.live and sys.stdout.isatty() else None
    written = 0
    try:
        for bundles in pages:
            if shared is None:
                writer.write_all(bundles)
            else:
                shared.pause()
                writer.write_all(bundles)
                writer.flush()
                shared.resume()
            written += len(bundles)
    finally:  # what came before an error is still handed out
        writer.flush()
    return written


def write_bundles(
    redactor: Redactor, bundles: Iterable[Mapping[str, Any]], progress: LiveLine | None = None
) -> int:
    """The same for bundles one at a time (an RPC's options)."""
    return write_pages(redactor, ((bundle,) for bundle in bundles), progress)
