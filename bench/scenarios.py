"""The measured cases: each runs in a fresh subprocess, timed, with its peak RSS and requests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
TOKEN = "bench-token"

MAIN = "main"  # 30,000 records, 1,000 pages, no delay
SMALL = "small"  # 3,000 records, 100 pages, no delay
SLOW = "slow"  # 3,000 records, 100 pages, 50 ms per page


class Server(Protocol):
    """What a case needs of a running bench server."""

    @property
    def base_url(self) -> str: ...

    def reset(self) -> dict[str, int]: ...


class ScenarioError(RuntimeError):
    """A case's process failed, timed out or read the wrong number of records."""


@dataclass(frozen=True, slots=True)
class Case:
    """One command to time; ``{url}`` and ``{state}`` in it are filled in per run."""

    name: str
    label: str
    command: tuple[str, ...]
    server: str | None = None
    records: int | None = None  # expected records (checked on the warm-up run)
    reports_json: bool = False  # prints one JSON line: records, read_seconds, maxrss_kib
    setup: tuple[str, ...] = ()  # an untimed command run first (same placeholders)
    exit_codes: tuple[int, ...] = (0,)  # validate lists problems with 1 and is still timed

    def shown(self) -> str:
        """The command as a reader would type it (paths shortened)."""
        words = [Path(word).name if word.startswith("/") else word for word in self.command]
        return " ".join(words)


@dataclass(slots=True)
class Sample:
    """One timed run of a case."""

    wall: float
    maxrss_kib: int
    requests: int | None = None
    records: int | None = None
    read_seconds: float | None = None
    exit_code: int = 0
    stderr_tail: str = ""


@dataclass(slots=True)
class Results:
    """Every sample of every case, in run order."""

    samples: dict[str, list[Sample]] = field(default_factory=dict)

    def add(self, name: str, sample: Sample) -> None:
        self.samples.setdefault(name, []).append(sample)


def _python() -> str:
    return sys.executable


def _connector() -> str:
    script = Path(sys.executable).parent / "connector"
    return str(script) if script.exists() else "connector"


def build_cases() -> list[list[Case]]:
    """Groups of cases; the first of each group is its baseline. Groups run interleaved."""
    py, cli = _python(), _connector()
    raw, api = str(BENCH / "raw_loop.py"), str(BENCH / "api_read.py")
    stdlib_cli = str(BENCH / "cli_stdlib_json.py")
    search = (cli, "run", "search_clients", "--base-url", "{url}", "--param")
    return [
        [
            Case(
                "raw_30k",
                "raw requests loop, 30,000 records",
                (py, raw, "{url}"),
                MAIN,
                30_000,
                reports_json=True,
            ),
            Case(
                "api_30k",
                "runtime Python API, 30,000 records",
                (py, api, "{url}"),
                MAIN,
                30_000,
                reports_json=True,
            ),
            Case(
                "cli_30k",
                "connector run search_clients limit=30000",
                (*search, "limit=30000"),
                MAIN,
                30_000,
            ),
            Case(
                "cli_30k_stdlib",
                "the same with orjson hidden (stdlib JSON encoder)",
                (py, stdlib_cli, *search[1:], "limit=30000"),
                MAIN,
                30_000,
            ),
        ],
        [
            Case(
                "raw_3k",
                "raw requests loop, 3,000 records",
                (py, raw, "{url}"),
                SMALL,
                3_000,
                reports_json=True,
            ),
            Case(
                "api_3k",
                "runtime Python API, 3,000 records",
                (py, api, "{url}", "--limit", "3000"),
                SMALL,
                3_000,
                reports_json=True,
            ),
            Case(
                "cli_3k",
                "connector run search_clients limit=3000",
                (*search, "limit=3000"),
                SMALL,
                3_000,
            ),
        ],
        [
            Case(
                "raw_1page",
                "raw one-page script (cold)",
                (py, raw, "{url}", "--pages", "1"),
                MAIN,
                30,
                reports_json=True,
            ),
            Case(
                "cli_1page",
                "connector run search_clients limit=30 (cold)",
                (*search, "limit=30"),
                MAIN,
                30,
            ),
            Case(
                "trigger_poll",
                "connector run watch_new_clients, nothing new",
                (cli, "run", "watch_new_clients", "--base-url", "{url}", "--state-dir", "{state}"),
                MAIN,
                0,
                setup=(
                    cli,
                    "run",
                    "watch_new_clients",
                    "--base-url",
                    "{url}",
                    "--state-dir",
                    "{state}",
                    "--start",
                    "now",
                ),
            ),
        ],
        [
            Case("import_requests", 'python -c "import requests"', (py, "-c", "import requests")),
            Case("cli_help", "connector --help", (cli, "--help")),
            Case(
                "cli_validate",
                "connector validate",
                (cli, "validate"),
                exit_codes=(0, 1),
            ),
        ],
        [
            Case(
                "raw_slow",
                "raw loop, 100 pages at 50 ms each",
                (py, raw, "{url}"),
                SLOW,
                3_000,
                reports_json=True,
            ),
            Case(
                "cli_slow",
                "connector run search_clients limit=3000, 50 ms/page",
                (*search, "limit=3000"),
                SLOW,
                3_000,
            ),
            Case(
                "api_slow",
                "runtime Python API, 3,000 records, 50 ms/page",
                (py, api, "{url}", "--limit", "3000"),
                SLOW,
                3_000,
                reports_json=True,
            ),
        ],
    ]


def _environment() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CLIENTARY_BASE_URL", "CLIENTARY_DOMAIN", "CLIENTARY_API_TOKEN")
    }
    env["CLIENTARY_API_TOKEN"] = TOKEN
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def _fill(command: Sequence[str], url: str, state: str) -> list[str]:
    return [word.replace("{url}", url).replace("{state}", state) for word in command]


def _run_timed(
    command: Sequence[str], env: Mapping[str, str], timeout: float, *, capture: bool
) -> tuple[float, int, int, str, str]:
    """Run through bench/spawn.py: (wall seconds, peak RSS KiB, exit code, stdout, stderr tail).

    The launcher (not this process) forks the command, so the child's ru_maxrss does not
    start at this process's resident size; it times only the command itself.
    """
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile(suffix=".json") as result,
    ):
        launcher = [sys.executable, "-S", str(BENCH / "spawn.py"), result.name, str(timeout)]
        process = subprocess.Popen(
            [*launcher, "--", *command],
            cwd=ROOT,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out if capture else subprocess.DEVNULL,
            stderr=err,
        )
        try:
            process.wait(timeout + 15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
            raise ScenarioError(f"{command[0]}: the launcher did not return in time") from None
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read()[-2000:].decode("utf-8", "replace")
        try:
            report = json.loads(Path(result.name).read_text(encoding="utf-8"))
        except ValueError:
            raise ScenarioError(f"{command[0]}: no launcher report; {stderr.strip()}") from None
        code = int(report["exit_code"])
        if report["timed_out"]:
            code = code or -9
            stderr += f"\ntimed out after {timeout:g}s"
        return float(report["wall"]), int(report["maxrss_kib"]), code, stdout, stderr


def run_case(
    case: Case,
    servers: Mapping[str, Server],
    timeout: float,
    *,
    check_output: bool = False,
) -> Sample:
    """One fresh-process run of ``case``; ``check_output`` also counts CLI output lines."""
    env = _environment()
    server = servers[case.server] if case.server else None
    url = server.base_url if server else ""
    with tempfile.TemporaryDirectory(prefix="bench-state-") as state:
        if case.setup:
            _, _, code, _, err = _run_timed(
                _fill(case.setup, url, state), env, timeout, capture=False
            )
            if code != 0:
                raise ScenarioError(f"{case.name} setup exited {code}: {err.strip()}")
        if server is not None:
            server.reset()
        capture = case.reports_json or check_output
        wall, rss, code, out, err = _run_timed(
            _fill(case.command, url, state), env, timeout, capture=capture
        )
        requests = server.reset()["requests"] if server is not None else None
    if code not in case.exit_codes:
        raise ScenarioError(f"{case.name} exited {code} after {wall:.1f}s: {err.strip()}")
    sample = Sample(wall=wall, maxrss_kib=rss, requests=requests, exit_code=code)
    sample.stderr_tail = err.strip()[-300:] if code else ""
    if case.reports_json:
        report = json.loads(out.strip().splitlines()[-1])
        sample.records = int(report["records"])
        sample.read_seconds = float(report["read_seconds"])
    elif check_output and case.records is not None:
        sample.records = sum(1 for line in out.splitlines() if line.strip())
    if case.records is not None and sample.records is not None and sample.records != case.records:
        raise ScenarioError(f"{case.name}: expected {case.records} records, got {sample.records}")
    return sample


def launcher_floor(timeout: float = 10.0) -> float:
    """The peak RSS (KiB) any measured child reports at least: /bin/true through the launcher."""
    return float(_run_timed(["true"], _environment(), timeout, capture=False)[1])
