"""Page-number paging over Clientary's list envelope, with guards against endless or silent loops.

    pagination:
      type: page_number
      page_parameter: page        # page 1 is the request as declared; then page=2, 3, ...
      page_count: page_count      # where the envelope says how many pages there are
      total_count: total_count    # optional: how many records the whole list holds
      record_key: id              # spots a page served twice
      max_pages: 1000             # beyond this: an error, never a silent truncation

Reading stops at ``page_count``, at an empty page, or when the consumer stops
asking (a limit). A page whose records all appeared on the page before is an
error; records that shifted onto the next page while reading are not repeated.
A ``ReadReport`` given to ``iter_pages`` is told about each page (once per page,
never per record), so the command line can show progress and say why a read stopped.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from runtime.core.errors import PaginationError
from runtime.definitions.specs import PaginationSpec
from runtime.engine.mapping import compile_path, get_path, records_at
from runtime.engine.transport import HttpRequest

FetchBody = Callable[[HttpRequest], Any]
_PLAIN_KEY_TYPES = frozenset({int, str})


@dataclass(slots=True)
class ReadReport:
    """What one list read has seen so far, kept up to date page by page.

    ``more`` is known, never guessed: it is set when the read stopped early (``stopped``:
    ``"limit"`` or ``"max_pages"``) and either the last page held records the limit left
    out or ``page_count`` says pages remain unread.
    """

    listener: Callable[[ReadReport], None] | None = None  # called once per page read
    pages: int = 0  # pages read
    page_count: int | None = None  # as the latest page says
    planned: int | None = None  # pages this read expects to need (limit and max_pages count)
    records: int = 0  # records on the pages read
    total: int | None = None  # records in the whole list, when the API tells
    stopped: str | None = None
    more: bool = False

    def page_read(
        self, *, page: int, page_count: int, planned: int, records: int, total: int | None
    ) -> None:
        self.pages = page
        self.page_count = page_count
        self.planned = planned
        self.records += records
        self.total = total
        if self.listener is not None:
            self.listener(self)

    def stop(self, reason: str, *, left_out: bool) -> None:
        """The consumer stopped reading (``left_out``: the last page held more than it took)."""
        self.stopped = reason
        self.more = left_out or (self.page_count is not None and self.pages < self.page_count)


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
    report: ReadReport | None = None,
) -> Iterator[list[Any]]:
    """Pages of records in order; at ``max_pages`` stop quietly if ``stop_at_cap``, else raise.

    With ``concurrency`` > 1 the next pages are fetched ahead, at most that many at
    once and never past what ``page_count`` (or ``wanted`` records) calls for; they
    are still checked and handed out strictly in page order. ``report`` hears of
    each page before its records are handed out.
    """
    if pagination is None:
        records = records_at(fetch(first), records_path, where)
        if report is not None:  # one answer holds the whole list: its length is the total
            report.page_read(
                page=1, page_count=1, planned=1, records=len(records), total=len(records)
            )
        yield records
        return
    base = first
    if pagination.page_size and pagination.page_size_parameter:
        base = first.with_query(**{pagination.page_size_parameter: str(pagination.page_size)})

    def request_for(page: int) -> HttpRequest:
        return base if page == 1 else base.with_query(**{pagination.page_parameter: str(page)})

    identity = _identity_of(pagination.record_key)
    previous: set[Any] = set()
    wanted_pages: int | None = None  # the pages ``wanted`` records take, judged by page 1
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
            if wanted is not None and page == 1 and records:
                wanted_pages = -(-wanted // len(records))
            planned = min(page_count, pagination.max_pages, wanted_pages or page_count)
            if not done and not capped and planned > page:  # fetch while this page is mapped
                pages.fetch_ahead(after=page, last=planned)
            if not previous.isdisjoint(keys):  # records that shifted onto this page count once
                records = [record for record in records if identity(record) not in previous]
            if report is not None:
                total = _total(body, pagination.total_count)
                report.page_read(
                    page=page,
                    page_count=page_count,
                    planned=max(planned, page),
                    records=len(records),
                    total=total,
                )
                if capped and stop_at_cap:
                    report.stop("max_pages", left_out=False)
            yield records
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
MAX_TOTAL = MAX_PAGE_COUNT * 100  # records: a page holds at most 100


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


def _total(body: Any, path: str | None) -> int | None:
    """The list's size as the envelope tells it; a missing or unusable count is no total
    (it only words a notice, so it never fails a read that otherwise works)."""
    value = get_path(body, path) if path is not None else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_TOTAL:
        return value
    return None


def _shown(value: Any) -> str:
    """A short description of a bad value, never a cut-off copy of it."""
    if isinstance(value, str) and len(value) > 20:
        return f"a text of {len(value)} characters"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return "a number too large"
    if isinstance(value, (dict, list)):
        return f"a {type(value).__name__}"
    return repr(value)
