"""Paging: stops at page_count, refuses a page served twice, never truncates silently."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from unittest.mock import patch

import pytest
import responses
from responses import matchers

from runtime.core.errors import PaginationError
from runtime.definitions.specs import PaginationSpec
from runtime.engine.pagination import PageFetcher, iter_pages
from runtime.engine.transport import HttpRequest
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
def test_search_hands_out_every_page_in_order(cli: Callable[..., CliResult]) -> None:
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


@pytest.mark.parametrize(
    ("limit", "ids", "pages_read"), [(3, [1, 2, 3], 1), (5, [1, 2, 3, 4, 5], 2)]
)
@responses.activate
def test_a_limit_on_a_page_boundary_reads_no_further_page(
    cli: Callable[..., CliResult], limit: int, ids: list[int], pages_read: int
) -> None:
    responses.add(
        "GET", CLIENTS, json=_page(1, 50, [1, 2, 3]), match=[matchers.query_param_matcher({})]
    )
    for number in (2, 3):
        page_ids = [3 * number - 2, 3 * number - 1, 3 * number]
        responses.add(
            "GET",
            CLIENTS,
            json=_page(number, 50, page_ids),
            match=[matchers.query_param_matcher({"page": str(number)})],
        )
    result = cli("run", "search_clients", "--param", f"limit={limit}")
    assert [bundle["id"] for bundle in result.lines()] == ids
    assert len(responses.calls) == pages_read


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


class SlowPages:
    """A fetch function serving ``count`` one-record pages, recording how many run at once."""

    def __init__(self, count: int, seconds: float, repeat_first: bool = False) -> None:
        self.count, self.seconds, self.repeat_first = count, seconds, repeat_first
        self.lock = threading.Lock()
        self.in_flight = self.most_in_flight = self.calls = 0

    def __call__(self, request: HttpRequest) -> dict[str, object]:
        page = 1 if self.repeat_first else int(dict(request.query).get("page", "1"))
        with self.lock:
            self.calls += 1
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        time.sleep(self.seconds)
        with self.lock:
            self.in_flight -= 1
        return {"page_count": self.count, "clients": [{"id": page}]}


PAGING = PaginationSpec(
    page_parameter="page", page_count="page_count", max_pages=100, record_key="id"
)
FIRST = HttpRequest("GET", "http://127.0.0.1:9/api/v2/clients")


def _ids(fetch: SlowPages, concurrency: int) -> list[int]:
    pages = iter_pages(FIRST, "clients", PAGING, fetch, "test", concurrency=concurrency)
    return [record["id"] for page in pages for record in page]


def test_slow_pages_are_fetched_several_at_once_and_handed_out_in_order() -> None:
    fetch = SlowPages(9, seconds=0.03)
    assert _ids(fetch, concurrency=4) == list(range(1, 10))
    assert 2 <= fetch.most_in_flight <= 4
    assert fetch.calls == 9


def test_pages_faster_than_the_threshold_are_read_one_by_one() -> None:
    fetch = SlowPages(9, seconds=0.03)
    # A threshold above every page's time: a hiccup of the machine cannot flip the decision.
    with patch.object(PageFetcher, "WORTH_IT_SECONDS", 10.0):
        assert _ids(fetch, concurrency=4) == list(range(1, 10))
    assert fetch.most_in_flight == 1


def test_a_repeated_page_stops_a_concurrent_read_too() -> None:
    fetch = SlowPages(50, seconds=0.03, repeat_first=True)
    with pytest.raises(PaginationError, match="page 2 repeats the records of page 1"):
        _ids(fetch, concurrency=4)
    assert fetch.calls <= 1 + 4


def test_records_without_the_key_are_told_apart_by_content() -> None:
    bodies = {
        1: {"page_count": 3, "clients": [{"name": "A"}, {"name": "B"}]},
        2: {"page_count": 3, "clients": [{"name": "B"}, {"name": "C"}]},  # B shifted over
        3: {"page_count": 3, "clients": [{"name": "B"}, {"name": "C"}]},  # served twice
    }

    def fetch(request: HttpRequest) -> dict[str, object]:
        return bodies[int(dict(request.query).get("page", "1"))]

    pages = iter_pages(FIRST, "clients", PAGING, fetch, "test")
    assert next(pages) == [{"name": "A"}, {"name": "B"}]
    assert next(pages) == [{"name": "C"}]
    with pytest.raises(PaginationError, match="page 3 repeats the records of page 2"):
        next(pages)
