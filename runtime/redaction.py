"""Keeping secrets out of every output: by value (the connection's secret fields) and by header."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "****"
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})


class Redactor:
    """Replaces each known secret, and the Basic-auth form of it, wherever it appears."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._values: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        values = set(self._values)
        for secret in secrets:
            if len(secret) < 4:  # too short to mask without mangling ordinary text
                continue
            values.add(secret)
            values.add(base64.b64encode(f"{secret}:{secret}".encode()).decode())
        self._values = sorted(values, key=len, reverse=True)

    def text(self, value: str) -> str:
        for secret in self._values:
            if secret in value:
                value = value.replace(secret, MASK)
        return value

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {
            name: (MASK if name.lower() in SENSITIVE_HEADERS else self.text(value))
            for name, value in headers.items()
        }

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {key: self.value(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.value(item) for item in value]
        return value
