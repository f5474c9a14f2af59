"""Make's app archive (the extension's "Import App", app-format.md section 7), as zip bytes.

The archive is a re-layout of the local-development files ``exporter.build_app`` makes,
so both formats carry the same sections by construction (a test compares them):
``<app>/metadata.json``, ``.sdk``, ``base.imljson``, ``readme.md``, then per connection,
RPC and module a ``metadata.json`` and the section files its type carries, named by API
section (``api``, ``parameters``, ``expect``, ...). Not in the archive, as Make's format
has no place for them: module groups, app ``common``, the modules' ``crud``, any origin.

The bytes are the same on every run: entries sorted, fixed timestamps and permissions.
Nothing secret is in it (the connection's values are only named, as ``parameters.*``).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from typing import Any

from runtime.definitions.specs import ConnectorSpec
from runtime.export.exporter import build_app, json_text, readme

JsonObject = dict[str, Any]
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can state: no build time leaks in
THEME = "#000000"  # the extension's default colour for a new app; Make asks for one
# Which API sections each component type carries in the archive, and from which local code.
_CONNECTION_SECTIONS = {
    "api": "communication",
    "parameters": "params",
    "scope": None,
    "scopes": None,
}
_RPC_SECTIONS = {"api": "communication", "parameters": "params"}
_MODULE_SECTIONS: Mapping[str, Mapping[str, str]] = {
    kind: {
        "api": "communication",
        "parameters": "staticParams",
        "expect": "mappableParams",
        "interface": "interface",
        "samples": "samples",
        "scope": "scope",
    }
    for kind in ("action", "search", "universal")
} | {
    "trigger": {
        "api": "communication",
        "epoch": "epoch",
        "parameters": "staticParams",
        "interface": "interface",
        "samples": "samples",
        "scope": "scope",
    }
}
_EMPTY: Mapping[str, Any] = {"scope": [], "scopes": {}}  # sections we have nothing for


def archive_entries(connector: ConnectorSpec) -> dict[str, str]:
    """Every entry of the archive, by its path inside the zip, as text. Raises ExportError."""
    local = build_app(connector)
    components = local["makecomapp.json"]["components"]
    app = connector.name
    entries = {
        f"{app}/metadata.json": json_text(
            {
                "name": app,
                "label": connector.label,
                "version": connector.version,
                "theme": THEME,
                "language": "en",
                "countries": None,
            }
        ),
        f"{app}/.sdk": json_text({"version": 2}),
        f"{app}/base.imljson": json_text(local["general/base.iml.json"]),
        f"{app}/readme.md": readme(connector),
    }
    for name, component in components["connection"].items():
        metadata = {"name": name, "label": component["label"], "type": component["connectionType"]}
        entries |= _component(
            f"{app}/connections/{name}", metadata, _CONNECTION_SECTIONS, component, local
        )
    for name, component in components["rpc"].items():
        metadata = {
            "name": name,
            "label": component["label"],
            "connection": component["connection"],
        }
        entries |= _component(f"{app}/rpcs/{name}", metadata, _RPC_SECTIONS, component, local)
    for name, component in components["module"].items():
        kind = component["moduleType"]
        metadata = {
            "name": name,
            "label": component["label"],
            "description": component["description"],
            "connection": component["connection"],
            "webhook": None,
            "type": kind,
        }
        sections = _MODULE_SECTIONS[kind]
        entries |= _component(f"{app}/modules/{name}", metadata, sections, component, local)
    return entries


def build_archive(connector: ConnectorSpec) -> bytes:
    """The zip, byte-identical for the same definitions. Raises ExportError."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in sorted(archive_entries(connector).items()):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the permissions below mean the same everywhere
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def _component(
    folder: str,
    metadata: JsonObject,
    sections: Mapping[str, str | None],
    component: Mapping[str, Any],
    local: Mapping[str, Any],
) -> dict[str, str]:
    entries = {f"{folder}/metadata.json": json_text(metadata)}
    for section, code in sections.items():
        path = component["codeFiles"].get(code) if code is not None else None
        content = local[path] if path is not None else _EMPTY[section]
        entries[f"{folder}/{section}.imljson"] = json_text(content)
    return entries
