"""Remakes the example recordings in tests/recordings/sandbox/ from the embedded sandbox.

``.venv/bin/python -m tests.recordings.remake`` starts a seeded sandbox on 127.0.0.1, runs one
module of each kind (a search, a get, a create, a trigger, an rpc, "Make an API Call") and
the connection's verify through the real CLI with ``--record``, and stops the sandbox. The
folder is emptied first, so each recording keeps its plain name.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from clientary_sandbox import Sandbox
from runtime.cli import main

FOLDER = Path(__file__).resolve().parent / "sandbox"
TOKEN = "sandbox-token-for-recordings"
RUNS = (
    ("run", "search_clients", "--param", "limit=12"),
    ("run", "get_client", "--param", "id=2"),
    ("run", "create_client", "--param", "name=Jane Doe Design", "--param", "city=Oslo"),
    ("run", "watch_new_invoices", "--start", "all", "--limit", "3"),
    ("run", "make_api_call", "--param", "url=/invoices", "--param", "method=GET"),
    ("rpc", "list_clients"),
    ("verify",),
)


def remake(folder: Path = FOLDER) -> list[Path]:
    shutil.rmtree(folder, ignore_errors=True)
    os.environ.update(CLIENTARY_DOMAIN="acme", CLIENTARY_API_TOKEN=TOKEN)
    os.environ.pop("CLIENTARY_BASE_URL", None)
    with tempfile.TemporaryDirectory() as state, Sandbox(token=TOKEN, seed=8) as sandbox:
        for arguments in RUNS:
            extra = ["--state-dir", state] if "--start" in arguments else []
            code = main(
                [*arguments, *extra, "--base-url", sandbox.base_url, "--record", str(folder)]
            )
            if code != 0:
                raise SystemExit(f"remake: {' '.join(arguments)} exited {code}")
    return sorted(folder.glob("*.json"))


if __name__ == "__main__":
    with open(os.devnull, "w") as nowhere:  # the bundles: the recordings are what matters
        sys.stdout = nowhere
        made = remake()
    for path in made:
        print(path, file=sys.stderr)
