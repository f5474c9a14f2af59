"""run --check-output: bundles against the output schema, one line per finding, counted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import responses

from runtime.engine.output_check import OutputCheck
from tests.conftest import CANARY_TOKEN, CliResult

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "status": {"type": "integer", "enum": [1, 2]},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"price": {"type": "number"}, "title": {"type": "string"}},
            },
        },
        "payments": {
            "type": "array",
            "items": {"type": "object", "properties": {"amount": {"type": "number"}}},
        },
        "website": {"type": ["string", "null"]},
    },
}


def _checked(*bundles: Any) -> OutputCheck:
    check = OutputCheck(SCHEMA)
    pages = list(check.check_pages([list(bundles)]))
    assert pages == [list(bundles)]  # handed on unchanged
    return check


def _bundle(**changes: Any) -> dict[str, Any]:
    bundle: dict[str, Any] = {
        "id": 1,
        "name": "ACME",
        "status": 1,
        "items": [{"price": 10.0, "title": "Work"}],
        "payments": [{"amount": 5}],
        "website": None,
    }
    bundle.update(changes)
    return bundle


def test_bundles_that_fit_match() -> None:
    check = _checked(_bundle(), _bundle(id=2))
    assert check.report("m") == ["check-output: m: 2 bundle(s) match the output schema"]
    assert not check.failed


def test_no_bundles_is_said_plainly() -> None:
    assert _checked().report("m") == ["check-output: m: 0 bundle(s): nothing to check"]


def test_a_problem_is_counted_once_per_bundle_across_list_positions() -> None:
    bad_items = [{"price": "10", "title": "A"}, {"price": "12", "title": "B"}]
    check = _checked(_bundle(items=bad_items), _bundle(), _bundle(id=3, items=bad_items[:1]))
    assert check.failed
    assert check.report("m") == [
        "check-output: m: 3 bundle(s): 1 problem(s), 0 note(s)",
        '  output.items[0].price: expected number; got "10"  (2 of 3)',
    ]


def test_missing_required_fields_and_unknown_enum_values_are_problems() -> None:
    missing = _bundle(status=7)
    del missing["name"]
    check = _checked(missing, _bundle(name=None))
    assert check.report("m")[1:] == [
        "  output.name: required, got nothing  (1 of 2)",
        "  output.status: expected one of 1, 2; got 7  (1 of 2)",
        "  output.name: expected string; got null  (1 of 2)",  # present, but not nullable
    ]


def test_undeclared_and_never_present_fields_are_notes_not_failures() -> None:
    first = _bundle(created_at="2024-01-01T00:00:00Z", payments=[])
    del first["website"]
    second = _bundle(items=[{"price": 1, "title": "x", "item_type": 3}], payments=[])
    del second["website"]
    check = _checked(first, second)
    assert not check.failed
    assert check.report("m") == [
        "check-output: m: 2 bundle(s): 0 problem(s), 4 note(s)",
        '  output.created_at: not in the output schema (1 of 2), e.g. "2024-01-01T00:00:00Z"',
        "  output.items[].item_type: not in the output schema (1 of 2), e.g. 3",
        "  output.payments: empty in every bundle, so its items were not checked",
        "  output.website: declared in the output schema, in none of the bundles",
    ]


@responses.activate
def test_the_cli_writes_every_bundle_then_reports_and_exits_1_on_a_problem(
    cli: Callable[..., CliResult],
) -> None:
    clients = [
        {"id": 1, "name": "ACME", "secret_note": f"token {CANARY_TOKEN}"},
        {"id": 2, "name": 42},
    ]
    responses.add(
        "GET",
        "https://acme.clientary.com/api/v2/clients",
        json={"page_count": 1, "clients": clients},
    )
    result = cli("run", "search_clients", "--check-output")
    assert result.code == 1
    assert [bundle["id"] for bundle in result.lines()] == [1, 2]
    report = result.err.splitlines()
    assert (
        report[0] == "check-output: search_clients: 2 bundle(s): 1 problem(s), 12 note(s)"
    )  # 10 absent, 1 undeclared
    assert "  output.name: expected string; got 42  (1 of 2)" in report
    assert '  output.secret_note: not in the output schema (1 of 2), e.g. "token ****"' in report
    assert CANARY_TOKEN not in result.out + result.err


@responses.activate
def test_without_the_flag_nothing_is_checked(cli: Callable[..., CliResult]) -> None:
    responses.add(
        "GET",
        "https://acme.clientary.com/api/v2/clients",
        json={"page_count": 1, "clients": [{"id": 2, "name": 42}]},
    )
    result = cli("run", "search_clients")
    assert (result.code, result.err) == (0, "")


def test_a_closed_or_typed_object_reports_extra_fields_as_problems_only() -> None:
    closed = OutputCheck({"type": "object", "properties": {}, "additionalProperties": False})
    typed = OutputCheck(
        {"type": "object", "properties": {}, "additionalProperties": {"type": "string"}}
    )
    for check in (closed, typed):
        check.check({"extra": 1})
        assert check.failed
    assert closed.report("m")[1].startswith("  output.extra: unknown field")
    assert typed.report("m")[1:] == ["  output.extra: expected string; got 1  (1 of 1)"]
