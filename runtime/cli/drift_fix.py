"""``drift --fix``: drift's findings written into the definitions, comments and layout kept.

Where a module's output comes from: a ``$ref`` to ``<file>#/<key>`` (the resource file,
``modules/<resource>/resource.yaml#/record``) is edited there; an output still written in
the module file is edited in the module file. Only top-level fields of the record are fixed:

- a field the definitions lack is added at the end of ``properties``, one flow-style line
  with the types seen (``[string, "null"]`` when a null was seen; no type when only nulls
  were), a title, and a description saying it was seen on a live account (date, module)
  rather than documented;
- a declared field with a type not seen before gets the type added (widened, never
  narrowed), and a comment above it says what was seen, where and when.

Nothing is ever removed. PyYAML would drop comments if the file were dumped again, so the
file is edited as text: lines are inserted or changed at the indentation found, and the
result is parsed again before it is written (a fix that does not parse is refused).
The unified diff of each changed file is returned for the CLI to print.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import yaml

from runtime.core.errors import ConnectorError
from runtime.definitions.loader import load_for_run

_TOP = re.compile(r"output\.([A-Za-z0-9_]+)$")  # a top-level field; nested ones are not fixed
_TYPE = re.compile(r"(?<![A-Za-z0-9_-])type:[ \t]*(\[[^\]]*\]|[^,}\s#]+)")
_ORDER = ("object", "array", "string", "number", "integer", "boolean", "null")


class _Finding(Protocol):
    kind: str
    path: str
    types: list[str]


class FixError(ConnectorError):
    make_type = "RuntimeError"
    exit_code = 1


def type_text(types: Sequence[str]) -> str:
    """YAML for a type or a list of types; "null" is quoted (bare, YAML reads it as None)."""
    shown = [f'"{name}"' if name == "null" else name for name in types]
    return shown[0] if len(shown) == 1 else f"[{', '.join(shown)}]"


def _target(root: Path, module_file: str) -> tuple[Path, list[str]]:
    """The file and the key path of the mapping that holds the module's output fields,
    following ``$ref`` from the output and from its ``properties``."""
    path, keys = root / module_file, ["output"]
    for _ in range(8):  # references of references, bounded
        node: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in keys:
            node = node.get(key) if isinstance(node, Mapping) else None
        if not isinstance(node, Mapping):
            raise FixError(f"{module_file}: {'.'.join(keys)}: expected a mapping")
        if isinstance(node.get("$ref"), str):
            path, keys = _follow(path, node["$ref"], module_file)
            continue
        fields = node.get("properties")
        if isinstance(fields, Mapping) and isinstance(fields.get("$ref"), str):
            return _follow(path, fields["$ref"], module_file)
        return path, [*keys, "properties"]
    raise FixError(f"{module_file}: output: references nest too deep to follow")


def _follow(path: Path, reference: str, where: str) -> tuple[Path, list[str]]:
    file, _, pointer = reference.partition("#")
    keys = [key for key in pointer.split("/") if key]
    if not keys:
        raise FixError(f"{where}: $ref {reference!r}: expected FILE#/KEY/...")
    return (path.parent / file if file else path), keys


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _properties_block(lines: list[str], keys: list[str], where: str) -> tuple[int, int, int]:
    """(first line, end, indent of a field) of the block mapping at ``keys`` in the file."""
    low, high, outer = 0, len(lines), -1
    for depth, key in enumerate(keys):
        region = [i for i in range(low, high) if _content(lines[i])]
        level = min((_indent(lines[i]) for i in region), default=outer + 2)
        at = next(
            (
                i
                for i in region
                if _indent(lines[i]) == level and re.match(rf"\s*{re.escape(key)}:(\s|$)", lines[i])
            ),
            None,
        )
        if at is None:
            raise FixError(f"{where}: no {'.'.join(keys[: depth + 1])} to add the fields to")
        if depth == len(keys) - 1 and not re.match(r"\s*[^:]+:\s*(#.*)?$", lines[at]):
            raise FixError(f"{where}: {'.'.join(keys)}: expected a block of fields, one a line")
        ends = [i for i in region if i > at and _indent(lines[i]) <= level]
        low, high, outer = at + 1, (ends[0] if ends else high), level
    inside = [i for i in range(low, high) if _content(lines[i])]
    if not inside:
        return low, low, outer + 2
    return low, inside[-1] + 1, min(_indent(lines[i]) for i in inside)


def _add(
    lines: list[str], block: tuple[int, int, int], name: str, types: list[str], note: str
) -> None:
    _, end, indent = block
    values = [t for t in types if t != "null"]
    parts = (
        [f"type: {type_text([*values, 'null'] if 'null' in types else values)}"] if values else []
    )
    title = name.replace("_", " ").capitalize()
    parts += [f"title: {title}", f'description: "{note}"']
    lines.insert(end, f"{' ' * indent}{name}: {{{', '.join(parts)}}}\n")


def _widen(
    lines: list[str], block: tuple[int, int, int], name: str, seen: list[str], note: str
) -> bool:
    first, end, indent = block
    at = next(
        (
            i
            for i in range(first, end)
            if _indent(lines[i]) == indent and lines[i].lstrip().startswith(f"{name}:")
        ),
        None,
    )
    if at is None:
        return False
    owned = [at] + [
        i for i in range(at + 1, end) if not _content(lines[i]) or _indent(lines[i]) > indent
    ]
    for i in owned:
        found = _TYPE.search(lines[i])
        if found is None:
            continue
        old = yaml.safe_load(found.group(1))
        old_types = [old] if isinstance(old, str) else list(old)
        added = [
            t for t in seen if t not in old_types and not (t == "integer" and "number" in old_types)
        ]
        if not added:
            return False
        merged = sorted(old_types + added, key=lambda t: _ORDER.index(t) if t in _ORDER else 0)
        lines[i] = lines[i][: found.start(1)] + type_text(merged) + lines[i][found.end(1) :]
        lines.insert(
            at, f"{' ' * indent}# {name}: {', '.join(added)} {note[0].lower()}{note[1:]}\n"
        )
        return True
    return False


def fix_module(
    root: Path, module: str, findings: Sequence[_Finding], recorded_on: str
) -> list[str]:
    """Applies the fixable findings of one module; returns the diff lines (and notes)."""
    _, spec = load_for_run(root, module)
    path, keys = _target(root, spec.file)
    where = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    before = path.read_text(encoding="utf-8")
    lines = before.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    note = f"Seen on a live account on {recorded_on} ({module}); not in the API documentation."
    skipped: list[str] = []
    for finding in findings:
        top = _TOP.match(finding.path)
        if finding.kind not in ("undeclared", "mismatch"):
            continue
        if top is None:
            skipped.append(
                f"drift --fix: {module}: {finding.path}: nested, not fixed; edit {where}"
            )
            continue
        block = _properties_block(lines, keys, where)
        if finding.kind == "undeclared":
            _add(lines, block, top.group(1), finding.types, note)
        elif not _widen(lines, block, top.group(1), finding.types, note):
            skipped.append(
                f"drift --fix: {module}: {finding.path}: not a type change; edit {where} by hand"
            )
    after = "".join(lines)
    if after == before:
        return skipped
    try:
        yaml.safe_load(after)
    except yaml.YAMLError:
        raise FixError(
            f"drift --fix: {where}: the edit would not parse; nothing was changed"
        ) from None
    path.write_text(after, encoding="utf-8")
    diff = difflib.unified_diff(
        before.splitlines(), after.splitlines(), f"a/{where}", f"b/{where}", lineterm=""
    )
    return [*diff, *skipped]
