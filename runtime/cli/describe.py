"""``connector describe``: one module as a person reads it, fields inside arrays and objects too.

Each level of fields is a small table of its own (name, type, required or optional, help),
indented two spaces under the field that holds it, so a line item's ``_destroy`` shows up
under ``line_items`` without widening the columns of the top-level table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runtime.definitions.field_text import field_help, field_type
from runtime.definitions.specs import ModuleSpec


def describe_module(module: ModuleSpec) -> str:
    kind = module.kind + (f"/{module.crud}" if module.crud else "")
    lines = [f"{module.id}: {module.label} [{kind}]", f"  {module.description.strip()}"]
    if module.endpoint:
        lines.append(f"  endpoint: {module.endpoint}")
    if module.trigger is not None:
        starts = {"date": "date:YYYY-MM-DD", "id": "id:N"}
        choices = " | ".join(starts.get(mode, mode) for mode in module.trigger.first_run)
        lines.append(f"  first run: --start {choices} (default {module.trigger.default_start})")
    lines.append("inputs:")
    lines.extend(_fields(module.input, with_required=True) or ["  (none)"])
    lines.append("outputs:")
    lines.extend(_fields(module.output, with_required=False) or ["  (none)"])
    lines.extend(f"note: {note}" for note in module.notes)
    return "\n".join(lines)


def _fields(schema: Mapping[str, Any], *, with_required: bool, depth: int = 1) -> list[str]:
    """The rows of one object's fields, each followed by the rows of the fields it holds."""
    required = set(schema.get("required", ()))
    rows: list[tuple[list[str], str, list[str]]] = []
    for name, field in schema.get("properties", {}).items():
        cells = [name, field_type(field)]
        if with_required:
            cells.append("required" if name in required else "optional")
        inner = _inner(field)
        nested = _fields(inner, with_required=with_required, depth=depth + 1) if inner else []
        rows.append((cells, field_help(field), nested))
    if not rows:
        return []
    widths = [max(len(cells[column]) for cells, _, _ in rows) for column in range(len(rows[0][0]))]
    indent = "  " * depth
    lines: list[str] = []
    for cells, help_text, nested in rows:
        columns = "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        lines.append(f"{indent}{columns}  {help_text}".rstrip())
        lines.extend(nested)
    return lines


def _inner(field: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The object schema whose fields ``field`` holds: its own, or its items' for an array."""
    items = field.get("items")
    holder = items if isinstance(items, Mapping) else field
    return holder if holder.get("properties") else None
