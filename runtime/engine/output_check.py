"""Comparing what a module returned with its declared output schema (``run --check-output``).

Several response fields in the API notes are second-hand or uncertain; running a module
against a real account with this check is how its definition meets reality. Findings
are gathered over every bundle and reported once per path, with how many bundles
showed them:

- a value the schema does not allow (wrong type, missing required field, unknown enum
  value, bad date): the definition is wrong, and the run exits 1;
- a field the schema does not declare: Make users cannot map it (a note);
- a declared field no bundle had: perhaps a field the API does not send (a note).

Only with the flag: a normal run never checks outputs (tests do).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from runtime.engine.value_check import check_value, show_value

ROOT = "output"
_INDEX = re.compile(r"\[\d+\]")


class OutputCheck:
    """Collects the differences between bundles and one output schema."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self._schema = schema
        self.bundles = 0
        self._problems: dict[str, tuple[str, int]] = {}  # kind -> (first message, bundles)
        self._undeclared: dict[str, tuple[Any, int]] = {}  # path -> (first value, bundles)
        self._present: set[str] = set()  # declared paths some bundle had

    def check_pages(self, pages: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
        """The same pages, each bundle checked on the way through."""
        for bundles in pages:
            for bundle in bundles:
                self.check(bundle)
            yield bundles

    def check(self, bundle: Any) -> None:
        self.bundles += 1
        kinds: dict[str, str] = {}
        for message in check_value(self._schema, bundle, ROOT):
            kinds.setdefault(_kind_of(message), message)
        for kind, message in kinds.items():
            first, count = self._problems.get(kind, (message, 0))
            self._problems[kind] = (first, count + 1)
        undeclared: dict[str, Any] = {}
        self._walk(self._schema, bundle, ROOT, undeclared)
        for path, value in undeclared.items():
            first, count = self._undeclared.get(path, (value, 0))
            self._undeclared[path] = (first, count + 1)

    @property
    def failed(self) -> bool:
        """Whether some bundle broke the schema (the notes alone do not fail a run)."""
        return bool(self._problems)

    def problems(self) -> list[tuple[str, int]]:
        """Each kind of misfit: its first message and how many bundles showed it."""
        return list(self._problems.values())

    def undeclared(self) -> list[tuple[str, Any, int]]:
        """Fields the schema does not declare: path, first value seen, bundles, by path."""
        return [(path, value, count) for path, (value, count) in sorted(self._undeclared.items())]

    def absent(self) -> list[str]:
        """Declared paths no bundle had; a list path ends in ``[]`` when it was always empty."""
        return _absent(_declared_paths(self._schema, ROOT), self._present)

    def report(self, module_id: str) -> list[str]:
        """The findings as lines for stderr; one line when everything matched."""
        total = self.bundles
        head = f"check-output: {module_id}: {total} bundle(s)"
        if not total:
            return [f"{head}: nothing to check"]
        problems = [f"  {message}  ({count} of {total})" for message, count in self.problems()]
        notes = [
            f"  {path}: not in the output schema ({count} of {total}), e.g. {show_value(value)}"
            for path, value, count in self.undeclared()
        ]
        notes += [
            f"  {path[:-2]}: empty in every bundle, so its items were not checked"
            if path.endswith("[]")
            else f"  {path}: declared in the output schema, in none of the bundles"
            for path in self.absent()
        ]
        if not problems and not notes:
            return [f"{head} match the output schema"]
        lines = [f"{head}: {len(problems)} problem(s), {len(notes)} note(s)"]
        return lines + problems + notes

    def _walk(self, schema: Mapping[str, Any], value: Any, path: str, out: dict[str, Any]) -> None:
        """Undeclared fields into ``out``; declared ones present into ``self._present``."""
        if isinstance(value, dict) and "properties" in schema:
            properties: Mapping[str, Any] = schema["properties"]
            for name, item in value.items():
                where = f"{path}.{name}"
                if name in properties:
                    self._present.add(where)
                    self._walk(properties[name], item, where, out)
                elif schema.get("additionalProperties", True) is True:  # else declared or
                    out.setdefault(where, item)  # refused, and check_value has checked it
        elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
            if value:
                self._present.add(f"{path}[]")
            for item in value:
                self._walk(schema["items"], item, f"{path}[]", out)


def _kind_of(message: str) -> str:
    """A problem's kind: its path without list positions, and what was expected."""
    return _INDEX.sub("[]", message.split("; got ", 1)[0])


def _declared_paths(schema: Mapping[str, Any], path: str) -> Iterator[str]:
    for name, field in schema.get("properties", {}).items():
        where = f"{path}.{name}"
        yield where
        yield from _declared_paths(field, where)
    items = schema.get("items")
    if isinstance(items, Mapping):
        yield f"{path}[]"  # present once a bundle had an item in this list
        yield from _declared_paths(items, f"{path}[]")


def _absent(declared: Iterable[str], present: set[str]) -> list[str]:
    """Declared paths no bundle had, leaving out those under an absent parent."""
    missing: list[str] = []
    for path in declared:
        under_missing = any(path.startswith((f"{parent}.", f"{parent}[]")) for parent in missing)
        if path not in present and not under_missing:
            missing.append(path)
    return missing
