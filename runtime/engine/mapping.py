"""Mapping: which part of a response is the output, and what one bundle is.

Paths such as ``clients`` or ``client.id`` are compiled once into getters; no
template runs per record, so large lists map at the speed of a dict lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from runtime.core.errors import MappingError

Bundle = dict[str, Any]
Getter = Callable[[Any], Any]

_MISSING = object()


@cache
def compile_path(path: str) -> Getter:
    """``"a.b"`` -> a function returning ``value["a"]["b"]`` (or a sentinel when absent)."""
    keys = tuple(path.split("."))

    def get(value: Any) -> Any:
        for key in keys:
            if not isinstance(value, Mapping):
                return _MISSING
            value = value.get(key, _MISSING)
            if value is _MISSING:
                return _MISSING
        return value

    return get


def get_path(value: Any, path: str) -> Any:
    """The value at ``path``, or None when any step is missing."""
    found = compile_path(path)(value)
    return None if found is _MISSING else found


def records_at(body: Any, path: str, where: str) -> list[Any]:
    """The list of records at ``path``; a clear error when the body has no such list."""
    found = compile_path(path)(body)
    if isinstance(found, list):
        return found
    keys = ", ".join(sorted(body)) if isinstance(body, Mapping) else type(body).__name__
    got = "nothing" if found is _MISSING else type(found).__name__
    raise MappingError(
        f"{where}: expected a list at {path!r} in the response; got {got} (keys: {keys})"
    )


def single_bundle(body: Any, where: str) -> Bundle:
    """An action's one bundle: the object it answered with, or an empty one for an empty body."""
    if body is None:
        return {}
    if isinstance(body, Mapping):
        return dict(body)
    raise MappingError(
        f"{where}: expected one JSON object in the response; got {type(body).__name__}"
    )
