"""Contract tests: every module file against literal expectations written from the API docs.

Each module has a case file ``cases/<module id>.yaml``; the expected request
and output there are written from api.md and the documented samples, never
derived from the module file, so a wrong module file fails here.

    module: create_client
    cases:
      - name: minimal
        parameters: {name: ACME Corp}
        request: {method: POST, path: /api/v2/clients, query: {}, body: {client: {name: ACME Corp}}}
        responses: [{status: 201, sample: clients.single.json}]   # or body: {...}; query: {...}
        output: [{sample: clients.single.json}]                   # or the bundle itself
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses
import yaml
from jsonschema import Draft202012Validator
from responses import matchers

from runtime.definitions.loader import default_root, load_connector
from runtime.definitions.specs import ModuleSpec
from runtime.engine.connection import open_connection
from runtime.engine.execution import RunContext, run_module
from runtime.engine.inputs import prepare_parameters
from runtime.engine.transport import RequestsTransport, RetryPolicy
from tests.conftest import CANARY_TOKEN, sample

CASES = Path(__file__).parent / "cases"
CONNECTOR = load_connector(default_root())
BASE = "https://acme.clientary.com"


def _case_file(module_id: str) -> dict[str, Any]:
    path = CASES / f"{module_id}.yaml"
    if not path.is_file():
        pytest.fail(
            f"module {module_id} has no contract case file {path.relative_to(default_root())}"
        )
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _all_cases() -> list[Any]:
    params = []
    for module_id in sorted(CONNECTOR.modules):
        if not (CASES / f"{module_id}.yaml").is_file():
            params.append(pytest.param(module_id, None, id=f"{module_id}-missing"))
            continue
        for case in _case_file(module_id)["cases"]:
            params.append(pytest.param(module_id, case, id=f"{module_id}-{case['name']}"))
    return params


def _resolve(value: Any) -> Any:
    """``{sample: file}`` stands for the documented sample, at any depth; the rest is literal."""
    if isinstance(value, dict):
        if set(value) == {"sample"}:
            return sample(value["sample"])
        return {key: _resolve(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item) for item in value]
    return value


def _run(module: ModuleSpec, parameters: dict[str, Any]) -> list[dict[str, Any]]:
    connection = open_connection(
        CONNECTOR.connections[module.connection],
        CONNECTOR.base,
        {"domain": "acme", "api_token": CANARY_TOKEN},
    )
    transport = RequestsTransport((connection.username, connection.password), 5, RetryPolicy(0))
    context = RunContext(CONNECTOR, connection, transport)
    prepared = prepare_parameters(module.input, parameters)
    return list(run_module(module, prepared, context))


@pytest.mark.parametrize(("module_id", "case"), _all_cases())
def test_module_sends_the_documented_request_and_maps_the_documented_answer(
    module_id: str, case: dict[str, Any] | None
) -> None:
    if case is None:
        pytest.fail(
            f"module {module_id} has no contract case: add tests/contract/cases/{module_id}.yaml"
        )
    module = CONNECTOR.modules[module_id]
    expected = case["request"]
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        for answer in case["responses"]:
            body = _resolve(answer["body"] if "body" in answer else {"sample": answer["sample"]})
            query = {key: str(value) for key, value in answer.get("query", {}).items()}
            content = b"" if body is None else json.dumps(body).encode()
            mock.add(
                expected["method"],
                f"{BASE}{answer.get('path', expected['path'])}",
                body=content,
                content_type="application/json",
                status=answer.get("status", 200),
                match=[matchers.query_param_matcher(query)] if "query" in answer else [],
            )
        bundles = _run(module, case.get("parameters", {}))
        sent = mock.calls[0].request

    assert sent.method == expected["method"]
    url = str(sent.url)
    assert urlsplit(url).path == expected["path"]
    assert dict(parse_qsl(urlsplit(url).query)) == {
        key: str(value) for key, value in expected.get("query", {}).items()
    }
    token = base64.b64encode(f"{CANARY_TOKEN}:{CANARY_TOKEN}".encode()).decode()
    assert sent.headers["Authorization"] == f"Basic {token}"
    assert sent.headers["Accept"] == "application/json"
    if "body" in expected:
        assert json.loads(sent.body or b"null") == expected["body"]
    else:
        assert not sent.body
    assert bundles == [_resolve(bundle) for bundle in case["output"]]
    validator = Draft202012Validator(module.output)
    for bundle in bundles:
        assert not list(validator.iter_errors(bundle)), (
            f"{module_id}: output does not fit its schema"
        )


def test_every_case_file_names_an_existing_module() -> None:
    for path in CASES.glob("*.yaml"):
        assert path.stem in CONNECTOR.modules, f"{path.name}: no module {path.stem}"
