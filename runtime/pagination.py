"""Page-number paging over Clientary's list envelope, with guards against endless or silent loops.

    pagination:
      type: page_number
      page_parameter: page        # page 1 is the request as declared; then page=2, 3, ...
      page_count: page_count      # where the envelope says how many pages there are
      record_key: id              # spots a page served twice
      max_pages: 1000             # beyond this: an error, never a silent truncation

Reading stops at ``page_count``, at an empty page, or when the consumer stops
asking (a limit). A page whose records all appeared on the page before is an
error; records that shifted onto the next page while reading are not repeated.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from runtime.errors import PaginationError
from runtime.mapping import compile_path, get_path, records_at
from runtime.specs import PaginationSpec
from runtime.transport import HttpRequest

FetchBody = Callable[[HttpRequest], Any]


def iter_records(
    first: HttpRequest,
    records_path: str,
    pagination: PaginationSpec | None,
    fetch: FetchBody,
    where: str,
    *,
    stop_at_cap: bool = False,
) -> Iterator[Any]:
    """Every record of every page, in the API's order, fetched lazily page by page."""
    for records in iter_pages(
        first, records_path, pagination, fetch, where, stop_at_cap=stop_at_cap
    ):
        yield from records


def iter_pages(
    first: HttpRequest,
    records_path: str,
    pagination: PaginationSpec | None,
    fetch: FetchBody,
    where: str,
    *,
    stop_at_cap: bool = False,
) -> Iterator[list[Any]]:
    """Pages of records; at ``max_pages`` stop quietly if ``stop_at_cap``, else raise."""
    if pagination is None:
        yield records_at(fetch(first), records_path, where)
        return
    request = first
    if pagination.page_size and pagination.page_size_parameter:
        request = first.with_query(**{pagination.page_size_parameter: str(pagination.page_size)})
    key_of = compile_path(pagination.record_key) if pagination.record_key else None
    previous: set[Any] = set()
    page = 1
    while True:
        body = fetch(request)
        records = records_at(body, records_path, where)
        keys = {_identity(record, key_of) for record in records}
        if page > 1 and records and keys <= previous:
            raise PaginationError(
                f"{where}: page {page} repeats the records of page {page - 1}; the server is not "
                f"honouring '{pagination.page_parameter}', so reading stopped instead of looping"
            )
        yield [r for r in records if _identity(r, key_of) not in previous] if previous else records
        page_count = _page_count(body, pagination.page_count, where)
        if not records or page >= page_count:
            return
        if page >= pagination.max_pages:
            if stop_at_cap:
                return
            raise PaginationError(
                f"{where}: stopped after {page} pages (max_pages) although the API reports "
                f"{page_count}; narrow the search or raise max_pages in the module file"
            )
        previous = keys
        page += 1
        request = request.with_query(**{pagination.page_parameter: str(page)})


def _identity(record: Any, key_of: Callable[[Any], Any] | None) -> Any:
    if key_of is not None:
        value = key_of(record)
        if isinstance(value, (int, str)):
            return value
    return json.dumps(record, sort_keys=True, default=str)


def _page_count(body: Any, path: str, where: str) -> int:
    value = get_path(body, path)
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise PaginationError(
            f"{where}: expected a page count at {path!r} in the response; got {value!r}"
        )
    return int(value)
