"""How a parameter or output field is described to a person: its type and its help text.

Shared by ``connector describe`` and the generated reference (docs/modules.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def field_type(field: Mapping[str, Any]) -> str:
    kind = field.get("type", "any")
    text = " or ".join(kind) if isinstance(kind, list) else str(kind)
    if field.get("x-make-type"):
        text += f" ({field['x-make-type']})"
    if field.get("type") == "array" and isinstance(field.get("items"), Mapping):
        text += " of " + field_type(field["items"])
    return text


def field_help(field: Mapping[str, Any]) -> str:
    parts = [field.get("title", ""), field.get("description", "")]
    if "enum" in field:
        labels = field.get("x-enum-labels", {})
        parts.append(
            "one of "
            + ", ".join(
                f"`{value}`" + (f" {labels[str(value)]}" if str(value) in labels else "")
                for value in field["enum"]
            )
        )
    if "default" in field:
        parts.append(f"default `{field['default']}`")
    if field.get("x-rpc"):
        parts.append(f"options from rpc `{field['x-rpc']}`")
    if field.get("x-advanced"):
        parts.append("advanced")
    text = ". ".join(part.strip().rstrip(".") for part in parts if part and part.strip())
    return text.replace("\n", " ")
