"""Reading definition files: YAML to plain data, with the line of every JSON path kept.

Every later error points back to ``file:line`` through ``Document.location``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from runtime.core.errors import Issue, SourceLocation
from runtime.core.json_limits import MAX_DEPTH, TooDeepError, check_depth

try:  # libyaml is ~10x faster; the pure-Python loader gives the same nodes
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

PathParts = tuple[str | int, ...]
_TOO_DEEP = f"expected at most {MAX_DEPTH} levels of nesting; got more"


def format_json_path(parts: PathParts) -> str:
    """``("request", "body", 0)`` -> ``$.request.body[0]``."""
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


@dataclass(slots=True)
class Document:
    """One parsed definition file: its data and the line of each path in it.

    After ``$ref`` expansion (runtime/definitions/references.py) a path may come from another file
    (a module's output from its resource.yaml): ``origins`` names that file, per path.
    """

    file: str  # relative to the connector root, as shown to users
    data: Any
    lines: dict[PathParts, int] = field(default_factory=dict)
    # Paths written in another file: that file and the path there (a $ref's target).
    origins: dict[PathParts, tuple[str, PathParts]] = field(default_factory=dict)

    def line_of(self, parts: PathParts) -> int | None:
        """The line of ``parts`` or of its nearest ancestor that has one."""
        return self.location(parts).line

    def location(self, parts: PathParts) -> SourceLocation:
        """Where ``parts`` was written: in this file, or in the file a ``$ref`` read it from
        (then with that file's own JSON path, so the user finds it there)."""
        probe = parts
        while True:
            if probe in self.lines:
                file, there = self.origins.get(probe, (self.file, probe))
                where = (*there, *parts[len(probe) :])
                return SourceLocation(file, format_json_path(where), self.lines[probe])
            if not probe:
                return SourceLocation(self.file, format_json_path(parts), None)
            probe = probe[:-1]


def read_document(path: Path, shown_as: str) -> tuple[Document | None, list[Issue]]:
    """Parse one YAML file; a syntax error or duplicate key becomes an issue, never a traceback."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Issue(SourceLocation(shown_as), f"cannot read the file: {error}")]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or str(error)
        return None, [Issue(SourceLocation(shown_as, "$", line), f"YAML syntax error: {problem}")]
    except yaml.YAMLError as error:  # e.g. a character YAML does not allow: one line, too
        problem = " ".join(str(error).split())
        return None, [Issue(SourceLocation(shown_as), f"YAML error: {problem}")]
    except RecursionError:  # PyYAML constructs nested values recursively
        return None, [Issue(SourceLocation(shown_as), _TOO_DEEP)]
    finally:
        loader.dispose()
    try:
        check_depth(data, shown_as)
    except TooDeepError:  # every later stage, and _walk below, recurses too
        return None, [Issue(SourceLocation(shown_as), _TOO_DEEP)]
    document = Document(shown_as, data)
    issues: list[Issue] = []
    if node is not None:
        for parts, line, duplicate in _walk(node, ()):
            document.lines.setdefault(parts, line)
            if duplicate:
                issues.append(
                    Issue(document.location(parts), "duplicate key: the later value wins")
                )
    return document, issues


def _walk(node: yaml.Node, parts: PathParts) -> Iterator[tuple[PathParts, int, bool]]:
    yield parts, node.start_mark.line + 1, False
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            # The key's line comes first, so a path's issues point at its key.
            yield (*parts, key), key_node.start_mark.line + 1, key in seen
            seen.add(key)
            yield from _walk(value_node, (*parts, key))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _walk(item, (*parts, index))
