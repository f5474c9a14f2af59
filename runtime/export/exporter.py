"""Exporting the connector to Make's local-development layout (makecomapp.json + code files).

``build_app`` translates everything in memory; a template without an IML form fails the
whole export with one line per problem (file and JSON path), and nothing is written.
Module and RPC ids become camelCase: Make names must match ``^[a-zA-Z][0-9a-zA-Z]{3,47}$``.
``origins`` holds the one ``Origin`` given (``connector export --origin URL --app-id ID``),
whose API key the extension reads from ``.secrets/apikey`` beside makecomapp.json: the
export never holds a key. Without one it stays empty and the extension's "create a new
app origin" adds it. How requests and responses translate is in ``make_communication``;
the import archive (``--format make-zip``) is ``make_archive``, made from these files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runtime.core.errors import ExportError, InputError, Issue, SourceLocation
from runtime.core.json_types import JsonObject
from runtime.definitions.source import format_json_path
from runtime.definitions.specs import ConnectorSpec
from runtime.export.make_communication import (
    ExportIssue,
    base_code,
    connection_codes,
    module_codes,
    rpc_codes,
)
from runtime.export.make_params import snake_to_camel

APIKEY_FILE = ".secrets/apikey"  # relative to makecomapp.json; the user puts the key there
_ORIGIN_URL = re.compile(r"^https://[^/\s]+/api$")  # makecomapp.schema.json: ^https://(.*)/api$
_APP_ID = re.compile(r"^[a-z][0-9a-z-]+[0-9a-z]$")


@dataclass(frozen=True, slots=True)
class Origin:
    """Where the extension deploys the local app: a Make zone's API and the app there."""

    base_url: str
    app_id: str
    app_version: int = 1

    @classmethod
    def checked(cls, base_url: str, app_id: str, app_version: int) -> Origin:
        """The origin from the command line; InputError names the option that is wrong."""
        url = base_url.strip().rstrip("/")
        if not _ORIGIN_URL.match(url):
            raise InputError(
                f"--origin: expected the API of a Make zone, e.g. https://eu1.make.com/api; "
                f"got {base_url!r}"
            )
        if not _APP_ID.match(app_id):
            raise InputError(
                "--app-id: expected the app's id in Make (lowercase letters, digits and '-', "
                f"e.g. clientary-x); got {app_id!r}"
            )
        if app_version < 1:
            raise InputError(f"--app-version: expected a version of 1 or more; got {app_version}")
        return cls(url, app_id, app_version)

    def manifest(self) -> JsonObject:
        return {
            "label": "Make",
            "baseUrl": self.base_url,
            "appId": self.app_id,
            "appVersion": self.app_version,
            "apikeyFile": APIKEY_FILE,
        }


def kebab(local_id: str) -> str:
    """The extension's directory/file stem for a local component id (listUsers -> list-users)."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", local_id).lower()


def build_app(connector: ConnectorSpec, origin: Origin | None = None) -> dict[str, Any]:
    """Every file of the app, by path, as JSON-ready values. Raises ExportError."""
    files, issues = _translate(connector, origin)
    if issues:
        raise ExportError(
            [
                Issue(SourceLocation(file, format_json_path(parts)), text)
                for file, parts, text in issues
            ]
        )
    return files


def export_issues(connector: ConnectorSpec) -> list[ExportIssue]:
    """What the export cannot translate, as file and path parts: the check ``validate`` runs
    (the command line hands it over, so the definitions layer never imports this one)."""
    return _translate(connector, None)[1]


def _translate(
    connector: ConnectorSpec, origin: Origin | None
) -> tuple[dict[str, Any], list[ExportIssue]]:
    issues: list[ExportIssue] = []
    files: dict[str, Any] = {}
    manifest: JsonObject = {name: {} for name in ("connection", "webhook", "module", "rpc")}
    manifest |= {"function": {}, "endpoint": {}}
    if len(connector.connections) != 1:
        issues.append(ExportIssue("connections/", (), "the export needs exactly one"))
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
    files["makecomapp.json"] = {
        "fileVersion": 1,
        "generalCodeFiles": {
            "base": "general/base.iml.json",
            "common": None,
            "readme": "README.md",
            "groups": "modules/groups.json",
        },
        "components": manifest,
        "origins": [origin.manifest()] if origin is not None else [],
    }
    return files, issues


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


def export_app(connector: ConnectorSpec, out: Path, origin: Origin | None = None) -> list[Path]:
    """Write the app under ``out``; the files written. Raises ExportError, writing nothing."""
    files = build_app(connector, origin)
    written = [_write(out / "README.md", readme(connector))]
    written += [_write(out / name, json_text(content)) for name, content in files.items()]
    return written


def json_text(content: Any) -> str:
    """How every JSON file of both formats is written (the same bytes on every run)."""
    return json.dumps(content, indent=4, ensure_ascii=False) + "\n"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def readme(connector: ConnectorSpec) -> str:
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
