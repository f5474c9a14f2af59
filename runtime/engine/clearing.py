"""Clearing a field: a JSON ``null`` given to an update is sent as ``null``.

Updates send only what was given, so an empty value (``""``, or a field left out) keeps
what the record holds. To blank a field on purpose, a user gives ``null`` (``--params
'{"website": null}'``, or ``None`` in the Python API). The parameter then holds a
``Cleared`` marker instead of ``None``: it survives the request templates (a whole-value
template passes it through) and ``omit_empty``, and ``settle`` turns it into ``null`` in
the rendered body. A cleared field that the module does not send as a whole value (a
query parameter, a path, text built around it) is refused rather than silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runtime.core.errors import InputError


class Cleared:
    """A parameter given as null, to be sent as null. Falsy, so templates that test a
    parameter (``{% if parameters.x %}``) treat it as not given."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"Cleared({self.name!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cleared) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("Cleared", self.name))


def settle(body: Any, parameters: Mapping[str, Any]) -> Any:
    """``body`` with every marker replaced by None; refused when a cleared parameter did
    not reach the body whole (the null would be lost)."""
    cleared = {name for name, value in parameters.items() if isinstance(value, Cleared)}
    if not cleared:
        return body
    placed: set[str] = set()
    settled = _replace(body, placed)
    lost = sorted(cleared - placed)
    if lost:
        raise InputError(
            "; ".join(
                f"parameters.{name}: null clears a field, but this module does not send "
                f"{name} as a whole field of its body; leave it out to keep the value"
                for name in lost
            )
        )
    return settled


def _replace(value: Any, placed: set[str]) -> Any:
    if isinstance(value, Cleared):
        placed.add(value.name)
        return None
    if isinstance(value, dict):
        return {key: _replace(item, placed) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace(item, placed) for item in value]
    return value
