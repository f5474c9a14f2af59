"""The module reference (docs/modules.md), generated from the YAML: ``python -m runtime.docs``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runtime.loader import default_root, load_connector
from runtime.specs import ConnectorSpec, ModuleSpec


def render_reference(connector: ConnectorSpec) -> str:
    lines = [
        f"# {connector.label} modules",
        "",
        "Generated from the YAML definitions by `make docs`; do not edit by hand.",
        "",
    ]
    for label, module_ids in connector.groups:
        lines.append(f"- **{label}**: " + ", ".join(f"[{m}](#{m})" for m in module_ids))
    if connector.rpcs:
        lines.append("- **RPCs** (drop-down options): " + ", ".join(sorted(connector.rpcs)))
    lines.append("")
    for label, module_ids in connector.groups:
        lines.append(f"## {label}")
        lines.append("")
        for module_id in module_ids:
            lines.extend(_module_section(connector.modules[module_id]))
    return "\n".join(lines).rstrip() + "\n"


def _module_section(module: ModuleSpec) -> list[str]:
    kind = module.kind + (f" ({module.crud})" if module.crud else "")
    lines = [f"### {module.id}", "", f"**{module.label}**: {module.description.strip()}", ""]
    lines.append(f"- kind: {kind}")
    if module.endpoint:
        lines.append(f"- endpoint: `{module.endpoint}`")
    if module.trigger is not None:
        trigger = module.trigger
        lines.append(
            f"- trigger: new items by `{trigger.id}`, API order `{trigger.order}`, first run "
            f"{' / '.join(trigger.first_run)} (default {trigger.default_start})"
        )
    lines.extend(["", "Inputs:", ""])
    lines.extend(_field_table(module.input, with_required=True))
    lines.extend(["", "Outputs:", ""])
    lines.extend(_field_table(module.output, with_required=False))
    if module.notes:
        lines.extend(["", "Notes:", ""])
        lines.extend(f"- {note}" for note in module.notes)
    lines.append("")
    return lines


def _field_table(schema: Mapping[str, Any], *, with_required: bool) -> list[str]:
    properties: Mapping[str, Any] = schema.get("properties", {})
    if not properties:
        return ["(none)"]
    required = set(schema.get("required", ()))
    header = "| name | type | required | help |" if with_required else "| name | type | help |"
    rows = [header, "|---|---|---|---|" if with_required else "|---|---|---|"]
    for name, field in properties.items():
        cells = [f"`{name}`", _type_text(field)]
        if with_required:
            cells.append("yes" if name in required else "")
        cells.append(_help_text(field))
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def _type_text(field: Mapping[str, Any]) -> str:
    kind = field.get("type", "any")
    text = " or ".join(kind) if isinstance(kind, list) else str(kind)
    if field.get("x-make-type"):
        text += f" ({field['x-make-type']})"
    if field.get("type") == "array" and isinstance(field.get("items"), Mapping):
        text += " of " + _type_text(field["items"])
    return text


def _help_text(field: Mapping[str, Any]) -> str:
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
    return text.replace("|", "\\|").replace("\n", " ")


def main() -> int:
    print(render_reference(load_connector(default_root())), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
