"""Keeping secrets out of every output: by value (the connection's secret fields) and by header.

A secret is masked in every spelling it can take in output: as is, as the ``secret:secret``
pair a Basic header encodes, base64 (standard and URL-safe, of the pair and of the secret),
JSON-escaped (with and without ASCII escapes), ``repr``-escaped and URL-encoded. Any prefix of
a spelling of at least ``PREFIX`` characters is masked as well: text is cut in many places,
and the first 20 characters of the Basic header's base64 already decode to the token.

Errors are made deep in the stack, where no redactor is at hand. So the most recently made
``Redactor`` is the process's active one (the CLI makes one per run and adds the connection's
secrets to it), and ``clip`` masks with it before it cuts: text is never cut first, because a
cut secret no longer matches its mask.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "****"
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
PREFIX = 8  # a shorter piece of a spelling is masked only where it is the whole spelling


class Redactor:
    """Replaces each known secret, in every spelling and any long enough prefix of one.

    Making a Redactor makes it the active one (see ``active``); pass ``activate=False`` for
    one that ``clip`` and the logging transport should not use.
    """

    def __init__(self, secrets: Iterable[str] = (), *, activate: bool = True) -> None:
        self._secrets: set[str] = set()
        self._groups: dict[str, tuple[str, ...]] = {}  # first PREFIX characters -> spellings
        self.add(secrets)
        if activate:
            global _active
            _active = self

    def add(self, secrets: Iterable[str]) -> None:
        """Mask these too. Any non-empty secret counts, however short: a token short enough
        to mangle ordinary text when masked is for the connection to refuse."""
        new = {secret for secret in secrets if secret} - self._secrets
        if not new:
            return
        self._secrets |= new
        groups: dict[str, list[str]] = {}
        for secret in self._secrets:
            for form in spellings(secret):
                groups.setdefault(form[:PREFIX], []).append(form)
        self._groups = {head: tuple(set(forms)) for head, forms in groups.items()}

    def text(self, value: str) -> str:
        spans = self._spans(value)
        if not spans:
            return value
        parts: list[str] = []
        done = 0
        for start, end in _merged(spans):
            parts.append(value[done:start])
            parts.append(MASK)
            done = end
        parts.append(value[done:])
        return "".join(parts)

    def _spans(self, value: str) -> list[tuple[int, int]]:
        """Where a spelling, or a prefix of one of at least PREFIX characters, occurs."""
        spans: list[tuple[int, int]] = []
        for head, forms in self._groups.items():
            at = value.find(head)
            while at != -1:
                spans.append((at, at + max(_common_length(value, at, form) for form in forms)))
                at = value.find(head, at + 1)  # overlapping occurrences are masked whole too
        return spans

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {
            name: (MASK if name.lower() in SENSITIVE_HEADERS else self.text(value))
            for name, value in headers.items()
        }

    def value(self, value: Any) -> Any:
        """A copy of a JSON-like value, every text (keys too) masked; any depth, no recursion."""
        top = self._leaf_or_empty(value)
        pending = [(value, top)]
        while pending:
            source, target = pending.pop()
            if isinstance(source, Mapping):
                for key, item in source.items():
                    copy = self._leaf_or_empty(item)
                    target[self.text(key) if isinstance(key, str) else key] = copy
                    if isinstance(item, (Mapping, list)):
                        pending.append((item, copy))
            elif isinstance(source, list):
                for item in source:
                    copy = self._leaf_or_empty(item)
                    target.append(copy)
                    if isinstance(item, (Mapping, list)):
                        pending.append((item, copy))
        return top

    def _leaf_or_empty(self, value: Any) -> Any:
        """A masked leaf, or the empty container its items will be copied into."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {}
        if isinstance(value, list):
            return []
        return value


def spellings(secret: str) -> set[str]:
    """Every way ``secret`` can be written into output by this program or by a server."""
    found: set[str] = set()
    for text in (secret, f"{secret}:{secret}"):  # the pair: user name and password of Basic
        found.update(
            (
                text,
                json.dumps(text)[1:-1],
                json.dumps(text, ensure_ascii=False)[1:-1],
                repr(text)[1:-1],
                ascii(text)[1:-1],
                quote(text, safe=""),
                quote_plus(text, safe=""),
            )
        )
        for encoding in ("utf-8", "latin-1"):  # requests encodes Basic credentials as latin-1
            try:
                raw = text.encode(encoding)
            except UnicodeEncodeError:
                continue
            found.add(base64.b64encode(raw).decode())
            found.add(base64.urlsafe_b64encode(raw).decode())
    found.discard("")
    return found


def _common_length(value: str, at: int, form: str) -> int:
    length = 0
    for expected, got in zip(form, value[at : at + len(form)], strict=False):
        if expected != got:
            break
        length += 1
    return length if length >= min(PREFIX, len(form)) else 0


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


_active: Redactor | None = None


def active() -> Redactor | None:
    """The redactor of this run: the most recently made one, unless deactivated."""
    return _active


def deactivate() -> None:
    """No active redactor any more (tests call this between tests)."""
    global _active
    _active = None


def mask(text: str) -> str:
    """``text`` masked by the active redactor; unchanged when there is none."""
    return _active.text(text) if _active is not None else text


def clip(text: str, limit: int) -> str:
    """``text`` masked, THEN cut to at most ``limit`` characters (ending in '...' if cut)."""
    text = mask(text)
    return text if len(text) <= limit else text[: max(limit - 3, 0)] + "..."
