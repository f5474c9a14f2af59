"""Expanding ``$ref`` in definition files, with the file and line of every path kept.

A reference is a mapping with a ``$ref`` key: ``"resource.yaml#/record"`` is a path
relative to the referring file's folder, then a JSON pointer (``#/...`` alone is the
same file; a bare ``connector.yaml`` is always the connector's own file at the root).
Keys written beside ``$ref`` are merged over what it refers to:

- mappings merge key by key, recursively; anything else (lists, scalars, a mapping
  that is itself a ``$ref``) replaces the target's value;
- order: the keys written beside ``$ref`` that the target lacks come first, in the
  order written; then the target's keys in the target's order (a key both have keeps
  the target's position and takes the written value).

The expanded document carries, for every path, the file and line it came from, so an
issue inside ``modules/clients/resource.yaml`` is reported there. A missing file or
pointer, a cycle, a path leaving the connector's folder, or keys beside a ``$ref``
whose target is not a mapping, is an issue at the ``$ref``'s own file and line.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from runtime.core.errors import Issue
from runtime.definitions.defaults import derive_resource
from runtime.definitions.source import Document, PathParts, read_document

REF = "$ref"
CONNECTOR_FILE = "connector.yaml"
RESOURCE_FILE = "resource.yaml"  # modules/<folder>/resource.yaml: its short forms are derived


class ReferenceCache:
    """The files references point at, each read once per load (a resource serves six modules)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._documents: dict[str, Document | None] = {}
        self.issues: list[Issue] = []  # problems of the referred files themselves, once each

    def add(self, document: Document) -> None:
        if document.file not in self._documents:
            self._documents[document.file] = self._prepared(document)

    def _prepared(self, document: Document) -> Document:
        """A resource file's short forms written out (definitions/defaults.py), once, as read."""
        if posixpath.basename(document.file) == RESOURCE_FILE:
            self.issues.extend(derive_resource(document))
        return document

    def get(self, file: str) -> Document | None:
        if file not in self._documents:
            path = self.root / file
            document: Document | None = None
            if path.is_file():
                document, issues = read_document(path, file)
                self.issues.extend(issues)
                document = self._prepared(document) if document is not None else None
            self._documents[file] = document
        return self._documents[file]


def has_references(value: Any) -> bool:
    if isinstance(value, dict):
        return REF in value or any(has_references(item) for item in value.values())
    if isinstance(value, list):
        return any(has_references(item) for item in value)
    return False


def expand_references(document: Document, cache: ReferenceCache) -> tuple[Document, list[Issue]]:
    """The document with every ``$ref`` replaced by what it refers to, and the issues found."""
    cache.add(document)
    if not has_references(document.data):
        return document, []
    expansion = _Expansion(document.file, cache)
    data = expansion.expand(document.data, document.file, (), (), ())
    expanded = Document(document.file, data, expansion.lines, expansion.origins)
    return expanded, expansion.issues


class _Expansion:
    def __init__(self, file: str, cache: ReferenceCache) -> None:
        self.file = file
        self.cache = cache
        self.lines: dict[PathParts, int] = {}
        self.origins: dict[PathParts, tuple[str, PathParts]] = {}  # paths from another file
        self.issues: list[Issue] = []

    def _record(self, out: PathParts, file: str, parts: PathParts) -> None:
        document = self.cache.get(file)  # a file as written: no origins of its own
        line = document.lines.get(parts) if document is not None else None
        if line is None:
            return
        self.lines[out] = line
        if file != self.file or parts != out:
            self.origins[out] = (file, parts)
        else:
            self.origins.pop(out, None)

    def _forget(self, out: PathParts) -> None:
        """Drop what a replaced value recorded below ``out``: its paths no longer exist."""
        size = len(out)
        for parts in [p for p in self.lines if len(p) > size and p[:size] == out]:
            del self.lines[parts]
            self.origins.pop(parts, None)

    def expand(
        self, value: Any, file: str, parts: PathParts, out: PathParts, stack: tuple[str, ...]
    ) -> Any:
        """``value`` found at ``parts`` of ``file``, expanded, placed at ``out``."""
        self._record(out, file, parts)
        if isinstance(value, dict):
            if REF in value:
                return self._reference(value, file, parts, out, stack)
            return {
                key: self.expand(item, file, (*parts, key), (*out, key), stack)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [
                self.expand(item, file, (*parts, index), (*out, index), stack)
                for index, item in enumerate(value)
            ]
        return value

    def _problem(self, file: str, parts: PathParts, message: str) -> dict[str, Any]:
        document = self.cache.get(file)
        if document is not None:
            self.issues.append(Issue(document.location((*parts, REF)), message))
        return {}  # the module is unusable: its issues are reported, its spec is not built

    def _reference(
        self,
        value: dict[str, Any],
        file: str,
        parts: PathParts,
        out: PathParts,
        stack: tuple[str, ...],
    ) -> Any:
        ref = value[REF]
        if not isinstance(ref, str) or "#" not in ref:
            return self._problem(
                file, parts, f"expected $ref as 'FILE#/POINTER' or '#/POINTER'; got {ref!r}"
            )
        written_file, _, pointer = ref.partition("#")
        target_file = _target_file(file, written_file)
        if target_file is None:
            return self._problem(
                file, parts, f"$ref {ref!r}: expected a file inside the connector's folder"
            )
        key = f"{target_file}#{pointer}"
        if key in stack:
            cycle = " -> ".join((*stack[stack.index(key) :], key))
            return self._problem(file, parts, f"$ref cycle: {cycle}")
        target = self.cache.get(target_file)
        if target is None:
            return self._problem(file, parts, f"$ref {ref!r}: no file {target_file}")
        target_parts = _pointer_parts(pointer)
        found, target_value, target_parts = _value_at(target.data, target_parts)
        if not found:
            return self._problem(file, parts, f"$ref {ref!r}: {target_file} has no {pointer!r}")
        siblings = {name: item for name, item in value.items() if name != REF}
        if siblings and not isinstance(target_value, dict):
            return self._problem(
                file,
                parts,
                f"$ref {ref!r}: keys beside $ref need a mapping to merge into; "
                f"got {type(target_value).__name__}",
            )
        expanded = self.expand(target_value, target_file, target_parts, out, (*stack, key))
        self._record(out, file, parts)  # the reference's own line, not its target's
        if not siblings or not isinstance(expanded, dict):
            return expanded
        return self._merge(expanded, siblings, file, parts, out, stack)

    def _merge(
        self,
        base: dict[str, Any],
        written: dict[str, Any],
        file: str,
        parts: PathParts,
        out: PathParts,
        stack: tuple[str, ...],
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, item in written.items():  # what the target lacks comes first
            if key not in base:
                result[key] = self.expand(item, file, (*parts, key), (*out, key), stack)
        for key, item in base.items():
            if key not in written:
                result[key] = item
                continue
            mine = written[key]
            if isinstance(item, dict) and isinstance(mine, dict) and REF not in mine:
                self._record((*out, key), file, (*parts, key))
                result[key] = self._merge(item, mine, file, (*parts, key), (*out, key), stack)
            else:
                self._forget((*out, key))
                result[key] = self.expand(mine, file, (*parts, key), (*out, key), stack)
        return result


def _target_file(referring: str, written: str) -> str | None:
    """The referred file relative to the root, or None when it would leave the root."""
    if not written:
        return referring
    if written == CONNECTOR_FILE:
        return CONNECTOR_FILE
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(referring), written))
    if joined.startswith("../") or joined == ".." or posixpath.isabs(joined) or "\\" in joined:
        return None
    return joined


def _pointer_parts(pointer: str) -> PathParts:
    """RFC 6901: ``/a/b~1c/0`` -> ("a", "b/c", "0"); list indices become ints when walked."""
    if pointer in ("", "/"):
        return ()
    return tuple(
        token.replace("~1", "/").replace("~0", "~") for token in pointer.lstrip("/").split("/")
    )


def _value_at(data: Any, parts: PathParts) -> tuple[bool, Any, PathParts]:
    walked: list[str | int] = []
    for part in parts:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and str(part).isdigit() and int(part) < len(data):
            part = int(part)
            data = data[part]
        else:
            return False, None, ()
        walked.append(part)
    return True, data, tuple(walked)
