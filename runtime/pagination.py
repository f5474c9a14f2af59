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
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from operator import itemgetter
from typing import Any

from runtime.errors import PaginationError
from runtime.mapping import compile_path, get_path, records_at
from runtime.specs import PaginationSpec
from runtime.transport import HttpRequest

FetchBody = Callable[[HttpRequest], Any]
_PLAIN_KEY_TYPES = frozenset({int, str})


def iter_pages(
    first: HttpRequest,
    records_path: str,
    pagination: PaginationSpec | None,
    fetch: FetchBody,
    where: str,
    *,
    stop_at_cap: bool = False,
    concurrency: int = 1,
    wanted: int | None = None,
) -> Iterator[list[Any]]:
    """Pages of records in order; at ``max_pages`` stop quietly if ``stop_at_cap``, else raise.

    With ``concurrency`` > 1 the next pages are fetched ahead, at most that many at
    once and never past what ``page_count`` (or ``wanted`` records) calls for; they
    are still checked and handed out strictly in page order.
    """
    if pagination is None:
        yield records_at(fetch(first), records_path, where)
        return
    base = first
    if pagination.page_size and pagination.page_size_parameter:
        base = first.with_query(**{pagination.page_size_parameter: str(pagination.page_size)})

    def request_for(page: int) -> HttpRequest:
        return base if page == 1 else base.with_query(**{pagination.page_parameter: str(page)})

    identity = _identity_of(pagination.record_key)
    previous: set[Any] = set()
    with PageFetcher(fetch, request_for, concurrency) as pages:
        page = 1
        while True:
            body = pages.get(page)
            records = records_at(body, records_path, where)
            keys = _keys(records, pagination.record_key, identity)
            if page > 1 and records and keys <= previous:
                raise PaginationError(
                    f"{where}: page {page} repeats the records of page {page - 1}; the server is "
                    f"not honouring '{pagination.page_parameter}', so reading stopped instead of "
                    "looping"
                )
            page_count = _page_count(body, pagination.page_count, where)
            done = not records or page >= page_count
            capped = not done and page >= pagination.max_pages
            if not done and not capped:
                last = min(page_count, pagination.max_pages)
                if wanted is not None and page == 1:
                    last = min(last, -(-wanted // len(records)))
                pages.fetch_ahead(after=page, last=last)  # before yielding: fetch while mapping
            if previous.isdisjoint(keys):
                yield records
            else:  # records that shifted onto this page from the last one count once
                yield [record for record in records if identity(record) not in previous]
            if done:
                return
            if capped:
                if stop_at_cap:
                    return
                raise PaginationError(
                    f"{where}: stopped after {page} pages (max_pages) although the API reports "
                    f"{page_count}; narrow the search or raise max_pages in the module file"
                )
            previous = keys
            page += 1


class PageFetcher:
    """Fetches pages by number, a few ahead in threads when that pays; results come in order.

    Fetching ahead pays when a page spends its time waiting on the network: against
    a real account a page takes tens of milliseconds and reading four at once cuts
    the time by about four. When pages come back faster than ``WORTH_IT_SECONDS``
    (a server next door), the work is parsing, threads only contend for the GIL,
    and pages are read one by one. The judge is the fastest of the last few pages:
    a page slowed by connecting, or by threads waiting for the GIL, does not count.
    """

    WORTH_IT_SECONDS = 0.01

    def __init__(
        self, fetch: FetchBody, request_for: Callable[[int], HttpRequest], concurrency: int
    ) -> None:
        self._fetch = fetch
        self._request_for = request_for
        self._concurrency = max(1, concurrency)
        self._pending: dict[int, Future[Any]] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._last = 1
        self._latencies: deque[float] = deque(maxlen=4)  # of the latest pages fetched

    def __enter__(self) -> PageFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:  # a consumer that stopped early leaves pages unread
            self._pool.shutdown(wait=False, cancel_futures=True)

    def fetch_ahead(self, *, after: int, last: int) -> None:
        """Start pages after ``after`` up to ``last``, keeping at most ``concurrency`` in flight."""
        self._last = max(self._last, last)
        if self._concurrency == 1 or min(self._latencies, default=0.0) < self.WORTH_IT_SECONDS:
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._concurrency, thread_name_prefix="page")
        for page in range(after + 1, min(self._last, after + self._concurrency) + 1):
            if page not in self._pending:
                self._pending[page] = self._pool.submit(self._timed_fetch, page)

    def get(self, page: int) -> Any:
        future = self._pending.pop(page, None)
        return self._timed_fetch(page) if future is None else future.result()

    def _timed_fetch(self, page: int) -> Any:
        started = time.perf_counter()
        body = self._fetch(self._request_for(page))
        self._latencies.append(time.perf_counter() - started)
        return body


def _keys(records: list[Any], record_key: str | None, identity: Callable[[Any], Any]) -> set[Any]:
    """The identities of a page's records: one C-level pass when every record has the key."""
    if record_key is not None and "." not in record_key:
        try:
            keys = set(map(itemgetter(record_key), records))
        except (KeyError, TypeError, IndexError):  # a record without the key, or not a mapping
            pass
        else:
            if set(map(type, keys)) <= _PLAIN_KEY_TYPES:  # not bool, not a nested value
                return keys
    return {identity(record) for record in records}


def _identity_of(record_key: str | None) -> Callable[[Any], Any]:
    """What identifies a record: its key when it has one, else its whole content."""
    key_of = compile_path(record_key) if record_key else None

    def by_content(record: Any) -> Any:
        return json.dumps(record, sort_keys=True, default=str)

    def by_path(record: Any) -> Any:
        value = key_of(record) if key_of is not None else None
        return value if isinstance(value, (int, str)) else by_content(record)

    if record_key is None or "." in record_key:
        return by_path
    key = record_key

    def by_key(record: Any) -> Any:  # the usual case ("id"): one dict lookup per record
        value = record.get(key) if type(record) is dict else None
        return value if isinstance(value, (int, str)) else by_content(record)

    return by_key


# Far beyond any real account (a million pages of records), small enough that a hostile or
# broken count is refused at once instead of read up to max_pages.
MAX_PAGE_COUNT = 1_000_000


def _page_count(body: Any, path: str, where: str) -> int:
    value = get_path(body, path)
    count: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        count = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 7:
        count = int(value)  # ASCII only: "²".isdigit() is True and int("²") fails
    if count is None or not 0 <= count <= MAX_PAGE_COUNT:
        raise PaginationError(
            f"{where}: expected a page count at {path!r} in the response (a whole number "
            f"from 0 to {MAX_PAGE_COUNT}); got {_shown(value)}"
        )
    return count


def _shown(value: Any) -> str:
    """A short description of a bad value, never a cut-off copy of it."""
    if isinstance(value, str) and len(value) > 20:
        return f"a text of {len(value)} characters"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return "a number too large"
    if isinstance(value, (dict, list)):
        return f"a {type(value).__name__}"
    return repr(value)
