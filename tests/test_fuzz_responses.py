"""Fuzzing the runtime's entrance from a server: any status, headers and body, through the CLI.

One loopback server answers every request with what the example drew, including bodies that
echo the request's Authorization header back. The property: exit 0, 1 or 2, at most one
``error:`` line, nothing raises (no traceback), and no spelling of the canary token in any
output. The connector runs from a copy of the definitions with ``max_retries: 0`` and a short
timeout, so an example costs one request and never sleeps.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.canary import find_leaks
from tests.conftest import REPO, CliResult
from tests.hostile_server import Exchange, HostileServer


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    echo: str  # "", "text" or "json": put the request's Authorization header in the body


class Scripted:
    """The server's handler: answers with whatever ``answer`` is at the time."""

    def __init__(self) -> None:
        self.answer = Answer(200, {}, b"", "")

    def __call__(self, exchange: Exchange) -> None:
        answer = self.answer
        body = answer.body
        authorization = exchange.headers.get("authorization", "")
        if answer.echo == "text":
            body = f"Bad request.\nAuthorization: {authorization}\n".encode() + body
        elif answer.echo == "json":
            body = json.dumps({"error": f"token {authorization} refused"}).encode()
        exchange.head(answer.status, {"Content-Length": str(len(body)), **answer.headers})
        exchange.send(body)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[HostileServer, Scripted]]:
    handler = Scripted()
    with HostileServer(handler) as running:
        yield running, handler


@pytest.fixture(scope="module")
def quick_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The definitions with no retries and a 2 s timeout: one request per example."""
    root = tmp_path_factory.mktemp("quick-root")
    for name in ("connections", "modules", "rpcs", "webhooks"):
        shutil.copytree(REPO / name, root / name)
    text = (REPO / "connector.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(\s+max_retries:) \d+", r"\1 0", text)
    text = re.sub(r"(?m)^(\s+timeout_seconds:) \d+", r"\1 2", text)
    (root / "connector.yaml").write_text(text, encoding="utf-8")
    return root


def _record(draw: st.DrawFn) -> dict[str, Any]:
    keys = st.sampled_from(["id", "name", "title", "number", "total", "date", "x", ""])
    values = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**80), max_value=2**80),
        st.floats(),
        st.text(max_size=12),
        st.just("\ud800"),
        st.lists(st.integers(), max_size=3),
    )
    record: dict[str, Any] = draw(st.dictionaries(keys, values, max_size=5))
    if draw(st.booleans()):
        record["id"] = draw(st.integers(min_value=1, max_value=50))
    return record


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["envelope", "record", "json", "html", "bytes", "deep", "empty"]))
    if kind == "envelope":
        resource = draw(st.sampled_from(["clients", "invoices", "x"]))
        envelope: dict[str, Any] = {
            resource: [_record(draw) for _ in range(draw(st.integers(0, 4)))]
        }
        envelope["page_count"] = draw(
            st.one_of(st.integers(-2, 3), st.sampled_from(["2", "²", "9" * 400, None, []]))
        )
        envelope["total_count"] = draw(
            st.one_of(st.integers(-1, 99), st.none(), st.text(max_size=3))
        )
        text = json.dumps(envelope, allow_nan=True)
    elif kind == "record":
        text = json.dumps(_record(draw), allow_nan=True)
    elif kind == "json":
        errors = draw(
            st.one_of(
                st.none(),
                st.lists(st.text(max_size=10), max_size=3),
                st.dictionaries(st.text(max_size=6), st.lists(st.text(max_size=8)), max_size=3),
                st.text(max_size=20),
            )
        )
        text = json.dumps({"errors": errors, "message": draw(st.text(max_size=20))})
    elif kind == "html":
        text = "<html><body>Service Unavailable</body></html>"
    elif kind == "bytes":
        return draw(st.binary(max_size=64))
    elif kind == "deep":
        depth = draw(st.sampled_from([99, 101, 5000]))
        text = '{"clients": [' + "[" * depth + "]" * depth + "]}"
    else:
        text = ""
    return text.encode("utf-8", "surrogatepass")


@st.composite
def answers(draw: st.DrawFn) -> Answer:
    status = draw(
        st.one_of(
            st.sampled_from([200, 201, 204, 301, 302, 400, 401, 403, 404, 406, 422, 426, 429])
            | st.sampled_from([500, 502, 503, 504]),
            st.integers(min_value=100, max_value=599),
        )
    )
    body = draw(bodies())
    headers: dict[str, str] = {}
    content_type = draw(
        st.sampled_from(
            ["application/json", "application/json; charset=utf-8", "text/plain", "text/html", ""]
        )
    )
    if content_type:
        headers["Content-Type"] = content_type
    encoding = draw(st.sampled_from(["", "", "gzip", "deflate", "gzip-broken", "br", "x"]))
    if encoding == "gzip":
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    elif encoding == "deflate":
        body = zlib.compress(body)
        headers["Content-Encoding"] = "deflate"
    elif encoding == "gzip-broken":
        headers["Content-Encoding"] = "gzip"
    elif encoding:
        headers["Content-Encoding"] = encoding
    if draw(st.booleans()):
        headers["Retry-After"] = draw(st.sampled_from(["0", "1", "²", "-1", "9" * 30, "soon"]))
    if status in (301, 302) and draw(st.booleans()):
        headers["Location"] = "http://127.0.0.2:9/steal"
    echo = draw(st.sampled_from(["", "", "text", "json"]))
    return Answer(status, headers, body, echo)


COMMANDS = [
    ["run", "search_clients", "--param", "limit=30"],
    ["run", "get_client", "--param", "id=1"],
    ["run", "create_client", "--param", "name=ACME"],
    ["run", "delete_client", "--param", "id=1"],
    ["run", "watch_new_clients", "--start", "all"],
    ["run", "search_invoices", "--check-output"],
    ["run", "make_api_call", "--param", "url=/leads"],
    ["rpc", "list_clients"],
    ["verify"],
]


@given(answer=answers(), command=st.sampled_from(COMMANDS))
@settings(
    derandomize=True,
    deadline=None,
    database=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_answer_from_the_server(
    cli: Callable[..., CliResult],
    server: tuple[HostileServer, Scripted],
    quick_root: Path,
    tmp_path: Path,
    answer: Answer,
    command: list[str],
) -> None:
    running, handler = server
    handler.answer = answer
    state = (
        ["--state-dir", str(tmp_path / "state")] if command[1:2] == ["watch_new_clients"] else []
    )
    if state:
        shutil.rmtree(tmp_path / "state", ignore_errors=True)  # a first run every time

    result = cli("--root", str(quick_root), *command, *state, "--base-url", running.url)

    assert result.code in (0, 1, 2), result.err
    errors = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert len(errors) == (0 if result.code == 0 else 1), result.err
    assert "Traceback" not in result.out + result.err
    assert not find_leaks(result.out + result.err), "the canary leaked"
    for line in result.out.splitlines():  # every line on stdout is one JSON bundle
        json.loads(line)
