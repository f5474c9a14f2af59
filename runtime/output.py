"""What the CLI shows: bundles as JSON lines, request previews and logs, module descriptions."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping
from typing import Any, TextIO

from runtime.redaction import MASK, Redactor
from runtime.specs import ModuleSpec
from runtime.transport import HttpRequest, HttpResponse, Transport

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class JsonLinesWriter:
    """One compact JSON object per line; any secret that slipped into data is masked.

    Lines are written in batches (one write and one secret scan per batch, not per
    line); ``flush`` writes what is left and flushes the stream.
    """

    BATCH = 256

    def __init__(self, stream: TextIO, redactor: Redactor) -> None:
        self._stream = stream
        self._redactor = redactor
        self._lines: list[str] = []

    def write(self, bundle: Mapping[str, Any]) -> None:
        self._lines.append(_encode(bundle))
        if len(self._lines) >= self.BATCH:
            self._write_batch()

    def flush(self) -> None:
        self._write_batch()
        self._stream.flush()

    def _write_batch(self) -> None:
        if self._lines:
            self._lines.append("")
            self._stream.write(self._redactor.text("\n".join(self._lines)))
            self._lines.clear()


class LoggingTransport:
    """Wraps a transport and logs each request line and status to stderr (no headers, no body)."""

    def __init__(self, inner: Transport, stream: TextIO | None = None) -> None:
        self._inner = inner
        self._stream = stream or sys.stderr

    def send(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        query = "&".join(f"{key}={value}" for key, value in request.query)
        target = request.url + (f"?{query}" if query else "")
        response = self._inner.send(request)
        elapsed = (time.perf_counter() - started) * 1000
        print(
            f"> {request.method} {target} -> {response.status} ({elapsed:.0f} ms)",
            file=self._stream,
        )
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


def describe_module(module: ModuleSpec) -> str:
    lines = [
        f"{module.id}: {module.label} [{module.kind}{'/' + module.crud if module.crud else ''}]",
        f"  {module.description}",
    ]
    if module.endpoint:
        lines.append(f"  endpoint: {module.endpoint}")
    lines.append("inputs:")
    lines.extend(_fields(module.input) or ["  (none)"])
    lines.append("outputs:")
    lines.extend(_fields(module.output) or ["  (none)"])
    for note in module.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)


def _fields(schema: Mapping[str, Any]) -> list[str]:
    required = set(schema.get("required", ()))
    lines = []
    for name, field in schema.get("properties", {}).items():
        kind = field.get("x-make-type") or field.get("type", "any")
        if isinstance(kind, list):
            kind = "|".join(kind)
        flag = "required" if name in required else "optional"
        text = field.get("description") or field.get("title") or ""
        lines.append(f"  {name:<26} {kind:<10} {flag:<9} {text}".rstrip())
    return lines
