"""`make run`'s scenario runs to the end and shows what each step returned."""

from __future__ import annotations

import subprocess
import sys

from tests import canary
from tests.conftest import REPO


def test_the_guided_scenario_runs_and_stops_its_sandbox() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "runtime.cli.demo"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    canary.record(done.stdout + done.stderr)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    out = done.stdout
    assert "2. Create a client" in out and '"name": "Acme Corp"' in out
    assert '"title": "Design workshop"' in out  # the invoice with its two items
    assert '"label": "Acme Corp (ACME-1)"' in out  # the RPC
    assert "(stderr) check-output: search_clients: 1 bundle(s): 0 problem(s)" in out
    assert "Poll again: nothing new\n   $ connector run watch_new_invoices" in out
    assert out.rstrip().endswith(".venv/bin/connector modules")
