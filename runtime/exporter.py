"""Exporting the connector to Make's local-development layout (makecomapp.json + code files).

``build_app`` translates everything in memory; a template without an IML form fails the
whole export with one line per problem (file and JSON path), and nothing is written.
Module and RPC ids become camelCase: Make names must match ``^[a-zA-Z][0-9a-zA-Z]{3,47}$``.
``origins`` stays empty: the extension's "create a new app origin" adds one. How requests
and responses translate is in ``make_communication``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from runtime.errors import ConnectorError, Issue, SourceLocation
from runtime.make_communication import base_code, connection_codes, module_codes, rpc_codes
from runtime.make_params import snake_to_camel
from runtime.specs import ConnectorSpec

JsonObject = dict[str, Any]


class ExportError(ConnectorError):
    """Some templates have no IML form; ``issues`` names every one."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = sorted(issues, key=Issue.sort_key)
        lines = "\n".join(str(issue) for issue in self.issues)
        super().__init__(f"{len(self.issues)} problem(s) exporting to Make:\n{lines}")


def kebab(local_id: str) -> str:
    """The extension's directory/file stem for a local component id (listUsers -> list-users)."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", local_id).lower()


def build_app(connector: ConnectorSpec) -> dict[str, Any]:
    """Every file of the app, by path, as JSON-ready values. Raises ExportError."""
    issues: list[Issue] = []
    files: dict[str, Any] = {}
    manifest: JsonObject = {name: {} for name in ("connection", "webhook", "module", "rpc")}
    manifest |= {"function": {}, "endpoint": {}}
    if len(connector.connections) != 1:
        issues.append(Issue(SourceLocation("connections/"), "the export needs exactly one"))
    for connection in connector.connections.values():
        code = _component(
            files, "connection", connection.id, connection_codes(connector, connection, issues)
        )
        manifest["connection"][connection.id] = {
            "label": connection.label,
            "connectionType": "basic",
            "codeFiles": code,
        }
    auth = next(iter(connector.connections.values()), None)
    files["general/base.iml.json"] = base_code(connector.base, auth, issues)
    files["modules/groups.json"] = [
        {"label": label, "modules": [snake_to_camel(m) for m in modules]}
        for label, modules in connector.groups
    ]
    for module in connector.modules.values():
        local_id = snake_to_camel(module.id)
        codes = module_codes(module, issues, _rpc_help(connector))
        code = _component(files, "module", local_id, codes)
        metadata: JsonObject = {"label": module.label, "description": module.description}
        metadata["moduleType"] = module.kind
        if module.kind == "action":
            metadata["actionCrud"] = module.crud
        manifest["module"][local_id] = {
            **metadata,
            "connection": module.connection,
            "altConnection": None,
            "codeFiles": code,
        }
    for rpc in connector.rpcs.values():
        local_id = snake_to_camel(rpc.id)
        code = _component(files, "rpc", local_id, rpc_codes(rpc, issues))
        manifest["rpc"][local_id] = {
            "label": rpc.label,
            "connection": rpc.connection,
            "altConnection": None,
            "codeFiles": code,
        }
    if issues:
        raise ExportError(issues)
    files["makecomapp.json"] = {
        "fileVersion": 1,
        "generalCodeFiles": {
            "base": "general/base.iml.json",
            "common": None,
            "readme": "README.md",
            "groups": "modules/groups.json",
        },
        "components": manifest,
        "origins": [],
    }
    return files


def _rpc_help(connector: ConnectorSpec) -> Callable[[str], str]:
    """What a select filled by an RPC adds to its help: Make recommends at most 3 requests
    per RPC, so a long list is cut, and the user should know how to reach the rest."""

    def sentence(rpc_id: str) -> str:
        rpc = connector.rpcs.get(rpc_id)
        pages = rpc.max_pages if rpc is not None and rpc.pagination is not None else 1
        shown = f"the first {pages} pages" if pages > 1 else "the first page"
        return (
            f"The list shows only the most recent items ({shown} Clientary returns); "
            "to use another, map its ID instead."
        )

    return sentence


def export_app(connector: ConnectorSpec, out: Path) -> list[Path]:
    """Write the app under ``out``; the files written. Raises ExportError, writing nothing."""
    files = build_app(connector)
    written = [_write(out / "README.md", _readme(connector))]
    written += [
        _write(out / name, json.dumps(content, indent=4, ensure_ascii=False) + "\n")
        for name, content in files.items()
    ]
    return written


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _readme(connector: ConnectorSpec) -> str:
    return (
        f"# {connector.label}\n\n{connector.description}\n\n"
        "Generated by `runtime.exporter` from the connector's YAML definitions; "
        "edit those, not these files.\n"
    )


_SUFFIXES = {
    "communication": "communication.iml.json",
    "params": "params.iml.json",
    "staticParams": "static-params.iml.json",
    "mappableParams": "mappable-params.iml.json",
    "interface": "interface.iml.json",
    "samples": "samples.iml.json",
    "scope": "scope.iml.json",
    "epoch": "epoch.iml.json",
}


def _component(files: dict[str, Any], kind: str, local_id: str, codes: JsonObject) -> JsonObject:
    """Place each code of a component at ``<kind>s/<kebab>/<kebab>.<suffix>``; the codeFiles."""
    stem = kebab(local_id)
    code_files: JsonObject = {}
    for code_type, content in codes.items():
        name = f"{kind}s/{stem}/{stem}.{_SUFFIXES[code_type]}"
        files[name] = content
        code_files[code_type] = name
    return code_files
