"""What a user of the imported app meets in Make's scenario builder (issue 13, items 1-7).

Each test reads the export as Make would run it: dates formatted for Clientary, key/value
arrays for free-form objects, the API's own words in error messages, epoch labels a user
recognises, one domain rule, and drop-downs that say they are cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from runtime.core.errors import InputError
from runtime.definitions.loader import default_root, load_connector
from runtime.definitions.specs import ConnectorSpec
from runtime.engine.connection import check_domain
from runtime.export.exporter import build_app
from runtime.export.iml import to_iml
from runtime.export.make_params import input_conversions, mappable_parameters

FORMAT_DATE = 'formatDate(parameters.{name}; "YYYY-MM-DD")'


@pytest.fixture(scope="module")
def connector() -> ConnectorSpec:
    return load_connector(default_root())


@pytest.fixture(scope="module")
def app(connector: ConnectorSpec) -> dict[str, Any]:
    return build_app(connector)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def _parameters(params: list[Any]) -> Iterator[dict[str, Any]]:
    for parameter in params:
        if isinstance(parameter, dict):
            yield parameter


def _module_files(app: dict[str, Any], suffix: str) -> Iterator[tuple[str, Any]]:
    for name, content in sorted(app.items()):
        if name.startswith("modules/") and name.endswith(suffix):
            yield name.split("/")[1], content


# 1. Dates


def test_every_date_input_goes_out_formatted_for_clientary(app: dict[str, Any]) -> None:
    checked = []
    for stem, params in _module_files(app, "-params.iml.json"):
        for parameter in _parameters(params):
            if parameter["type"] != "date":
                continue
            api = app[f"modules/{stem}/{stem}.communication.iml.json"]
            text = "\n".join(_strings(api))
            bare = re.compile(rf"parameters\.{parameter['name']}\b(?!; \"YYYY-MM-DD\")")
            assert FORMAT_DATE.format(name=parameter["name"]) in text, (stem, parameter["name"])
            assert not bare.search(text.replace(FORMAT_DATE.format(name=parameter["name"]), "")), (
                stem,
                parameter["name"],
            )
            checked.append(f"{stem}.{parameter['name']}")
    assert len(checked) == 24  # every type: date input of every module (issue 13, item 1)


def test_omitted_when_empty_stays_around_the_formatted_date(app: dict[str, Any]) -> None:
    api = app["modules/create-invoice/create-invoice.communication.iml.json"]
    assert api["body"]["invoice"]["date"] == (
        '{{ifempty(formatDate(parameters.date; "YYYY-MM-DD"); undefined)}}'
    )
    search = app["modules/search-invoices/search-invoices.communication.iml.json"]
    assert search["qs"]["updated_since"] == (
        '{{ifempty(formatDate(parameters.updated_since; "YYYY-MM-DD"); undefined)}}'
    )


def test_conversions_apply_to_the_named_parameter_only() -> None:
    conversions = input_conversions(
        {"properties": {"due": {"type": "string", "format": "date"}, "n": {"type": "string"}}}
    )
    assert to_iml("{{ parameters.due }}/{{ parameters.n }}", conversions=conversions) == (
        '{{formatDate(parameters.due; "YYYY-MM-DD")}}/{{parameters.n}}'
    )
    assert to_iml("{{ item.due }}", conversions=conversions) == "{{item.due}}"


# 2. Free-form objects: arrays of key/value items, turned into objects with toCollection

KEY_VALUE_SPEC = [
    {"name": "key", "type": "text", "label": "Key", "required": True},
    {"name": "value", "type": "text", "label": "Value"},
]


def test_api_call_headers_and_query_are_key_value_arrays(app: dict[str, Any]) -> None:
    params = {
        p["name"]: p for p in app["modules/make-api-call/make-api-call.mappable-params.iml.json"]
    }
    for name in ("headers", "query"):
        assert params[name]["type"] == "array", name
        assert params[name]["spec"] == KEY_VALUE_SPEC, name
    api = app["modules/make-api-call/make-api-call.communication.iml.json"]
    assert api["qs"] == {"{{...}}": '{{toCollection(parameters.query; "key"; "value")}}'}
    # The user's headers never replace the base's Authorization, whatever its spelling.
    assert api["headers"] == {
        "{{...}}": '{{omit(toCollection(parameters.headers; "key"; "value"); '
        '"authorization"; "Authorization"; "AUTHORIZATION")}}'
    }


def test_every_free_form_object_input_is_a_key_value_array(app: dict[str, Any]) -> None:
    collections = [
        (stem, p["name"])
        for stem, params in _module_files(app, "-params.iml.json")
        for p in _parameters(params)
        if p["type"] == "collection" and p.get("spec") == []
    ]
    assert collections == []
    api = app["modules/update-client/update-client.communication.iml.json"]
    assert api["body"]["client"]["invoice_extra_fields"] == (
        '{{ifempty(toCollection(parameters.invoice_extra_fields; "key"; "value"); undefined)}}'
    )
    params = {
        p["name"]: p for p in app["modules/update-client/update-client.mappable-params.iml.json"]
    }
    assert params["invoice_extra_fields"]["type"] == "array"
    assert params["invoice_extra_fields"]["advanced"] is True


def test_an_object_with_properties_stays_a_collection() -> None:
    schema = {
        "properties": {"address": {"type": "object", "properties": {"city": {"type": "string"}}}}
    }
    (address,) = mappable_parameters(schema)
    assert address["type"] == "collection"
    assert address["spec"] == [{"name": "city", "type": "text"}]
    assert input_conversions(schema) == {}


# 3. The API's own error details


def test_every_mapped_status_carries_the_apis_message(
    app: dict[str, Any], connector: ConnectorSpec
) -> None:
    for name in ("general/base.iml.json", "connections/clientary/clientary.communication.iml.json"):
        error = app[name]["response"]["error"]
        for status, rule in connector.base.errors.items():
            if not status.isdigit():
                continue
            assert error[status]["type"] == rule.make_type, (name, status)
            message = error[status]["message"]
            assert message.startswith("{{") and message.endswith("}}"), (name, status)
            assert f"HTTP {status}: {rule.message}" in message, (name, status)
            for detail in ("body.error", "body.message", "createJSON(body.errors)"):
                assert detail in message, (name, status, detail)
        assert "body.error" in error["message"] and "statusCode" in error["message"]


def test_422_reads_like_the_cli(app: dict[str, Any]) -> None:
    """Evaluated by hand for {"errors": {"number": ["has already been taken"]}}: the
    replace() chain over createJSON turns the field errors into the runtime's wording."""
    message = app["general/base.iml.json"]["response"]["error"]["422"]["message"]
    text = '{"number":["has already been taken"],"name":["can\'t be blank","is too short"]}'
    literal = r"(\"[^\"]*\"|'[^']*')"
    pairs = re.findall(rf"; {literal}; {literal}\)", message)
    assert len(pairs) == 7
    for old, new in pairs:  # innermost replace() first, as IML evaluates them
        text = text.replace(old[1:-1], new[1:-1])
    assert text == "number has already been taken; name can't be blank, is too short"


# 4. Epoch labels a user recognises


def test_epoch_labels_name_the_item_with_a_fallback(app: dict[str, Any]) -> None:
    def label(stem: str) -> str:
        return str(app[f"modules/{stem}/{stem}.epoch.iml.json"]["response"]["output"]["label"])

    invoice = label("watch-new-invoices")
    assert invoice.startswith('{{if(item.number; "#" + item.number; "Invoice " + item.id)')
    assert "item.client_id" in invoice and "item.total_cost" in invoice
    assert "item.currency_code" in invoice
    assert label("watch-new-clients").startswith('{{ifempty(item.name; "Client " + item.id)')
    assert label("watch-new-tasks").startswith('{{ifempty(item.title; "Task " + item.id)')
    for stem, epoch in _module_files(app, ".epoch.iml.json"):
        text = epoch["response"]["output"]["label"]
        assert "+ item.id" in text, stem  # an item whose fields are empty still has a label


# 5. One domain rule


@pytest.mark.parametrize(
    "typed", ["acme", "ACME", "Acme-2", "a", "x" * 63, "a-b", "-a", "a-", "a.b", "a_b", "x" * 64]
)
def test_the_connection_pattern_and_the_cli_agree(app: dict[str, Any], typed: str) -> None:
    params = app["connections/clientary/clientary.params.iml.json"]
    pattern = next(p for p in params if p["name"] == "domain")["validate"]["pattern"]
    try:
        check_domain(typed)
        cli_accepts = True
    except InputError:
        cli_accepts = False
    assert bool(re.fullmatch(pattern, typed)) == cli_accepts


def test_the_base_url_lowercases_the_domain(app: dict[str, Any]) -> None:
    assert app["general/base.iml.json"]["baseUrl"] == (
        "https://{{lower(connection.domain)}}.clientary.com/api/v2"
    )
    verify = app["connections/clientary/clientary.communication.iml.json"]
    assert verify["url"] == "https://{{lower(parameters.domain)}}.clientary.com/api/v2/staff"


# 7. Drop-downs: at most 3 calls, a limit, and a word in the help


def test_rpcs_stay_within_three_calls_and_set_a_limit(
    app: dict[str, Any], connector: ConnectorSpec
) -> None:
    rpcs = [
        (n, c)
        for n, c in sorted(app.items())
        if n.endswith(".communication.iml.json") and n.startswith("rpcs/")
    ]
    assert len(rpcs) == len(connector.rpcs) >= 11  # every RPC is exported
    for name, api in rpcs:
        assert isinstance(api["response"]["limit"], int), name
        if "pagination" in api:  # else one call
            assert api["pagination"]["condition"].endswith("&& pagination.page <= 3}}"), name


def test_every_rpc_select_says_the_list_is_cut(app: dict[str, Any]) -> None:
    selects = [
        (stem, p)
        for stem, params in _module_files(app, "-params.iml.json")
        for p in _parameters(params)
        if str(p.get("options", "")).startswith("rpc://")
    ]
    assert selects
    for stem, parameter in selects:
        assert "most recent" in parameter["help"], (stem, parameter["name"])
        assert "map" in parameter["help"] and "ID" in parameter["help"], (stem, parameter["name"])
