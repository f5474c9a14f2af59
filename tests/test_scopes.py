"""One rule for scoped lists (issue 14): when several scopes are given, the narrowest wins
(a recurring schedule, then a project, then a client), the same in every module."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from runtime.definitions.loader import load_connector
from tests.conftest import CliResult

REPO = Path(__file__).resolve().parent.parent
NARROWEST_FIRST = ["recurring_id", "project_id", "client_id"]
CONNECTOR = load_connector(REPO)
SCOPED = sorted(
    [m.id for m in CONNECTOR.modules.values() if len(m.variants) > 1]
    + [r.id for r in CONNECTOR.rpcs.values() if len(r.variants) > 1]
)


def test_several_modules_have_several_scopes() -> None:
    assert {"list_estimates", "search_expenses", "search_invoices"} <= set(SCOPED)


@pytest.mark.parametrize("spec_id", SCOPED)
def test_variants_are_written_narrowest_first(spec_id: str) -> None:
    spec = CONNECTOR.modules.get(spec_id)
    variants = spec.variants if spec is not None else CONNECTOR.rpcs[spec_id].variants
    scopes = [variant.when for variant in variants]
    assert scopes == sorted(scopes, key=NARROWEST_FIRST.index)


@pytest.mark.parametrize(
    ("module", "expected_path"),
    [
        ("list_estimates", "/api/v2/projects/5/estimates"),
        ("search_expenses", "/api/v2/projects/5/expenses"),  # the client won before
        ("search_invoices", "/api/v2/projects/5/invoices"),
    ],
)
def test_a_project_wins_over_a_client(
    cli: Callable[..., CliResult], module: str, expected_path: str
) -> None:
    result = cli("run", module, "--dry-run", "--param", "client_id=4", "--param", "project_id=5")
    assert result.code == 0, result.err
    assert json.loads(result.out)["url"].endswith(expected_path)


def test_the_rule_is_told_where_it_applies(cli: Callable[..., CliResult]) -> None:
    described = cli("describe", "search_expenses").out
    assert (
        "note: One scope is used when several are given, the narrowest: project_id wins over "
        "client_id (the API has no route that combines them)."
    ) in described
