"""The module reference (docs/modules.md), generated from the YAML.

``python -m runtime.cli.docs`` prints it (``make docs`` writes it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runtime.definitions.field_text import field_help, field_type
from runtime.definitions.loader import default_root, load_connector
from runtime.definitions.specs import ConnectorSpec, ModuleSpec


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
        cells = [f"`{name}`", field_type(field)]
        if with_required:
            cells.append("yes" if name in required else "")
        cells.append(field_help(field).replace("|", "\\|"))
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def main() -> int:
    print(render_reference(load_connector(default_root())), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
