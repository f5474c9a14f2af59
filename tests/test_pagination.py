"""Paging: stops at page_count, refuses a page served twice, never truncates silently."""

from __future__ import annotations

from collections.abc import Callable

import responses
from responses import matchers

from tests.conftest import CliResult

CLIENTS = "https://acme.clientary.com/api/v2/clients"


def _page(number: int, count: int, ids: list[int]) -> dict[str, object]:
    return {
        "page_count": count,
        "page_size": 10,
        "total_count": 10 * count,
        "clients": [{"id": i, "name": f"C{i}"} for i in ids],
    }


@responses.activate
def test_search_reads_each_page_once_and_stops_at_page_count(cli: Callable[..., CliResult]) -> None:
    responses.add(
        "GET", CLIENTS, json=_page(1, 3, [1, 2]), match=[matchers.query_param_matcher({})]
    )
    for number, ids in ((2, [3, 4]), (3, [5])):
        responses.add(
            "GET",
            CLIENTS,
            json=_page(number, 3, ids),
            match=[matchers.query_param_matcher({"page": str(number)})],
        )
    result = cli("run", "search_clients", "--param", "limit=100")
    assert [bundle["id"] for bundle in result.lines()] == [1, 2, 3, 4, 5]
    assert len(responses.calls) == 3


@responses.activate
def test_pages_fetched_ahead_still_come_out_in_order(cli: Callable[..., CliResult]) -> None:
    responses.add("GET", CLIENTS, json=_page(1, 9, [1]), match=[matchers.query_param_matcher({})])
    for number in range(2, 10):
        responses.add(
            "GET",
            CLIENTS,
            json=_page(number, 9, [number]),
            match=[matchers.query_param_matcher({"page": str(number)})],
        )
    result = cli("run", "search_clients", "--param", "limit=100")
    assert [bundle["id"] for bundle in result.lines()] == list(range(1, 10))
    assert len(responses.calls) == 9


@responses.activate
def test_the_limit_stops_reading_pages(cli: Callable[..., CliResult]) -> None:
    responses.add(
        "GET", CLIENTS, json=_page(1, 50, [1, 2, 3]), match=[matchers.query_param_matcher({})]
    )
    result = cli("run", "search_clients", "--param", "limit=2")
    assert [bundle["id"] for bundle in result.lines()] == [1, 2]
    assert len(responses.calls) == 1


@responses.activate
def test_a_server_that_repeats_a_page_gets_a_clear_error_not_a_loop(
    cli: Callable[..., CliResult],
) -> None:
    responses.add("GET", CLIENTS, json=_page(1, 99, [1, 2]))  # ignores ?page=: same page every time
    result = cli("run", "search_clients", "--param", "limit=1000")
    assert result.code == 1
    assert result.err == (
        "error: RuntimeError: search_clients: page 2 repeats the records of page 1; "
        "the server is not "
        "honouring 'page', so reading stopped instead of looping\n"
    )
    # Page 1, then at most the 4 pages fetched ahead at once (base.concurrency is 4); pages
    # not yet started when the error is raised are cancelled.
    assert 2 <= len(responses.calls) <= 1 + 4
    assert [bundle["id"] for bundle in result.lines()] == [1, 2]


@responses.activate
def test_a_record_that_shifted_to_the_next_page_is_not_emitted_twice(
    cli: Callable[..., CliResult],
) -> None:
    responses.add(
        "GET", CLIENTS, json=_page(1, 2, [1, 2, 3]), match=[matchers.query_param_matcher({})]
    )
    responses.add(
        "GET",
        CLIENTS,
        json=_page(2, 2, [3, 4]),
        match=[matchers.query_param_matcher({"page": "2"})],
    )
    result = cli("run", "search_clients", "--param", "limit=100")
    assert [bundle["id"] for bundle in result.lines()] == [1, 2, 3, 4]


@responses.activate
def test_a_missing_list_is_a_mapping_error_naming_the_keys(cli: Callable[..., CliResult]) -> None:
    responses.add("GET", CLIENTS, json={"page_count": 1, "customers": []})
    result = cli("run", "search_clients")
    assert result.err == (
        "error: RuntimeError: search_clients: expected a list at 'clients' in the response; "
        "got nothing "
        "(keys: customers, page_count)\n"
    )
