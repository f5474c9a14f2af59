"""Trigger state on disk: damaged files, unwritable folders and left-over temp files never cost
an item, and never make a run emit before it can commit."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from clientary_sandbox import Sandbox
from runtime.core.errors import StateError
from runtime.engine.state import StateStore
from tests.conftest import CANARY_TOKEN, CliResult, definitions_with

WATCH = "watch_new_clients"


@pytest.fixture
def watch(
    sandbox: Sandbox, cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliResult]:
    """``watch(...)`` runs watch_new_clients against the sandbox with state in tmp_path/state."""
    monkeypatch.setenv("CLIENTARY_BASE_URL", sandbox.base_url)
    monkeypatch.chdir(tmp_path)

    def run(*arguments: str, state_dir: str = "state") -> CliResult:
        return cli("run", WATCH, "--state-dir", state_dir, *arguments)

    return run


def add_clients(sandbox: Sandbox, count: int) -> None:
    with requests.Session() as session:
        session.auth = (CANARY_TOKEN, CANARY_TOKEN)
        session.headers["Accept"] = "application/json"
        for index in range(count):
            body = {"client": {"name": f"Client {index}"}}
            response = session.post(f"{sandbox.base_url}/api/v2/clients", json=body, timeout=5)
            response.raise_for_status()


def state_file(tmp_path: Path) -> Path:
    """The state file, relative to tmp_path (the working folder): as messages name it."""
    (path,) = (tmp_path / "state").rglob(f"{WATCH}.json")
    return path.relative_to(tmp_path)


def error_lines(result: CliResult) -> list[str]:
    return [line for line in result.err.splitlines() if line.startswith("error:")]


def test_a_started_trigger_emits_what_is_new(
    watch: Callable[..., CliResult], sandbox: Sandbox
) -> None:
    add_clients(sandbox, 3)
    assert [b["id"] for b in watch("--start", "all").lines()] == [1, 2, 3]
    add_clients(sandbox, 2)
    assert [b["id"] for b in watch().lines()] == [4, 5]


DAMAGE: dict[str, Callable[[dict[str, Any]], None]] = {
    # Each of these was read silently before: as a first run (skipping what is pending),
    # as "everything done" (emitting nothing), or as a TypeError traceback.
    "floor null": lambda data: data.update(floor=None),
    "floor 1e31": lambda data: data.update(floor=1e31),
    "seen far beyond what was emitted": lambda data: data.update(seen=[[1, 1000000]]),
    "floor text": lambda data: data.update(floor="abc"),
    "runs text": lambda data: data.update(runs="x"),
    "emitted null": lambda data: data.update(emitted=None),
    "seen not pairs": lambda data: data.update(seen=[[1, 2, 3]]),
    "identity of another kind": lambda data: data.update(identity=7),
    "version 2": lambda data: data.update(version=2),
    "another module's state": lambda data: data.update(module="watch_new_invoices"),
    "unknown field": lambda data: data.update(extra=1),
    "a field missing": lambda data: data.pop("started_at"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_state_is_one_error_naming_the_file_and_nothing_is_emitted(
    watch: Callable[..., CliResult], sandbox: Sandbox, tmp_path: Path, damage: str
) -> None:
    add_clients(sandbox, 2)
    assert watch("--start", "all").code == 0
    add_clients(sandbox, 3)  # pending: a silent reset or a wrong floor would lose them
    path = state_file(tmp_path)
    data = json.loads(path.read_text())
    DAMAGE[damage](data)
    damaged = json.dumps(data)
    path.write_text(damaged)

    result = watch()

    assert result.code == 1, result.err
    assert result.out == ""
    (line,) = error_lines(result)
    assert "Traceback" not in result.err
    assert str(path) in line and f"connector state reset {WATCH}" in line
    assert path.read_text() == damaged  # left as it was, for the user to look at


def test_state_that_is_not_json_or_not_utf8_is_one_error(
    watch: Callable[..., CliResult], sandbox: Sandbox, tmp_path: Path
) -> None:
    add_clients(sandbox, 1)
    watch("--start", "all")
    path = state_file(tmp_path)
    for content in (b"{not json", b"\xff\xfe\x00", b"[" * 100_000):
        path.write_bytes(content)
        result = watch()
        assert (result.code, result.out) == (1, ""), result.err
        assert len(error_lines(result)) == 1 and str(path) in result.err


def test_a_state_folder_that_is_a_file_is_named_before_anything_is_emitted(
    watch: Callable[..., CliResult], sandbox: Sandbox, tmp_path: Path
) -> None:
    add_clients(sandbox, 2)
    (tmp_path / "not-a-folder").write_text("")
    result = watch("--start", "all", state_dir="not-a-folder")
    assert (result.code, result.out) == (1, "")
    (line,) = error_lines(result)
    assert "not-a-folder" in line and "is a file" in line and "--state-dir" in line


def test_an_unwritable_state_folder_fails_before_the_first_bundle(
    watch: Callable[..., CliResult], sandbox: Sandbox, tmp_path: Path
) -> None:
    add_clients(sandbox, 2)
    account = StateStore(Path("state")).path_for(WATCH, f"{sandbox.base_url}/api/v2").parent
    account.parent.mkdir()
    # Tests run as root, where permission bits stop no write: the account's folder is a
    # link to /sys instead, which is mounted read-only (readable, with no state in it).
    account.symlink_to("/sys", target_is_directory=True)

    for _ in range(2):  # every rerun says the same, and never prints the bundles
        result = watch("--start", "all")
        assert (result.code, result.out) == (1, ""), result.out
        (line,) = error_lines(result)
        assert str(account) in line and "--state-dir" in line


def test_a_temp_file_left_by_a_killed_commit_is_cleaned_on_the_next_one(
    watch: Callable[..., CliResult], sandbox: Sandbox, tmp_path: Path
) -> None:
    add_clients(sandbox, 1)
    watch("--start", "all")
    path = state_file(tmp_path)
    left = path.with_name(f".{path.name}.abc123.tmp")
    left.write_text('{"half": ')
    add_clients(sandbox, 1)
    assert [b["id"] for b in watch().lines()] == [2]
    assert not left.exists()
    assert sorted(p.name for p in path.parent.iterdir()) == [f"{WATCH}.json", f"{WATCH}.json.lock"]


def test_a_second_run_waits_for_the_lock_then_refuses_without_emitting(
    watch: Callable[..., CliResult], sandbox: Sandbox, tmp_path: Path
) -> None:
    quick = ["--root", str(definitions_with(tmp_path / "root", state_lock_wait_seconds=0.2))]
    add_clients(sandbox, 2)
    watch("--start", "all")
    add_clients(sandbox, 2)
    target = f"{sandbox.base_url}/api/v2"
    store = StateStore(tmp_path / "state")
    with store.session(WATCH, target, wait_seconds=0):  # another run, mid-poll
        result = watch(*quick)
    assert (result.code, result.out) == (1, "")
    (line,) = error_lines(result)
    assert WATCH in line and "another run" in line
    assert [b["id"] for b in watch().lines()] == [3, 4]  # nothing was lost by the refusal


def test_state_reset_waits_for_a_running_poll(
    cli: Callable[..., CliResult], watch: Callable[..., CliResult], sandbox: Sandbox, tmp_path: Path
) -> None:
    quick = ["--root", str(definitions_with(tmp_path / "root", state_lock_wait_seconds=0.2))]
    add_clients(sandbox, 1)
    watch("--start", "all")
    store = StateStore(tmp_path / "state")
    with store.session(WATCH, f"{sandbox.base_url}/api/v2", wait_seconds=0):
        result = cli("state", "reset", WATCH, "--state-dir", "state", *quick)
    assert result.code == 1 and "another run" in result.err
    assert state_file(tmp_path).exists()


def test_a_crashed_lock_holder_never_blocks_the_next_run(
    watch: Callable[..., CliResult], sandbox: Sandbox, tmp_path: Path
) -> None:
    add_clients(sandbox, 1)
    watch("--start", "all")
    path = state_file(tmp_path)
    holder = (
        "import fcntl, os, sys; d = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
        "fcntl.flock(d, fcntl.LOCK_EX); print('held', flush=True); os.kill(os.getpid(), 9)"
    )
    done = subprocess.run(
        [sys.executable, "-c", holder, f"{path}.lock"], capture_output=True, text=True, timeout=30
    )
    assert done.stdout == "held\n" and done.returncode == -9
    add_clients(sandbox, 1)
    assert [b["id"] for b in watch().lines()] == [2]


def test_state_show_on_a_module_that_is_no_trigger_says_so(
    cli: Callable[..., CliResult],
) -> None:
    result = cli("state", "show", "search_clients")
    assert result.code == 2
    assert result.err.splitlines() == [
        "error: DataError: state show search_clients: expected a trigger module; search_clients "
        "is a search module and keeps no state ('connector modules' lists the triggers)"
    ]


def test_store_refuses_a_state_it_could_not_load_again(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    path = store.path_for(WATCH, "t")
    path.parent.mkdir(parents=True)
    path.write_text("{}")
    with pytest.raises(StateError, match="missing field"):
        store.load(WATCH, "t")


def test_a_limit_says_how_many_items_are_still_pending(
    watch: Callable[..., CliResult], sandbox: Sandbox
) -> None:
    add_clients(sandbox, 7)
    first = watch("--start", "all", "--limit", "5")
    assert [b["id"] for b in first.lines()] == [1, 2, 3, 4, 5]
    assert f"{WATCH}: 5 emitted, 2 pending; they come in the next runs" in first.err.splitlines()
    rest = watch("--limit", "5")
    assert [b["id"] for b in rest.lines()] == [6, 7]
    assert "pending" not in rest.err
