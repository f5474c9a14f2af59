"""Two overlapping runs of one trigger (same state folder, module and account) never emit the
same item: the second waits for the first to commit, then reads the state it left."""

from __future__ import annotations

import fcntl
import json
import subprocess
import time
from pathlib import Path

from clientary_sandbox import Sandbox
from tests import canary
from tests.e2e.test_trigger_crash import PIPE_BYTES, _command, _create_clients, _run


def test_a_second_run_during_a_first_waits_and_emits_no_item_twice(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    command, env = _command(sandbox, tmp_path / "state")
    _create_clients(sandbox, 1)
    _run([*command, "--start", "all"], env)
    new = _create_clients(sandbox, 60)  # far more bundle text than a small pipe holds

    first_log = (tmp_path / "first.err").open("wb")
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=first_log)
    second: subprocess.Popen[bytes] | None = None
    try:
        assert first.stdout is not None
        fcntl.fcntl(first.stdout.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        head = first.stdout.readline()  # the first run is writing, and blocks on the pipe
        second = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(0.5)  # the second run has started and is waiting for the state
        assert second.poll() is None
        rest = first.stdout.read()  # through the same buffer as the line read above
        first.wait(timeout=30)
        second_out, second_err = second.communicate(timeout=30)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        first_log.close()
    first_err = (tmp_path / "first.err").read_bytes()

    for text in (head, rest, first_err, second_out, second_err):
        canary.record(text)
    first_ids = [json.loads(line)["id"] for line in (head + rest).splitlines()]
    second_ids = [json.loads(line)["id"] for line in second_out.splitlines()]
    assert (first.returncode, second.returncode) == (0, 0), first_err + second_err
    assert first_ids == new
    assert second_ids == []  # it read the state the first one committed
    assert b"Traceback" not in first_err + second_err
