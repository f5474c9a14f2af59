"""Fault injection: rules matched on method and path prefix that expire after `times` hits."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any


@dataclass(frozen=True)
class Fault:
    """One misbehaviour of the server; build with the class methods."""

    kind: str  # status | delay | drop | truncate
    status_code: int = 0
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @classmethod
    def status(cls, code: int, body: Any = None, headers: dict[str, str] | None = None) -> Fault:
        """Answer with `code` (JSON body defaults to {"error": <reason phrase>})."""
        if body is None:
            try:
                phrase = HTTPStatus(code).phrase
            except ValueError:
                phrase = "Error"
            body = {"error": phrase}
        return cls("status", code, body, dict(headers or {}))

    @classmethod
    def rate_limit(cls, retry_after: int = 1) -> Fault:
        """429 Too Many Requests with a Retry-After header (seconds)."""
        return cls.status(429, {"error": "Rate limit exceeded"}, {"Retry-After": str(retry_after)})

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Sleep, then answer normally."""
        return cls("delay", seconds=float(seconds))

    @classmethod
    def drop(cls) -> Fault:
        """Close the connection without sending any response."""
        return cls("drop")

    @classmethod
    def truncate(cls) -> Fault:
        """Send headers announcing a longer body than is sent, then close."""
        return cls("truncate")


@dataclass
class _Rule:
    fault: Fault
    method: str | None
    path: str | None
    remaining: int


class FaultPlan:
    """Thread-safe list of pending fault rules (first matching rule wins)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []

    def add(self, fault: Fault, method: str | None, path: str | None, times: int) -> None:
        if times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            self._rules.append(_Rule(fault, method.upper() if method else None, path, times))

    def take(self, method: str, path: str) -> Fault | None:
        """Consume one use of the first rule matching this request."""
        with self._lock:
            for rule in self._rules:
                if rule.method not in (None, method.upper()):
                    continue
                if rule.path is not None and not path.startswith(rule.path):
                    continue
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self._rules.remove(rule)
                return rule.fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
