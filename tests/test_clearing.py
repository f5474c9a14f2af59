"""Updates can clear a field (issue 14): a JSON null is sent as null; an empty text is
"not given", on every module; a null that could not reach the body whole is refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from runtime.core.errors import InputError
from runtime.definitions.loader import load_connector
from runtime.definitions.specs import RequestSpec, VariantSpec
from runtime.engine.clearing import Cleared
from runtime.engine.connection import open_connection
from runtime.engine.execution import build_request
from runtime.engine.inputs import prepare_parameters
from runtime.engine.rendering import render_request, select_request
from tests.conftest import CliResult

REPO = Path(__file__).resolve().parent.parent
CONNECTOR = load_connector(REPO)
CONNECTION = open_connection(
    CONNECTOR.connections["clientary"], CONNECTOR.base, {"domain": "acme"}, need_secrets=False
)
Cli = Callable[..., CliResult]


def _sent_body(cli: Cli, module: str, parameters: dict[str, object]) -> object:
    result = cli("run", module, "--dry-run", "--params", json.dumps(parameters))
    assert result.code == 0, result.err
    return json.loads(result.out)["body"]


def test_a_null_given_to_an_update_is_sent_as_null(cli: Cli) -> None:
    body = _sent_body(cli, "update_client", {"id": 3, "website": None, "name": "Acme"})
    assert body == {"client": {"name": "Acme", "website": None}}


def test_clearing_alone_is_a_change_worth_sending(cli: Cli) -> None:
    assert _sent_body(cli, "update_contact", {"id": 3, "phone": None}) == {
        "client_user": {"phone": None}
    }


def test_an_empty_text_is_not_given_even_where_a_format_is_checked(cli: Cli) -> None:
    result = cli("run", "update_client", "--dry-run", "--params", '{"id": 3, "website": ""}')
    assert result.code == 2
    assert "update_client: nothing to update" in result.err  # not a failed uri check
    body = _sent_body(cli, "create_client", {"name": "Acme", "website": "", "country": ""})
    assert body == {"client": {"name": "Acme"}}


def test_a_null_for_a_required_field_is_still_refused(cli: Cli) -> None:
    result = cli("run", "update_client", "--dry-run", "--params", '{"id": null, "name": "A"}')
    assert (result.code, result.err.strip()) == (
        2,
        "error: DataError: parameters.id: expected integer; got null",
    )


def test_a_null_outside_an_update_is_checked_like_any_value(cli: Cli) -> None:
    result = cli("run", "create_client", "--dry-run", "--params", '{"name": "A", "website": null}')
    assert result.code == 2
    assert "parameters.website: expected string; got null" in result.err


def test_the_python_api_clears_when_given_the_module() -> None:
    module = CONNECTOR.modules["update_expense"]
    parameters = prepare_parameters(module, {"id": 7, "description": None})
    assert parameters["description"] == Cleared("description")
    request = build_request(module, parameters, CONNECTION, CONNECTOR.base)
    assert request.body == {"expense": {"description": None}}
    with pytest.raises(InputError, match=r"parameters\.description: expected string; got null"):
        prepare_parameters(module.input, {"id": 7, "description": None})  # a bare schema


def test_a_cleared_parameter_that_cannot_reach_the_body_whole_is_refused() -> None:
    spec = RequestSpec(
        method="PUT",
        url="/things/1",
        query={"note": "{{ parameters.note }}"},
        body={"thing": {"title": "about {{ parameters.title }}"}},
        omit_empty=True,
    )
    for name, other in (("note", "title"), ("title", "note")):
        parameters = {name: Cleared(name), other: "kept"}
        with pytest.raises(InputError, match=rf"parameters\.{name}: null clears a field, but"):
            render_request(spec, parameters, CONNECTION, CONNECTOR.base)


def test_a_cleared_parameter_does_not_choose_a_variant() -> None:
    main = RequestSpec(method="GET", url="/things")
    scoped = VariantSpec(when="client_id", request=RequestSpec(method="GET", url="/scoped"))
    assert select_request(main, [scoped], {"client_id": Cleared("client_id")}) is main
    assert select_request(main, [scoped], {"client_id": 4}) is scoped.request
