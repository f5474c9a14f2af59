"""`python -m clientary_sandbox` / `connector sandbox`: startup line, token shown only when
asked, serving, SIGTERM exit 0, host refusal, program name in --help."""

from __future__ import annotations

import os
import re
import selectors
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^Clientary sandbox listening on (http://127\.0\.0\.1:\d+) \(token: (\S+)\)$")
QUIET_LINE = re.compile(r"^Clientary sandbox listening on (http://127\.0\.0\.1:\d+)$")


@contextmanager
def spawn(
    *args: str, via: tuple[str, ...] = ("clientary_sandbox",)
) -> Iterator[subprocess.Popen[str]]:
    """The sandbox as a subprocess; killed on the way out if the test left it running."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", *via, *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)


def first_line(proc: subprocess.Popen[str], timeout: float = 10) -> str:
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        assert sel.select(timeout), "no startup line within timeout"
    return proc.stdout.readline().rstrip("\n")


def test_serves_and_stops_on_sigterm() -> None:
    with spawn(
        "--port", "0", "--seed", "2", "--plan-limit", "clients=5", "leads=3", "--show-token"
    ) as proc:
        match = LINE.match(first_line(proc))
        assert match, "unexpected startup line"
        url, token = match.groups()
        assert token == "sandbox-token"
        resp = requests.get(
            url + "/api/v2/staff",
            auth=(token, token),
            headers={"Accept": "application/json"},
            timeout=5,
        )
        assert resp.status_code == 200
        assert len(resp.json()["staff"]) >= 2
        clients = requests.get(url + "/api/v2/clients.json", auth=(token, token), timeout=5)
        assert clients.json()["total_count"] == 2
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
        assert proc.stdout is not None and proc.stdout.read() == ""  # exactly one line


def test_sigint_exits_0() -> None:
    with spawn("--token", "tok-1", "--show-token") as proc:
        assert first_line(proc).endswith("(token: tok-1)")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=5) == 0


def test_non_loopback_host_refused() -> None:
    with spawn("--host", "0.0.0.0", "--port", "0") as proc:
        _, err = proc.communicate(timeout=10)
        assert proc.returncode == 2
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "non-loopback" in lines[0] and "--allow-remote" in lines[0]


def test_connector_sandbox_is_the_same_command_and_keeps_the_token_to_itself() -> None:
    token = "t0k3n-for-tests"
    with spawn("--port", "0", "--token", token, via=("runtime", "sandbox")) as proc:
        match = QUIET_LINE.match(first_line(proc))
        assert match, "unexpected startup line"
        resp = requests.get(match.group(1) + "/api/v2/staff.json", auth=(token, token), timeout=5)
        assert resp.status_code == 200
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=5)
        assert proc.returncode == 0
    assert token not in out and token not in err
    assert "the token given with --token" in err and "--show-token" in err


def test_the_default_token_is_not_printed_either() -> None:
    with spawn("--port", "0") as proc:
        assert QUIET_LINE.match(first_line(proc)), "unexpected startup line"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=5)
    assert "sandbox-token" not in out and "sandbox-token" not in err
    assert "default token" in err and "--show-token" in err


def test_help_names_the_command_the_user_typed() -> None:
    for via, usage in [
        (("runtime", "sandbox"), "usage: connector sandbox "),
        (("clientary_sandbox",), "usage: python -m clientary_sandbox "),
    ]:
        with spawn("--help", via=via) as proc:
            out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0
        assert out.startswith(usage), out.splitlines()[:1]
        assert "--show-token" in out


def test_a_db_that_cannot_be_opened_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("not a database, just text\n" * 100)
    for db in (str(tmp_path / "missing-dir" / "x.sqlite"), str(not_sqlite)):
        with spawn("--db", db) as proc:
            out, err = proc.communicate(timeout=30)
        assert proc.returncode == 2, err
        assert out == "" and "Traceback" not in err
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: SandboxError: --db {db}: ")


def test_a_port_in_use_is_one_line_not_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        with spawn("--port", port) as proc:
            out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2, err
    assert out == "" and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: SandboxError: --port {port}: ")


def test_a_negative_seed_is_a_usage_error() -> None:
    with spawn("--seed", "-5") as proc:
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert "--seed: expected a number of clients, 0 or more; got '-5'" in err
