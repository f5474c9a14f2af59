"""Hostile servers and bad user input: one error line, the right exit code, never a traceback,
memory and time bounded (issue 10, items 6-9, 13, 14).

Each test runs the real CLI in-process (the ``cli`` fixture) against a scripted loopback
server (tests/hostile_server.py), or the transport directly where a setting must be lowered.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from runtime.core.errors import OutcomeUnknownError, TransportError
from runtime.engine.transport import HttpRequest, RequestsTransport, RetryPolicy
from tests.conftest import CANARY_TOKEN, REPO, CliResult, definitions_with
from tests.hostile_server import (
    Exchange,
    Handler,
    HostileServer,
    drip,
    gzip_bomb_chunks,
    respond,
    stream,
)

Cli = Callable[..., CliResult]
DEEP = 100_000
GIB = 1024**3
MIB = 1024**2


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], HostileServer]]:
    servers: list[HostileServer] = []

    def start(handler: Handler) -> HostileServer:
        server = HostileServer(handler).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def one_error(result: CliResult, code: int = 1) -> str:
    """The one ``error:`` line of a failed run (asserting there is exactly one)."""
    assert "Traceback" not in result.err
    errors = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.err
    assert result.code == code, result.err
    assert CANARY_TOKEN not in result.err + result.out
    return errors[0]


def search(cli: Cli, server: HostileServer, *more: str) -> CliResult:
    return cli("run", "search_clients", "--base-url", server.url, *more)


def page(records: str, page_count: str = "1") -> bytes:
    return f'{{"page_count": {page_count}, "clients": {records}}}'.encode()


# 6. Deep JSON, odd page counts, odd Retry-After ----------------------------------------


def test_a_deep_list_body_is_one_error_line(cli: Cli, serve: Callable[..., HostileServer]) -> None:
    server = serve(respond(200, "[" * DEEP + "]" * DEEP))
    line = one_error(search(cli, server))
    assert line.startswith("error: RuntimeError: GET ")
    assert "at most 100 levels of nesting; got 100000 levels" in line


def test_a_deep_record_is_one_error_line(cli: Cli, serve: Callable[..., HostileServer]) -> None:
    server = serve(respond(200, page('[{"id": 1, "name": ' + "[" * DEEP + "]" * DEEP + "}]")))
    assert "at most 100 levels of nesting" in one_error(search(cli, server))


def test_a_deep_422_body_is_one_error_line(cli: Cli, serve: Callable[..., HostileServer]) -> None:
    server = serve(respond(422, '{"errors": ' + "[" * DEEP + "]" * DEEP + "}"))
    line = one_error(search(cli, server))
    assert line.startswith("error: DataError: HTTP 422: Clientary refused the data")


@pytest.mark.parametrize("count", ['"²"', '"' + "9" * 5000 + '"', "9" * 5000, "10000000000"])
def test_an_unusable_page_count_is_one_error_line(
    cli: Cli, serve: Callable[..., HostileServer], count: str
) -> None:
    server = serve(respond(200, page('[{"id": 1, "name": "a"}]', count)))
    line = one_error(search(cli, server))
    assert "page count" in line or "4300 digits" in line, line


def test_a_page_count_of_ascii_digits_in_a_string_still_works(
    cli: Cli, serve: Callable[..., HostileServer]
) -> None:
    server = serve(respond(200, page('[{"id": 1, "name": "a"}]', '"1"')))
    result = search(cli, server)
    assert result.code == 0, result.err
    assert [bundle["id"] for bundle in result.lines()] == [1]


# 7. Response size ---------------------------------------------------------------------


def test_a_gzip_bomb_is_refused_at_the_size_limit(
    cli: Cli, serve: Callable[..., HostileServer]
) -> None:
    server = serve(stream(gzip_bomb_chunks(2 * GIB), {"Content-Encoding": "gzip"}))
    line = one_error(search(cli, server))
    assert "larger than max_response_bytes (67108864 bytes)" in line


def test_a_100_mb_body_is_refused_at_the_size_limit(
    cli: Cli, serve: Callable[..., HostileServer]
) -> None:
    chunk = b" " * MIB
    server = serve(stream([b'{"clients": ['] + [chunk] * 100))
    line = one_error(search(cli, server))
    assert "larger than max_response_bytes (67108864 bytes)" in line


def test_the_cli_honours_the_limit_connector_yaml_sets(
    cli: Cli, serve: Callable[..., HostileServer], tmp_path: Path
) -> None:
    root = definitions_with(tmp_path, max_response_bytes=2048)
    server = serve(respond(200, page("[" + ",".join(['{"id": 1}'] * 400) + "]")))
    line = one_error(cli("--root", str(root), "run", "search_clients", "--base-url", server.url))
    assert "larger than max_response_bytes (2048 bytes)" in line


def test_a_lowered_limit_is_honoured_and_a_declared_length_refused_unread(
    serve: Callable[..., HostileServer],
) -> None:
    server = serve(respond(200, b" " * (2 * MIB)))
    transport = RequestsTransport(("t", "t"), 5, RetryPolicy(0), max_response_bytes=MIB)
    with pytest.raises(TransportError, match=r"larger than max_response_bytes \(1048576 bytes\)"):
        transport.send(HttpRequest("GET", server.url + "/api/v2/clients"))
    assert len(server.requests) == 1
    transport.close()


CHILD = """
import sys
from runtime.cli import main
code = main(["run", "search_clients", "--base-url", sys.argv[1]])
import resource
print("peak", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def _limit_memory() -> None:  # in the child: a regression fails instead of eating the machine
    resource.setrlimit(resource.RLIMIT_AS, (2 * GIB, 2 * GIB))


def test_the_gzip_bomb_keeps_peak_memory_under_200_mb(
    serve: Callable[..., HostileServer],
) -> None:
    server = serve(stream(gzip_bomb_chunks(2 * GIB), {"Content-Encoding": "gzip"}))
    child = subprocess.run(
        [sys.executable, "-c", CHILD, server.url],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"CLIENTARY_API_TOKEN": CANARY_TOKEN, "PATH": "/usr/bin:/bin"},
        preexec_fn=_limit_memory,
        check=False,
    )
    assert child.returncode == 1, child.stderr[-2000:]
    assert "Traceback" not in child.stderr
    peak_kib = int(child.stderr.split("peak ")[-1])
    assert peak_kib < 200 * 1024, f"peak RSS {peak_kib // 1024} MB"
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 200 * 1024


# 8. One deadline per attempt ----------------------------------------------------------


def test_a_dripping_body_ends_at_the_deadline_as_a_timeout(
    serve: Callable[..., HostileServer],
) -> None:
    server = serve(drip(b'{"clients": []}' + b" " * 100, interval=0.5))
    waits: list[float] = []
    transport = RequestsTransport(("t", "t"), 1, RetryPolicy(1, sleep=waits.append))
    started = time.monotonic()
    with pytest.raises(TransportError, match="no complete answer within 1 s") as caught:
        transport.send(HttpRequest("GET", server.url + "/api/v2/clients"))
    elapsed = time.monotonic() - started
    transport.close()
    assert "connection failed" not in str(caught.value)
    assert len(server.requests) == 2  # one retry: a read is safe to repeat
    assert elapsed < 6, elapsed  # without a deadline: 115 bytes * 0.5 s each, twice


def test_a_dripping_answer_to_a_write_is_outcome_unknown_at_the_deadline(
    serve: Callable[..., HostileServer],
) -> None:
    server = serve(drip(b'{"id": 1}' + b" " * 100, interval=0.5))
    transport = RequestsTransport(("t", "t"), 1, RetryPolicy(2, sleep=lambda _: None))
    started = time.monotonic()
    with pytest.raises(OutcomeUnknownError, match="no complete answer within 1 s"):
        transport.send(HttpRequest("POST", server.url + "/api/v2/clients", body={}))
    assert time.monotonic() - started < 4
    assert len(server.requests) == 1
    transport.close()


def test_dripping_headers_end_at_the_deadline(serve: Callable[..., HostileServer]) -> None:
    def slow_headers(exchange: Exchange) -> None:
        exchange.send(b"HTTP/1.1 200 OK\r\n")
        for _ in range(100):
            exchange.send(b"X")
            if exchange.wait(0.3):
                return

    server = serve(slow_headers)
    transport = RequestsTransport(("t", "t"), 1, RetryPolicy(0))
    started = time.monotonic()
    with pytest.raises(TransportError, match="no complete answer within 1 s"):
        transport.send(HttpRequest("GET", server.url + "/api/v2/clients"))
    assert time.monotonic() - started < 4
    transport.close()


# 9 and 13. Headers, paths, tokens, URLs, files, parameters -----------------------------


def api_call(cli: Cli, *parameters: str) -> CliResult:
    arguments = ["run", "make_api_call", "--base-url", "http://127.0.0.1:9", "--dry-run"]
    for parameter in parameters:
        arguments += ["--param", parameter]
    return cli(*arguments)


@pytest.mark.parametrize(
    "name", ["AUTHORIZATION ", "Authorization\t", "Host ", " Host", "X Y", "X:Y", "Ä-Header", ""]
)
def test_a_header_name_that_is_not_a_token_is_refused(cli: Cli, name: str) -> None:
    headers = json.dumps({name: "x"})
    line = one_error(api_call(cli, "url=/clients", f"headers={headers}"), code=2)
    assert "expected a header name of letters, digits and !#$%&'*+-.^_`|~" in line


@pytest.mark.parametrize("value", ["caf\u00e9", "a\u20acb", "a\r\nX-Evil: 1", "a\x00b"])
def test_a_header_value_outside_visible_ascii_is_refused(cli: Cli, value: str) -> None:
    headers = json.dumps({"X-Note": value})
    line = one_error(api_call(cli, "url=/clients", f"headers={headers}"), code=2)
    assert "headers.X-Note: expected visible ASCII characters, spaces or tabs" in line


def test_a_protected_header_is_still_refused_in_any_case(cli: Cli) -> None:
    line = one_error(api_call(cli, "url=/clients", 'headers={"AUTHORIZATION": "x"}'), code=2)
    assert "set by the connection" in line


@pytest.mark.parametrize("url", ["/clients/..;/x", "/clients/.;a/x", "/..;"])
def test_dot_dot_semicolon_segments_are_refused(cli: Cli, url: str) -> None:
    line = one_error(api_call(cli, f"url={url}"), code=2)
    assert "must not contain '..'" in line


def test_a_token_outside_latin1_is_one_error_line(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLIENTARY_API_TOKEN", "tok\u20acen" + CANARY_TOKEN)
    result = cli("run", "search_clients", "--base-url", "http://127.0.0.1:9")
    line = one_error(result, code=2)
    assert "connection.api_token: expected" in line
    assert "\u20ac" not in line


@pytest.mark.parametrize(
    "command", [["run", "search_clients"], ["state", "reset", "watch_new_clients"]]
)
@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:99999", "http://h:port"])
def test_a_base_url_that_does_not_parse_is_one_error_line(
    cli: Cli, tmp_path: Path, command: list[str], url: str
) -> None:
    more = ["--state-dir", str(tmp_path)] if command[0] == "state" else []
    line = one_error(cli(*command, "--base-url", url, *more), code=2)
    assert "--base-url: expected scheme, host and optional port" in line


def test_a_connection_file_that_is_not_utf8_is_one_error_line(cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "conn.yaml"
    file.write_bytes(b"domain: acme\napi_token: \xff\xfe\n")
    line = one_error(cli("run", "search_clients", "--connection", str(file), "--dry-run"), 2)
    assert f"--connection {file}: expected UTF-8 text" in line


@pytest.mark.parametrize("depth", [150, 900, 2000])
def test_a_deeply_nested_connection_file_is_one_error_line(
    cli: Cli, tmp_path: Path, depth: int
) -> None:
    file = tmp_path / "conn.yaml"
    file.write_text("domain: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    line = one_error(cli("run", "search_clients", "--connection", str(file), "--dry-run"), 2)
    assert f"--connection {file}: expected at most 100 levels of nesting" in line


@pytest.mark.parametrize("depth", [150, 2000])
def test_a_deeply_nested_param_is_one_error_line(cli: Cli, depth: int) -> None:
    line = one_error(
        api_call(cli, "url=/clients", "method=POST", "body=" + "[" * depth + "]" * depth), 2
    )
    assert "parameters.body: expected at most 100 levels of nesting" in line


def test_the_connection_file_still_reads(cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "conn.yaml"
    file.write_text(
        textwrap.dedent("""\
        domain: acme
        api_token: fileTOKEN0123456789
        """),
        encoding="utf-8",
    )
    result = cli("run", "search_clients", "--connection", str(file), "--dry-run")
    assert result.code == 0, result.err


def test_connector_yaml_declares_the_size_limit_the_transport_defaults_to() -> None:
    from runtime import load_for_run
    from runtime.definitions.specs import DEFAULT_MAX_RESPONSE_BYTES

    connector, _ = load_for_run(REPO, "search_clients")
    assert connector.base.max_response_bytes == DEFAULT_MAX_RESPONSE_BYTES == 64 * MIB


def test_a_multi_line_error_body_is_shown_on_one_line(
    cli: Cli, serve: Callable[..., HostileServer]
) -> None:
    body = "Internal error\n  at line 3\r\n\tretry later\n"
    server = serve(respond(500, body, content_type="text/plain"))
    result = search(cli, server)
    assert result.err.splitlines() == [
        "error: ConnectionError: HTTP 500: Clientary is unavailable or failed; try again later: "
        "Internal error at line 3 retry later"
    ]


def test_a_deep_422_body_says_so_instead_of_showing_brackets(
    cli: Cli, serve: Callable[..., HostileServer]
) -> None:
    server = serve(respond(422, b'{"errors": ' + b"[" * 5000 + b"]" * 5000 + b"}"))
    line = one_error(cli("run", "create_client", "--param", "name=A", "--base-url", server.url))
    assert line == (
        "error: DataError: HTTP 422: Clientary refused the data: (the answer is nested too "
        "deeply to show)"
    )
