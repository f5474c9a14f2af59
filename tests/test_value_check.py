"""The parameter checker agrees with jsonschema on every module's input schema."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from runtime.definitions.loader import default_root, load_connector
from runtime.engine.value_check import check_value

CONNECTOR = load_connector(default_root())
SCHEMAS = {
    f"{kind}:{spec_id}": schema
    for kind, specs in (("module", CONNECTOR.modules), ("rpc", CONNECTOR.rpcs))
    for spec_id, schema in ((spec.id, spec.input) for spec in specs.values())
    if schema["properties"]
}

# jsonschema checks no "uri" without an extra package, and "currency" is ours: the rules the
# definition schema documents for them, written independently of runtime/engine/value_check.py.
FORMATS = FormatChecker()
FORMATS.checks("uri")(
    lambda value: (
        not isinstance(value, str)
        or re.fullmatch(r"https?://[A-Za-z0-9.-]*[A-Za-z0-9](:\d+)?([/?#]\S*)?", value) is not None
    )
)
FORMATS.checks("currency")(
    lambda value: not isinstance(value, str) or re.fullmatch("[A-Z]{3}", value) is not None
)
TEXTS = ["", "x", "2024-01-31", "2024-13-45", "a@b.c", "GET", "date", "name", "USD", "usd"]
URLS = ["https://acme.com", "http://a.b/c?d", "acme.com", "ftp://acme.com", "https://"]

scalars = st.one_of(
    st.none(),  # a null checked like any value: refused unless the type allows it
    st.sampled_from(TEXTS + URLS),
    st.integers(-3, 200),
    st.sampled_from([0.5, 2.0, -1.5]),
    st.booleans(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["title", "quantity", "price", "taxable", "id", "x"]), inner, max_size=4
        ),
    ),
    max_leaves=6,
)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_the_checker_says_no_exactly_when_jsonschema_does(name: str, data: st.DataObject) -> None:
    schema = SCHEMAS[name]
    names = sorted(schema["properties"])
    chosen: dict[str, Any] = data.draw(st.dictionaries(st.sampled_from(names), values, max_size=4))
    ours = list(check_value(schema, chosen, "parameters"))
    theirs = list(Draft202012Validator(schema, format_checker=FORMATS).iter_errors(chosen))
    assert bool(ours) == bool(theirs), (ours, [error.message for error in theirs])


def test_each_problem_is_one_readable_line() -> None:
    schema = {
        "type": "object",
        "required": ["date"],
        "properties": {
            "date": {"type": "string", "format": "date"},
            "limit": {"type": "integer", "minimum": 1},
            "status": {
                "type": "integer",
                "enum": [0, 1],
                "x-enum-labels": {"0": "Draft", "1": "Sent"},
            },
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["title"],
                    "properties": {"title": {"type": "string"}},
                },
            },
        },
    }
    value = {"limit": 0, "status": 7, "items": [{"price": 1}]}
    assert list(check_value(schema, value, "parameters")) == [
        "parameters.date: required, got nothing",
        "parameters.limit: expected at least 1; got 0",
        "parameters.status: expected one of 0 (Draft), 1 (Sent); got 7",
        "parameters.items[0].title: required, got nothing",
    ]
    assert list(check_value(schema, {"date": "31/01/2024"}, "parameters")) == [
        'parameters.date: expected a date such as 2024-01-31; got "31/01/2024"'
    ]


def test_web_addresses_and_currency_codes_are_checked() -> None:
    schema = {
        "type": "object",
        "properties": {
            "website": {"type": "string", "format": "uri"},
            "currency_code": {"type": "string", "format": "currency"},
        },
    }
    assert list(check_value(schema, {"website": "notaurl", "currency_code": "US"}, "p")) == [
        "p.website: expected a web address such as https://acme.com (http or https, and a "
        'host); got "notaurl"',
        'p.currency_code: expected a three-letter currency code such as USD (ISO 4217); got "US"',
    ]
    good = {"website": "https://acme.com/x", "currency_code": "USD"}
    assert list(check_value(schema, good, "p")) == []
