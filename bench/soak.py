"""``make soak``: eight CLI processes at once against one sandbox, for a while; then the books.

Workers, each a loop of real ``connector`` processes for ``--seconds``:

- two creators of clients (the items the triggers must hand out, each exactly once);
- two runs of the SAME trigger, ``watch_new_clients``, sharing one state folder: they
  overlap all the time, so the state lock decides who polls;
- a search, a get, an update and an RPC, reading and writing beside them.

At the end one more poll drains the trigger, and the report counts runs, errors by type,
duplicates (an id two trigger runs both emitted) and losses (a created client no trigger
run emitted). Every number must be 0 but the refused overlapping runs (StateError "another
run"); the sandbox's consistency check must find nothing. Exit 1 otherwise.
Not part of ``make test``: it runs for a minute, on purpose.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from clientary_sandbox import Sandbox

TOKEN = "soak-sandbox-token"  # the local sandbox's throwaway token
TRIGGER = "watch_new_clients"
REFUSED = "another run of this trigger"
PIPE_BYTES = 4096  # the smallest pipe Linux allows: a trigger's bundles fill it at once
SLOW_READ_SECONDS = 0.02
_ERROR = re.compile(r"^error: (\w+):", re.MULTILINE)


@dataclass
class Books:
    """What every worker saw, kept under one lock."""

    runs: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    refused: int = 0
    created: set[int] = field(default_factory=set)
    emitted: Counter[int] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)  # the first few unexpected errors
    lock: threading.Lock = field(default_factory=threading.Lock)


class Soak:
    def __init__(self, sandbox: Sandbox, state_dir: str, books: Books) -> None:
        self.books = books
        self.state_dir = state_dir
        self.env = {
            **os.environ,
            "CLIENTARY_BASE_URL": sandbox.base_url,
            "CLIENTARY_API_TOKEN": TOKEN,
        }
        self.env.pop("CLIENTARY_DOMAIN", None)

    def connector(
        self, worker: str, *arguments: str, slow_reader: bool = False
    ) -> list[dict[str, object]]:
        """One ``connector`` process; its bundles, with its outcome entered in the books.

        A slow reader takes its output through a small pipe a line at a time, so the
        process blocks while writing its bundles: for a trigger, between reading its state
        and committing the next one, which is where two overlapping runs could collide.
        """
        with (
            tempfile.TemporaryFile() as errors,
            subprocess.Popen(
                [sys.executable, "-m", "runtime", *arguments],
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=errors,
            ) as process,
        ):
            assert process.stdout is not None
            if slow_reader:
                fcntl.fcntl(process.stdout.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
            lines = []
            for line in process.stdout:
                lines.append(line)
                if slow_reader:
                    time.sleep(SLOW_READ_SECONDS)
            code = process.wait(timeout=120)
            errors.seek(0)
            stderr = errors.read().decode("utf-8", "replace")
        bundles = [json.loads(line) for line in lines if line.strip()]
        with self.books.lock:
            self.books.runs[worker] += 1
            if code == 0:
                return bundles
            if REFUSED in stderr:
                self.books.refused += 1
                return bundles
            kind = _ERROR.search(stderr)
            self.books.errors[kind.group(1) if kind else f"exit {code}"] += 1
            if len(self.books.samples) < 5:
                self.books.samples.append(f"{worker}: {stderr.strip()[:300]}")
        return bundles

    def create(self, worker: str) -> None:
        name = f"Soak {worker} {random.randrange(10**9)}"
        for bundle in self.connector(worker, "run", "create_client", "--param", f"name={name}"):
            with self.books.lock:
                self.books.created.add(int(str(bundle["id"])))

    def watch(self, worker: str) -> None:
        arguments = ["run", TRIGGER, "--state-dir", self.state_dir, "--limit", "25"]
        for bundle in self.connector(worker, *arguments, slow_reader=worker != "drain"):
            with self.books.lock:
                self.books.emitted[int(str(bundle["id"]))] += 1

    def some_client(self) -> int:
        with self.books.lock:
            known = sorted(self.books.created) or [1]
        return random.choice(known)

    def workers(self) -> dict[str, Callable[[], object]]:
        """Each worker's one step; a loop repeats it until the time is up."""
        return {
            "create-1": lambda: self.create("create-1"),
            "create-2": lambda: self.create("create-2"),
            "watch-1": lambda: self.watch("watch-1"),
            "watch-2": lambda: self.watch("watch-2"),
            "search": lambda: self.connector(
                "search", "run", "search_clients", "--param", "limit=40"
            ),
            "get": lambda: self.connector(
                "get", "run", "get_client", f"--param=id={self.some_client()}"
            ),
            "update": lambda: self.connector(
                "update",
                "run",
                "update_client",
                f"--param=id={self.some_client()}",
                f"--param=description=touched at {time.time():.0f}",
            ),
            "rpc": lambda: self.connector("rpc", "rpc", "list_clients"),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="how long (default 60)")
    options = parser.parse_args(argv)
    random.seed(7)
    books = Books()
    with Sandbox(token=TOKEN, seed=5) as sandbox, tempfile.TemporaryDirectory() as state_dir:
        soak = Soak(sandbox, state_dir, books)
        soak.connector("start", "run", TRIGGER, "--state-dir", state_dir, "--start", "now")
        stop_at = time.monotonic() + options.seconds

        def loop(work: Callable[[], object]) -> None:
            while time.monotonic() < stop_at:
                work()

        threads = [
            threading.Thread(target=loop, args=(work,), name=name, daemon=True)
            for name, work in soak.workers().items()
        ]
        print(f"soak: {len(threads)} workers for {options.seconds:g} s against {sandbox.base_url}")
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for _ in range(100):  # drain: whatever the limits held back comes now
            before = sum(books.emitted.values())
            soak.watch("drain")
            if sum(books.emitted.values()) == before:
                break
        elapsed = time.monotonic() - started
        problems = sandbox.store.consistency_problems()
    return report(books, elapsed, problems)


def report(books: Books, elapsed: float, problems: list[str]) -> int:
    duplicates = sorted(item for item, times in books.emitted.items() if times > 1)
    lost = sorted(books.created - set(books.emitted))
    total = sum(books.runs.values())
    per_worker = ", ".join(f"{worker} {count}" for worker, count in sorted(books.runs.items()))
    print(f"runs: {total} in {elapsed:.0f} s ({per_worker})")
    print(f"refused overlapping trigger runs (expected): {books.refused}")
    errors = ", ".join(f"{kind} {count}" for kind, count in books.errors.most_common()) or "none"
    print(f"errors by type: {errors}")
    print(f"clients created: {len(books.created)}; emitted by the trigger: {len(books.emitted)}")
    print(f"duplicates: {len(duplicates)}{' ' + str(duplicates[:10]) if duplicates else ''}")
    print(f"losses: {len(lost)}{' ' + str(lost[:10]) if lost else ''}")
    print(f"sandbox consistency: {'ok' if not problems else '; '.join(problems)}")
    for sample in books.samples:
        print(f"  {sample}")
    failed = bool(books.errors or duplicates or lost or problems)
    print("soak: FAILED" if failed else "soak: ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
