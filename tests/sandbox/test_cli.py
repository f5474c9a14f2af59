"""`python -m clientary_sandbox`: startup line, serving, SIGTERM exit 0, host refusal."""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^Clientary sandbox listening on (http://127\.0\.0\.1:\d+) \(token: (\S+)\)$")


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
    with spawn("--port", "0", "--seed", "2", "--plan-limit", "clients=5", "leads=3") as proc:
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
    with spawn("--token", "tok-1") as proc:
        assert first_line(proc).endswith("(token: tok-1)")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=5) == 0


def test_non_loopback_host_refused() -> None:
    with spawn("--host", "0.0.0.0", "--port", "0") as proc:
        _, err = proc.communicate(timeout=10)
        assert proc.returncode == 2
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "non-loopback" in lines[0] and "--allow-remote" in lines[0]


def test_connector_sandbox_is_the_same_command() -> None:
    with spawn("--port", "0", "--token", "t0k3n-for-tests", via=("runtime", "sandbox")) as proc:
        match = LINE.match(first_line(proc))
        assert match, "unexpected startup line"
        url, token = match.groups()
        resp = requests.get(url + "/api/v2/staff.json", auth=(token, token), timeout=5)
        assert resp.status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
