"""The export of the repository's connector: layout, contents, and Make's own JSON Schemas."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from runtime.core.errors import ExportError
from runtime.definitions.loader import default_root, load_connector
from runtime.definitions.specs import ConnectorSpec, RequestSpec
from runtime.export.exporter import export_app, export_issues, kebab

# Copies of shared/make/schemas (Make's own schemas, MIT; see SOURCE.md there), kept in the
# repository so any checkout runs these tests; tests/test_samples.py checks they are current.
SCHEMAS = Path(__file__).resolve().parent / "make_schemas"
# Which of Make's schemas applies to which file (app-format.md section 11).
SCHEMA_FOR_SUFFIX = {
    "makecomapp.json": "makecomapp.schema.json",
    "general/base.iml.json": "base.json",
    "modules/groups.json": "groups.json",
    ".communication.iml.json": "api.json",
    ".params.iml.json": "parameters.json",
    ".static-params.iml.json": "parameters.json",
    ".mappable-params.iml.json": "parameters.json",
    ".interface.iml.json": "parameters.json",
    ".samples.iml.json": "samples.json",
    ".scope.iml.json": "scope.json",
    ".epoch.iml.json": "epoch.json",
}


def strip_comments(text: str) -> str:
    """JSONC -> JSON: drop // and /* */ comments outside strings."""
    out: list[str] = []
    index, in_string = 0, False
    while index < len(text):
        char = text[index]
        if in_string:
            out.append(char)
            if char == "\\":
                out.append(text[index + 1])
                index += 1
            elif char == '"':
                in_string = False
        elif text.startswith("//", index):
            index = text.find("\n", index) if "\n" in text[index:] else len(text)
            continue
        elif text.startswith("/*", index):
            index = text.index("*/", index) + 2
            continue
        else:
            in_string = char == '"'
            out.append(char)
        index += 1
    return "".join(out)


@pytest.fixture(scope="module")
def registry() -> Registry[Any]:
    if not SCHEMAS.is_dir():
        pytest.fail(f"Make's JSON Schemas are missing: expected them in {SCHEMAS}")
    resources = [
        (path.name, Resource.from_contents(json.loads(strip_comments(path.read_text())), DRAFT7))
        for path in SCHEMAS.glob("*.json")
    ]
    draft7 = Resource.from_contents(Draft7Validator.META_SCHEMA, DRAFT7)
    resources.append(("http://json-schema.org/draft-07/schema", draft7))
    return Registry().with_resources(resources)


@pytest.fixture(scope="module")
def connector() -> ConnectorSpec:
    return load_connector(default_root())


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, connector: ConnectorSpec) -> Path:
    out = tmp_path_factory.mktemp("app")
    export_app(connector, out)
    return out


def read(out: Path, name: str) -> Any:
    return json.loads(strip_comments((out / name).read_text(encoding="utf-8")))


def schema_for(name: str) -> str:
    matches = [schema for suffix, schema in SCHEMA_FOR_SUFFIX.items() if name.endswith(suffix)]
    assert len(matches) == 1, f"no single schema for {name}: {matches}"
    return matches[0]


def test_every_file_validates_against_makes_schema(exported: Path, registry: Registry[Any]) -> None:
    names = sorted(p.relative_to(exported).as_posix() for p in exported.rglob("*") if p.is_file())
    assert "README.md" in names
    problems = []
    for name in names:
        if name == "README.md":
            continue
        validator = Draft7Validator({"$ref": schema_for(name)}, registry=registry)
        problems += [
            f"{name}: {error.message}" for error in validator.iter_errors(read(exported, name))
        ]
    assert problems == []


def test_manifest_names_every_component(exported: Path, connector: ConnectorSpec) -> None:
    manifest = read(exported, "makecomapp.json")
    assert manifest["fileVersion"] == 1
    assert manifest["generalCodeFiles"] == {
        "base": "general/base.iml.json",
        "common": None,
        "readme": "README.md",
        "groups": "modules/groups.json",
    }
    assert manifest["origins"] == []
    components = manifest["components"]
    assert components["webhook"] == components["function"] == components["endpoint"] == {}
    assert len(components["module"]) == len(connector.modules)
    assert len(components["rpc"]) == len(connector.rpcs)
    assert components["connection"]["clientary"] == {
        "label": "Clientary",
        "connectionType": "basic",
        "codeFiles": {
            "communication": "connections/clientary/clientary.communication.iml.json",
            "params": "connections/clientary/clientary.params.iml.json",
        },
    }
    create = components["module"]["createClient"]
    assert create["moduleType"] == "action" and create["actionCrud"] == "create"
    assert create["connection"] == "clientary"
    assert create["codeFiles"]["mappableParams"] == (
        "modules/create-client/create-client.mappable-params.iml.json"
    )
    watch = components["module"]["watchNewTasks"]["codeFiles"]
    assert watch["epoch"] == "modules/watch-new-tasks/watch-new-tasks.epoch.iml.json"
    for kind in ("module", "rpc", "connection"):
        for component in components[kind].values():
            for path in component["codeFiles"].values():
                assert (exported / path).is_file(), path


def test_kebab_follows_the_extension() -> None:
    assert kebab("listUsers") == "list-users"
    assert kebab("watchNewClients2") == "watch-new-clients2"
    assert kebab("clientary") == "clientary"


def test_base_and_connection(exported: Path) -> None:
    base = read(exported, "general/base.iml.json")
    assert base["baseUrl"] == "https://{{lower(connection.domain)}}.clientary.com/api/v2"
    assert base["headers"]["authorization"] == (
        'Basic {{base64(connection.api_token + ":" + connection.api_token)}}'
    )
    assert base["timeout"] == 30000
    assert base["response"]["error"]["429"]["type"] == "RateLimitError"
    assert base["response"]["error"]["429"]["message"].startswith(
        '{{"HTTP 429: too many requests; Clientary asks to slow down" + if(body.error; '
    )
    assert base["log"] == {"sanitize": ["request.headers.authorization"]}
    connection = read(exported, "connections/clientary/clientary.communication.iml.json")
    assert connection["url"] == "https://{{lower(parameters.domain)}}.clientary.com/api/v2/staff"
    assert connection["headers"]["authorization"] == (
        'Basic {{base64(parameters.api_token + ":" + parameters.api_token)}}'
    )
    params = read(exported, "connections/clientary/clientary.params.iml.json")
    assert [(p["name"], p["type"], p["editable"]) for p in params] == [
        ("domain", "text", True),
        ("api_token", "password", True),
    ]


def test_search_with_variants_omit_empty_and_pagination(exported: Path) -> None:
    api = read(exported, "modules/list-contacts/list-contacts.communication.iml.json")
    assert api == {
        "url": '{{if(parameters.client_id; "/clients/" + parameters.client_id + "/contacts";'
        ' "/contacts")}}',
        "method": "GET",
        "qs": {"page_size": 100},
        "pagination": {
            "qs": {"page": "{{pagination.page}}"},
            "condition": "{{pagination.page <= body.page_count && pagination.page <= 10000}}",
        },
        "response": {"iterate": "{{body.contacts}}", "limit": "{{parameters.limit}}"},
    }
    search = read(exported, "modules/search-clients/search-clients.communication.iml.json")
    assert search["qs"] == {
        "updated_since": "{{ifempty(formatDate(parameters.updated_since; "
        '"YYYY-MM-DD"); undefined)}}',
        "sort": '{{ifempty(if(parameters.sort = "date"; "date"; undefined); undefined)}}',
    }


def test_trigger_and_epoch(exported: Path) -> None:
    api = read(exported, "modules/watch-new-clients/watch-new-clients.communication.iml.json")
    assert api["response"]["trigger"] == {"id": "{{item.id}}", "type": "id", "order": "desc"}
    assert api["response"]["limit"] == "{{parameters.limit}}"
    static = read(exported, "modules/watch-new-clients/watch-new-clients.static-params.iml.json")
    assert static == [
        {"name": "limit", "type": "uinteger", "label": "Limit", "required": True, "default": 10}
    ]
    epoch = read(exported, "modules/watch-new-tasks/watch-new-tasks.epoch.iml.json")
    assert epoch == {
        "response": {
            "iterate": "{{body.tasks}}",
            "limit": 300,
            "output": {
                "label": '{{ifempty(item.title; "Task " + item.id)}}'
                '{{if(item.client_id; ", client " + item.client_id; "")}}',
                "date": "{{item.created_at}}",
            },
        }
    }


def test_universal_and_rpc(exported: Path) -> None:
    api = read(exported, "modules/make-api-call/make-api-call.communication.iml.json")
    # Always a path under baseUrl: an absolute URL typed by a user cannot change the host.
    assert api["url"] == (
        '{{"/" + if(indexOf(parameters.url; "/") = 0; '
        "substring(parameters.url; 1; length(parameters.url)); parameters.url)}}"
    )
    # Key/value items (test_inside_make.py pins them), spread into the query and headers.
    assert api["qs"] == {"{{...}}": '{{toCollection(parameters.query; "key"; "value")}}'}
    assert api["response"]["output"] == {
        "status": "{{statusCode}}",
        "headers": "{{headers}}",
        "body": "{{body}}",
    }
    rpc = read(exported, "rpcs/list-clients/list-clients.communication.iml.json")
    assert rpc["response"]["output"] == {
        "label": '{{item.name}}{{if(item.number; " (" + item.number + ")"; "")}}',
        "value": "{{item.id}}",
    }
    assert rpc["pagination"]["condition"] == (
        "{{pagination.page <= body.page_count && pagination.page <= 3}}"
    )
    delete = read(exported, "modules/delete-client/delete-client.communication.iml.json")
    assert "body" not in delete  # api.json requires a body for POST, PUT and PATCH only
    assert read(exported, "modules/groups.json")[0]["modules"][0] == "watchNewClients"


def test_untranslatable_template_fails_whole_export(
    connector: ConnectorSpec, tmp_path: Path
) -> None:
    module = connector.modules["create_client"]
    body = {"client": {"name": "{% for x in parameters.name %}{{ x }}{% endfor %}"}}
    broken = dataclasses.replace(module, request=dataclasses.replace(module.request, body=body))
    rpc = connector.rpcs["list_clients"]
    bad_rpc = dataclasses.replace(rpc, option_label="{{ item.name | capitalize }}")
    spec = dataclasses.replace(
        connector,
        modules={**connector.modules, "create_client": broken},
        rpcs={**connector.rpcs, "list_clients": bad_rpc},
    )
    with pytest.raises(ExportError) as caught:
        export_app(spec, tmp_path / "app")
    lines = str(caught.value).splitlines()
    assert lines[1:] == [
        "modules/clients/create_client.yaml: $.request.body.client.name: "
        "'{% for %}' blocks have no IML form",
        "rpcs/list_clients.yaml: $.option.label: filter 'capitalize' with 0 argument(s) "
        "has no IML form",
    ]
    assert not (tmp_path / "app").exists()


def test_variant_differing_beyond_url_is_refused(connector: ConnectorSpec, tmp_path: Path) -> None:
    module = connector.modules["list_contacts"]
    variant = dataclasses.replace(
        module.variants[0],
        request=RequestSpec(method="GET", url="/x/{{ parameters.client_id }}", query={"a": "b"}),
    )
    spec = dataclasses.replace(
        connector,
        modules={
            **connector.modules,
            "list_contacts": dataclasses.replace(module, variants=(variant,)),
        },
    )
    with pytest.raises(ExportError, match=r"\$\.variants\[0\]\.request: differs .* 'query'"):
        export_app(spec, tmp_path)


def test_the_schema_check_bites(registry: Registry[Any]) -> None:
    validator = Draft7Validator({"$ref": "api.json"}, registry=registry)
    assert list(validator.iter_errors({"url": "/x", "method": "POST"}))  # POST needs a body
    params = Draft7Validator({"$ref": "parameters.json"}, registry=registry)
    assert list(params.iter_errors([{"name": "x", "type": "string"}]))  # not a Make type


def test_the_export_check_gives_validate_path_tuples(connector: ConnectorSpec) -> None:
    """validate locates these with the document's lines; a key holding a dot stays one key
    (a JSON-path string parsed back would have split it in two)."""
    module = connector.modules["create_client"]
    body = {"client": {"a.b": "{% if parameters.name %}{{ parameters.name }}{% endif %}"}}
    broken = dataclasses.replace(module, request=dataclasses.replace(module.request, body=body))
    spec = dataclasses.replace(connector, modules={**connector.modules, "create_client": broken})
    assert export_issues(spec) == [
        (
            "modules/clients/create_client.yaml",
            ("request", "body", "client", "a.b"),
            "'{% if %}' blocks have no IML form",
        )
    ]
    assert export_issues(connector) == []
