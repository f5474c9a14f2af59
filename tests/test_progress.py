"""Progress on long reads: a live line on a terminal, cleared at the end; one summary with
--verbose; nothing otherwise. A fake stream whose isatty() is True stands in for the terminal,
and ``screen`` replays what a terminal would show. No assertion here depends on speed."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import responses
from responses import matchers

from clientary_sandbox import Sandbox
from runtime.cli import main
from runtime.cli.progress import ReadProgress
from runtime.definitions.specs import PaginationSpec
from runtime.engine.pagination import PageFetcher, ReadReport, iter_pages
from runtime.engine.transport import HttpRequest
from tests.conftest import CANARY_TOKEN, CliResult

CLEAR = "\r\x1b[K"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def screen(text: str) -> list[str]:
    """The lines a terminal shows after printing ``text``: \\r returns to the line's start,
    ESC [K erases from the cursor to the line's end, other characters overwrite."""
    lines: list[str] = [""]
    column = 0
    index = 0
    while index < len(text):
        char = text[index]
        if text.startswith("\x1b[K", index):
            lines[-1] = lines[-1][:column]
            index += 3
            continue
        if char == "\n":
            lines.append("")
            column = 0
        elif char == "\r":
            column = 0
        else:
            line = lines[-1]
            lines[-1] = line[:column] + char + line[column + 1 :]
            column += 1
        index += 1
    return lines[:-1] if lines[-1] == "" else lines


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def on_sandbox(
    cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A sandbox of 30 clients (3 pages of 10) that the CLI talks to."""
    with Sandbox(token=CANARY_TOKEN, seed=30) as sandbox:
        monkeypatch.setenv("CLIENTARY_BASE_URL", sandbox.base_url)
        monkeypatch.chdir(tmp_path)
        yield


def on_terminal(
    monkeypatch: pytest.MonkeyPatch, *arguments: str, stdout_too: bool = False
) -> tuple[int, str, str]:
    """Run the CLI with stderr on a terminal (and stdout on the same one if ``stdout_too``)."""
    err = Terminal()
    out: io.StringIO = err if stdout_too else io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(sys, "stdout", out)
    code = main(list(arguments))
    monkeypatch.undo()
    assert CANARY_TOKEN not in err.getvalue() + out.getvalue()
    return code, out.getvalue(), err.getvalue()


def test_a_long_read_on_a_terminal_shows_progress_then_clears_it(
    on_sandbox: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = on_terminal(monkeypatch, "run", "search_clients", "--param", "limit=25")
    assert code == 0, err
    assert len(out.splitlines()) == 25
    # drawn after the first page, which tells the page count (3 pages of 10 for 25 records)
    assert re.search(r"\rsearch_clients: page 1/3, 10 records, [\d,]+/s, .* left", err), err
    assert CLEAR in err
    assert screen(err) == ["search_clients: 25 of 30 shown (limit 25); --param limit=N for more"]


def test_a_read_of_one_page_draws_no_progress_line(
    on_sandbox: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = on_terminal(monkeypatch, "run", "search_clients", "--param", "limit=5")
    assert (code, len(out.splitlines())) == (0, 5)
    assert "\r" not in err


def test_with_stdout_on_the_same_terminal_no_bundle_line_is_garbled(
    on_sandbox: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = on_terminal(
        monkeypatch, "run", "search_clients", "--param", "limit=30", stdout_too=True
    )
    assert code == 0
    shown = screen(out)
    assert len(shown) == 30
    assert all(line.startswith('{"') and line.endswith("}") for line in shown), shown
    assert "\rsearch_clients: page 1/3" in out


def test_not_on_a_terminal_a_long_read_says_nothing(
    on_sandbox: None, cli: Callable[..., CliResult]
) -> None:
    result = cli("run", "search_clients", "--param", "limit=30")
    assert (result.code, len(result.lines()), result.err) == (0, 30, "")


def test_verbose_ends_with_one_summary_line(
    on_sandbox: None, cli: Callable[..., CliResult]
) -> None:
    result = cli("run", "search_clients", "--param", "limit=30", "--verbose")
    lines = result.err.splitlines()
    assert [line.split(" ")[:2] for line in lines[:-1]] == [[">", "GET"]] * 3
    assert re.fullmatch(r"search_clients: 3 requests, 30 records in \d+\.\d s", lines[-1])
    assert "\r" not in result.err


def test_verbose_counts_one_request_in_the_singular(
    on_sandbox: None, cli: Callable[..., CliResult]
) -> None:
    single = cli("run", "search_clients", "--param", "limit=5", "--verbose")
    last = single.err.splitlines()[-1]
    assert re.fullmatch(r"search_clients: 1 request, 5 records in \d+\.\d s", last), last


@responses.activate
def test_an_error_in_the_middle_of_a_read_clears_the_line_before_the_error(
    cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    clients = "https://acme.clientary.com/api/v2/clients"
    first = {"page_count": 3, "clients": [{"id": i, "name": f"C{i}"} for i in range(1, 11)]}
    responses.add("GET", clients, json=first, match=[matchers.query_param_matcher({})])
    responses.add(
        "GET", clients, status=401, json={}, match=[matchers.query_param_matcher({"page": "2"})]
    )
    code, out, err = on_terminal(monkeypatch, "run", "search_clients", "--param", "limit=30")
    assert code == 1
    assert len(out.splitlines()) == 10  # what came before the error is still handed out
    assert "\rsearch_clients: page 1/3" in err
    (line,) = screen(err)
    assert line.startswith("error: InvalidAccessTokenError: "), line


def test_the_writer_throttles_redraws_and_reports_rate_and_time_left() -> None:
    clock = Clock()
    stream = Terminal()
    progress = ReadProgress("search_clients", stream, clock=clock)
    report = progress.report
    assert isinstance(report, ReadReport)
    clock.now = 1.0
    report.page_read(page=1, page_count=4, planned=4, records=10, total=40)
    assert screen(stream.getvalue()) == ["search_clients: page 1/4, 10 records, 10/s, 3 s left"]
    clock.now = 1.05  # within a tenth of a second: not redrawn
    report.page_read(page=2, page_count=4, planned=4, records=10, total=40)
    clock.now = 3.0
    report.page_read(page=3, page_count=4, planned=4, records=10, total=40)
    assert screen(stream.getvalue()) == ["search_clients: page 3/4, 30 records, 10/s, 1 s left"]
    assert stream.getvalue().count("\r") == 2  # two draws for three pages
    progress.finish()
    assert stream.getvalue().endswith(CLEAR)
    assert screen(stream.getvalue()) == []


def test_the_writer_draws_nothing_for_one_page_or_off_a_terminal() -> None:
    terminal, pipe = Terminal(), io.StringIO()
    for stream, pages in ((terminal, 1), (pipe, 5)):
        progress = ReadProgress("search_clients", stream, clock=Clock())
        progress.report.page_read(page=1, page_count=pages, planned=pages, records=10, total=None)
        progress.finish()
    assert (terminal.getvalue(), pipe.getvalue()) == ("", "")


def test_the_pages_a_limit_plans_for_bound_the_line_and_the_pages_fetched_ahead() -> None:
    """limit 25 of 10-record pages plans 3 pages: the line says "/3" and, on every page,
    fetching ahead (concurrency 4, against a real account) stops at page 3 as well."""

    def fetch(request: HttpRequest) -> object:
        page = int(dict(request.query).get("page", "1"))
        return {"page_count": 100, "clients": [{"id": page * 10 + n} for n in range(10)]}

    lasts: list[int] = []
    real_fetch_ahead = PageFetcher.fetch_ahead

    def recording(self: PageFetcher, *, after: int, last: int) -> None:
        lasts.append(last)
        real_fetch_ahead(self, after=after, last=last)

    pagination = PaginationSpec(page_parameter="page", page_count="page_count", max_pages=1000)
    report = ReadReport()
    first = HttpRequest("GET", "https://acme.clientary.com/api/v2/clients")
    pages = iter_pages(
        first,
        "clients",
        pagination,
        fetch,
        "search_clients",
        concurrency=4,
        wanted=25,
        report=report,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PageFetcher, "fetch_ahead", recording)
        for _ in zip(range(3), pages, strict=False):
            assert report.planned == 3
    assert lasts == [3, 3]  # after pages 1 and 2; page 3 is the last one planned


def test_rpc_takes_verbose_too(on_sandbox: None, cli: Callable[..., CliResult]) -> None:
    result = cli("rpc", "list_clients", "--verbose")
    lines = result.err.splitlines()
    assert result.code == 0 and lines[0].startswith("> GET ")
    assert re.fullmatch(r"list_clients: \d+ requests?, \d+ records in \d+\.\d s", lines[-1]), lines
