"""No secret in any output (issue 10, "Secrets"): every form of the token is masked, and masked
before any text is cut; the JSON-lines writer never crashes on a record it can represent.

Hostile answers come from ``responses`` (in process, nothing leaves the machine); the
leak check is the canary's (tests/canary.py), made stricter here: a 4-character prefix of
the token or of its base64 counts as a leak.
"""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import responses

from runtime.cli import output
from runtime.cli.output import JsonLinesWriter, LoggingTransport
from runtime.core.redaction import MASK, Redactor, clip
from runtime.engine.transport import HttpRequest, HttpResponse
from runtime.engine.value_check import check_value
from tests import canary
from tests.canary import CANARY_TOKEN, Canary, allow, find_leaks, forms
from tests.conftest import CliResult

Cli = Callable[..., CliResult]
PAIR_B64 = base64.b64encode(f"{CANARY_TOKEN}:{CANARY_TOKEN}".encode()).decode()
ANY_URL = re.compile(r"https://acme\.clientary\.com/api/v2/.*")
ENCODERS = {"stdlib": output._encode_lines_stdlib, "orjson": output.encode_lines}
QUOTE_TOKEN = 'tok"en\\12345678é'  # a quote, a backslash and a non-ASCII letter


def strict_leaks(text: str, token: str = CANARY_TOKEN) -> list[str]:
    return find_leaks(text, token, min_prefix=4)


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


# --- the redactor: every form, any length, any depth -------------------------------------------


@pytest.mark.parametrize(("name", "form"), sorted(forms(CANARY_TOKEN).items()))
def test_every_form_of_the_token_is_masked(name: str, form: str) -> None:
    assert Redactor([CANARY_TOKEN]).text(f"<{form}>") == f"<{MASK}>"


@pytest.mark.parametrize("length", [8, 12, 20, len(PAIR_B64) - 1])
def test_a_cut_base64_of_the_pair_is_masked(length: int) -> None:
    # The first ~20 characters already decode to the token: a cut header is as bad as a whole one.
    text = f"Authorization: Basic {PAIR_B64[:length]}..."
    assert Redactor([CANARY_TOKEN]).text(text) == f"Authorization: Basic {MASK}..."


@pytest.mark.parametrize(("name", "form"), sorted(forms(QUOTE_TOKEN).items()))
def test_a_token_with_a_quote_or_backslash_is_masked_in_every_spelling(
    name: str, form: str
) -> None:
    assert strict_leaks(Redactor([QUOTE_TOKEN]).text(f"<{form}>"), QUOTE_TOKEN) == []


@pytest.mark.parametrize("token", ["a", "ab", "abc"])
def test_a_short_token_is_masked_too(token: str) -> None:
    # Item 4: the redactor masks a secret of any length; connection.py is where a short token
    # should be refused (so that masking it cannot mangle every output).
    assert Redactor([token]).text(f"<{token}>") == f"<{MASK}>"


def test_an_empty_secret_masks_nothing() -> None:
    assert Redactor([""]).text("some text") == "some text"


def test_a_deeply_nested_value_is_masked_without_recursion() -> None:
    deep: Any = CANARY_TOKEN
    for _ in range(100_000):
        deep = [{"k": deep}]
    masked = Redactor([CANARY_TOKEN]).value(deep)
    for _ in range(100_000):
        masked = masked[0]["k"]
    assert masked == MASK


def test_keys_are_masked_too() -> None:
    assert Redactor([CANARY_TOKEN]).value({CANARY_TOKEN: 1}) == {MASK: 1}


# --- mask first, then clip -----------------------------------------------------------------------


@pytest.mark.parametrize("offset", [150, 185, 190, 193])
def test_clip_masks_before_it_cuts(offset: int) -> None:
    Redactor([CANARY_TOKEN])  # the CLI's redactor, which clip uses
    text = clip("x" * offset + CANARY_TOKEN + " and more text after it" * 5, 200)
    assert len(text) <= 200
    assert strict_leaks(text) == []


def test_a_checked_value_is_masked_before_it_is_cut() -> None:
    Redactor([CANARY_TOKEN])
    value = "x" * 40 + CANARY_TOKEN
    [message] = check_value({"type": "string", "format": "date"}, value, "parameters.since")
    assert message.startswith("parameters.since: expected a date")
    assert strict_leaks(message) == []


def _echo_headers(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
    # A careless server: its error page echoes the request headers, after a long preamble
    # that puts the Authorization value right at the point where error text is cut.
    body = "x" * 156 + f"Authorization: {request.headers['Authorization']}\n"
    return 500, {"Content-Type": "text/plain"}, body


@pytest.mark.parametrize(
    "command",
    [["run", "search_clients"], ["verify"], ["rpc", "list_clients"]],
    ids=["run", "verify", "rpc"],
)
def test_a_500_echoing_the_authorization_header_prints_no_part_of_it(
    cli: Cli, api: responses.RequestsMock, command: list[str]
) -> None:
    api.add_callback("GET", ANY_URL, callback=_echo_headers)
    result = cli(*command)
    assert result.code == 1
    [line] = result.err.splitlines()
    assert line.startswith("error: ")
    assert strict_leaks(result.out + result.err) == []


@pytest.mark.parametrize("offset", [170, 180, 185, 190])
def test_a_422_carrying_the_token_near_the_cut_prints_none_of_it(
    cli: Cli, api: responses.RequestsMock, offset: int
) -> None:
    api.add("POST", ANY_URL, status=422, json={"error": "y" * offset + CANARY_TOKEN})
    result = cli("run", "create_client", "--param", "name=ACME")
    assert result.code == 1
    assert result.err.startswith("error: DataError: HTTP 422")
    assert strict_leaks(result.err) == []


def test_a_422_with_many_field_errors_is_cut_to_one_short_line(
    cli: Cli, api: responses.RequestsMock
) -> None:
    errors = {f"field{n}": [f"bad {CANARY_TOKEN}"] for n in range(50)}
    api.add("POST", ANY_URL, status=422, json={"errors": errors})
    result = cli("run", "create_client", "--param", "name=ACME")
    [line] = result.err.splitlines()
    assert len(line) < 300
    assert strict_leaks(line) == []


@pytest.mark.parametrize(
    "debug",
    [f"{'x' * 40}{CANARY_TOKEN}", f"Authorization: Basic {PAIR_B64}"],
    ids=["token", "header"],
)
def test_check_output_notes_show_no_cut_secret(
    cli: Cli, api: responses.RequestsMock, debug: str
) -> None:
    clients = [{"id": 1, "name": "ACME", "debug": debug}]
    api.add("GET", ANY_URL, json={"page_count": 1, "clients": clients})
    result = cli("run", "search_clients", "--check-output")
    assert "output.debug: not in the output schema (1 of 1), e.g. " in result.err
    assert strict_leaks(result.out + result.err) == []


def test_a_users_url_holding_the_token_is_masked_in_the_error(cli: Cli) -> None:
    # templating.py cuts the url at 60 characters; the redactor masks the cut token there.
    url = "/" + "a" * 40 + "/../" + CANARY_TOKEN
    result = cli("run", "make_api_call", "--param", f"url={url}", "--param", "method=GET")
    assert result.code == 2
    assert "must not contain '..'" in result.err
    assert find_leaks(result.err) == []


# --- --verbose -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments",
    [
        ["--param", f"url=/clients?api_token={CANARY_TOKEN}"],
        ["--param", "url=/clients", "--param", json.dumps({"api_token": CANARY_TOKEN})],
    ],
    ids=["url", "query"],
)
def test_verbose_request_lines_are_masked(
    cli: Cli, api: responses.RequestsMock, arguments: list[str]
) -> None:
    if arguments[-1].startswith("{"):
        arguments[-1] = f"query={arguments[-1]}"
    api.add("GET", ANY_URL, json=[])
    result = cli("run", "make_api_call", *arguments, "--param", "method=GET", "--verbose")
    assert result.code == 0, result.err
    assert result.err.startswith("> GET https://acme.clientary.com/api/v2/clients?api_token=****")
    assert strict_leaks(result.out + result.err) == []


def test_the_logging_transport_masks_with_the_active_redactor() -> None:
    class Answer:
        def send(self, request: HttpRequest) -> HttpResponse:
            return HttpResponse(200, {}, b"[]")

    Redactor([CANARY_TOKEN])
    stream = io.StringIO()
    request = HttpRequest("GET", f"https://h/{CANARY_TOKEN}", query=(("t", CANARY_TOKEN),))
    LoggingTransport(Answer(), stream).send(request)
    assert stream.getvalue().startswith(f"> GET https://h/{MASK}?t={MASK} -> 200 (")


# --- the JSON-lines writer -----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ENCODERS))
def test_the_writer_masks_a_token_holding_a_quote_or_backslash(name: str) -> None:
    stream = io.StringIO()
    writer = JsonLinesWriter(stream, Redactor([QUOTE_TOKEN]))
    output.encode_lines, saved = ENCODERS[name], output.encode_lines
    try:
        writer.write({"note": f"token {QUOTE_TOKEN}", QUOTE_TOKEN: 1})
        writer.flush()
    finally:
        output.encode_lines = saved
    assert json.loads(stream.getvalue()) == {"note": f"token {MASK}", MASK: 1}


def test_the_cli_masks_a_token_holding_a_quote_or_backslash(
    cli: Cli, api: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLIENTARY_API_TOKEN", QUOTE_TOKEN)
    clients = [{"id": 1, "name": f"{QUOTE_TOKEN} ACME"}]
    api.add("GET", ANY_URL, json={"page_count": 1, "clients": clients})
    result = cli("run", "search_clients")
    assert result.code == 0, result.err
    assert result.lines() == [{"id": 1, "name": f"{MASK} ACME"}]
    assert strict_leaks(result.out + result.err, QUOTE_TOKEN) == []


def _utf8_stream() -> tuple[io.TextIOWrapper, io.BytesIO]:
    raw = io.BytesIO()
    return io.TextIOWrapper(raw, encoding="utf-8", errors="strict", write_through=True), raw


@pytest.mark.parametrize("name", sorted(ENCODERS))
def test_a_lone_surrogate_is_written_escaped(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "encode_lines", ENCODERS[name])
    stream, raw = _utf8_stream()
    writer = JsonLinesWriter(stream, Redactor())
    writer.write_all([{"id": 1, "name": "a\ud800b"}, {"id": 2, "name": "ok"}])
    writer.flush()
    lines = raw.getvalue().decode("utf-8").splitlines()
    assert lines == ['{"id":1,"name":"a\\ud800b"}', '{"id":2,"name":"ok"}']
    assert json.loads(lines[0])["name"] == "a\ud800b"


@pytest.mark.parametrize("depth", [300, 5_000, 100_000])
def test_a_deeply_nested_record_is_written_without_crashing(depth: int) -> None:
    deep: Any = "end"
    for _ in range(depth):
        deep = {"a": [deep]}
    stream = io.StringIO()
    writer = JsonLinesWriter(stream, Redactor())
    writer.write({"id": 1, "deep": deep})
    writer.flush()
    expected = '{"id":1,"deep":' + '{"a":[' * depth + '"end"' + "]}" * depth + "}\n"
    assert stream.getvalue() == expected


def test_a_trigger_with_a_lone_surrogate_writes_its_batch_and_moves_on(
    cli: Cli, api: responses.RequestsMock, tmp_path: Path
) -> None:
    body = b'{"staff": [{"id": 1, "name": "a\\ud800"}, {"id": 2, "name": "Bo"}]}'
    api.add("GET", ANY_URL, body=body, content_type="application/json")
    state = ["--state-dir", str(tmp_path)]
    first = cli("run", "watch_new_staff", "--start", "all", *state)
    assert first.code == 0, first.err
    assert [bundle["id"] for bundle in first.lines()] == [1, 2]
    assert first.lines()[0]["name"] == "a\ud800"
    second = cli("run", "watch_new_staff", *state)
    assert (second.code, second.out) == (0, "")  # the state moved on: nothing twice


# --- the canary itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "form"), sorted(forms(CANARY_TOKEN).items()))
def test_the_canary_names_each_form_it_finds(name: str, form: str) -> None:
    assert name in find_leaks(f"some output {form} more")


def test_the_canary_finds_a_cut_base64_and_not_a_masked_one() -> None:
    assert find_leaks(f"Basic {PAIR_B64[:8]}...") == [
        "a 8+ character prefix of base64 of the token"
    ]
    assert find_leaks(f"Basic {PAIR_B64[:7]}...") == []  # too short to mean anything
    assert find_leaks(f"Basic {MASK} token={MASK}") == []


def test_a_canary_hit_names_the_place_and_the_form_never_the_text() -> None:
    plugin = Canary()
    plugin.check(f"leaked {PAIR_B64}".encode(), "tests/x.py::test_y [stdout]")
    assert plugin.hits == ["tests/x.py::test_y [stdout]: holds base64 of the token:token pair"]
    assert strict_leaks(" ".join(plugin.hits)) == []


def test_the_canary_scans_written_files_but_not_allowed_inputs(tmp_path: Path) -> None:
    plugin = Canary()
    plugin.folders.append(tmp_path)
    leaked, given = tmp_path / "state" / "leaked.json", tmp_path / "connection.yaml"
    leaked.parent.mkdir()
    leaked.write_text(json.dumps({"note": CANARY_TOKEN}))
    given.write_text(f"api_token: {CANARY_TOKEN}")
    allow(given)  # the session's canary and this one: the file is the test's own input
    plugin.inputs = canary.PLUGIN.inputs
    try:
        plugin.scan_files()
    finally:
        leaked.unlink()  # the session's own canary would find it too
    assert plugin.hits == [f"{leaked}: holds the token"]
