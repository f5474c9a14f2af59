"""``make run``: a guided scenario through the real CLI against the embedded sandbox.

Starts the sandbox on a free loopback port, runs each step as its own
``connector`` process (exactly what a user would type), prints the command and
the bundles it returned, then stops the sandbox. Exits non-zero if a step fails.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from typing import Any

from clientary_sandbox import Sandbox

TOKEN = "demo-sandbox-token"  # a throwaway token of the local sandbox, not a real credential


def main() -> int:
    today = dt.date.today()
    with Sandbox(token=TOKEN) as sandbox, tempfile.TemporaryDirectory() as state_dir:
        base_url = sandbox.base_url
        env = {**os.environ, "CLIENTARY_BASE_URL": base_url, "CLIENTARY_API_TOKEN": TOKEN}
        env.pop("CLIENTARY_DOMAIN", None)
        print(f"Clientary sandbox running at {base_url} (stopped at the end).")
        print("Each step is a real `connector` command; empty fields are left out below.\n")
        step = Steps(env, state_dir)
        step.run("Check the connection", ["verify"])
        client = step.one(
            "Create a client",
            [
                "run",
                "create_client",
                "--param",
                "name=Acme Corp",
                "--param",
                "number=ACME-1",
                "--param",
                "city=Oslo",
            ],
        )
        step.one(
            "Add a contact to it",
            [
                "run",
                "create_contact",
                "--param",
                f"client_id={client['id']}",
                "--param",
                "name=Ada Lovelace",
                "--param",
                "email=ada@acme.example",
            ],
        )
        step.run(
            "Start watching invoices from now on (first run: nothing yet)",
            ["run", "watch_new_invoices", "--state-dir", state_dir],
        )
        items = [
            {"title": "Design workshop", "quantity": 2, "price": 450},
            {"title": "Hosting (monthly)", "quantity": 1, "price": 49.5},
        ]
        parameters = {
            "client_id": client["id"],
            "date": today.isoformat(),
            "due_date": (today + dt.timedelta(days=30)).isoformat(),
            "currency_code": "USD",
            "title": "Website relaunch",
            "line_items": items,
        }
        step.one(
            "Create an invoice with two items",
            ["run", "create_invoice", "--params", json.dumps(parameters)],
        )
        step.run(
            "Search the client's invoices",
            ["run", "search_invoices", "--param", f"client_id={client['id']}"],
        )
        step.run(
            "Poll the invoice trigger: the new invoice comes out once",
            ["run", "watch_new_invoices", "--state-dir", state_dir],
        )
        step.run("Poll again: nothing new", ["run", "watch_new_invoices", "--state-dir", state_dir])
        step.run(
            "Make an API call the catalog has no module for (staff list)",
            ["run", "make_api_call", "--param", "url=/staff", "--param", "method=GET"],
        )
        step.run("Fill a client drop-down (an RPC)", ["rpc", "list_clients"])
        step.run(
            "Compare what a search returns with its output schema (--check-output)",
            ["run", "search_clients", "--check-output"],
        )
        step.run(
            "See a request without sending it (--dry-run, token masked)",
            [
                "run",
                "update_client",
                "--param",
                f"id={client['id']}",
                "--param",
                "city=Bergen",
                "--dry-run",
            ],
        )
    print(
        "Done: the sandbox is stopped. Try it against your account with CLIENTARY_DOMAIN and "
        "CLIENTARY_API_TOKEN set, or list the modules with: .venv/bin/connector modules"
    )
    return 0


class Steps:
    """Runs numbered steps as separate ``connector`` processes and shows what they printed."""

    def __init__(self, env: dict[str, str], state_dir: str) -> None:
        self._env = env
        self._state_dir = state_dir
        self._number = 0

    def run(self, title: str, arguments: Sequence[str]) -> list[Any]:
        self._number += 1
        shown = " ".join(_quote(argument) for argument in arguments)
        print(f"{self._number}. {title}\n   $ connector {shown}")
        done = subprocess.run(
            [sys.executable, "-m", "runtime", *arguments],
            env=self._env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        for line in done.stderr.splitlines():
            print(f"   (stderr) {line}")
        if done.returncode != 0:
            raise SystemExit(f"step {self._number} failed with exit code {done.returncode}")
        bundles = _parse(done.stdout)
        for bundle in bundles:
            print(_indent(json.dumps(_without_empty(bundle), indent=2, ensure_ascii=False)))
        if not bundles and not done.stderr:
            print("   (no bundles)")
        print()
        return bundles

    def one(self, title: str, arguments: Sequence[str]) -> dict[str, Any]:
        bundles = self.run(title, arguments)
        if len(bundles) != 1 or not isinstance(bundles[0], dict):
            raise SystemExit(f"step {self._number}: expected one bundle, got {len(bundles)}")
        return bundles[0]


def _parse(stdout: str) -> list[Any]:
    text = stdout.strip()
    if not text:
        return []
    if text.startswith("{\n"):  # --dry-run prints one indented object
        return [json.loads(text)]
    return [json.loads(line) for line in text.splitlines()]


def _without_empty(value: Any) -> Any:
    """Bundles without their empty fields, to keep the tour short (the CLI prints them all)."""
    if isinstance(value, dict):
        kept = {key: _without_empty(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in ("", None, [], {})}
    if isinstance(value, list):
        return [_without_empty(item) for item in value]
    return value


def _quote(argument: str) -> str:
    return f"'{argument}'" if any(char in argument for char in ' {}"[]') else argument


def _indent(text: str) -> str:
    return "\n".join(f"   {line}" for line in text.splitlines())


if __name__ == "__main__":
    raise SystemExit(main())
