"""A read never stops early without a word: the limit notice, the rpc cap notice, "0 results".

Stdout carries the bundles only; every notice is one line on stderr, said once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import responses
from responses import matchers

from clientary_sandbox import Sandbox
from runtime.definitions.loader import load_connector
from runtime.definitions.specs import ModuleSpec, RpcSpec
from tests.conftest import CANARY_TOKEN, REPO, CliResult

Cli = Callable[..., CliResult]
CLIENTS = "https://acme.clientary.com/api/v2/clients"
EXPENSES = "https://acme.clientary.com/api/v2/expenses"


@pytest.fixture
def seeded(
    request: pytest.FixtureRequest,
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Cli]:
    """The CLI against a sandbox seeded with ``request.param`` clients."""
    with Sandbox(token=CANARY_TOKEN, seed=request.param) as sandbox:
        monkeypatch.setenv("CLIENTARY_BASE_URL", sandbox.base_url)
        monkeypatch.chdir(tmp_path)
        yield cli


def _clients(ids: range) -> list[dict[str, object]]:
    return [{"id": i, "name": f"C{i}"} for i in ids]


@pytest.mark.parametrize("seeded", [15], indirect=True)
def test_a_search_stopped_by_its_limit_says_how_many_of_the_total_it_showed(seeded: Cli) -> None:
    result = seeded("run", "search_clients")  # the default limit: 10
    assert result.code == 0, result.err
    assert len(result.lines()) == 10
    assert result.err == "search_clients: 10 of 15 shown (limit 10); --param limit=N for more\n"


@pytest.mark.parametrize("seeded", [15], indirect=True)
def test_a_search_that_shows_everything_says_nothing(seeded: Cli) -> None:
    result = seeded("run", "search_clients", "--param", "limit=15")
    assert (len(result.lines()), result.err) == (15, "")


@responses.activate
def test_without_a_total_a_page_count_beyond_the_pages_read_is_what_says_more_exist(
    cli: Cli,
) -> None:
    responses.add(
        "GET",
        CLIENTS,
        json={"page_count": 2, "clients": _clients(range(1, 11))},  # no total_count
        match=[matchers.query_param_matcher({})],
    )
    result = cli("run", "search_clients")
    assert len(result.lines()) == 10
    assert result.err == (
        "search_clients: 10 shown (limit 10); more exist; --param limit=N for more\n"
    )
    assert len(responses.calls) == 1  # page 2 was not read to find out


@responses.activate
def test_without_a_total_a_page_holding_more_than_the_limit_took_says_more_exist(
    cli: Cli,
) -> None:
    responses.add("GET", CLIENTS, json={"page_count": 1, "clients": _clients(range(1, 11))})
    result = cli("run", "search_clients", "--param", "limit=3")
    assert result.err == "search_clients: 3 shown (limit 3); more exist; --param limit=N for more\n"


@responses.activate
def test_a_limit_met_exactly_by_the_last_page_is_no_early_stop(cli: Cli) -> None:
    responses.add(
        "GET",
        CLIENTS,
        json={"page_count": 1, "total_count": 10, "clients": _clients(range(1, 11))},
    )
    result = cli("run", "search_clients")
    assert (len(result.lines()), result.err) == (10, "")


@responses.activate
def test_a_list_without_pages_counts_the_records_of_its_one_answer(cli: Cli) -> None:
    expenses = [{"id": i, "amount": "1.00"} for i in range(1, 13)]
    responses.add("GET", EXPENSES, json={"total_count": 12, "expenses": expenses})
    result = cli("run", "search_expenses")
    assert len(result.lines()) == 10
    assert result.err == "search_expenses: 10 of 12 shown (limit 10); --param limit=N for more\n"


@pytest.mark.parametrize("seeded", [35], indirect=True)
def test_an_rpc_stopped_by_its_page_cap_says_so(seeded: Cli) -> None:
    result = seeded("rpc", "list_clients")  # max_pages 3 of 10 clients
    assert result.code == 0, result.err
    assert len(result.lines()) == 30
    assert result.err == (
        "list_clients: 30 of 35 shown (the drop-down's first 30); map an ID instead for the "
        "others\n"
    )


@responses.activate
def test_an_rpc_stopped_by_its_limit_within_a_page_says_more_exist(cli: Cli) -> None:
    staff = [{"id": i, "name": f"S{i}", "email": None} for i in range(1, 302)]
    responses.add("GET", "https://acme.clientary.com/api/v2/staff", json={"staff": staff})
    result = cli("rpc", "list_staff")  # limit 300, one answer of 301
    assert len(result.lines()) == 300
    assert result.err == (
        "list_staff: 300 of 301 shown (the drop-down's first 300); map an ID instead for the "
        "others\n"
    )


@pytest.mark.parametrize("seeded", [0], indirect=True)
def test_a_read_with_no_record_says_0_results_on_stderr_and_nothing_on_stdout(
    seeded: Cli,
) -> None:
    search = seeded("run", "search_invoices")
    assert (search.code, search.out, search.err) == (0, "", "search_invoices: 0 results\n")
    options = seeded("rpc", "list_clients")
    assert (options.code, options.out, options.err) == (0, "", "list_clients: 0 results\n")


@pytest.mark.parametrize("seeded", [0], indirect=True)
def test_an_action_returns_its_bundle_without_a_count(seeded: Cli) -> None:
    created = seeded("run", "create_client", "--param", "name=Solo")
    assert created.code == 0, created.err
    assert (len(created.lines()), created.err) == (1, "")


def test_every_paged_read_declares_where_its_envelope_holds_the_total() -> None:
    connector = load_connector(REPO)
    paged: list[ModuleSpec | RpcSpec] = [
        module for module in connector.modules.values() if module.kind == "search"
    ]
    paged = [spec for spec in [*paged, *connector.rpcs.values()] if spec.pagination]
    assert len(paged) >= 12
    assert {spec.id: spec.pagination.total_count for spec in paged if spec.pagination} == {
        spec.id: "total_count" for spec in paged
    }
