"""--seed: the same records for a given seed as before seeding was made fast, and progress.

The fingerprint below was recorded from the seeding code as it was before the speed-up
(quadratic, one full-table JSON scan per unique check and per invoice number): a change that
alters any seeded record, id or id sequence changes the hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import pty
import re
import selectors
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from clientary_sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]
# sha256 of dump() for seed 50, recorded on the code before the speed-up (85,066 characters)
SEED_50_SHA256 = "15dd82853aa5a6e5fa9668bf6c7cee2e5d8087288e7081c88056689a3b42c37b"
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def _normalised(value: Any, year: str) -> Any:
    """Timestamps and the current year vary from run to run; everything else must not."""
    if isinstance(value, dict):
        return {k: _normalised(v, year) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v, year) for v in value]
    if isinstance(value, str):
        if STAMP.match(value):
            return "<now>"
        if value.startswith(year + "-"):
            return "<year>" + value[4:]
    return value


def dump(db_path: Path) -> str:
    """Every stored record and id sequence of a sandbox database, as canonical JSON."""
    year = str(datetime.now(UTC).year)
    con = sqlite3.connect(db_path)
    try:
        rows = [
            [resource, record_id, _normalised(json.loads(doc), year)]
            for resource, record_id, doc in con.execute(
                "SELECT resource, id, doc FROM records ORDER BY resource, id"
            )
        ]
        sequences = con.execute(
            "SELECT resource, last_id FROM sequences ORDER BY resource"
        ).fetchall()
    finally:
        con.close()
    return json.dumps({"records": rows, "sequences": sequences}, sort_keys=True)


def test_seed_50_gives_the_records_it_gave_before(tmp_path: Path) -> None:
    db = tmp_path / "seed.sqlite"
    Sandbox(db_path=str(db), seed=50).close()
    text = dump(db)
    assert len(text) == 85_066
    assert hashlib.sha256(text.encode()).hexdigest() == SEED_50_SHA256


def test_progress_callback_sees_every_client_once() -> None:
    seen: list[tuple[int, int]] = []
    Sandbox(seed=7, progress=lambda done, total: seen.append((done, total))).close()
    assert seen == [(i, 7) for i in range(1, 8)]


def _run_until_listening(
    args: list[str], stderr: int, timeout: float = 60
) -> tuple[subprocess.Popen[str], str]:
    """Start the sandbox CLI, wait for its listening line on stdout, return it."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "runtime", "sandbox", "--port", "0", *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            proc.kill()
            proc.wait(timeout=5)
            raise AssertionError("no listening line within the timeout")
    return proc, proc.stdout.readline()


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    proc.wait(timeout=10)


def test_seeding_says_what_it_did_in_one_stderr_line_when_not_a_terminal() -> None:
    proc, line = _run_until_listening(["--seed", "30"], stderr=subprocess.PIPE)
    try:
        assert line.startswith("Clientary sandbox listening on http://127.0.0.1:")
    finally:
        _stop(proc)
    assert proc.stderr is not None
    seeding = [x for x in proc.stderr.read().splitlines() if "seed" in x]
    assert len(seeding) == 1, seeding
    assert re.fullmatch(r"seeded 30 clients \([\d,]+ records\) in \d+\.\d s", seeding[0])


def _read_pty(fd: int, until: bytes, timeout: float = 60) -> bytes:
    """Read a pseudo-terminal until `until` appears (or the timeout passes)."""
    data = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while until not in data and time.monotonic() < deadline:
            if sel.select(max(deadline - time.monotonic(), 0)):
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # the other end closed
                    break
                if not chunk:
                    break
                data += chunk
    return data


def test_seeding_shows_a_progress_line_on_a_terminal_and_clears_it() -> None:
    leader, follower = pty.openpty()
    try:
        proc, line = _run_until_listening(["--seed", "250"], stderr=follower)
        try:
            assert line.startswith("Clientary sandbox listening on")
            shown = _read_pty(leader, b"seeded 250 clients")
            shown += _read_pty(leader, b"\n", timeout=5)
        finally:
            _stop(proc)
    finally:
        os.close(follower)
        os.close(leader)
    text = shown.decode()
    assert "\rseeding clients: 100/250" in text and "\rseeding clients: 250/250" in text
    assert "\r\x1b[K" in text  # the progress line is erased before the summary
    assert re.search(r"seeded 250 clients \([\d,]+ records\) in \d+\.\d s", text)


def test_an_already_seeded_db_is_kept_and_says_so(tmp_path: Path) -> None:
    db = str(tmp_path / "kept.sqlite")
    Sandbox(db_path=db, seed=2).close()
    proc, _ = _run_until_listening(["--db", db, "--seed", "5"], stderr=subprocess.PIPE)
    _stop(proc)
    assert proc.stderr is not None
    err = proc.stderr.read()
    assert "--seed 5 ignored" in err and "already holds data" in err
    assert not any(line.startswith("seeded") for line in err.splitlines())


def test_seeding_decodes_a_bounded_number_of_records_per_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Seeding used to decode every stored record of a resource on each create (a unique
    number check, the next invoice number): quadratic, 133 s for 3,000 clients. Counting
    decoded records instead of timing: ten times the clients, about ten times the work."""
    decoded = 0
    real_loads = json.loads

    def counting_loads(text: str) -> Any:
        nonlocal decoded
        decoded += 1
        return real_loads(text)

    monkeypatch.setattr(json, "loads", counting_loads)  # the store decodes with json.loads
    counts = []
    for clients in (20, 200):
        decoded = 0
        Sandbox(seed=clients).close()
        counts.append(decoded)
    assert counts[1] <= 11 * max(counts[0], 1), counts
