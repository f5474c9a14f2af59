"""The import archive (``--format make-zip``): layout, Make's schemas, and the round trip.

The archive and the local layout must hold the same components with the same section
contents; every JSON section must validate against the schema Make's extension applies to
that section; two builds must be byte-identical; no token or connection value inside.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from jsonschema import Draft7Validator
from referencing import Registry

from runtime.definitions.specs import ConnectorSpec
from runtime.export.exporter import build_app, kebab
from runtime.export.make_archive import build_archive
from tests.conftest import CANARY_TOKEN
from tests.export.test_exporter import connector, registry, strip_comments

__all__ = ["connector", "registry"]  # fixtures shared with test_exporter

# The schema Make's extension applies to each archive file name (app-format.md section 11).
SCHEMA_FOR_SECTION = {
    "base.imljson": "base.json",
    "api.imljson": "api.json",
    "parameters.imljson": "parameters.json",
    "expect.imljson": "parameters.json",
    "interface.imljson": "parameters.json",
    "samples.imljson": "samples.json",
    "scope.imljson": "scope.json",
    "scopes.imljson": "scopes.json",
    "epoch.imljson": "epoch.json",
}
# Which local code file each archive section comes from (app-format.md sections 6.2 and 7).
LOCAL_CODE = {
    "api": "communication",
    "epoch": "epoch",
    "interface": "interface",
    "samples": "samples",
    "scope": "scope",
    "expect": "mappableParams",
}
SECTIONS_BY_TYPE = {
    "action": ["api", "expect", "interface", "metadata", "parameters", "samples", "scope"],
    "search": ["api", "expect", "interface", "metadata", "parameters", "samples", "scope"],
    "universal": ["api", "expect", "interface", "metadata", "parameters", "samples", "scope"],
    "trigger": ["api", "epoch", "interface", "metadata", "parameters", "samples", "scope"],
}


@pytest.fixture(scope="module")
def archive(connector: ConnectorSpec) -> dict[str, str]:
    data = build_archive(connector)
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        assert opened.testzip() is None
        return {name: opened.read(name).decode("utf-8") for name in opened.namelist()}


def _json(text: str) -> Any:
    return json.loads(strip_comments(text))


def test_layout_follows_makes_import(archive: dict[str, str], connector: ConnectorSpec) -> None:
    names = sorted(archive)
    assert names == sorted(names) and all(name.startswith("clientary/") for name in names)
    for required in ("metadata.json", ".sdk", "base.imljson", "readme.md"):
        assert f"clientary/{required}" in archive, required
    assert _json(archive["clientary/.sdk"]) == {"version": 2}
    metadata = _json(archive["clientary/metadata.json"])
    assert metadata["name"] == "clientary" and metadata["version"] == connector.version
    assert set(metadata) == {"name", "label", "version", "theme", "language", "countries"}
    assert _json(archive["clientary/connections/clientary/metadata.json"]) == {
        "name": "clientary",
        "label": "Clientary",
        "type": "basic",
    }
    modules: dict[str, list[str]] = {}
    for name in names:
        parts = name.split("/")
        if parts[1] == "modules":
            modules.setdefault(parts[2], []).append(parts[3].split(".")[0])
    assert len(modules) == len(connector.modules)
    for module, sections in modules.items():
        kind = _json(archive[f"clientary/modules/{module}/metadata.json"])["type"]
        assert sorted(sections) == SECTIONS_BY_TYPE[kind], module
    create = _json(archive["clientary/modules/createClient/metadata.json"])
    assert create == {
        "name": "createClient",
        "label": "Create a Client",
        "description": create["description"],
        "connection": "clientary",
        "webhook": None,
        "type": "action",
    }


def test_every_json_section_validates_against_makes_schema(
    archive: dict[str, str], registry: Registry[Any]
) -> None:
    problems, checked = [], 0
    for name, text in sorted(archive.items()):
        base = name.rsplit("/", 1)[1]
        if base in ("metadata.json", ".sdk"):
            json.loads(text)  # plain JSON, no schema of Make's applies
            continue
        if base == "readme.md":
            continue
        validator = Draft7Validator({"$ref": SCHEMA_FOR_SECTION[base]}, registry=registry)
        problems += [f"{name}: {e.message}" for e in validator.iter_errors(_json(text))]
        checked += 1
    assert problems == []
    assert checked > 250


def test_round_trip_archive_and_local_layout_agree(
    archive: dict[str, str], connector: ConnectorSpec
) -> None:
    local = build_app(connector)
    components = local["makecomapp.json"]["components"]
    assert _json(archive["clientary/base.imljson"]) == local["general/base.iml.json"]
    for kind, folder in (("connection", "connections"), ("rpc", "rpcs"), ("module", "modules")):
        in_archive = {n.split("/")[2] for n in archive if n.split("/")[1] == folder}
        assert in_archive == set(components[kind]), kind
        for name, component in components[kind].items():
            codes = component["codeFiles"]
            for section in (
                "api",
                "parameters",
                "expect",
                "interface",
                "samples",
                "scope",
                "epoch",
            ):
                path = f"clientary/{folder}/{name}/{section}.imljson"
                if path not in archive:
                    continue
                if section == "parameters":
                    code = "params" if kind != "module" else "staticParams"
                else:
                    code = LOCAL_CODE[section]
                if code not in codes:  # a connection's scope: nothing in the local layout
                    assert _json(archive[path]) in ([], {}), path
                    continue
                assert _json(archive[path]) == local[codes[code]], path
                assert codes[code].startswith(f"{folder}/{kebab(name)}/"), codes[code]


def test_two_builds_are_byte_identical(connector: ConnectorSpec) -> None:
    first, second = build_archive(connector), build_archive(connector)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as opened:
        infos = opened.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_no_token_or_connection_value_inside(
    connector: ConnectorSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The suite runs with the canary token in CLIENTARY_API_TOKEN; a domain is set as well,
    # before the build, so an export that read the environment would carry both.
    monkeypatch.setenv("CLIENTARY_DOMAIN", "acme-canary-domain")
    with zipfile.ZipFile(io.BytesIO(build_archive(connector))) as opened:
        text = "\n".join(opened.read(name).decode("utf-8") for name in opened.namelist())
    assert CANARY_TOKEN not in text
    assert "acme-canary-domain" not in text
    assert "{{connection.api_token" in text or "connection.api_token" in text  # named only
