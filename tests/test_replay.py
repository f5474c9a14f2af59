"""Offline replay (issue 15, "Replay"): a fresh recording replays with no connection at all,
and a change to the module's request, or to what it makes of the answer, fails the replay
naming the module and the difference.

Recordings are made from the sandbox on 127.0.0.1 with the CLI's own ``--record``; the replay
runs with ``socket.create_connection`` and ``socket.socket.connect`` patched to fail the test,
so not even a loopback connection can be made.
"""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from clientary_sandbox import Sandbox
from runtime.cli.replay import ReplayTransport, first_difference
from runtime.engine.transport import HttpRequest
from tests.canary import CANARY_TOKEN
from tests.conftest import REPO, CliResult
from tests.definition_copies import copy_definitions

Cli = Callable[..., CliResult]


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(token=CANARY_TOKEN, seed=12) as server:
        yield server


def refuse_sockets(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """From now on every attempt to connect anywhere, loopback included, is kept and refused."""
    tried: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        tried.append(args)
        raise OSError("replay must not connect")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return tried


def definitions(tmp_path: Path) -> Path:
    return copy_definitions(tmp_path / "defs")


def record(cli: Cli, sandbox: Sandbox, folder: Path, *arguments: str) -> Path:
    result = cli(*arguments, "--base-url", sandbox.base_url, "--record", str(folder))
    assert result.code == 0, result.err
    return Path(result.err.strip().splitlines()[-1].removeprefix("recorded: "))


def test_a_fresh_recording_replays_offline(
    cli: Cli, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "rec"
    record(cli, sandbox, folder, "run", "search_clients", "--param", "limit=15")
    record(cli, sandbox, folder, "run", "create_client", "--param", "name=Jane Doe")
    record(cli, sandbox, folder, "rpc", "list_clients")
    recorded_requests = len(sandbox.requests_seen)
    tried = refuse_sockets(monkeypatch)
    result = cli("replay", str(folder))
    assert result.code == 0, result.out + result.err
    assert result.out.splitlines() == [
        f"ok: create_client ({folder / 'create_client.json'}): 1 request(s), 1 bundle(s)",
        f"ok: list_clients ({folder / 'list_clients.json'}): 2 request(s), 13 bundle(s)",
        f"ok: search_clients ({folder / 'search_clients.json'}): 2 request(s), 12 bundle(s)",
    ]
    assert tried == []
    assert len(sandbox.requests_seen) == recorded_requests


def test_a_changed_request_fails_the_replay_naming_the_difference(
    cli: Cli, sandbox: Sandbox, tmp_path: Path
) -> None:
    root = definitions(tmp_path)
    path = record(cli, sandbox, tmp_path / "rec", "run", "create_client", "--param", "name=ACME")
    module = root / "modules" / "clients" / "create_client.yaml"
    text = module.read_text(encoding="utf-8")
    module.write_text(text.replace("url: /clients", "url: /clients?x=1", 1), encoding="utf-8")
    result = cli("--root", str(root), "replay", str(path))
    assert result.code == 1
    assert result.out.strip() == (
        f"FAIL: create_client ({path}): request POST /clients?x=1: request.path: "
        'recorded "/clients"; now "/clients?x=1"'
    )
    assert result.err.strip() == "error: RuntimeError: replay: 1 of 1 recording(s) differ"


def test_changed_bundles_fail_the_replay(cli: Cli, sandbox: Sandbox, tmp_path: Path) -> None:
    path = record(cli, sandbox, tmp_path / "rec", "run", "get_client", "--param", "id=3")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["bundles"][0]["city"] = "Elsewhere"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = cli("replay", str(path))
    assert result.code == 1
    assert result.out.strip().endswith('bundles[0].city: recorded "Elsewhere"; now "Springfield"')


def test_a_request_no_longer_sent_fails_the_replay(
    cli: Cli, sandbox: Sandbox, tmp_path: Path
) -> None:
    path = record(cli, sandbox, tmp_path / "rec", "run", "search_clients", "--param", "limit=15")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["parameters"]["limit"] = 5  # one page is enough now
    data["bundles"] = data["bundles"][:5]
    path.write_text(json.dumps(data), encoding="utf-8")
    result = cli("replay", str(path))
    assert result.code == 1
    assert "request GET /clients?page=2: recorded, not sent now (1 such)" in result.out


def test_requests_are_matched_by_content_not_order() -> None:
    exchanges = [
        {"request": {"method": "GET", "path": "/x", "query": [["page", str(n)]], "body": None},
         "response": {"status": 200, "headers": {}, "json": {"n": n}}}
        for n in (1, 2)
    ]  # fmt: skip
    transport = ReplayTransport(exchanges, "https://example.clientary.com/api/v2")
    second = HttpRequest("GET", "https://example.clientary.com/api/v2/x", (("page", "2"),))
    assert transport.send(second).json() == {"n": 2}
    assert transport.leftover() == ["GET /x?page=1"]


def test_first_difference_names_the_path() -> None:
    assert first_difference({"a": [1, {"b": 2}]}, {"a": [1, {"b": "2"}]}, "x") == (
        'x.a[1].b: recorded 2; now "2"'
    )
    assert first_difference([1], [1, 2], "x") == "x: recorded 1 item(s); now 2"
    assert first_difference({"a": 1}, {"a": 1}, "x") is None


def test_replay_of_a_file_that_is_not_a_recording_is_one_error(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"hello": 1}', encoding="utf-8")
    result = cli("replay", str(tmp_path))
    assert result.code == 1
    assert result.err.strip() == (
        f"error: RuntimeError: {tmp_path / 'x.json'}: expected a recording "
        "(format 'clientary-recording/1'); got None"
    )


def test_a_recording_of_a_module_that_is_gone_fails_alone(cli: Cli, tmp_path: Path) -> None:
    source = REPO / "tests" / "recordings" / "sandbox" / "get_client.json"
    data = json.loads(source.read_text(encoding="utf-8"))
    (tmp_path / "a.json").write_text(json.dumps({**data, "id": "get_nothing"}), encoding="utf-8")
    shutil.copy(source, tmp_path / "b.json")
    result = cli("replay", str(tmp_path))
    assert result.code == 1
    first, second = result.out.splitlines()
    assert first.startswith(f"FAIL: get_nothing ({tmp_path / 'a.json'}): cannot replay: ")
    assert second.startswith(f"ok: get_client ({tmp_path / 'b.json'})")
