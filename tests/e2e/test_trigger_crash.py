"""A trigger process killed between writing bundles and saving state loses nothing."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from clientary_sandbox import Sandbox
from tests import canary
from tests.conftest import CANARY_TOKEN, REPO

PIPE_BYTES = 4096  # the smallest pipe Linux allows: the writer blocks long before it is done


def _create_clients(sandbox: Sandbox, count: int) -> list[int]:
    ids = []
    with requests.Session() as session:
        session.auth = (CANARY_TOKEN, CANARY_TOKEN)
        session.headers["Accept"] = "application/json"
        for index in range(count):
            body = {"client": {"name": f"Client {index}", "description": "x" * 400}}
            response = session.post(f"{sandbox.base_url}/api/v2/clients", json=body, timeout=5)
            response.raise_for_status()
            ids.append(response.json()["id"])
    return ids


def _command(sandbox: Sandbox, state_dir: Path) -> tuple[list[str], dict[str, str]]:
    env = {
        **os.environ,
        "CLIENTARY_BASE_URL": sandbox.base_url,
        "CLIENTARY_API_TOKEN": CANARY_TOKEN,
        "PYTHONPATH": str(REPO),
    }
    command = [
        sys.executable,
        "-m",
        "runtime",
        "run",
        "watch_new_clients",
        "--state-dir",
        str(state_dir),
    ]
    return command, env


def _run(command: list[str], env: dict[str, str]) -> list[int]:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=True)
    canary.record(done.stdout + done.stderr)
    return [json.loads(line)["id"] for line in done.stdout.splitlines()]


def test_sigkill_between_output_and_state_commit_repeats_but_never_loses(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    command, env = _command(sandbox, tmp_path / "state")
    first = _create_clients(sandbox, 25)
    assert _run([*command, "--start", "all"], env) == first
    state_files = list((tmp_path / "state").rglob("*.json"))
    committed = state_files[0].read_text()

    new = _create_clients(sandbox, 60)  # about 30 KB of bundles: far more than the pipe holds
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert process.stdout is not None
        fcntl.fcntl(process.stdout.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        first_line = process.stdout.readline()  # it has started writing, and will block soon
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        partial = [json.loads(first_line)["id"]]
        canary.record(first_line)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()

    assert process.returncode == -signal.SIGKILL
    assert state_files[0].read_text() == committed  # nothing was committed for the killed run
    assert partial[0] in new
    again = _run(command, env)
    assert again == new  # the uncommitted bundles come again, none is lost
    assert _run(command, env) == []
